//! What the sources cover: the dates and rows of each file, for the report's appendix,
//! and the warnings about rows left out and days no file covers.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;

use crate::source::{display, merge, SourceWarning, Sources, DATE, EPOCH_DAYS_FROM_CE};

/// What the report tells of the sources: the files each read, and the warnings for
/// whoever runs the build. The frames stay with the stages that compute.
pub struct Coverage<'a> {
    pub files: Vec<(&'a str, &'a [FileCoverage])>,
    pub warnings: &'a [SourceWarning],
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
    /// A database's columns of types kpipress does not read, left out: name and type.
    pub unread: Vec<(String, String)>,
    /// A digest of the rows a database returned, for the build record.
    pub rows_digest: Option<String>,
}

/// Warnings about the files of source `name`: rows a newer file replaced or that have no
/// date, days between its files that none covers, files the platform cut short.
pub(in crate::source) fn warnings(name: &str, files: &[FileCoverage]) -> Vec<SourceWarning> {
    let source = || name.to_owned();
    let newest = files.last().map(|f| display(&f.path)).unwrap_or_default();
    let replaced = files
        .iter()
        .filter(|f| f.replaced > 0)
        .map(|f| SourceWarning::Replaced {
            source: source(),
            file: display(&f.path),
            replaced: f.replaced,
            rows: f.rows,
            newest: newest.clone(),
        });
    let undated = files.iter().filter(|f| f.undated > 0).map(|f| SourceWarning::Undated {
        source: source(),
        file: display(&f.path),
        rows: f.undated,
    });
    let gaps = merge::gaps(files).into_iter().map(|(from, to)| SourceWarning::Gap {
        source: source(),
        from,
        to,
    });
    let truncated = files.iter().filter_map(|f| {
        let line = f.truncated.as_ref()?;
        // The platform's own line says how many rows it kept: "Top 500 videos".
        let limit = line.split(|c: char| !c.is_ascii_digit()).find_map(|n| n.parse().ok());
        Some(SourceWarning::Truncated {
            source: source(),
            file: display(&f.path),
            limit,
            line: crate::source::presets::normalise_display(line),
        })
    });
    let unread = files
        .iter()
        .filter(|f| !f.unread.is_empty())
        .map(|f| SourceWarning::UnreadColumns {
            source: source(),
            columns: f.unread.clone(),
        });
    replaced
        .chain(undated)
        .chain(gaps)
        .chain(truncated)
        .chain(unread)
        .collect()
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
        unread: Vec::new(),
        rows_digest: None,
    }
}
