//! The appendix's account of the data: every file each source read, with its rows and
//! dates. A source of a few thousand daily files is one line there, not a hundred pages;
//! the JSON keeps every file.

use serde::Serialize;

use super::format;
use super::words::Words;
use crate::metrics::MetricTable;
use crate::source::{display, Coverage};
use crate::spec::Language;

/// A source with more files than this is listed as one line.
const LISTED_PER_SOURCE: usize = 24;

#[derive(Debug, Clone, Serialize)]
pub struct DataModel {
    /// The last day any source has data for.
    pub end: Option<String>,
    /// The same day as the report's language writes dates.
    pub end_text: Option<String>,
    pub files: Vec<FileModel>,
    /// What the appendix lists: each file, or one line for a source's many files.
    pub listed: Vec<FileModel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileModel {
    pub source: String,
    pub path: String,
    pub rows: usize,
    /// Rows a newer file of the same source replaced.
    pub replaced: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    /// The dates as the report's language writes them.
    pub dates: String,
}

pub fn data(coverage: &Coverage, table: &MetricTable, language: Language, words: &Words) -> DataModel {
    let dates = |first, last| match (first, last) {
        (Some(first), Some(last)) => format::dates(first, last, language),
        _ => "—".to_owned(),
    };
    let mut files = Vec::new();
    let mut listed = Vec::new();
    for (name, source_files) in &coverage.files {
        let own: Vec<FileModel> = source_files
            .iter()
            .map(|f| FileModel {
                source: (*name).to_owned(),
                path: display(&f.path),
                rows: f.rows,
                replaced: f.replaced,
                first: f.first.map(|d| d.to_string()),
                last: f.last.map(|d| d.to_string()),
                dates: dates(f.first, f.last),
            })
            .collect();
        if own.len() > LISTED_PER_SOURCE {
            let (first, last) = (
                source_files.iter().filter_map(|f| f.first).min(),
                source_files.iter().filter_map(|f| f.last).max(),
            );
            listed.push(FileModel {
                source: (*name).to_owned(),
                path: words
                    .label("many_files")
                    .replace("{n}", &own.len().to_string())
                    .replace("{first}", &own[0].path)
                    .replace("{last}", &own[own.len() - 1].path),
                rows: own.iter().map(|f| f.rows).sum(),
                replaced: own.iter().map(|f| f.replaced).sum(),
                first: first.map(|d| d.to_string()),
                last: last.map(|d| d.to_string()),
                dates: dates(first, last),
            });
        } else {
            listed.extend(own.iter().cloned());
        }
        files.extend(own);
    }
    DataModel {
        end: table.data_end.map(|d| d.to_string()),
        end_text: table.data_end.map(|d| format::date(d, language)),
        files,
        listed,
    }
}
