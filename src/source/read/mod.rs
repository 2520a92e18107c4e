//! Reading one export file: plain CSVs, Parquet and JSON with polars' readers (dates
//! and numbers checked cell by cell where polars could not type them); preset exports
//! and workbooks cell by cell through [`grid`] and [`typed`].

pub(super) mod blocks;
pub(super) mod cells;
pub(super) mod checks;
pub(super) mod database;
pub(super) mod plain;
mod range;
pub(super) use range::range_dated;
pub(super) mod scan;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use crate::source::checks::{check_numeric, parse_dates, Cells, Rows};
use crate::source::error::{columns_help, ReadFailure, SourceError};
use crate::source::plan::Plan;
use crate::source::presets::METRIC;
use crate::source::{display, excel, grid, typed, DATE};
use crate::spec::{Closed, FileFormat, Part, Spec};

/// The canonical columns a source's frame must have, and those it keeps when the file
/// has them; a plain CSV reads only these.
pub struct Columns {
    pub required: Vec<String>,
    pub optional: Vec<String>,
}

/// One file read: its frame, and the line by which the platform said it cut the table
/// short, if it did.
pub struct ReadFile {
    pub frame: DataFrame,
    pub truncated: Option<String>,
    /// The days a download says it covers where its rows are not days (a table without a
    /// date column and its range in the preamble, or rows of a whole month each); each
    /// such row is dated on its period's last day.
    pub range: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    /// A database's columns of types kpipress does not read, left out: name and type.
    pub unread: Vec<(String, String)>,
    /// A digest of the rows a database returned, for the build record.
    pub rows_digest: Option<String>,
}

/// Reads `path` into a frame with canonical names, `date` as Date, and every column in
/// `numeric` holding numbers.
pub fn read_file(
    spec: &Spec,
    plan: &Plan,
    path: &Path,
    numeric: &[&str],
    columns: &Columns,
) -> Result<ReadFile, SourceError> {
    let source = plan.source;
    let file = display(path);
    let format = source
        .format
        .or_else(|| path.extension().and_then(|e| FileFormat::parse(&e.to_string_lossy())))
        .unwrap_or(FileFormat::Csv);
    let read_error = |cause: ReadFailure| SourceError::read(crate::source::display(path), cause);
    if matches!(format, FileFormat::Csv | FileFormat::Tsv) && is_zip(path) {
        return Err(SourceError::Archive { file });
    }
    let (frame, rows) = match format {
        FileFormat::Csv | FileFormat::Tsv if !plan.needs_cells() => {
            let frame = plain::read_csv(plan, path, format, columns)?;
            let first = source.csv.skip_rows.unwrap_or(0) + 2;
            (frame, Rows::counted("line", first))
        }
        FileFormat::Csv | FileFormat::Tsv => {
            let bytes = std::fs::read(path).map_err(|e| read_error(e.into()))?;
            let (text, _) = grid::decode(&bytes, source.csv.encoding, &plan.encodings()).map_err(read_error)?;
            let default = if format == FileFormat::Tsv { b'\t' } else { b',' };
            let separators = match grid::separator_hint(&text) {
                Some(hint) if source.csv.separator.is_none() => vec![hint],
                _ => plan.separators(default),
            };
            let grids = separators.into_iter().map(|s| grid::split(&text, s));
            let table = find_table(plan, path, grids)?;
            return read_table(spec, plan, path, table, numeric, "line");
        }
        FileFormat::Excel => {
            let grid = excel::read(path, source.sheet.as_ref()).map_err(read_error)?;
            let table = find_table(plan, path, std::iter::once(grid))?;
            return read_table(spec, plan, path, table, numeric, "row");
        }
        FileFormat::Parquet => {
            let frame = File::open(path)
                .map_err(|e| read_error(e.into()))
                .and_then(|f| ParquetReader::new(f).finish().map_err(|e| read_error(e.into())))?;
            (frame, Rows::counted("record", 1))
        }
        FileFormat::Json | FileFormat::Ndjson => {
            let json_format = if format == FileFormat::Json {
                JsonFormat::Json
            } else {
                JsonFormat::JsonLines
            };
            let frame = File::open(path).map_err(|e| read_error(e.into())).and_then(|f| {
                JsonReader::new(f)
                    .with_json_format(json_format)
                    .finish()
                    .map_err(|e| read_error(e.into()))
            })?;
            (frame, Rows::counted("record", 1))
        }
    };
    typed(spec, plan, &file, frame, &rows, numeric)
}

/// The rows of a database source's query, named, dated and checked as a file's are.
pub fn read_database(
    spec: &Spec,
    plan: &Plan,
    database: &crate::spec::Database,
    numeric: &[&str],
) -> Result<ReadFile, SourceError> {
    let source = plan.source;
    let database::Rows {
        frame,
        unmapped,
        digest,
    } = database::read(database, plan.window)
        .map_err(|failure| SourceError::database(spec, &source.name, &database.env, failure))?;
    // A column left out is an error where the spec reads it, by its name in the query or
    // the canonical name it maps to.
    let mut read: Vec<String> = numeric.iter().map(|c| (*c).to_owned()).collect();
    read.push(DATE.to_owned());
    read.extend(source.date.iter().map(|d| d.column.clone()));
    let headers: Vec<String> = plan
        .mappings()
        .into_iter()
        .filter(|m| read.contains(&m.canonical))
        .flat_map(|m| m.headers)
        .collect();
    read.extend(headers);
    if let Some(unread) = unmapped.iter().find(|u| read.contains(&u.column)) {
        let failure = database::Failure::Unmapped(database::Unmapped {
            column: unread.column.clone(),
            type_name: unread.type_name.clone(),
        });
        return Err(SourceError::database(spec, &source.name, &database.env, failure));
    }
    let label = format!("sources.{}.query", source.name);
    let mut file = typed(spec, plan, &label, frame, &Rows::counted("row", 1), numeric)?;
    file.unread = unmapped.into_iter().map(|u| (u.column, u.type_name)).collect();
    file.rows_digest = Some(digest);
    Ok(file)
}

/// A frame read by polars' own readers (or a database's), with its headers trimmed and
/// mapped to canonical names, its dates parsed and its numbers checked.
fn typed(
    spec: &Spec,
    plan: &Plan,
    file: &str,
    mut frame: DataFrame,
    rows: &Rows,
    numeric: &[&str],
) -> Result<ReadFile, SourceError> {
    let read_error = |e: PolarsError| SourceError::read(file.to_owned(), e);
    let file = file.to_owned();
    trim_headers(&mut frame).map_err(read_error)?;
    let existing: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let renames = renames(spec, plan, &file, &existing)?;
    for (header, canonical) in &renames {
        frame.rename(header, canonical.as_str().into()).map_err(read_error)?;
    }
    let header_of = |column: &str| {
        renames
            .iter()
            .find(|(_, c)| c == column)
            .map_or_else(|| column.to_owned(), |(h, _)| h.clone())
    };
    at_day(&mut frame).map_err(read_error)?;
    parse_dates(&header_of(DATE), &file, rows, &plan.date_formats(""), &mut frame)?;
    let cells = Cells {
        file: &file,
        rows,
        decimal_comma: plan.decimal_comma(""),
    };
    for column in numeric {
        check_numeric(&cells, &header_of(column), &mut frame, column)?;
    }
    Ok(ReadFile {
        frame,
        truncated: None,
        range: None,
        unread: Vec::new(),
        rows_digest: None,
    })
}

/// The date column as days, where it holds moments (a database's time stamps, a Parquet
/// file's datetime column): a row counts for its day.
fn at_day(frame: &mut DataFrame) -> PolarsResult<()> {
    let is_moment = frame
        .column(DATE)
        .is_ok_and(|c| matches!(c.dtype(), DataType::Datetime(_, _)));
    if is_moment {
        let days = frame.column(DATE)?.cast(&DataType::Date)?;
        frame.with_column(days)?;
    }
    Ok(())
}

/// Whether the file starts as a ZIP archive does (`PK\x03\x04`).
pub(super) fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == *b"PK\x03\x04"
}

/// The tables of a file read cell by cell, renamed and typed; several tables (one per
/// metric) are joined by date.
fn read_table(
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
        // A table without a title line names its metric in its one other header (Meta's
        // 2023 layout: `"Date","Instagram followers"`).
        let title = table.title.clone().or_else(|| match table.headers.as_slice() {
            [_, _] => table
                .headers
                .iter()
                .find(|h| plan.date_header_language(h).is_none())
                .cloned(),
            _ => None,
        });
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
fn find_table(
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
    let layout = grid::Layout {
        is_date_header: &is_date_header,
        header_rows: plan.header_rows(),
        is_totals: &is_totals,
        is_truncation: &is_truncation,
        accepts: &accepts,
    };
    let joins = plan.preset.is_some_and(|p| p.join_tables || p.titled_tables);
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

/// Headers trimmed of spaces and a byte-order mark polars kept.
fn trim_headers(frame: &mut DataFrame) -> PolarsResult<()> {
    let trimmed: Vec<(String, String)> = frame
        .get_column_names()
        .iter()
        .map(|n| {
            (
                n.to_string(),
                n.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                    .to_owned(),
            )
        })
        .filter(|(name, trim)| name != trim)
        .collect();
    for (name, trim) in trimmed {
        frame.rename(&name, trim.into())?;
    }
    Ok(())
}

/// Which of the file's headers become which canonical names, in order; a header the
/// spec maps that the file lacks is an error at the spec's line.
fn renames(spec: &Spec, plan: &Plan, file: &str, headers: &[String]) -> Result<Vec<(String, String)>, SourceError> {
    let mut current = headers.to_vec();
    let mut renames: Vec<(String, String)> = Vec::new();
    for mapping in plan.mappings() {
        let taken: Vec<String> = renames.iter().map(|(_, canonical)| canonical.clone()).collect();
        let header = mapping
            .find(&current)
            .or_else(|| mapping.left_over(&current, &taken))
            .cloned();
        if current.contains(&mapping.canonical) && header.as_ref().is_none_or(|h| *h == mapping.canonical) {
            continue;
        }
        match (header, &mapping.at) {
            (Some(header), _) => {
                if let Some(name) = current.iter_mut().find(|n| **n == header) {
                    name.clone_from(&mapping.canonical);
                }
                renames.push((header, mapping.canonical));
            }
            (None, Some(at)) => {
                let header = mapping.headers[0].clone();
                let snippet = spec.files.locate(at, Part::Value);
                return Err(SourceError::MissingHeader {
                    file: file.to_owned(),
                    help: columns_help(&header, &current),
                    header,
                    at: at.clone(),
                    src: snippet.src,
                    span: snippet.span,
                });
            }
            (None, None) => {}
        }
    }
    Ok(renames)
}
