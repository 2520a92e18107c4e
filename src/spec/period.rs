//! Reporting periods: a grain (month, week, quarter) and the day the period starts.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Month,
    Week,
    Quarter,
}

impl Grain {
    pub const NAMES: [&'static str; 3] = ["month", "week", "quarter"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "month" => Some(Self::Month),
            "week" => Some(Self::Week),
            "quarter" => Some(Self::Quarter),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The `every` argument of polars' `dt.truncate` for this grain.
    pub fn polars_every(self) -> &'static str {
        match self {
            Self::Month => "1mo",
            Self::Week => "1w",
            Self::Quarter => "1q",
        }
    }
}

/// A length that benchmark figures are given per (`per: week`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    Day,
    Week,
    Month,
    Quarter,
}

impl Per {
    pub const NAMES: [&'static str; 4] = ["day", "week", "month", "quarter"];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "day" => Some(Self::Day),
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Its days; months and quarters of the average Gregorian year, since a benchmark
    /// names no particular month.
    pub fn days(self) -> f64 {
        match self {
            Self::Day => 1.0,
            Self::Week => 7.0,
            Self::Month => 365.25 / 12.0,
            Self::Quarter => 365.25 / 4.0,
        }
    }

    /// Whether it is the length of a `grain` period.
    pub fn is(self, grain: Grain) -> bool {
        self.name() == grain.name()
    }
}

/// One reporting period. Weeks are ISO weeks, starting on Monday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub start: NaiveDate,
    pub grain: Grain,
}

impl Period {
    /// The period of `grain` that contains `date`.
    pub fn containing(grain: Grain, date: NaiveDate) -> Self {
        let start = match grain {
            Grain::Month => date.with_day(1),
            Grain::Week => date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday()))),
            Grain::Quarter => NaiveDate::from_ymd_opt(date.year(), (date.month0() / 3) * 3 + 1, 1),
        }
        .expect("the start of a period that contains a valid date is valid");
        Self { start, grain }
    }

    /// Parses `2026-10`, `2026-W43` or `2026-Q4` for the given grain.
    pub fn parse(grain: Grain, text: &str) -> Option<Self> {
        let text = text.trim();
        let date = match grain {
            Grain::Month => NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()?,
            Grain::Week => {
                let (year, week) = text.split_once(['W', 'w'])?;
                let year: i32 = year.trim_end_matches('-').parse().ok()?;
                NaiveDate::from_isoywd_opt(year, week.parse().ok()?, Weekday::Mon)?
            }
            Grain::Quarter => {
                let (year, quarter) = text.split_once(['Q', 'q'])?;
                let year: i32 = year.trim_end_matches('-').parse().ok()?;
                let quarter: u32 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?
            }
        };
        Some(Self::containing(grain, date))
    }

    /// What a period is called in specs, on the command line and in file names.
    pub fn label(&self) -> String {
        match self.grain {
            Grain::Month => self.start.format("%Y-%m").to_string(),
            Grain::Week => {
                let week = self.start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Grain::Quarter => format!("{}-Q{}", self.start.year(), self.start.month0() / 3 + 1),
        }
    }

    pub fn next(&self) -> Self {
        let start = match self.grain {
            Grain::Month => self.start + Months::new(1),
            Grain::Week => self.start + Days::new(7),
            Grain::Quarter => self.start + Months::new(3),
        };
        Self {
            start,
            grain: self.grain,
        }
    }

    pub fn previous(&self) -> Self {
        let start = match self.grain {
            Grain::Month => self.start - Months::new(1),
            Grain::Week => self.start - Days::new(7),
            Grain::Quarter => self.start - Months::new(3),
        };
        Self {
            start,
            grain: self.grain,
        }
    }

    /// The same period a year earlier: the month or quarter of the year before, or the
    /// ISO week of the same number in the ISO year before (its week 52 for a week 53).
    pub fn year_earlier(&self) -> Self {
        match self.grain {
            Grain::Month | Grain::Quarter => Self {
                start: self.start - Months::new(12),
                grain: self.grain,
            },
            Grain::Week => {
                let week = self.start.iso_week();
                let earlier = NaiveDate::from_isoywd_opt(week.year() - 1, week.week(), Weekday::Mon)
                    .or_else(|| NaiveDate::from_isoywd_opt(week.year() - 1, 52, Weekday::Mon))
                    .expect("every ISO year has a week 52");
                Self::containing(Grain::Week, earlier)
            }
        }
    }

    /// The last day of the period.
    pub fn end(&self) -> NaiveDate {
        self.next().start.pred_opt().expect("a period's end follows its start")
    }

    pub fn days(&self) -> u32 {
        (self.next().start - self.start).num_days() as u32
    }

    /// The periods from `self` to `last`, both included.
    pub fn through(self, last: Period) -> impl Iterator<Item = Period> {
        std::iter::successors(Some(self), |p| Some(p.next())).take_while(move |p| *p <= last)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_back_their_names_and_match_grains_by_name() {
        for name in Per::NAMES {
            assert_eq!(Per::parse(name).map(Per::name), Some(name));
        }
        assert!(Per::Week.is(Grain::Week) && !Per::Day.is(Grain::Month));
        assert_eq!(Per::parse("fortnight"), None);
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn labels_round_trip() {
        for (grain, label) in [
            (Grain::Month, "2026-10"),
            (Grain::Week, "2026-W43"),
            (Grain::Quarter, "2026-Q4"),
        ] {
            assert_eq!(Period::parse(grain, label).unwrap().label(), label);
        }
    }

    #[test]
    fn periods_contain_their_dates() {
        assert_eq!(
            Period::containing(Grain::Month, date(2026, 10, 17)).start,
            date(2026, 10, 1)
        );
        assert_eq!(
            Period::containing(Grain::Week, date(2026, 10, 22)).start,
            date(2026, 10, 19)
        );
        assert_eq!(
            Period::containing(Grain::Quarter, date(2026, 11, 5)).start,
            date(2026, 10, 1)
        );
    }

    #[test]
    fn ends_and_lengths() {
        let february = Period::parse(Grain::Month, "2028-02").unwrap();
        assert_eq!(february.end(), date(2028, 2, 29));
        assert_eq!(february.days(), 29);
        assert_eq!(Period::parse(Grain::Quarter, "2026-Q4").unwrap().days(), 92);
        assert_eq!(
            Period::parse(Grain::Month, "2026-01").unwrap().previous().label(),
            "2025-12"
        );
    }

    #[test]
    fn bad_labels_are_rejected() {
        assert!(Period::parse(Grain::Month, "2026-13").is_none());
        assert!(Period::parse(Grain::Quarter, "2026-Q5").is_none());
        assert!(Period::parse(Grain::Week, "2026-10").is_none());
    }

    #[test]
    fn a_year_earlier_is_the_same_month_quarter_or_week_number() {
        let month = Period::parse(Grain::Month, "2026-10").unwrap();
        assert_eq!(month.year_earlier().label(), "2025-10");
        let quarter = Period::parse(Grain::Quarter, "2026-Q1").unwrap();
        assert_eq!(quarter.year_earlier().label(), "2025-Q1");
        let week = Period::parse(Grain::Week, "2026-W43").unwrap();
        assert_eq!(week.year_earlier().label(), "2025-W43");
        let long_year = Period::parse(Grain::Week, "2026-W53").unwrap();
        assert_eq!(long_year.year_earlier().label(), "2025-W52");
    }
}
