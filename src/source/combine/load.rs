//! One source loaded: every file its path matches (or its database's query) read, each
//! file's coverage taken, the files merged, the columns the spec reads checked, and the
//! source's filter applied.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::source::plan::Plan;
use crate::source::{coverage, files, merge, order, presets, read, referenced_columns};
use crate::source::{display, LoadedSource, SourceError, DATE};
use crate::spec::Spec;

/// Reads every file of `source` (or its database's query); the `numeric` columns must
/// exist and hold numbers, the `named` ones must exist.
pub(in crate::source) fn load_source(
    spec: &Spec,
    plan: &Plan,
    numeric: &[(String, String)],
    named: &[(String, String)],
) -> Result<LoadedSource, SourceError> {
    let source = plan.source;
    let filter_at = format!("sources.{}.filter", source.name);
    let filter_columns = match &source.filter {
        Some(filter) => referenced_columns(filter).map_err(|e| SourceError::expression(spec, &filter_at, e))?,
        None => Vec::new(),
    };
    let numeric_names: Vec<&str> = numeric.iter().map(|(c, _)| c.as_str()).collect();
    let files = match &source.database {
        Some(database) => {
            let read = read::read_database(spec, plan, database, &numeric_names)?;
            let label = PathBuf::from(format!("{} (PostgreSQL query)", source.name));
            vec![file_frame(&label, read)?]
        }
        None => {
            let paths = files(spec, source)?;
            let read = read_columns(plan, numeric, named, &filter_columns, paths.len() > 1);
            let mut frames = Vec::with_capacity(paths.len());
            for path in paths {
                frames.push(file_frame(
                    &path,
                    read::read_file(spec, plan, &path, &numeric_names, &read)?,
                )?);
            }
            frames
        }
    };
    let (mut frame, files) =
        merge::merge(files, &plan.key()).map_err(|e| SourceError::read(source.pattern.clone(), e))?;
    let schema = frame
        .collect_schema()
        .map_err(|e| SourceError::read(source.pattern.clone(), e))?;
    let existing: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    for (column, at) in numeric.iter().chain(named) {
        if !existing.contains(column) {
            return Err(SourceError::missing_column(spec, at, column, &source.name, &existing));
        }
    }
    if let Some(filter) = &source.filter {
        for column in &filter_columns {
            if !existing.contains(column) {
                return Err(SourceError::missing_column(
                    spec,
                    &filter_at,
                    column,
                    &source.name,
                    &existing,
                ));
            }
        }
        let predicate = polars::sql::sql_expr(filter).map_err(|e| SourceError::expression(spec, &filter_at, e))?;
        frame = frame.filter(predicate);
    }
    if plan.preset.is_some_and(|p| p.titled_tables) && existing.iter().any(|c| c == presets::METRIC) {
        one_metric(spec, &source.name, &frame)?;
    }
    Ok(LoadedSource {
        frame: widened(frame, &schema),
        files,
    })
}

/// A source of a file of several titled tables (Meta's `Facebook reach` and `Instagram
/// reach` in one download) reads one of them, which its `filter` names: summed together,
/// two platforms' reach would be a number neither platform had.
fn one_metric(spec: &Spec, source: &str, frame: &LazyFrame) -> Result<(), SourceError> {
    let metrics = frame
        .clone()
        .select([col(presets::METRIC).unique_stable()])
        .collect()
        .map_err(|e| SourceError::read(source.to_owned(), e))?;
    let names: Vec<String> = metrics
        .column(presets::METRIC)
        .ok()
        .and_then(|c| c.str().ok().map(|s| s.iter().flatten().map(str::to_owned).collect()))
        .unwrap_or_default();
    match names.len() {
        0 | 1 => Ok(()),
        _ => Err(SourceError::several_metrics(spec, source, names)),
    }
}

/// One file's rows (or a query's) with what they cover, rows without a date left out and
/// the rest in date order.
fn file_frame(path: &Path, read: read::ReadFile) -> Result<merge::FileFrame, SourceError> {
    let read::ReadFile {
        frame,
        truncated,
        range,
        unread,
        rows_digest,
    } = read;
    let mut coverage = coverage::of_file(path, &frame);
    coverage.truncated = truncated;
    coverage.unread = unread;
    coverage.rows_digest = rows_digest;
    if let Some((from, to)) = range {
        (coverage.first, coverage.last) = (Some(from), Some(to));
    }
    let frame = match coverage.undated {
        0 => frame,
        _ => frame
            .lazy()
            .filter(col(DATE).is_not_null())
            .collect()
            .map_err(|e| SourceError::read(display(path), e))?,
    };
    let frame = order::in_date_order(frame).map_err(|e| SourceError::read(display(path), e))?;
    Ok(merge::FileFrame { coverage, frame })
}

/// `frame` with its 32-bit integer columns 64-bit again, as every query over it must see
/// them: polars adds 32-bit integers in 32 bits, and a month of views overflows that.
/// [`blocks`] keeps them 32-bit; a streaming query widens one batch of rows at a time.
fn widened(frame: LazyFrame, schema: &Schema) -> LazyFrame {
    let narrow: Vec<Expr> = schema
        .iter()
        .filter(|(_, dtype)| **dtype == DataType::Int32)
        .map(|(name, _)| col(name.clone()).cast(DataType::Int64))
        .collect();
    match narrow.is_empty() {
        true => frame,
        false => frame.with_columns(narrow),
    }
}

/// Every column the spec reads from a source: the date, the columns it maps, KPI and
/// content columns, the filter's, and, to merge `several_files`, the key's where the
/// files have them (a post id is the largest column of a large export).
fn read_columns(
    plan: &Plan,
    numeric: &[(String, String)],
    named: &[(String, String)],
    filter_columns: &[String],
    several_files: bool,
) -> read::Columns {
    let mut required = vec![DATE.to_owned()];
    required.extend(plan.source.columns.keys().cloned());
    required.extend(numeric.iter().chain(named).map(|(column, _)| column.clone()));
    required.extend_from_slice(filter_columns);
    read::Columns {
        required,
        optional: if several_files { plan.key() } else { Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_held_as_32_bit_add_up_in_64() {
        // As a file of more than one block is held (a file that large is no fixture).
        let held = df!("date" => [1i32, 2], "views" => [2_000_000_000i32, 2_000_000_000]).unwrap();
        let schema = held.schema().clone();
        let frame = widened(held.lazy(), &schema)
            .select([col("views").sum()])
            .collect()
            .unwrap();
        assert_eq!(
            frame.column("views").unwrap().i64().unwrap().get(0),
            Some(4_000_000_000)
        );
    }
}
