//! A file read cell by cell (preset exports, workbooks): the table, or tables, found in
//! its grid, each renamed and typed, then joined by date (GA4's snapshot) or stacked with
//! their titles (Meta's daily downloads of both platforms).

use std::path::Path;

use polars::prelude::*;

use super::{range, renames, ReadFile};
use crate::source::error::SourceError;
use crate::source::plan::Plan;
use crate::source::presets::METRIC;
use crate::source::{display, grid, typed, DATE};
use crate::spec::Spec;

/// The tables of a file read cell by cell, renamed and typed; several tables (one per
/// metric) are joined by date.
pub(super) fn read_table(
    spec: &Spec,
    plan: &Plan,
    path: &Path,
    (tables, language, range): (Vec<grid::Table>, String, Option<grid::DateRange>),
    numeric: &[&str],
    unit: &'static str,
) -> Result<ReadFile, SourceError> {
    let mut frames = Vec::with_capacity(tables.len());
    let truncated = tables.iter().find_map(|t| t.truncated.clone());
    let mut covers = None;
    let titled = plan.preset.is_some_and(|p| p.titled_tables);
    for table in tables {
        let title = table.metric(&|h| plan.date_header_language(h).is_some());
        let renames = renames(spec, plan, &display(path), &table.headers)?;
        let typing = typed::Typing {
            plan,
            language: &language,
            path,
            unit,
            numeric,
            renames: &renames,
            decimal_comma: plan.decimal_comma(&language),
        };
        let typed = typed::frame(table, &typing)?;
        covers = covers.or(typed.covers);
        let mut frame = typed.frame;
        if titled {
            let title = PlSmallStr::from(title.unwrap_or_default());
            let metric = Column::new_scalar(METRIC.into(), Scalar::from(title), frame.height());
            frame
                .with_column(metric)
                .map_err(|e| SourceError::read(display(path), e))?;
        }
        frames.push(frame);
    }
    let frame = match (frames.len(), titled) {
        (1, _) => frames.remove(0),
        (_, true) => stacked(frames).map_err(|e| SourceError::read(display(path), e))?,
        (_, false) => join_by_date(frames).map_err(|e| SourceError::read(display(path), e))?,
    };
    Ok(ReadFile {
        frame,
        truncated,
        range: range.map(|r| (r.from, r.to)).or(covers),
        unread: Vec::new(),
        rows_digest: None,
    })
}

/// Tables of one titled metric each, one under the other: their rows keep their table's
/// title in [`METRIC`].
fn stacked(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
    concat_lf_diagonal(lazy, UnionArgs::default())?.collect()
}

/// Tables of one metric each made one frame: a row per date, each column's value from
/// the table that has it.
fn join_by_date(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
    let all = concat_lf_diagonal(lazy, UnionArgs::default())?;
    let schema = all.clone().collect_schema()?;
    let values: Vec<Expr> = schema
        .iter_names()
        .filter(|n| n.as_str() != DATE)
        .map(|n| col(n.clone()).drop_nulls().first())
        .collect();
    all.group_by_stable([col(DATE)])
        .agg(values)
        .sort([DATE], Default::default())
        .collect()
}

/// The table of the first grid (one per separator tried) with the date header in it,
/// checked against the preset, and the language its headers are in; with a preset that
/// joins tables, every table of that grid that fits.
pub(super) fn find_table(
    plan: &Plan,
    path: &Path,
    grids: impl Iterator<Item = grid::Grid>,
) -> Result<(Vec<grid::Table>, String, Option<grid::DateRange>), SourceError> {
    let file = &display(path);
    let is_date_header = |cell: &str| plan.date_header_language(cell);
    let is_totals = |cell: &str| plan.is_totals(cell);
    let is_truncation = |cell: &str| plan.is_truncation(cell);
    let accepts = |headers: &[String]| {
        plan.preset
            .is_none_or(|p| plan.source.date.is_some() || p.accepts(headers))
    };
    let joins = plan.preset.is_some_and(|p| p.join_tables || p.titled_tables);
    let layout = grid::Layout {
        is_date_header: &is_date_header,
        header_rows: plan.header_rows(),
        is_totals: &is_totals,
        is_truncation: &is_truncation,
        accepts: &accepts,
        tables_follow: joins,
    };
    let mut likely_header: Vec<String> = Vec::new();
    let mut tables = Vec::new();
    let mut range = None;
    for grid in grids {
        let widest = grid.widest_leading_row();
        if widest.len() > likely_header.len() {
            likely_header = widest;
        }
        let dated = match range::dated_by_range(plan, path, &grid) {
            Some((dated, found)) => {
                range = Some(found);
                dated
            }
            None => grid,
        };
        tables = if joins {
            dated.tables(&layout)
        } else {
            dated.table(&layout).into_iter().collect()
        };
        if !tables.is_empty() {
            break;
        }
        range = None;
    }
    let Some(table) = tables.first() else {
        // A spec naming its own date column is told about that column, not the preset's.
        return Err(match plan.preset.filter(|_| plan.source.date.is_none()) {
            Some(preset) if preset.wants_range_in_name(&likely_header) => SourceError::NoRange {
                file: file.to_owned(),
                preset: preset.name.clone(),
            },
            Some(preset) => SourceError::wrong_export(preset, file, &likely_header),
            None => SourceError::no_header(plan, file, &likely_header),
        });
    };
    if let Some(preset) = plan.preset.filter(|p| p.fit(&table.headers).is_none()) {
        return Err(SourceError::wrong_export(preset, file, &table.headers));
    }
    let range = range.map(|range| range::one_period(plan, file, range)).transpose()?;
    // A spec that names the date column itself leaves the language to the other headers.
    let language = match plan.preset.filter(|_| plan.source.date.is_some()) {
        Some(preset) => preset
            .language_of_headers(&table.headers)
            .unwrap_or(table.language.clone()),
        None => table.language.clone(),
    };
    Ok((tables, language, range))
}
