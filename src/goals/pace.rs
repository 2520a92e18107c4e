//! Partial periods: when a KPI's data ends inside the reported period, an additive KPI is
//! projected to the period's end at the pace so far.

use chrono::NaiveDate;
use serde::Serialize;

use crate::spec::Period;

/// How much of the period a KPI's data covers, and where its pace would take it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pace {
    /// Days of the period with data, counted from its first day.
    pub days: u32,
    pub period_days: u32,
    /// The value at the same daily pace over the whole period; only for additive KPIs.
    pub projected: Option<f64>,
}

/// The pace of a KPI whose data ends on `end`, inside `period`; `None` when the data
/// covers the whole period (or none of it).
pub fn pace(period: Period, end: Option<NaiveDate>, value: Option<f64>, additive: bool) -> Option<Pace> {
    let end = end.filter(|end| *end >= period.start && *end < period.end())?;
    let days = u32::try_from((end - period.start).num_days() + 1).ok()?;
    let period_days = period.days();
    Some(Pace {
        days,
        period_days,
        projected: value
            .filter(|_| additive)
            .map(|v| v * f64::from(period_days) / f64::from(days)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Grain;

    fn day(m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2026, m, d)
    }

    #[test]
    fn an_additive_kpi_is_projected_at_its_daily_pace() {
        let october = Period::parse(Grain::Month, "2026-10").unwrap();
        // 40 leads in 10 of 31 days: 4 a day, 124 by the 31st.
        let pace = pace(october, day(10, 10), Some(40.0), true).unwrap();
        assert_eq!((pace.days, pace.period_days), (10, 31));
        assert_eq!(pace.projected, Some(124.0));
    }

    #[test]
    fn ratios_get_the_coverage_but_no_projection() {
        let october = Period::parse(Grain::Month, "2026-10").unwrap();
        let pace = pace(october, day(10, 15), Some(0.05), false).unwrap();
        assert_eq!((pace.days, pace.projected), (15, None));
    }

    #[test]
    fn a_complete_period_has_no_pace() {
        let october = Period::parse(Grain::Month, "2026-10").unwrap();
        assert_eq!(pace(october, day(10, 31), Some(1.0), true), None);
        assert_eq!(pace(october, day(11, 5), Some(1.0), true), None);
        assert_eq!(pace(october, day(9, 30), Some(1.0), true), None);
        let q4 = Period::parse(Grain::Quarter, "2026-Q4").unwrap();
        // 46 of Q4's 92 days: half the quarter, so the value doubles.
        assert_eq!(pace(q4, day(11, 15), Some(50.0), true).unwrap().projected, Some(100.0));
    }
}
