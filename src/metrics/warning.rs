//! What the metrics stage warns of, with the figures it found; the report words them
//! (`report::warnings`), in one place with the other stages' warnings.

use chrono::NaiveDate;

use crate::spec::Period;

#[derive(Debug, Clone, PartialEq)]
pub enum MetricWarning {
    /// `rows` rows of `source`, dated `first` to `last`, lie after `today`: left out.
    AfterToday {
        source: String,
        rows: u64,
        first: NaiveDate,
        last: NaiveDate,
        today: NaiveDate,
    },
    /// `rows` rows of `source` lie more than a year from the rest of its data: left out.
    FarFromTheRest {
        source: String,
        rows: u64,
        first: NaiveDate,
        last: NaiveDate,
    },
    /// No source has rows in the reported `period`; the data covers `covered`, if any.
    NoRowsInPeriod {
        period: Period,
        covered: Option<(NaiveDate, NaiveDate)>,
    },
    /// A sum or mean of `kpi` in `period` was past what a number holds.
    Overflow { kpi: String, period: Period },
}
