//! Reading one export file: plain CSVs, Parquet and JSON with polars' readers (dates
//! and numbers checked cell by cell where polars could not type them); preset exports
//! and workbooks cell by cell through [`grid`] and [`typed`], their tables found in
//! `tables`.

pub(super) mod blocks;
pub(super) mod cells;
pub(super) mod checks;
pub(super) mod database;
pub(super) mod plain;
mod range;
mod tables;
pub(super) use range::range_dated;
pub(super) mod scan;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use polars::prelude::*;

use crate::source::checks::{check_numeric, parse_dates, Cells, Rows};
use crate::source::error::{columns_help, ReadFailure, SourceError};
use crate::source::plan::Plan;
use crate::source::{display, excel, grid, DATE};
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
            let table = tables::find_table(plan, path, grids)?;
            return tables::read_table(spec, plan, path, table, numeric, "line");
        }
        FileFormat::Excel => {
            let grid = excel::read(path, source.sheet.as_ref()).map_err(read_error)?;
            let table = tables::find_table(plan, path, std::iter::once(grid))?;
            return tables::read_table(spec, plan, path, table, numeric, "row");
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
pub(super) fn renames(
    spec: &Spec,
    plan: &Plan,
    file: &str,
    headers: &[String],
) -> Result<Vec<(String, String)>, SourceError> {
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
