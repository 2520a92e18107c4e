//! Reading one export file: decoding, polars' readers, header mapping, dates and
//! numbers checked cell by cell where polars could not type them.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use polars::prelude::*;

use super::cell::{self, Cell};
use super::error::{columns_help, SourceError};
use super::{display, DATE};
use crate::spec::{FileFormat, Part, SourceSpec, Spec};

/// Reads `path` into a frame with canonical names, `date` as Date, and every column in
/// `numeric` holding numbers.
pub fn read_file(spec: &Spec, source: &SourceSpec, path: &Path, numeric: &[&str]) -> Result<DataFrame, SourceError> {
    let file = display(path);
    let format = source
        .format
        .or_else(|| path.extension().and_then(|e| FileFormat::parse(&e.to_string_lossy())))
        .unwrap_or(FileFormat::Csv);
    let read_error = |message: String| SourceError::Read {
        file: file.clone(),
        message,
    };
    let mut frame = match format {
        FileFormat::Csv | FileFormat::Tsv => read_csv(source, path, format, numeric).map_err(read_error)?,
        FileFormat::Parquet => File::open(path)
            .map_err(|e| read_error(e.to_string()))
            .and_then(|f| ParquetReader::new(f).finish().map_err(|e| read_error(e.to_string())))?,
        FileFormat::Json | FileFormat::Ndjson => {
            let json_format = if format == FileFormat::Json {
                JsonFormat::Json
            } else {
                JsonFormat::JsonLines
            };
            File::open(path).map_err(|e| read_error(e.to_string())).and_then(|f| {
                JsonReader::new(f)
                    .with_json_format(json_format)
                    .finish()
                    .map_err(|e| read_error(e.to_string()))
            })?
        }
    };
    let rows = RowNumbers::for_format(format, source.csv.skip_rows);
    rename_columns(spec, source, &file, &mut frame)?;
    parse_dates(source, &file, rows, &mut frame)?;
    for column in numeric {
        check_numeric(&file, rows, source.csv.decimal_comma, &mut frame, column)?;
    }
    Ok(frame)
}

/// How a frame's row index maps to what a person sees in the file.
#[derive(Clone, Copy)]
struct RowNumbers {
    unit: &'static str,
    first: usize,
}

impl RowNumbers {
    fn for_format(format: FileFormat, skip_rows: usize) -> Self {
        match format {
            // Line 1 (after skipped lines) is the header.
            FileFormat::Csv | FileFormat::Tsv => Self {
                unit: "line",
                first: skip_rows + 2,
            },
            _ => Self {
                unit: "record",
                first: 1,
            },
        }
    }
}

fn read_csv(source: &SourceSpec, path: &Path, format: FileFormat, numeric: &[&str]) -> Result<DataFrame, String> {
    let separator = source
        .csv
        .separator
        .unwrap_or(if format == FileFormat::Tsv { b'\t' } else { b',' });
    let options = |infer: Option<usize>| {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_skip_rows(source.csv.skip_rows)
            .with_infer_schema_length(infer)
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(separator)
                    .with_decimal_comma(source.csv.decimal_comma),
            )
    };
    let bytes = needs_decoding(path, source.csv.encoding).map_err(|e| e.to_string())?;
    let read = |infer: Option<usize>| match &bytes {
        Some(bytes) => options(infer)
            .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
            .finish(),
        None => options(infer)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish()),
    };
    match read(Some(1000)) {
        Ok(frame) => Ok(frame),
        // A cell that does not fit the type polars inferred from the first rows: read every
        // column as text, so the cell checks below can name the row and column.
        Err(PolarsError::ComputeError(_)) if !numeric.is_empty() => read(Some(0)).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The file as UTF-8 bytes when it is not plain UTF-8 already (another encoding, or a
/// byte-order mark); `None` lets polars read the file itself.
fn needs_decoding(path: &Path, encoding: &'static encoding_rs::Encoding) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = [0u8; 3];
    let read = File::open(path)?.read(&mut head)?;
    let has_bom = encoding_rs::Encoding::for_bom(&head[..read]).is_some();
    if encoding == encoding_rs::UTF_8 && !has_bom {
        return Ok(None);
    }
    let raw = std::fs::read(path)?;
    let (text, _, _) = encoding.decode(&raw);
    Ok(Some(text.into_owned().into_bytes()))
}

fn rename_columns(spec: &Spec, source: &SourceSpec, file: &str, frame: &mut DataFrame) -> Result<(), SourceError> {
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
        frame.rename(&name, trim.into()).map_err(|e| SourceError::Read {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
    }
    let mut mapping: Vec<(String, String, String)> = source
        .columns
        .iter()
        .map(|(canonical, header)| {
            (
                format!("sources.{}.columns.{canonical}", source.name),
                header.clone(),
                canonical.clone(),
            )
        })
        .collect();
    mapping.push((
        format!("sources.{}.date", source.name),
        source.date.column.clone(),
        DATE.to_owned(),
    ));
    for (at, header, canonical) in mapping {
        let existing: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
        if existing.contains(&canonical) && (header == canonical || !existing.contains(&header)) {
            continue;
        }
        if !existing.contains(&header) {
            let snippet = spec.files.locate(&at, Part::Value);
            let help = columns_help(&header, &existing);
            return Err(SourceError::MissingHeader {
                file: file.to_owned(),
                header,
                at,
                src: snippet.src,
                span: snippet.span,
                help,
            });
        }
        frame.rename(&header, canonical.into()).map_err(|e| SourceError::Read {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
    }
    Ok(())
}

fn parse_dates(source: &SourceSpec, file: &str, rows: RowNumbers, frame: &mut DataFrame) -> Result<(), SourceError> {
    let dtype = frame.column(DATE).map(|c| c.dtype().clone()).unwrap_or(DataType::Null);
    let read_error = |e: PolarsError| SourceError::Read {
        file: file.to_owned(),
        message: e.to_string(),
    };
    let parsed = match dtype {
        DataType::Date => return Ok(()),
        DataType::Datetime(..) => col(DATE).cast(DataType::Date),
        DataType::String => col(DATE).str().to_date(StrptimeOptions {
            format: source.date.format.as_deref().map(Into::into),
            strict: false,
            exact: true,
            cache: true,
        }),
        _ => col(DATE).cast(DataType::String).str().to_date(StrptimeOptions {
            format: source.date.format.as_deref().map(Into::into),
            strict: false,
            exact: true,
            cache: true,
        }),
    };
    let with_dates = frame
        .clone()
        .lazy()
        .with_column(parsed.alias("__parsed"))
        .collect()
        .map_err(read_error)?;
    let expected = match &source.date.format {
        Some(format) => format!("a date in the format `{format}`"),
        None => "a date (give `date: { column, format }` for this layout)".to_owned(),
    };
    let original = with_dates
        .column(DATE)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(read_error)?;
    let parsed = with_dates.column("__parsed").map_err(read_error)?;
    if parsed.null_count() > original.null_count() {
        let original = original.str().map_err(read_error)?;
        let parsed = parsed.date().map_err(read_error)?.physical();
        if let Some((index, text)) = original
            .iter()
            .zip(parsed.iter())
            .enumerate()
            .find_map(|(i, (o, p))| o.filter(|_| p.is_none()).map(|o| (i, o)))
        {
            return Err(SourceError::BadCell {
                file: file.to_owned(),
                unit: rows.unit,
                row: rows.first + index,
                column: source.date.column.clone(),
                text: text.to_owned(),
                expected,
            });
        }
    }
    *frame = with_dates
        .drop(DATE)
        .and_then(|mut f| f.rename("__parsed", DATE.into()).cloned())
        .map_err(read_error)?;
    Ok(())
}

/// A column a KPI sums must hold numbers. polars types clean columns itself; a column
/// it left as text either holds no numbers at all (ids, captions: left alone), or numbers
/// as people write them (`12 345`, `4,5%`, `₽1 200`, `n/a`), read here, or cells that are
/// broken, which are named here.
fn check_numeric(
    file: &str,
    rows: RowNumbers,
    decimal_comma: bool,
    frame: &mut DataFrame,
    column: &str,
) -> Result<(), SourceError> {
    let Ok(values) = frame.column(column) else {
        return Ok(());
    };
    let Ok(texts) = values.str() else { return Ok(()) };
    let mut numbers = Vec::with_capacity(texts.len());
    let mut first_bad = None;
    for (index, text) in texts.iter().enumerate() {
        let number = match text.map_or(Cell::Missing, |t| cell::parse(t, decimal_comma)) {
            Cell::Number(n) => Some(n),
            Cell::Missing => None,
            Cell::Bad => {
                first_bad.get_or_insert_with(|| (index, text.unwrap_or_default().to_owned()));
                None
            }
        };
        numbers.push(number);
    }
    if numbers.iter().all(Option::is_none) {
        return Ok(());
    }
    if let Some((index, text)) = first_bad {
        return Err(SourceError::BadCell {
            file: file.to_owned(),
            unit: rows.unit,
            row: rows.first + index,
            column: column.to_owned(),
            text,
            expected: "a number".to_owned(),
        });
    }
    let series = Float64Chunked::from_iter_options(column.into(), numbers.into_iter()).into_series();
    frame
        .replace(column, series.into_column())
        .map_err(|e| SourceError::Read {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
    Ok(())
}
