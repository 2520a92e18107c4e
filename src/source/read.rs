//! Reading one export file: plain CSVs, Parquet and JSON with polars' readers (dates
//! and numbers checked cell by cell where polars could not type them); preset exports
//! and workbooks cell by cell through [`grid`] and [`typed`].

use std::fs::File;
use std::io::{Cursor, Read};
use std::path::Path;

use polars::prelude::*;

use super::cell::{self, Cell};
use super::error::{columns_help, SourceError};
use super::plan::Plan;
use super::{dates, display, excel, grid, typed, DATE};
use crate::spec::{FileFormat, Part, SourceSpec, Spec};

/// The canonical columns a source's frame must have, and those it keeps when the file
/// has them; a plain CSV reads only these.
pub struct Columns {
    pub required: Vec<String>,
    pub optional: Vec<String>,
}

/// Reads `path` into a frame with canonical names, `date` as Date, and every column in
/// `numeric` holding numbers.
pub fn read_file(
    spec: &Spec,
    plan: &Plan,
    path: &Path,
    numeric: &[&str],
    columns: &Columns,
) -> Result<DataFrame, SourceError> {
    let source = plan.source;
    let file = display(path);
    let format = source
        .format
        .or_else(|| path.extension().and_then(|e| FileFormat::parse(&e.to_string_lossy())))
        .unwrap_or(FileFormat::Csv);
    let read_error = |message: String| SourceError::Read {
        file: file.clone(),
        message,
    };
    let (mut frame, rows) = match format {
        FileFormat::Csv | FileFormat::Tsv if !plan.needs_cells() => {
            let frame = read_csv(plan, path, format, numeric, columns).map_err(read_error)?;
            let first = source.csv.skip_rows.unwrap_or(0) + 2;
            (frame, Rows::counted("line", first))
        }
        FileFormat::Csv | FileFormat::Tsv => {
            let bytes = std::fs::read(path).map_err(|e| read_error(e.to_string()))?;
            let (text, _) = grid::decode(&bytes, source.csv.encoding, &plan.encodings()).map_err(read_error)?;
            let default = if format == FileFormat::Tsv { b'\t' } else { b',' };
            let separators = match grid::separator_hint(&text) {
                Some(hint) if source.csv.separator.is_none() => vec![hint],
                _ => plan.separators(default),
            };
            let grids = separators.into_iter().map(|s| grid::split(&text, s));
            let table = find_table(plan, &file, grids)?;
            return read_table(spec, plan, path, table, numeric, "line");
        }
        FileFormat::Excel => {
            let grid = excel::read(path, source.sheet.as_ref()).map_err(read_error)?;
            let table = find_table(plan, &file, std::iter::once(grid))?;
            return read_table(spec, plan, path, table, numeric, "row");
        }
        FileFormat::Parquet => {
            let frame = File::open(path)
                .map_err(|e| read_error(e.to_string()))
                .and_then(|f| ParquetReader::new(f).finish().map_err(|e| read_error(e.to_string())))?;
            (frame, Rows::counted("record", 1))
        }
        FileFormat::Json | FileFormat::Ndjson => {
            let json_format = if format == FileFormat::Json {
                JsonFormat::Json
            } else {
                JsonFormat::JsonLines
            };
            let frame = File::open(path).map_err(|e| read_error(e.to_string())).and_then(|f| {
                JsonReader::new(f)
                    .with_json_format(json_format)
                    .finish()
                    .map_err(|e| read_error(e.to_string()))
            })?;
            (frame, Rows::counted("record", 1))
        }
    };
    trim_headers(&mut frame).map_err(|e| read_error(e.to_string()))?;
    let existing: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let renames = renames(spec, plan, &file, &existing)?;
    for (header, canonical) in &renames {
        frame
            .rename(header, canonical.as_str().into())
            .map_err(|e| read_error(e.to_string()))?;
    }
    let header_of = |column: &str| {
        renames
            .iter()
            .find(|(_, c)| c == column)
            .map_or_else(|| column.to_owned(), |(h, _)| h.clone())
    };
    parse_dates(&header_of(DATE), &file, &rows, &plan.date_formats(""), &mut frame)?;
    let cells = Cells {
        file: &file,
        rows: &rows,
        decimal_comma: plan.decimal_comma(""),
    };
    for column in numeric {
        check_numeric(&cells, &header_of(column), &mut frame, column)?;
    }
    Ok(frame)
}

/// The tables of a file read cell by cell, renamed and typed; several tables (one per
/// metric) are joined by date.
fn read_table(
    spec: &Spec,
    plan: &Plan,
    path: &Path,
    (tables, language): (Vec<grid::Table>, String),
    numeric: &[&str],
    unit: &'static str,
) -> Result<DataFrame, SourceError> {
    let mut frames = Vec::with_capacity(tables.len());
    for table in tables {
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
        frames.push(typed::frame(table, &typing)?);
    }
    match frames.len() {
        1 => Ok(frames.remove(0)),
        _ => join_by_date(frames).map_err(|e| SourceError::Read {
            file: display(path),
            message: e.to_string(),
        }),
    }
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

/// Where a frame's cells come from, for messages about them.
#[derive(Clone, Copy)]
struct Cells<'a> {
    file: &'a str,
    rows: &'a Rows,
    decimal_comma: bool,
}

/// How a frame's row index maps to what a person sees in the file.
struct Rows {
    unit: &'static str,
    first: usize,
    /// Each row's own line, where rows were left out above or between them.
    lines: Option<Vec<usize>>,
}

impl Rows {
    fn counted(unit: &'static str, first: usize) -> Self {
        Self {
            unit,
            first,
            lines: None,
        }
    }

    fn at(&self, index: usize) -> usize {
        self.lines
            .as_ref()
            .and_then(|lines| lines.get(index).copied())
            .unwrap_or(self.first + index)
    }
}

/// The table of the first grid (one per separator tried) with the date header in it,
/// checked against the preset, and the language its headers are in; with a preset that
/// joins tables, every table of that grid that fits.
fn find_table(
    plan: &Plan,
    file: &str,
    grids: impl Iterator<Item = grid::Grid>,
) -> Result<(Vec<grid::Table>, String), SourceError> {
    let is_date_header = |cell: &str| plan.date_header_language(cell);
    let is_totals = |cell: &str| plan.is_totals(cell);
    let accepts = |headers: &[String]| {
        plan.preset
            .is_none_or(|p| plan.source.date.is_some() || p.accepts(headers))
    };
    let layout = grid::Layout {
        is_date_header: &is_date_header,
        header_rows: plan.header_rows(),
        is_totals: &is_totals,
        accepts: &accepts,
    };
    let joins = plan.preset.is_some_and(|p| p.join_tables);
    let mut likely_header: Vec<String> = Vec::new();
    let mut tables = Vec::new();
    for grid in grids {
        let widest = grid.widest_leading_row();
        if widest.len() > likely_header.len() {
            likely_header = widest;
        }
        tables = if joins {
            grid.tables(&layout)
        } else {
            grid.table(&layout).into_iter().collect()
        };
        if !tables.is_empty() {
            break;
        }
    }
    let Some(table) = tables.first() else {
        // A spec naming its own date column is told about that column, not the preset's.
        return Err(match plan.preset.filter(|_| plan.source.date.is_none()) {
            Some(preset) => SourceError::wrong_export(preset, file, &likely_header),
            None => SourceError::no_header(plan, file, &likely_header),
        });
    };
    if let Some(preset) = plan.preset.filter(|p| p.fit(&table.headers).is_none()) {
        return Err(SourceError::wrong_export(preset, file, &table.headers));
    }
    // A spec that names the date column itself leaves the language to the other headers.
    let language = match plan.preset.filter(|_| plan.source.date.is_some()) {
        Some(preset) => preset
            .language_of_headers(&table.headers)
            .unwrap_or(table.language.clone()),
        None => table.language.clone(),
    };
    Ok((tables, language))
}

fn read_csv(
    plan: &Plan,
    path: &Path,
    format: FileFormat,
    numeric: &[&str],
    columns: &Columns,
) -> Result<DataFrame, String> {
    let source = plan.source;
    let separator = source
        .csv
        .separator
        .unwrap_or(if format == FileFormat::Tsv { b'\t' } else { b',' });
    let encoding = source.csv.encoding.unwrap_or(encoding_rs::UTF_8);
    let bytes = needs_decoding(path, encoding).map_err(|e| e.to_string())?;
    let header = match &bytes {
        Some(bytes) => header_row(bytes.as_slice(), source, separator),
        None => File::open(path).ok().and_then(|f| header_row(f, source, separator)),
    };
    let projection = header.and_then(|header| projection(plan, columns, &header));
    let options = |infer: Option<usize>| {
        CsvReadOptions::default()
            .with_has_header(true)
            .with_columns(projection.clone())
            .with_skip_rows(source.csv.skip_rows.unwrap_or(0))
            .with_infer_schema_length(infer)
            .with_parse_options(
                CsvParseOptions::default()
                    .with_separator(separator)
                    .with_decimal_comma(source.csv.decimal_comma.unwrap_or(false)),
            )
    };
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

/// The header row of a plain CSV, below the rows the spec skips.
fn header_row(reader: impl Read, source: &SourceSpec, separator: u8) -> Option<Vec<String>> {
    let mut lines = std::io::BufReader::new(reader);
    for _ in 0..source.csv.skip_rows.unwrap_or(0) {
        std::io::BufRead::read_line(&mut lines, &mut String::new()).ok()?;
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(lines);
    let record = reader.records().next()?.ok()?;
    Some(record.iter().map(str::to_owned).collect())
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
    let mut renames = Vec::new();
    for mapping in plan.mappings() {
        let header = mapping.find(&current).cloned();
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

/// The ISO forms polars would recognise itself, tried first when no format is given.
const ISO_DATES: [&str; 2] = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S"];

/// Parses the `date` column with the first of `formats` that reads its first date (or
/// polars' own recognition when there are none); any cell that format cannot read is an
/// error naming it.
fn parse_dates(
    header: &str,
    file: &str,
    rows: &Rows,
    formats: &[String],
    frame: &mut DataFrame,
) -> Result<(), SourceError> {
    let read_error = |e: PolarsError| SourceError::Read {
        file: file.to_owned(),
        message: e.to_string(),
    };
    let dtype = frame.column(DATE).map(|c| c.dtype().clone()).unwrap_or(DataType::Null);
    if dtype == DataType::Date {
        return Ok(());
    }
    let as_text = frame
        .column(DATE)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(read_error)?;
    let first = as_text
        .str()
        .map_err(read_error)?
        .iter()
        .flatten()
        .next()
        .map(str::to_owned);
    let format = match first {
        // An ISO date named outright takes polars' fixed-width fast path; left to its
        // recognition, every cell goes through chrono.
        Some(first) if formats.is_empty() => ISO_DATES.into_iter().find(|f| parses_as(&first, f)).map(str::to_owned),
        Some(first) => Some(
            formats
                .iter()
                .find(|f| parses_as(&first, f))
                .ok_or_else(|| {
                    let index = as_text.str().map(|t| t.iter().position(|c| c.is_some())).ok().flatten();
                    SourceError::BadCell {
                        file: file.to_owned(),
                        unit: rows.unit,
                        row: rows.at(index.unwrap_or(0)),
                        column: header.to_owned(),
                        text: first.clone(),
                        expected: expected_date(formats),
                    }
                })?
                .clone(),
        ),
        None => None,
    };
    let parsed = match (&dtype, format.as_deref()) {
        (DataType::Datetime(..), _) => col(DATE).cast(DataType::Date),
        (_, Some(dates::EXCEL_SERIAL)) => excel_serial(col(DATE)),
        (_, format) => parse_text_date(col(DATE).cast(DataType::String), format),
    };
    let with_dates = frame
        .clone()
        .lazy()
        .with_column(parsed.alias("__parsed"))
        .collect()
        .map_err(read_error)?;
    let parsed = with_dates.column("__parsed").map_err(read_error)?;
    if parsed.null_count() > as_text.null_count() {
        let original = as_text.str().map_err(read_error)?;
        let parsed = parsed.date().map_err(read_error)?.physical();
        if let Some((index, text)) = original
            .iter()
            .zip(parsed.iter())
            .enumerate()
            .find_map(|(i, (o, p))| o.filter(|_| p.is_none()).map(|o| (i, o)))
        {
            let expected = match &format {
                Some(format) => expected_date(std::slice::from_ref(format)),
                None => "a date (give `date: { column, format }` for this layout)".to_owned(),
            };
            return Err(SourceError::BadCell {
                file: file.to_owned(),
                unit: rows.unit,
                row: rows.at(index),
                column: header.to_owned(),
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

fn expected_date(formats: &[String]) -> String {
    let list: Vec<String> = formats
        .iter()
        .map(|f| match f.as_str() {
            dates::EXCEL_SERIAL => "an Excel serial day".to_owned(),
            f => format!("`{f}`"),
        })
        .collect();
    format!("a date in the format {}", list.join(" or "))
}

/// Whether `text` is a date in `format`, by chrono, to choose a format before polars
/// parses the whole column with it.
pub(super) fn parses_as(text: &str, format: &str) -> bool {
    match format {
        dates::EXCEL_SERIAL => text.parse::<f64>().is_ok_and(|n| (1.0..2_958_466.0).contains(&n)),
        _ => {
            chrono::NaiveDate::parse_from_str(text, format).is_ok()
                || chrono::NaiveDateTime::parse_from_str(text, format).is_ok()
        }
    }
}

fn parse_text_date(text: Expr, format: Option<&str>) -> Expr {
    let options = StrptimeOptions {
        format: format.map(Into::into),
        strict: false,
        exact: true,
        cache: true,
    };
    let has_time = format.is_some_and(|f| ["%H", "%M", "%S", "%T", "%R", "%I"].iter().any(|t| f.contains(t)));
    if has_time {
        text.str()
            .to_datetime(Some(TimeUnit::Milliseconds), None, options, lit("raise"))
            .cast(DataType::Date)
    } else {
        text.str().to_date(options)
    }
}

/// Excel's serial day numbers (a fraction is the time of day) as dates.
fn excel_serial(cell: Expr) -> Expr {
    let days = cell.cast(DataType::Float64);
    when(days.clone().gt_eq(lit(1.0)).and(days.clone().lt(lit(2_958_466.0))))
        .then((days.floor().cast(DataType::Int32) - lit(dates::EXCEL_EPOCH_OFFSET)).cast(DataType::Date))
        .otherwise(lit(NULL).cast(DataType::Date))
}

/// A column a KPI reads as a number must hold numbers. polars types clean columns
/// itself; a column it left as text holds numbers as people write them (`12 345`,
/// `4,5%`, `₽1 200`, `n/a`), read here, or broken cells, the first of which is named.
/// Columns KPIs only count (`COUNT(post_id)`) are not asked to be numbers.
fn check_numeric(cells: &Cells, header: &str, frame: &mut DataFrame, column: &str) -> Result<(), SourceError> {
    let Cells {
        file,
        rows,
        decimal_comma,
    } = *cells;
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
    if let Some((index, text)) = first_bad {
        return Err(SourceError::BadCell {
            file: file.to_owned(),
            unit: rows.unit,
            row: rows.at(index),
            column: header.to_owned(),
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
