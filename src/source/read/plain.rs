//! Plain CSVs, read by polars' own reader: only the columns the spec needs, decoded
//! first when they are not UTF-8, and checked for ragged rows, which polars would
//! fill or fail on without a line.

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use polars::prelude::*;

use crate::source::display;
use crate::source::error::{ReadFailure, SourceError};
use crate::source::plan::Plan;
use crate::source::read::Columns;
use crate::source::DATE;
use crate::source::{blocks, scan};
use crate::spec::{FileFormat, SourceSpec};

/// How many rows polars reads to guess each column's type. Guessing costs several times
/// the read itself on a client's export of a thousand rows (a pattern match per cell of
/// every column, read or not); a guess the later rows prove wrong costs nothing in
/// correctness, since the file is then read again as text and checked cell by cell.
const INFER_ROWS: usize = 100;

pub fn read_csv(plan: &Plan, path: &Path, format: FileFormat, columns: &Columns) -> Result<DataFrame, SourceError> {
    let source = plan.source;
    let read_error = |cause: ReadFailure| SourceError::read(crate::source::display(path), cause);
    let separator = source
        .csv
        .separator
        .unwrap_or(if format == FileFormat::Tsv { b'\t' } else { b',' });
    let encoding = source.csv.encoding.unwrap_or(encoding_rs::UTF_8);
    let bytes = needs_decoding(path, encoding).map_err(|e| read_error(e.into()))?;
    let skip = source.csv.skip_rows.unwrap_or(0);
    let top = match &bytes {
        Some(bytes) => top_rows(bytes.as_slice(), source, separator),
        None => File::open(path).ok().and_then(|f| top_rows(f, source, separator)),
    };
    let projection = top.as_ref().and_then(|(header, _)| projection(plan, columns, header));
    let day_column = top
        .as_ref()
        .and_then(|(header, first)| iso_day_column(plan, header, first.as_deref()?));
    if let (None, Some(index), Some((header, _))) = (&bytes, day_column, &top) {
        let options = |infer: Option<usize>, types: SchemaRef| {
            csv_options(source, separator, projection.clone(), infer, Some(types)).with_skip_rows(0)
        };
        let how = blocks::BlockRead {
            separator,
            skip,
            day_column: index,
            day_header: header[index].as_str(),
            options: &options,
            infer_rows: INFER_ROWS,
            block_bytes: blocks::BLOCK_BYTES,
        };
        match blocks::read(path, &how).map_err(|e| read_error(e.into()))? {
            blocks::Blocks::Read(frame) => return Ok(frame),
            blocks::Blocks::Ragged(line, cells, headers) => return Err(ragged_row(path, line, cells, headers)),
            blocks::Blocks::NotPlain => {}
        }
    }
    let scan = match &bytes {
        Some(bytes) => scan::scan(Cursor::new(bytes.as_slice()), separator, skip, day_column),
        None => File::open(path)
            .map_err(|e| read_error(e.into()))
            .map(|f| scan::scan(f, separator, skip, day_column))?,
    };
    if let Some((line, cells, headers)) = scan.ragged {
        return Err(ragged_row(path, line, cells, headers));
    }
    let iso_dates = match (scan.iso_days, day_column, &top) {
        (true, Some(index), Some((header, _))) => Some(Arc::new(Schema::from_iter([Field::new(
            header[index].as_str().into(),
            DataType::Date,
        )]))),
        _ => None,
    };
    let options = |infer: Option<usize>, dates: Option<&SchemaRef>| {
        csv_options(source, separator, projection.clone(), infer, dates.cloned())
    };
    let read_with = |infer: Option<usize>, dates: Option<&SchemaRef>| match &bytes {
        Some(bytes) => options(infer, dates)
            .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
            .finish(),
        None => options(infer, dates)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|r| r.finish()),
    };
    // When every date is an ISO day (the scan saw each), polars parses them as it reads:
    // four bytes a row where the text would take some thirty (5 million rows: 20 MiB,
    // not 130). Should polars still fail or leave one empty, the file is read again with
    // its dates as text, for the date checks.
    if let Some(dates) = &iso_dates {
        let read = read_with(Some(INFER_ROWS), Some(dates));
        if let Ok(frame) = read.as_ref() {
            let parsed = frame.columns().iter().find(|c| c.dtype() == &DataType::Date);
            if parsed.is_some_and(|c| c.null_count() == 0) {
                return read.map_err(|e| read_error(e.into()));
            }
        }
    }
    let read = |infer: Option<usize>| read_with(infer, None);
    match read(Some(INFER_ROWS)) {
        Ok(frame) => Ok(frame),
        // A cell that does not fit the type polars inferred from the first rows: read every
        // column as text, so the cell checks below can name the row and column. A column
        // no KPI reads as a number (an id that turns from `1042` to `ig_77`) is then text,
        // as it should be.
        Err(PolarsError::ComputeError(_)) => read(Some(0)).map_err(|e| read_error(e.into())),
        Err(e) => Err(read_error(e.into())),
    }
}

/// The error for `path`'s first ragged row, at `line`: `cells` where the header has
/// `headers`.
fn ragged_row(path: &Path, line: usize, cells: usize, headers: usize) -> SourceError {
    SourceError::RaggedRow {
        file: display(path),
        unit: "line",
        row: line,
        cells,
        headers,
    }
}

/// How polars reads the file: its header, the `projection`'s columns, the types in
/// `types` as given and the others guessed from `infer` rows.
fn csv_options(
    source: &SourceSpec,
    separator: u8,
    projection: Option<Arc<[PlSmallStr]>>,
    infer: Option<usize>,
    types: Option<SchemaRef>,
) -> CsvReadOptions {
    CsvReadOptions::default()
        .with_has_header(true)
        .with_columns(projection)
        .with_schema_overwrite(types)
        .with_skip_rows(source.csv.skip_rows.unwrap_or(0))
        .with_infer_schema_length(infer)
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(separator)
                .with_decimal_comma(source.csv.decimal_comma.unwrap_or(false)),
        )
}

/// The header row of a plain CSV, below the rows the spec skips, and the first row
/// under it when there is one.
fn top_rows(reader: impl Read, source: &SourceSpec, separator: u8) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let mut lines = std::io::BufReader::new(reader);
    for _ in 0..source.csv.skip_rows.unwrap_or(0) {
        std::io::BufRead::read_line(&mut lines, &mut String::new()).ok()?;
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(lines);
    let mut records = reader.records();
    let owned = |record: ::csv::StringRecord| record.iter().map(str::to_owned).collect::<Vec<_>>();
    let header = owned(records.next()?.ok()?);
    let first = records.next().and_then(Result::ok).map(owned);
    Some((header, first))
}

/// The date column's position, when the spec gives no date format and the first row's
/// date is an ISO day (`2026-10-01`): the form polars parses itself, and the one the date
/// checks try first. [`scan::scan`] then looks at every other row's.
fn iso_day_column(plan: &Plan, header: &[String], first: &[String]) -> Option<usize> {
    if !plan.date_formats("").is_empty() {
        return None;
    }
    let trimmed: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let wanted = plan
        .mappings()
        .into_iter()
        .find(|m| m.canonical == DATE)
        .and_then(|m| m.find(&trimmed).cloned())
        .unwrap_or_else(|| DATE.to_owned());
    let index = trimmed.iter().position(|h| *h == wanted)?;
    scan::is_iso_day(first.get(index)?.trim().as_bytes()).then_some(index)
}

/// The file's headers of the columns the spec reads, or `None` (read everything) when
/// one is not there, so that the message about it can list every column the file has.
fn projection(plan: &Plan, columns: &Columns, header: &[String]) -> Option<Arc<[PlSmallStr]>> {
    let trimmed: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let mappings = plan.mappings();
    let in_file = |canonical: &String| -> Option<usize> {
        let wanted = match mappings.iter().find(|m| m.canonical == *canonical) {
            Some(mapping) => mapping.find(&trimmed)?,
            None => canonical,
        };
        trimmed.iter().position(|h| h == wanted)
    };
    let mut wanted: Vec<usize> = Vec::new();
    for canonical in &columns.required {
        wanted.push(in_file(canonical)?);
    }
    wanted.extend(columns.optional.iter().filter_map(in_file));
    let in_file_order: Vec<PlSmallStr> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| wanted.contains(i))
        .map(|(_, h)| h.as_str().into())
        .collect();
    Some(in_file_order.into())
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
