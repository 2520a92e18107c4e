//! What the sources cover: the dates and rows of each file, for the report's appendix,
//! and the warnings about rows left out and days no file covers.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

use crate::source::{display, merge, Sources, DATE, EPOCH_DAYS_FROM_CE};

/// What the report tells of the sources: the files each read, and the warnings for
/// whoever runs the build. The frames stay with the stages that compute.
pub struct Coverage<'a> {
    pub files: Vec<(&'a str, &'a [FileCoverage])>,
    pub warnings: &'a [String],
}

impl Sources {
    pub fn coverage(&self) -> Coverage<'_> {
        Coverage {
            files: self
                .sources
                .iter()
                .map(|(name, source)| (name.as_str(), source.files.as_slice()))
                .collect(),
            warnings: &self.warnings,
        }
    }
}

/// Which dates one file covered, for the report's appendix.
#[derive(Debug, Clone)]
pub struct FileCoverage {
    pub path: PathBuf,
    pub rows: usize,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
    /// Rows left out because a newer file of the source has the same key.
    pub replaced: usize,
    /// Rows left out because they have no date (a summary row, an unlisted video).
    pub undated: usize,
    /// The line by which the platform said it cut the file's table short.
    pub truncated: Option<String>,
}

/// Warnings about the files of source `name`: rows a newer file replaced, and days
/// between its files that none covers.
pub(in crate::source) fn warnings(name: &str, files: &[FileCoverage]) -> Vec<String> {
    let newest = files.last().map(|f| display(&f.path)).unwrap_or_default();
    let replaced = files.iter().filter(|f| f.replaced > 0).map(|f| {
        format!(
            "source `{name}`: {} of {} rows of `{}` are also in a newer file and were taken from it (newest: `{newest}`)",
            f.replaced,
            f.rows,
            display(&f.path)
        )
    });
    let undated = files.iter().filter(|f| f.undated > 0).map(|f| {
        let (rows, have) = if f.undated == 1 {
            ("row", "has")
        } else {
            ("rows", "have")
        };
        format!(
            "source `{name}`: left out {} {rows} of `{}` that {have} no date",
            f.undated,
            display(&f.path)
        )
    });
    let gaps = merge::gaps(files)
        .into_iter()
        .map(|(from, to)| format!("source `{name}`: no file covers {from} to {to}"));
    let truncated = files.iter().filter_map(|f| {
        let line = f.truncated.as_ref()?;
        let limit = line
            .split(|c: char| !c.is_ascii_digit())
            .find(|n| !n.is_empty())
            .map_or_else(String::new, |n| format!(" {n}"));
        Some(format!(
            "source `{name}`: `{}` holds only the top{limit} rows of the platform's table (its last line: `{}`);              the rest are not in the report: export a shorter range or split it",
            display(&f.path),
            crate::source::presets::normalise_display(line)
        ))
    });
    replaced.chain(undated).chain(gaps).chain(truncated).collect()
}

/// The dates and rows of one file's frame.
pub(in crate::source) fn of_file(path: &Path, frame: &DataFrame) -> FileCoverage {
    let days = frame.column(DATE).ok().and_then(|c| c.cast(&DataType::Int32).ok());
    let day = |d: Option<i32>| d.and_then(|d| NaiveDate::from_num_days_from_ce_opt(d + EPOCH_DAYS_FROM_CE));
    let (first, last) = match days.as_ref().and_then(|d| d.i32().ok()) {
        Some(days) => (day(days.min()), day(days.max())),
        None => (None, None),
    };
    let undated = frame.column(DATE).map_or(0, |c| c.null_count());
    FileCoverage {
        path: path.to_path_buf(),
        rows: frame.height() - undated,
        first,
        last,
        replaced: 0,
        undated,
        truncated: None,
    }
}
