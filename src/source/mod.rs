//! Sources: the analytics exports a spec names, read with polars into frames with
//! canonical column names and a `date` column of type Date. Output: [`Sources`].

mod error;
mod read;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use indexmap::IndexMap;
use polars::prelude::*;

pub use error::SourceError;

use crate::spec::{Part, SourceSpec, Spec};

/// Every source of one spec, by name.
pub struct Sources {
    pub sources: IndexMap<String, LoadedSource>,
}

/// One source: its rows from every matching file, concatenated.
pub struct LoadedSource {
    pub frame: LazyFrame,
    pub files: Vec<FileCoverage>,
}

/// Which dates one file covered, for the report's appendix.
#[derive(Debug, Clone)]
pub struct FileCoverage {
    pub path: PathBuf,
    pub rows: usize,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

/// The canonical name of the date column in every loaded frame.
pub const DATE: &str = "date";

/// Loads every source of `spec`, checking that the columns its KPIs read exist and hold
/// numbers.
pub fn load(spec: &Spec) -> Result<Sources, SourceError> {
    let mut sources = IndexMap::new();
    for (name, source) in &spec.sources {
        let numeric = numeric_columns(spec, name)?;
        sources.insert(name.clone(), load_source(spec, source, &numeric)?);
    }
    Ok(Sources { sources })
}

/// The columns the KPIs of source `name` read, with the KPI path that reads each.
fn numeric_columns(spec: &Spec, name: &str) -> Result<Vec<(String, String)>, SourceError> {
    let mut columns = Vec::new();
    for kpi in spec.kpis.values().filter(|k| k.source.as_deref() == Some(name)) {
        let at = format!("kpis.{}.value", kpi.id);
        for column in referenced_columns(&kpi.value).map_err(|e| SourceError::expression(spec, &at, e))? {
            columns.push((column, at.clone()));
        }
    }
    Ok(columns)
}

/// The column names an SQL expression reads.
pub fn referenced_columns(sql: &str) -> PolarsResult<Vec<String>> {
    let expr = polars::sql::sql_expr(sql)?;
    Ok(expr.meta().root_names().into_iter().map(|n| n.to_string()).collect())
}

fn load_source(spec: &Spec, source: &SourceSpec, numeric: &[(String, String)]) -> Result<LoadedSource, SourceError> {
    let paths = matching_files(spec, source)?;
    let mut frames = Vec::with_capacity(paths.len());
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let numeric_names: Vec<&str> = numeric.iter().map(|(c, _)| c.as_str()).collect();
        let frame = read::read_file(spec, source, &path, &numeric_names)?;
        files.push(coverage(&path, &frame));
        frames.push(frame.lazy());
    }
    let mut frame = concat_lf_diagonal(frames, UnionArgs { to_supertypes: true, ..Default::default() })
        .map_err(|e| SourceError::Read { file: source.pattern.clone(), message: e.to_string() })?;
    let schema = frame.collect_schema().map_err(|e| SourceError::Read { file: source.pattern.clone(), message: e.to_string() })?;
    let existing: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    for (column, at) in numeric {
        if !existing.contains(column) {
            return Err(SourceError::missing_column(spec, at, column, &source.name, &existing));
        }
    }
    if let Some(filter) = &source.filter {
        let at = format!("sources.{}.filter", source.name);
        for column in referenced_columns(filter).map_err(|e| SourceError::expression(spec, &at, e))? {
            if !existing.contains(&column) {
                return Err(SourceError::missing_column(spec, &at, &column, &source.name, &existing));
            }
        }
        let predicate = polars::sql::sql_expr(filter).map_err(|e| SourceError::expression(spec, &at, e))?;
        frame = frame.filter(predicate);
    }
    Ok(LoadedSource { frame, files })
}

fn matching_files(spec: &Spec, source: &SourceSpec) -> Result<Vec<PathBuf>, SourceError> {
    let no_files = || {
        let snippet = spec.files.locate(&format!("sources.{}.path", source.name), Part::Value);
        SourceError::NoFiles { pattern: display(Path::new(&source.pattern)), src: snippet.src, span: snippet.span }
    };
    let mut paths: Vec<PathBuf> = glob::glob(&source.pattern).map_err(|_| no_files())?.filter_map(Result::ok).filter(|p| p.is_file()).collect();
    if paths.is_empty() {
        return Err(no_files());
    }
    paths.sort();
    Ok(paths)
}

fn coverage(path: &Path, frame: &DataFrame) -> FileCoverage {
    let days = frame.column(DATE).ok().and_then(|c| c.cast(&DataType::Int32).ok());
    let day = |d: Option<i32>| d.and_then(|d| NaiveDate::from_num_days_from_ce_opt(d + EPOCH_DAYS_FROM_CE));
    let (first, last) = match days.as_ref().and_then(|d| d.i32().ok()) {
        Some(days) => (day(days.min()), day(days.max())),
        None => (None, None),
    };
    FileCoverage { path: path.to_path_buf(), rows: frame.height(), first, last }
}

/// Days from 0001-01-01 to 1970-01-01, the epoch polars counts dates from.
pub const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A path as the user would write it: relative to the working folder when it is inside.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).display().to_string()
}
