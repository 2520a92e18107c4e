//! Excel workbooks (XLSX, XLSM, XLS, ODS) read with calamine into the same [`Grid`] of
//! text cells as a CSV export, so presets, totals rows and number hygiene apply alike.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

use super::grid::Grid;
use crate::spec::suggest::quoted_list;
use crate::spec::Sheet;

/// The cells of the chosen sheet, each row with its row number as Excel shows it.
pub fn read(path: &Path, sheet: Option<&Sheet>) -> Result<Grid, String> {
    let mut workbook = open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = workbook.sheet_names();
    let name = match sheet {
        None => names.first().cloned().ok_or("the workbook has no sheets")?,
        Some(Sheet::Name(name)) => names
            .iter()
            .find(|n| *n == name)
            .cloned()
            .ok_or_else(|| format!("no sheet `{name}`; the sheets are {}", quoted_list(&names)))?,
        Some(Sheet::Index(index)) => names.get(*index).cloned().ok_or_else(|| {
            format!(
                "no sheet number {index} (counted from 0); the sheets are {}",
                quoted_list(&names)
            )
        })?,
    };
    let range = workbook.worksheet_range(&name).map_err(|e| e.to_string())?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(index, cells)| {
            let padding = std::iter::repeat_n(String::new(), first_column);
            (first_row + index + 1, padding.chain(cells.iter().map(text)).collect())
        })
        .collect();
    Ok(Grid { rows })
}

/// A cell as text: numbers as Rust writes them (a decimal point, no grouping), dates as
/// ISO dates, so later stages read them like any clean export.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(moment) => match moment.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.date().to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => moment.as_f64().to_string(),
        },
        Data::Error(e) => format!("#{e:?}"),
    }
}
