//! A table without a date column that says, in its preamble, the days it covers
//! (Yandex Direct's `Период: 01.03.2026 - 31.03.2026`), and the date column such a range
//! gives the grid: a range's last day on every row, as for one found in the file's name.

use crate::source::value::Value;

use super::grid::Grid;

impl Grid {
    /// The range a table without a date column says it covers in its preamble, after
    /// one of `markers` (Yandex Direct's `Период: 01.03.2026 - 31.03.2026` above a
    /// monthly report), and the index of the row that says it.
    pub fn range_in_preamble(&self, markers: &[String]) -> Option<(usize, DateRange)> {
        self.rows
            .iter()
            .take(PREAMBLE_ROWS)
            .enumerate()
            .find_map(|(index, (line, cells))| {
                let (from, to) = cells
                    .iter()
                    .filter_map(Value::as_str)
                    .find_map(|cell| range_after(cell, markers))?;
                Some((
                    index,
                    DateRange {
                        from,
                        to,
                        said: Said::Line(*line),
                    },
                ))
            })
    }

    /// The grid with a date column holding `range`'s last day (the day its data is
    /// complete to) added right of the header row that `accepts` (given the headers with
    /// `date_header` among them), the first after row `after`, and of every row below it;
    /// `None` when no row below `after` is such a header.
    pub fn dated(
        &self,
        after: Option<usize>,
        range: &DateRange,
        date_header: &str,
        accepts: &dyn Fn(&[String]) -> bool,
    ) -> Option<Grid> {
        let with_date = |index: usize| {
            let mut headers = self.headers_at(index, 1);
            headers.push(date_header.to_owned());
            headers
        };
        let first = after.map_or(0, |a| a + 1);
        let header = (first..self.rows.len().min(first + PREAMBLE_ROWS)).find(|i| accepts(&with_date(*i)))?;
        let width = self.rows[header].1.len();
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(index, (line, cells))| {
                let mut cells = cells.clone();
                if index >= header {
                    // Trailing empty cells are no columns; a row wider than its header
                    // keeps its cells, and is told as such by the table.
                    while cells.len() > width && cells.last().is_some_and(Value::is_empty) {
                        cells.pop();
                    }
                    cells.resize(width.max(cells.len()), Value::Empty);
                    cells.push(match index == header {
                        true => Value::Text(date_header.to_owned()),
                        false => Value::Date(range.to),
                    });
                }
                (*line, cells)
            })
            .collect();
        Some(Grid { rows })
    }
}

/// How many rows a preamble (title lines above a table) may take.
const PREAMBLE_ROWS: usize = 20;

/// The days a file without a date column says it covers, and where it says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub said: Said,
}

/// Where a file says the days it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// A line of its preamble.
    Line(usize),
    /// Its own name or a folder's (YouTube Studio's `País 2024-06-02_2025-06-02 …`).
    Name(String),
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Line(line) => write!(f, "its line {line}"),
            Self::Name(name) => write!(f, "the name `{name}`"),
        }
    }
}

/// The range written after one of `markers` in `cell`: `Период: 01.03.2026 - 31.03.2026`,
/// day first or ISO, the two days apart by a dash.
fn range_after(cell: &str, markers: &[String]) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let marker = markers
        .iter()
        .find(|m| crate::source::presets::normalise(cell).starts_with(&crate::source::presets::normalise(m)))?;
    let rest = cell.trim().get(marker.trim().len()..)?;
    let day = |text: &str| {
        let text = text.trim();
        chrono::NaiveDate::parse_from_str(text, "%d.%m.%Y")
            .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d"))
            .ok()
    };
    let (from, to) = rest.split_once(" - ").or_else(|| rest.split_once(['–', '—']))?;
    let (from, to) = (day(from)?, day(to)?);
    (from <= to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::grid::{split, Layout};

    #[test]
    fn a_range_in_the_preamble_dates_a_table_without_dates() {
        let text = "Клиент: Иван (login)\nОтчет: Мастер отчетов\nПериод: 01.03.2026 - 31.03.2026\n\nКампания,Расход\nИтого,30\nA,10,\nB\n";
        let grid = split(text, b',');
        let accepts = |headers: &[String]| headers.iter().any(|h| h == "Расход") && headers.iter().any(|h| h == "Дата");
        let (index, range) = grid.range_in_preamble(&["Период:".to_owned()]).unwrap();
        let dated = grid.dated(Some(index), &range, "Дата", &accepts).unwrap();
        let march = |d| chrono::NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        assert_eq!((range.from, range.to, range.said), (march(1), march(31), Said::Line(3)));
        let table = dated
            .table(&Layout {
                is_date_header: &|c| (c == "Дата").then(String::new),
                header_rows: 1,
                is_totals: &|c| c == "Итого",
                is_truncation: &|_| false,
                accepts: &|headers| headers.len() > 1,
                tables_follow: false,
            })
            .unwrap();
        assert_eq!(table.headers, ["Кампания", "Расход", "Дата"]);
        assert_eq!(table.columns[2], [Value::Date(march(31)), Value::Date(march(31))]);
        assert_eq!(table.columns[0], [Value::text("A"), Value::text("B")]);
        assert!(grid.range_in_preamble(&["Period:".to_owned()]).is_none());
    }
}
