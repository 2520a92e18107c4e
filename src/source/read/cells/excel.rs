//! Excel workbooks (XLSX, XLSM, XLS, ODS) read with calamine into the same [`Grid`] of
//! cells as a CSV export, so presets and totals rows apply alike; a typed cell (a number,
//! a date, a duration) stays typed and is never read back from text.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use crate::source::error::ReadFailure;
use crate::source::grid::Grid;
use crate::source::value::Value;
use crate::spec::Sheet;

/// The cells of the chosen sheet, each row with its row number as Excel shows it.
pub fn read(path: &Path, sheet: Option<&Sheet>) -> Result<Grid, ReadFailure> {
    let mut workbook = open_workbook_auto(path)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        None => names.first().cloned().ok_or(ReadFailure::NoSheets)?,
        Some(Sheet::Name(name)) => names
            .iter()
            .find(|n| *n == name)
            .cloned()
            .ok_or_else(|| ReadFailure::NoSheet {
                name: name.clone(),
                sheets: names.clone(),
            })?,
        Some(Sheet::Index(index)) => names.get(*index).cloned().ok_or_else(|| ReadFailure::NoSheetNumber {
            index: *index,
            sheets: names.clone(),
        })?,
    };
    let range = workbook.worksheet_range(&name)?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let padding = std::iter::repeat_n(Value::Empty, first_column);
            (first_row + index + 1, padding.chain(cells.iter().map(value)).collect())
        })
        .collect();
    Ok(Grid { rows })
}

/// A workbook cell as the reader's [`Value`]: text stays text (to be parsed in the
/// source's format), typed cells keep their type.
fn value(cell: &Data) -> Value {
    match cell {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::text(s),
        Data::Float(f) if f.is_finite() => Value::Number(*f),
        Data::Float(f) => Value::Text(f.to_string()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Text(b.to_string()),
        Data::DateTime(moment) if moment.is_duration() => Value::Duration(moment.as_f64() * MINUTES_PER_DAY),
        Data::DateTime(moment) => match moment.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => Value::Date(at.date()),
            Some(at) => Value::DateTime(at),
            None => Value::Number(moment.as_f64()),
        },
        Data::DateTimeIso(s) => iso_moment(s).unwrap_or_else(|| Value::text(s)),
        Data::DurationIso(s) => Value::text(s),
        Data::Error(e) => Value::Text(format!("#{e:?}")),
    }
}

const MINUTES_PER_DAY: f64 = 24.0 * 60.0;

/// An ODS date or date-time cell, written in ISO form.
fn iso_moment(text: &str) -> Option<Value> {
    let text = text.trim();
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(Value::Date(date));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(Value::DateTime)
}
