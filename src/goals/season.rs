//! Seasonality windows: how much of a period each window covers, and the target they
//! make of a base target, pro rata by days.

use chrono::{Datelike, NaiveDate};

use crate::spec::{Factor, Period, Window, WindowDates};

/// One window's part in a period's target.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub name: String,
    /// Days of the period the window covers.
    pub days: u32,
    pub factor: Factor,
}

/// `base` adjusted by every window that covers part of `period` and names `kpi` (or
/// `"*"`), in the spec's order, and the windows that did it. A window over `d` of the
/// period's `D` days moves the target `d/D` of the way: ×m becomes ×(1 + (m − 1)·d/D)
/// and an absolute `a` becomes `base + (a − base)·d/D`. Overlapping windows multiply.
pub fn adjust(windows: &[Window], kpi: &str, period: Period, base: f64) -> (f64, Vec<Applied>) {
    let mut value = base;
    let mut applied = Vec::new();
    for window in windows {
        let Some(factor) = window.targets.get(kpi).or_else(|| window.targets.get("*")) else {
            continue;
        };
        let days = days_in(window, period);
        if days == 0 {
            continue;
        }
        let share = f64::from(days) / f64::from(period.days());
        value = match *factor {
            Factor::Multiply(m) => value * (1.0 + (m - 1.0) * share),
            Factor::Absolute(a) => value + (a - value) * share,
        };
        applied.push(Applied {
            name: window.name.clone(),
            days,
            factor: *factor,
        });
    }
    (value, applied)
}

/// Days of `period` that `window` covers.
pub fn days_in(window: &Window, period: Period) -> u32 {
    period_days(period).filter(|day| contains(&window.when, *day)).count() as u32
}

fn period_days(period: Period) -> impl Iterator<Item = NaiveDate> {
    period.start.iter_days().take(period.days() as usize)
}

/// Whether `day` falls in the window. A yearly window whose end comes before its start
/// in the calendar runs over New Year (`12-25` to `01-05`).
pub fn contains(when: &WindowDates, day: NaiveDate) -> bool {
    match when {
        WindowDates::Yearly { from, to } => {
            let md = (day.month(), day.day());
            if from <= to {
                *from <= md && md <= *to
            } else {
                md >= *from || md <= *to
            }
        }
        WindowDates::Once { from, to } => *from <= day && day <= *to,
        WindowDates::Months(months) => months.contains(&day.month()),
    }
}

/// The unbroken runs of days from `first` to `last` that `window` covers: what a chart
/// shades.
pub fn occurrences(window: &Window, first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for day in first.iter_days().take_while(|d| *d <= last) {
        if !contains(&window.when, day) {
            continue;
        }
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(day) => *end = day,
            _ => runs.push((day, day)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::spec::Grain;

    fn month(label: &str) -> Period {
        Period::parse(Grain::Month, label).unwrap()
    }

    fn yearly(name: &str, from: (u32, u32), to: (u32, u32), targets: &[(&str, Factor)]) -> Window {
        Window {
            name: name.into(),
            when: WindowDates::Yearly { from, to },
            targets: targets
                .iter()
                .map(|(k, f)| ((*k).to_owned(), *f))
                .collect::<IndexMap<_, _>>(),
        }
    }

    fn adjusted(windows: Vec<Window>, kpi: &str, period: Period, base: f64) -> f64 {
        adjust(&windows, kpi, period, base).0
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_window_over_part_of_a_month_counts_its_days() {
        // 22 to 31 October: 10 of 31 days at x1.5 gives 1 + 0.5 × 10/31.
        let w = yearly("sale", (10, 22), (10, 31), &[("leads", Factor::Multiply(1.5))]);
        assert_eq!(days_in(&w, month("2026-10")), 10);
        assert!(close(
            adjusted(vec![w], "leads", month("2026-10"), 100.0),
            100.0 * (1.0 + 0.5 * 10.0 / 31.0)
        ));
    }

    #[test]
    fn a_window_at_a_period_edge_counts_only_the_days_inside() {
        // 28 Sep to 3 Oct: 3 days of September's 30, 3 days of October's 31.
        let w = yearly("edge", (9, 28), (10, 3), &[("*", Factor::Multiply(1.3))]);
        assert_eq!(days_in(&w, month("2026-09")), 3);
        assert_eq!(days_in(&w, month("2026-10")), 3);
        assert!(close(adjusted(vec![w], "er", month("2026-09"), 0.05), 0.05 * 1.03));
    }

    #[test]
    fn a_yearly_window_runs_across_new_year() {
        // 25 December to 5 January: 7 days of December, 5 of January, none of February.
        let w = yearly("holidays", (12, 25), (1, 5), &[("*", Factor::Multiply(0.5))]);
        assert_eq!(days_in(&w, month("2026-12")), 7);
        assert_eq!(days_in(&w, month("2027-01")), 5);
        assert_eq!(days_in(&w, month("2027-02")), 0);
        assert!(close(
            adjusted(vec![w], "leads", month("2027-01"), 62.0),
            62.0 * (1.0 - 0.5 * 5.0 / 31.0)
        ));
        let once = Window {
            name: "once".into(),
            when: WindowDates::Once {
                from: NaiveDate::from_ymd_opt(2026, 12, 30).unwrap(),
                to: NaiveDate::from_ymd_opt(2027, 1, 2).unwrap(),
            },
            targets: IndexMap::new(),
        };
        assert_eq!(days_in(&once, month("2026-12")), 2);
        assert_eq!(days_in(&once, month("2027-01")), 2);
        assert_eq!(days_in(&once, month("2027-12")), 0);
    }

    #[test]
    fn overlapping_windows_multiply() {
        // All of November at x1.2, and 20–30 November (11 of 30 days) at x1.5:
        // 1.2 × (1 + 0.5 × 11/30) = 1.2 × 1.183333 = 1.42.
        let windows = vec![
            yearly("autumn", (11, 1), (11, 30), &[("*", Factor::Multiply(1.2))]),
            yearly("black friday", (11, 20), (11, 30), &[("leads", Factor::Multiply(1.5))]),
        ];
        assert!(close(
            adjusted(windows.clone(), "leads", month("2026-11"), 100.0),
            142.0
        ));
        assert!(close(adjusted(windows, "er", month("2026-11"), 100.0), 120.0));
    }

    #[test]
    fn an_absolute_target_counts_pro_rata_too() {
        // 500 as the target for 15 of 30 days, 300 otherwise: 400.
        let w = yearly("promo", (6, 16), (6, 30), &[("leads", Factor::Absolute(500.0))]);
        assert!(close(adjusted(vec![w], "leads", month("2026-06"), 300.0), 400.0));
    }

    #[test]
    fn month_windows_cover_weeks_that_straddle_them() {
        // The week of 31 Aug 2026 (Monday) to 6 Sep: one day in August.
        let w = Window {
            name: "summer".into(),
            when: WindowDates::Months(vec![6, 7, 8]),
            targets: IndexMap::new(),
        };
        let week = Period::parse(Grain::Week, "2026-W36").unwrap();
        assert_eq!(week.start, NaiveDate::from_ymd_opt(2026, 8, 31).unwrap());
        assert_eq!(days_in(&w, week), 1);
    }

    #[test]
    fn occurrences_are_runs_of_days() {
        let w = yearly("holidays", (12, 25), (1, 5), &[]);
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(
            occurrences(&w, first, last),
            vec![(d(1, 1), d(1, 5)), (d(12, 25), d(12, 31))]
        );
    }
}
