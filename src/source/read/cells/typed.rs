//! A table read cell by cell made into a typed frame: the date column as dates (dates
//! written without a year get theirs from [`YearAnchor`]), the columns KPIs read as
//! numbers, everything else as text. Cells a workbook typed keep their type; only text
//! is parsed, and a cell that does not parse is named by file, row and column.

use std::path::Path;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::source::cell::{self, Cell};
use crate::source::dates::{self, DateFormat, Reading};
use crate::source::error::SourceError;
use crate::source::grid::Table;
use crate::source::plan::Plan;
use crate::source::value::Value;
use crate::source::years::{self, YearAnchor, YearError};
use crate::source::{display, DATE, EPOCH_DAYS_FROM_CE};

/// What typing a table needs beyond its cells.
pub struct Typing<'a> {
    pub plan: &'a Plan<'a>,
    /// The language of the table's headers, which decides its date formats.
    pub language: &'a str,
    pub path: &'a Path,
    /// `line` for text files, `row` for workbooks.
    pub unit: &'static str,
    /// Canonical columns that must hold numbers.
    pub numeric: &'a [&'a str],
    /// Each header the spec or preset renames, with its canonical name.
    pub renames: &'a [(String, String)],
    pub decimal_comma: bool,
}

/// One column on its way into the frame: its name, its header in the file, its cells.
struct Cells {
    name: String,
    header: String,
    values: Vec<Value>,
}

impl Typing<'_> {
    fn file(&self) -> String {
        display(self.path)
    }

    fn bad_cell(&self, line: usize, column: &Cells, text: String, expected: String) -> SourceError {
        SourceError::BadCell {
            file: self.file(),
            unit: self.unit,
            row: line,
            column: column.header.clone(),
            text,
            expected,
        }
    }
}

/// A table made a frame, and the days its rows cover where rows span whole periods
/// (each is then dated on its last day).
pub struct Typed {
    pub frame: DataFrame,
    pub covers: Option<(NaiveDate, NaiveDate)>,
}

/// The frame of `table`, with canonical names and typed columns.
pub fn frame(table: Table, typing: &Typing) -> Result<Typed, SourceError> {
    if let Some((line, cells)) = table.too_wide {
        return Err(SourceError::RaggedRow {
            file: typing.file(),
            unit: typing.unit,
            row: line,
            cells,
            headers: table.headers.len(),
        });
    }
    let mut columns: Vec<Cells> = table
        .headers
        .iter()
        .zip(table.columns)
        .map(|(header, values)| Cells {
            name: typing
                .renames
                .iter()
                .find(|(h, _)| h == header)
                .map_or_else(|| header.clone(), |(_, canonical)| canonical.clone()),
            header: header.clone(),
            values,
        })
        .collect();
    let mut lines = table.lines;
    drop_summary_rows(typing.plan, &mut columns, &mut lines);
    let mut dates = match columns.iter().find(|c| c.name == DATE) {
        Some(column) => Some(read_dates(typing, column, &lines, &table.notes)?),
        None => None,
    };
    let mut covers = None;
    if let Some(dated) = &mut dates {
        // A row's span: in its date cell (`2024-03-01 - 2024-03-11`), or ending in the
        // preset's column of the span's end where the date is the span's start.
        let ends = match (dated.ends.take(), span_end(typing.plan, &columns)) {
            (Some(ends), _) => Some(ends),
            (None, Some(end)) => Some(read_dates(typing, end, &lines, &table.notes)?.days),
            (None, None) => None,
        };
        if let Some(ends) = ends {
            covers = date_spans(typing, &mut dated.days, &ends, &lines)?;
        }
    }
    let height = lines.len();
    let mut frame_columns = Vec::with_capacity(columns.len());
    for column in &columns {
        let series = if column.name == DATE {
            date_series(DATE, dates.as_ref().map_or(&[][..], |d| &d.days))
        } else if typing.numeric.contains(&column.name.as_str()) {
            number_series(typing, column, &lines)?
        } else {
            let texts: Vec<Option<String>> = column
                .values
                .iter()
                .map(|v| (!v.is_empty()).then(|| v.display()))
                .collect();
            Series::new(column.name.as_str().into(), texts)
        };
        frame_columns.push(series.into_column());
    }
    let frame = DataFrame::new(height, frame_columns).map_err(|e| SourceError::read(typing.file(), e))?;
    Ok(Typed { frame, covers })
}

/// Leaves out the rows a preset calls summaries: Meta Ads Manager's first row, the
/// account's total, has no campaign, ad set or ad name.
fn drop_summary_rows(plan: &Plan, columns: &mut [Cells], lines: &mut Vec<usize>) {
    let markers = plan.preset.map_or(&[][..], |p| p.summary_when_empty.as_slice());
    let marked: Vec<&Cells> = columns.iter().filter(|c| markers.contains(&c.name)).collect();
    if marked.is_empty() {
        return;
    }
    let keep: Vec<bool> = (0..lines.len())
        .map(|row| marked.iter().any(|c| !c.values[row].is_empty()))
        .collect();
    for column in columns.iter_mut() {
        let mut flags = keep.iter();
        column.values.retain(|_| *flags.next().unwrap_or(&true));
    }
    let mut flags = keep.iter();
    lines.retain(|_| *flags.next().unwrap_or(&true));
}

/// A date column read: each row's day, and where cells wrote spans
/// (`2024-03-01 - 2024-03-11`), each row's last day (`days` holding the first).
struct Dated {
    days: Vec<Option<NaiveDate>>,
    ends: Option<Vec<Option<NaiveDate>>>,
}

/// The dates of a column, read with the first format that reads its first date; dates
/// without a year get theirs from the year rule, day counts from the table's start date.
fn read_dates(typing: &Typing, column: &Cells, lines: &[usize], notes: &[String]) -> Result<Dated, SourceError> {
    let readings = readings(typing, column, lines)?;
    let mut with_years = years_of(typing, column, lines, &readings)?;
    let start = || notes.iter().find_map(|n| dates::start_date(n));
    let spans = readings.iter().any(|r| matches!(r, Some(Reading::Span(..))));
    let mut ends = Vec::with_capacity(if spans { readings.len() } else { 0 });
    let mut days = Vec::with_capacity(readings.len());
    for (index, reading) in readings.into_iter().enumerate() {
        let day = match reading {
            None => None,
            Some(Reading::Date(date)) => Some(date),
            Some(Reading::Span(from, _)) => Some(from),
            Some(Reading::MonthDay(..)) => with_years[index].take(),
            Some(Reading::Offset(count)) => {
                let start = start().ok_or_else(|| SourceError::NoStartDate { file: typing.file() })?;
                dates::offset(start, count)
            }
        };
        if spans {
            ends.push(match reading {
                Some(Reading::Span(_, to)) => Some(to),
                _ => day,
            });
        }
        days.push(day);
    }
    Ok(Dated {
        days,
        ends: spans.then_some(ends),
    })
}

/// What each cell says of its date; a cell the column's format does not read is named.
fn readings(typing: &Typing, column: &Cells, lines: &[usize]) -> Result<Vec<Option<Reading>>, SourceError> {
    let formats: Vec<DateFormat> = typing
        .plan
        .date_formats_of(typing.language, typing.unit == "row")
        .iter()
        .map(|f| DateFormat::parse(f))
        .collect();
    let Some(first) = column.values.iter().position(|v| !v.is_empty()) else {
        return Ok(vec![None; column.values.len()]);
    };
    // The format that reads every date the column holds wins (`2025/10/31` and
    // `October 31` are both TikTok's); failing that, the one that reads the first, and
    // the first cell it does not read is named.
    let reads_all = |f: &&DateFormat| {
        column
            .values
            .iter()
            .all(|v| v.is_empty() || dates::read(f, v).is_some())
    };
    let format = (formats.iter().find(reads_all))
        .or_else(|| formats.iter().find(|f| dates::read(f, &column.values[first]).is_some()))
        .ok_or_else(|| {
            let expected = format!("a date in the format {}", describe(&formats));
            typing.bad_cell(lines[first], column, column.values[first].display(), expected)
        })?;
    column
        .values
        .iter()
        .enumerate()
        .map(|(index, value)| match value {
            Value::Empty => Ok(None),
            value => dates::read(format, value).map(Some).ok_or_else(|| {
                let expected = format!("a date in the format {}", format.describe());
                typing.bad_cell(lines[index], column, value.display(), expected)
            }),
        })
        .collect()
}

/// The dates of the cells that wrote a month and a day without a year, by row.
fn years_of(
    typing: &Typing,
    column: &Cells,
    lines: &[usize],
    readings: &[Option<Reading>],
) -> Result<Vec<Option<NaiveDate>>, SourceError> {
    let mut with_years = vec![None; readings.len()];
    let year_less: Vec<(usize, (u32, u32))> = readings
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r {
            Some(Reading::MonthDay(m, d)) => Some((i, (*m, *d))),
            _ => None,
        })
        .collect();
    let Some((first, _)) = year_less.first() else {
        return Ok(with_years);
    };
    let anchor = year_anchor(typing).ok_or_else(|| SourceError::NoYear {
        file: typing.file(),
        example: column.values[*first].display(),
    })?;
    let days: Vec<(u32, u32)> = year_less.iter().map(|(_, md)| *md).collect();
    let assigned =
        years::assign_years(&days, &anchor).map_err(|e| year_error(typing, column, lines, &year_less, &anchor, e))?;
    for ((index, _), date) in year_less.iter().zip(assigned) {
        with_years[*index] = Some(date);
    }
    Ok(with_years)
}

fn describe(formats: &[DateFormat]) -> String {
    formats
        .iter()
        .map(DateFormat::describe)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The rule that gives dates without a year theirs, the first that applies: the source's
/// `year:`, a date in the file's or its folder's name, the end of the reported period.
pub fn year_anchor(typing: &Typing) -> Option<YearAnchor> {
    if let Some(year) = typing.plan.source.year {
        return Some(YearAnchor::Year(year));
    }
    let period = typing.plan.period.map(|(start, end)| YearAnchor::Period { start, end });
    years::named_anchor(typing.path).or(period)
}

fn year_error(
    typing: &Typing,
    column: &Cells,
    lines: &[usize],
    year_less: &[(usize, (u32, u32))],
    anchor: &YearAnchor,
    error: YearError,
) -> SourceError {
    let (index, year) = match error {
        YearError::OutOfOrder { index } => (index, None),
        YearError::NoSuchDay { index, year } => (index, Some(year)),
    };
    let row = year_less[index].0;
    SourceError::YearLess {
        file: typing.file(),
        unit: typing.unit,
        row: lines[row],
        text: column.values[row].display(),
        problem: match year {
            Some(year) => format!("is a day {year} does not have, and the years come from this rule: {}", anchor.describe()),
            None => "is out of date order, so `year:` alone cannot tell the rows' years; name the reported period, or keep the download's name with its first day as the file's or its folder's name".to_owned(),
        },
    }
}

/// The column that holds where each row's span ends, when the date is a span's start.
fn span_end<'a>(plan: &Plan, columns: &'a [Cells]) -> Option<&'a Cells> {
    let span = plan.preset.and_then(|p| p.span.as_ref())?;
    let date = columns.iter().find(|c| c.name == DATE)?;
    if !span
        .starts
        .iter()
        .any(|s| crate::source::presets::header_matches(s, &date.header))
    {
        return None;
    }
    columns.iter().find(|c| c.name == span.ends)
}

/// Rows that each cover a span (an export without a breakdown by day): a row of one day
/// counts for that day, and a row within one period of the report's grain (a month's
/// row in a monthly report, or the part of a month a download's range takes) for that
/// period, dated on its last day as a download dated by its range is. A row across
/// periods is refused, never counted on its first day. Returns the days the rows cover,
/// where any is longer than a day.
fn date_spans(
    typing: &Typing,
    dates: &mut [Option<NaiveDate>],
    ends: &[Option<NaiveDate>],
    lines: &[usize],
) -> Result<Option<(NaiveDate, NaiveDate)>, SourceError> {
    let grain = typing.plan.grain;
    let mut covers: Option<(NaiveDate, NaiveDate)> = None;
    let mut whole_periods = false;
    for (index, (date, to)) in dates.iter_mut().zip(ends).enumerate() {
        let (Some(from), Some(to)) = (*date, *to) else { continue };
        if from != to {
            if crate::spec::Period::containing(grain, from).end() < to {
                return Err(SourceError::SpansDays {
                    file: typing.file(),
                    unit: typing.unit,
                    row: lines[index],
                    from,
                    to,
                    grain: grain.name(),
                });
            }
            *date = Some(to);
            whole_periods = true;
        }
        covers = Some(covers.map_or((from, to), |(first, last)| (first.min(from), last.max(to))));
    }
    Ok(covers.filter(|_| whole_periods))
}

fn date_series(name: &str, dates: &[Option<NaiveDate>]) -> Series {
    let days = dates
        .iter()
        .map(|d| d.map(|d| chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_FROM_CE));
    Int32Chunked::from_iter_options(name.into(), days)
        .into_date()
        .into_series()
}

/// A column KPIs read, as numbers: typed cells as they are, text in the source's format.
/// A preset's percent column (`CTR (%)`) holds `1,35` for 1.35 %, as its header says: its
/// numbers are divided by 100, unless a `%` sign in the cell already said so.
fn number_series(typing: &Typing, column: &Cells, lines: &[usize]) -> Result<Series, SourceError> {
    let percent = typing.plan.preset.is_some_and(|p| p.percent.contains(&column.name));
    let mut numbers = Vec::with_capacity(column.values.len());
    for (index, value) in column.values.iter().enumerate() {
        let cell = match value {
            Value::Empty => Cell::Missing,
            Value::Number(n) if percent => Cell::Number(n / 100.0),
            Value::Number(n) | Value::Duration(n) => Cell::Number(*n),
            Value::Text(text) => match cell::parse(text, typing.decimal_comma) {
                Cell::Number(n) if percent && !text.trim_end().ends_with('%') => Cell::Number(n / 100.0),
                cell => cell,
            },
            Value::Date(_) | Value::DateTime(_) => Cell::Bad,
        };
        match cell {
            Cell::Number(n) => numbers.push(Some(n)),
            Cell::Missing => numbers.push(None),
            Cell::Bad => return Err(typing.bad_cell(lines[index], column, value.display(), "a number".to_owned())),
        }
    }
    Ok(Float64Chunked::from_iter_options(column.name.as_str().into(), numbers.into_iter()).into_series())
}
