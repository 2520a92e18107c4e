//! `kpipress inspect`: what an export is, found the way the reader would read it: its
//! encoding, separator, header row, column types, dates, and the preset it fits best.

mod describe;

use std::path::Path;

use chrono::NaiveDate;

use super::dates::{self, DateFormat, EXCEL_SERIAL, MONTH_NAME};
use super::error::ReadFailure;
use super::grid::{self, Grid, Layout, Table};
use super::presets::{self, Preset};
use super::years;
use super::{excel, SourceError};
use crate::spec::{Closed, FileFormat, Sheet};
use describe::describe;

pub struct Inspection {
    pub format: FileFormat,
    /// The text encoding and how it was told; `None` for a workbook.
    pub encoding: Option<String>,
    pub separator: Option<u8>,
    pub header_line: usize,
    pub preset: Option<PresetFit>,
    /// The preset that fits next best, when another does: what `inspect` shows beside
    /// the one it chose, so that a user sees why.
    pub runner_up: Option<PresetFit>,
    pub columns: Vec<ColumnInfo>,
    pub rows: usize,
    pub date: Option<DateInfo>,
    /// The days a file without a date column says it covers, and where it says so.
    pub covers: Option<grid::DateRange>,
    /// The metric of each table, in a file of several (Meta's `Facebook reach` and
    /// `Instagram reach`): a source reads one.
    pub metrics: Vec<String>,
    /// Where no preset fits: the one whose table this is but for the days a download's
    /// name would say it covers (a renamed YouTube Studio table by country).
    pub needs_range: Option<&'static Preset>,
    pub decimal_comma: bool,
    /// Set when the file is larger than what is read to describe it: the lines of the
    /// whole file, counted without reading it into memory.
    pub lines_in_file: Option<usize>,
}

pub struct PresetFit {
    pub preset: &'static Preset,
    pub matched: usize,
    pub of: usize,
    pub language: String,
}

pub struct ColumnInfo {
    pub header: String,
    pub kind: &'static str,
    /// The canonical name the preset gives it, or without a preset the one any preset
    /// gives the same header.
    pub canonical: Option<String>,
}

pub struct DateInfo {
    pub column: String,
    /// The formats that read every date; more than one means the file cannot tell.
    pub formats: Vec<String>,
    pub range: Option<(NaiveDate, NaiveDate)>,
    /// For dates written without a year, the rule that will give them theirs.
    pub year_rule: Option<String>,
    /// Whether the dates run in order (either way), as `year:` needs.
    pub in_order: bool,
    /// The language whose formats the preset tries in order, when a preset reads the
    /// column: where several read every date, its first one is taken.
    pub settled_by: Option<String>,
    /// The longest span a row covers, where the date is a span's start (`Reporting
    /// starts`) and rows cover more than their first day.
    pub widest_span: Option<(NaiveDate, NaiveDate)>,
}

/// Reads `path` as far as needed to describe it.
pub fn inspect(path: &Path, sheet: Option<&Sheet>) -> Result<Inspection, SourceError> {
    let file = super::display(path);
    let read_error = |cause: ReadFailure| SourceError::read(super::display(path), cause);
    let format = path
        .extension()
        .and_then(|e| FileFormat::parse(&e.to_string_lossy()))
        .unwrap_or(FileFormat::Csv);
    let mut lines_in_file = None;
    let (grids, encoding) = match format {
        FileFormat::Excel => (vec![(None, excel::read(path, sheet).map_err(read_error)?)], None),
        FileFormat::Csv | FileFormat::Tsv if super::read::is_zip(path) => {
            return Err(SourceError::Archive { file });
        }
        FileFormat::Csv | FileFormat::Tsv => {
            let (bytes, whole) = head(path).map_err(|e| read_error(e.into()))?;
            if !whole {
                lines_in_file = Some(count_lines(path).map_err(|e| read_error(e.into()))?);
            }
            let (text, encoding) = detect_encoding(&bytes);
            let grids = [b',', b';', b'\t']
                .into_iter()
                .map(|s| (Some(s), grid::split(&text, s)))
                .collect();
            (grids, Some(encoding))
        }
        _ => return Err(read_error(ReadFailure::NotInspectable)),
    };
    let reading =
        best_reading(path, grids, format == FileFormat::Excel).ok_or_else(|| read_error(ReadFailure::NoRows))?;
    let mut inspection = describe(format, encoding, reading.separator, reading.table, reading.fit);
    inspection.lines_in_file = lines_in_file;
    inspection.runner_up = reading.runner_up;
    inspection.covers = reading.covers;
    inspection.metrics = reading.metrics;
    if inspection.preset.is_none() {
        let headers: Vec<String> = inspection.columns.iter().map(|c| c.header.clone()).collect();
        inspection.needs_range = presets::all().values().find(|p| p.wants_range_in_name(&headers));
    }
    if let Some(date) = inspection
        .date
        .as_mut()
        .filter(|d| d.range.is_none() && d.formats.iter().any(|f| f == MONTH_NAME))
    {
        date.year_rule = Some(year_rule(path, date.in_order));
    }
    Ok(inspection)
}

/// How much of a text export `inspect` reads to describe it: ten thousand rows or more,
/// in a fraction of a second, whatever the file's size.
const SAMPLE_BYTES: u64 = 1 << 20;

/// The file's first [`SAMPLE_BYTES`], cut after a line's end so that no row or
/// character is cut; and whether that is the whole file.
fn head(path: &Path) -> std::io::Result<(Vec<u8>, bool)> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(SAMPLE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 <= SAMPLE_BYTES {
        return Ok((bytes, true));
    }
    // UTF-16 writes a line's end as two bytes, at an even offset (the mark is two).
    let utf16_end = |newline: &[u8; 2]| {
        (0..bytes.len() - 1)
            .rev()
            .find(|&i| i % 2 == 0 && bytes[i..i + 2] == *newline)
            .map(|i| i + 2)
    };
    let end = match encoding_rs::Encoding::for_bom(&bytes) {
        Some((encoding, _)) if encoding == encoding_rs::UTF_16LE => utf16_end(b"\n\0"),
        Some((encoding, _)) if encoding == encoding_rs::UTF_16BE => utf16_end(b"\0\n"),
        _ => bytes.iter().rposition(|&b| b == b'\n').map(|i| i + 1),
    };
    bytes.truncate(end.unwrap_or(bytes.len()));
    Ok((bytes, false))
}

/// The lines of the whole file, read a block at a time.
fn count_lines(path: &Path) -> std::io::Result<usize> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0u8; 1 << 20];
    let (mut lines, mut last) = (0, b'\n');
    loop {
        let n = file.read(&mut block)?;
        if n == 0 {
            break;
        }
        lines += block[..n].iter().filter(|&&b| b == b'\n').count();
        last = block[n - 1];
    }
    Ok(lines + usize::from(last != b'\n'))
}

/// What gives dates without a year theirs for this file; `year:` only places rows that
/// are in date order.
fn year_rule(path: &Path, in_order: bool) -> String {
    match (years::named_anchor(path), in_order) {
        (Some(anchor), _) => format!("the dates have no year: {}", anchor.describe()),
        (None, true) => "the dates have no year, and neither has the file's name: give `year:` (the year of the earliest row) on the source, keep the download's name with its first day in the folder's name, or name the reported period".to_owned(),
        (None, false) => "the dates have no year and the rows are in no date order, and the file's name has no date: keep the download's name with its first day in the folder's name, or name the reported period".to_owned(),
    }
}

fn detect_encoding(bytes: &[u8]) -> (String, String) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), format!("{} (byte-order mark)", encoding.name()));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), "UTF-8".to_owned()),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
            (
                text.into_owned(),
                "windows-1251 (not valid UTF-8; the usual encoding of Russian exports saved by Excel)".to_owned(),
            )
        }
    }
}

/// Rows of each reading tried against every preset: enough for any preamble and a
/// GA4 file's earlier tables; only the winner is then read whole.
const PROBE_ROWS: usize = 2000;

/// The reading that fits a preset best, or else the separator that gives the most
/// columns consistently.
/// The grid's separator and table as the best-fitting preset reads it, the days it says
/// it covers, that preset's fit, and the next best preset's (a different preset, on any
/// separator).
struct Reading {
    separator: Option<u8>,
    table: Table,
    covers: Option<grid::DateRange>,
    metrics: Vec<String>,
    fit: Option<PresetFit>,
    runner_up: Option<PresetFit>,
}

fn best_reading(path: &Path, grids: Vec<(Option<u8>, Grid)>, workbook: bool) -> Option<Reading> {
    let mut fits: Vec<(f64, usize, PresetFit)> = Vec::new();
    for (index, (_, grid)) in grids.iter().enumerate() {
        let probe = Grid {
            rows: grid.rows.iter().take(PROBE_ROWS).cloned().collect(),
        };
        for preset in presets::all().values() {
            let Some(Found { table, .. }) = preset_table(path, probe.clone(), preset) else {
                continue;
            };
            let Some(score) = preset.likeness(&table.headers) else {
                continue;
            };
            if !reads_its_dates(&table, preset, workbook) {
                continue;
            }
            let fit = PresetFit {
                preset,
                matched: preset
                    .columns
                    .values()
                    .filter(|h| preset.locate(h, &table.headers).is_some())
                    .count()
                    + 1,
                of: preset.columns.len() + 1,
                language: table.language.clone(),
            };
            match fits.iter_mut().find(|(_, _, f)| f.preset.name == preset.name) {
                Some(known) if known.0 >= score => {}
                Some(known) => *known = (score, index, fit),
                None => fits.push((score, index, fit)),
            }
        }
    }
    // The best first; of equal fits, the first separator tried and preset listed.
    fits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut fits = fits.into_iter();
    if let Some((_, index, fit)) = fits.next() {
        let runner_up = fits.next().map(|(_, _, fit)| fit);
        let (separator, grid) = grids.into_iter().nth(index)?;
        let Found { table, covers, metrics } = preset_table(path, grid, fit.preset)?;
        return Some(Reading {
            separator,
            table,
            covers,
            metrics,
            fit: Some(fit),
            runner_up,
        });
    }
    let (separator, grid) = grids.into_iter().max_by_key(|(_, grid)| modal_width(grid))?;
    let width = modal_width(&grid);
    let table = grid.plain_table(width)?;
    Some(Reading {
        separator,
        table,
        covers: None,
        metrics: Vec::new(),
        fit: None,
        runner_up: None,
    })
}

/// What a preset finds in a grid: the table, the days it says it covers where it has no
/// date column, and with titled tables the metric of each.
struct Found {
    table: Table,
    covers: Option<grid::DateRange>,
    metrics: Vec<String>,
}

fn preset_table(path: &Path, grid: Grid, preset: &Preset) -> Option<Found> {
    let is_date_header = |c: &str| preset.date.language_of(c).map(str::to_owned);
    let is_totals = |c: &str| preset.is_totals(c);
    let is_truncation = |c: &str| preset.is_truncation(c);
    let accepts = |headers: &[String]| preset.accepts(headers);
    let (grid, covers) = match super::read::range_dated(preset, path, &grid) {
        Some((dated, range)) => (dated, Some(range)),
        None => (grid, None),
    };
    let layout = Layout {
        is_date_header: &is_date_header,
        header_rows: preset.header_rows,
        is_totals: &is_totals,
        is_truncation: &is_truncation,
        accepts: &accepts,
        tables_follow: preset.join_tables || preset.titled_tables,
    };
    let is_date = |h: &str| preset.date.language_of(h).is_some();
    let metrics: Vec<String> = match preset.titled_tables {
        true => grid
            .clone()
            .tables(&layout)
            .iter()
            .filter_map(|t| t.metric(&is_date))
            .collect(),
        false => Vec::new(),
    };
    let table = grid.table(&layout)?;
    Some(Found {
        table,
        covers,
        metrics: if metrics.len() > 1 { metrics } else { Vec::new() },
    })
}

/// Whether the preset's date formats read the first date of `table`: a header row
/// alone is weak evidence (many exports have `Date` and `Views`), the date's written
/// form tells exports apart.
fn reads_its_dates(table: &Table, preset: &Preset, workbook: bool) -> bool {
    let Some(index) = table.headers.iter().position(|h| preset.date.language_of(h).is_some()) else {
        return false;
    };
    let Some(first) = table.columns[index].iter().find(|v| !v.is_empty()) else {
        return true;
    };
    let mut formats = preset.date_formats(&table.language).to_vec();
    if workbook {
        formats.insert(0, EXCEL_SERIAL.to_owned());
    }
    formats
        .iter()
        .any(|format| dates::read(&DateFormat::parse(format), first).is_some())
}

/// The number of cells most rows have.
fn modal_width(grid: &Grid) -> usize {
    let mut counts = std::collections::HashMap::new();
    for (_, cells) in &grid.rows {
        *counts.entry(cells.len()).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(width, count)| (*count, *width))
        .map_or(0, |(width, _)| width)
}
