//! What an export's table says of itself: each column's kind and canonical name, the
//! date column and the formats that read it, and whether numbers use a decimal comma.

use chrono::NaiveDate;

use super::super::cell::{self, Cell};
use super::super::dates::{self, DateFormat, Reading, EXCEL_SERIAL, MONTH_NAME};
use super::super::grid::Table;
use super::super::presets;
use super::super::value::Value;
use super::super::years;
use super::{ColumnInfo, DateInfo, Inspection, PresetFit};
use crate::spec::FileFormat;

/// Formats tried on a date column when no preset decides. Day-first and month-first
/// with slashes are both listed so that a file they both read is reported as ambiguous.
const DATE_FORMATS: [&str; 12] = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%Y%m%d",
    "%b %d, %Y",
    EXCEL_SERIAL,
    MONTH_NAME,
];

pub(super) fn describe(
    format: FileFormat,
    encoding: Option<String>,
    separator: Option<u8>,
    table: Table,
    fit: Option<PresetFit>,
) -> Inspection {
    let language = fit.as_ref().map_or("", |f| f.language.as_str());
    let decimal_comma = match &fit {
        Some(fit) => fit.preset.decimal_comma(language),
        None => table
            .columns
            .iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(writes_decimal_comma),
    };
    let canonical = |header: &str| -> Option<String> {
        let Some(fit) = &fit else {
            return presets::canonical_name(header).map(str::to_owned);
        };
        if fit.preset.date.language_of(header).is_some() {
            return Some(super::super::DATE.to_owned());
        }
        fit.preset.column_of(header).map(str::to_owned)
    };
    let date = date_column(&table, fit.as_ref(), language, format == FileFormat::Excel);
    let columns = table
        .headers
        .iter()
        .zip(&table.columns)
        .map(|(header, cells)| ColumnInfo {
            header: header.clone(),
            kind: if date.as_ref().is_some_and(|d| d.column == *header) {
                "date"
            } else {
                kind(cells, decimal_comma)
            },
            canonical: canonical(header),
        })
        .collect();
    Inspection {
        runner_up: None,
        format,
        encoding,
        separator,
        header_line: table.header_line,
        preset: fit,
        rows: table.lines.len(),
        columns,
        date,
        covers: None,
        needs_range: None,
        metrics: Vec::new(),
        decimal_comma,
        lines_in_file: None,
    }
}

/// A cell such as `2,25` that only a decimal comma reads.
fn writes_decimal_comma(text: &str) -> bool {
    matches!(cell::parse(text, false), Cell::Bad) && matches!(cell::parse(text, true), Cell::Number(_))
}

fn kind(cells: &[Value], decimal_comma: bool) -> &'static str {
    let present: Vec<&Value> = cells.iter().filter(|v| !v.is_empty()).collect();
    if present.is_empty() {
        return "empty";
    }
    let numeric = |value: &&Value| match value {
        Value::Number(_) | Value::Duration(_) => true,
        Value::Text(text) => matches!(cell::parse(text, decimal_comma), Cell::Number(_) | Cell::Missing),
        _ => false,
    };
    if present.iter().all(numeric) {
        "number"
    } else {
        "text"
    }
}

/// The date column and the formats that read it: the preset's column and formats, or
/// the first column every cell of which one of [`DATE_FORMATS`] reads.
fn date_column(table: &Table, fit: Option<&PresetFit>, language: &str, workbook: bool) -> Option<DateInfo> {
    let candidates: Vec<(usize, Vec<String>)> = match fit {
        Some(fit) => {
            let index = table
                .headers
                .iter()
                .position(|h| fit.preset.date.language_of(h).is_some())?;
            vec![(index, fit.preset.date_formats(language).to_vec())]
        }
        None => (0..table.headers.len())
            .map(|i| {
                // Only a workbook writes dates as serial numbers; in a text file a column
                // of numbers is numbers.
                let formats = DATE_FORMATS
                    .iter()
                    .filter(|f| **f != EXCEL_SERIAL || (workbook && names_a_date(&table.headers[i])));
                (i, formats.map(|f| (*f).to_owned()).collect())
            })
            .collect(),
    };
    let start = table.notes.iter().find_map(|n| dates::start_date(n));
    candidates.into_iter().find_map(|(index, formats)| {
        let cells: Vec<&Value> = table.columns[index].iter().filter(|v| !v.is_empty()).collect();
        let reading: Vec<String> = formats
            .into_iter()
            .filter(|f| {
                let format = DateFormat::parse(f);
                !cells.is_empty() && cells.iter().all(|c| dates::read(&format, c).is_some())
            })
            .collect();
        let format = DateFormat::parse(reading.first()?);
        let readings: Vec<Reading> = cells.iter().filter_map(|c| dates::read(&format, c)).collect();
        let days: Vec<NaiveDate> = readings
            .iter()
            .filter_map(|reading| match reading {
                Reading::Date(date) => Some(*date),
                Reading::Span(from, _) => Some(*from),
                Reading::Offset(days) => dates::offset(start?, *days),
                Reading::MonthDay(..) => None,
            })
            .collect();
        // Rows that say the days they cover (`2024-03-01 - 2024-03-11`).
        let spans = readings.iter().filter_map(|reading| match reading {
            Reading::Span(from, to) if from < to => Some((*from, *to)),
            _ => None,
        });
        let widest_in_cells = spans.max_by_key(|(from, to)| *to - *from);
        let month_days: Vec<(u32, u32)> = readings
            .iter()
            .filter_map(|reading| match reading {
                Reading::MonthDay(month, day) => Some((*month, *day)),
                _ => None,
            })
            .collect();
        let in_order = years::assign_years(&month_days, &years::YearAnchor::Year(2000)).is_ok();
        Some(DateInfo {
            column: table.headers[index].clone(),
            range: days
                .iter()
                .min()
                .zip(days.iter().max())
                .map(|(first, last)| (*first, *last))
                .filter(|_| days.len() == cells.len()),
            formats: reading,
            year_rule: None,
            in_order,
            settled_by: fit.map(|_| language.to_owned()),
            widest_span: widest_in_cells.or_else(|| fit.and_then(|fit| widest_span(table, fit, index, &format))),
        })
    })
}

/// The longest span a row covers, where the preset dates rows by a span's start and the
/// table has the column of its end; `None` when every row is one day.
fn widest_span(table: &Table, fit: &PresetFit, date: usize, format: &DateFormat) -> Option<(NaiveDate, NaiveDate)> {
    let span = fit.preset.span.as_ref()?;
    if !span
        .starts
        .iter()
        .any(|s| presets::header_matches(s, &table.headers[date]))
    {
        return None;
    }
    let ends = fit.preset.columns.get(&span.ends)?;
    let end = table
        .headers
        .iter()
        .position(|h| ends.patterns().any(|(_, pattern)| presets::header_matches(pattern, h)))?;
    let day = |value: &Value| match dates::read(format, value) {
        Some(Reading::Date(date)) => Some(date),
        _ => None,
    };
    // The summary row (the account's total, over the whole download) is no row the
    // reader counts.
    let marks: Vec<usize> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            fit.preset
                .column_of(h)
                .is_some_and(|c| fit.preset.summary_when_empty.iter().any(|s| s == c))
        })
        .map(|(index, _)| index)
        .collect();
    let summary = |row: usize| !marks.is_empty() && marks.iter().all(|m| table.columns[*m][row].is_empty());
    (0..table.lines.len())
        .filter(|row| !summary(*row))
        .filter_map(|row| Some((day(&table.columns[date][row])?, day(&table.columns[end][row])?)))
        .filter(|(from, to)| from < to)
        .max_by_key(|(from, to)| *to - *from)
}

/// Whether a header names a date, so a workbook's numbers under it may be serial days
/// rather than a metric (`Reach`, `Event count`).
fn names_a_date(header: &str) -> bool {
    let header = header.to_lowercase();
    ["date", "day", "дата", "день", "datum", "fecha", "data", "time"]
        .iter()
        .any(|word| header.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cells: &[&str]) -> Vec<Value> {
        cells.iter().map(|c| Value::Text((*c).to_owned())).collect()
    }

    #[test]
    fn a_column_is_numbers_when_every_cell_is_one() {
        assert_eq!(kind(&text(&["1200", "", "3.5"]), false), "number");
        assert_eq!(kind(&text(&["1", "many"]), false), "text");
        assert_eq!(kind(&[Value::Empty, Value::Empty], false), "empty");
    }

    #[test]
    fn only_a_decimal_comma_reads_two_comma_two_five() {
        assert!(writes_decimal_comma("2,25"));
        assert!(!writes_decimal_comma("2.25"));
    }

    #[test]
    fn date_headers_in_several_languages() {
        assert!(names_a_date("Дата публикации"));
        assert!(names_a_date("Event date"));
        assert!(!names_a_date("Reach"));
    }
}
