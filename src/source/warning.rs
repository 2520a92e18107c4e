//! What the source stage warns of, with the figures it found; the report words them
//! (`report::warnings`), in one place with the other stages' warnings.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum SourceWarning {
    /// A preset that follows no real export: none was found in public material.
    UnverifiedPreset { source: String, preset: String },
    /// `replaced` of the `rows` rows of `file` are also in a newer file, and were taken
    /// from it.
    Replaced {
        source: String,
        file: String,
        replaced: usize,
        rows: usize,
        newest: String,
    },
    /// Rows of `file` without a date (a summary row, an unlisted video), left out.
    Undated { source: String, file: String, rows: usize },
    /// Days between the source's files that none covers.
    Gap {
        source: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// A database's columns of types kpipress does not read (name, type), left out.
    UnreadColumns {
        source: String,
        columns: Vec<(String, String)>,
    },
    /// A file that holds only the top `limit` rows of the platform's table, as its
    /// `line` says.
    Truncated {
        source: String,
        file: String,
        limit: Option<u64>,
        line: String,
    },
}
