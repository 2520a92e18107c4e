//! Exports as people download them, before polars sees them: decoded to text, split into
//! cells, the header row found below any preamble, two-row headers joined, and totals
//! rows and trailing tables dropped. Output: a [`Table`] of text cells that remembers
//! each row's line in the file.

use encoding_rs::Encoding;
use polars::prelude::*;

/// The hidden column that carries each row's line (or sheet row) in the file.
pub const LINE: &str = "__line";

/// How far down a file the header row may be.
const HEADER_SEARCH: usize = 50;

/// Rows of text cells, each with the line it was read from.
#[derive(Clone)]
pub struct Grid {
    pub rows: Vec<(usize, Vec<String>)>,
}

/// What finds the header row and reads the rows below it.
pub struct Layout<'a> {
    /// Whether a cell is the date column's header; returns that header's language.
    pub is_date_header: &'a dyn Fn(&str) -> Option<String>,
    pub header_rows: usize,
    pub is_totals: &'a dyn Fn(&str) -> bool,
}

/// The data of one export: headers, and rows of text with their lines.
pub struct Table {
    pub headers: Vec<String>,
    /// The line (or sheet row) of the first header row.
    pub header_line: usize,
    pub lines: Vec<usize>,
    pub columns: Vec<Vec<Option<String>>>,
    /// The language of the date header the table was found by.
    pub language: String,
}

/// Decodes an export: a byte-order mark decides; else `explicit`; else the first of
/// `candidates` the bytes are valid in (UTF-8 is only valid UTF-8, so this is no guess).
pub fn decode(
    bytes: &[u8],
    explicit: Option<&'static Encoding>,
    candidates: &[&'static Encoding],
) -> Result<(String, &'static Encoding), String> {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Ok((text.into_owned(), encoding));
    }
    if let Some(encoding) = explicit {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return Ok((text.into_owned(), encoding));
    }
    for encoding in candidates {
        if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
            return Ok((text.into_owned(), encoding));
        }
    }
    let names: Vec<&str> = candidates.iter().map(|e| e.name()).collect();
    Err(format!(
        "the file is not in {}; give `csv.encoding` (e.g. `windows-1251`)",
        names.join(" or ")
    ))
}

/// Splits `text` into rows of cells at `separator`, keeping quoted cells whole.
pub fn split(text: &str, separator: u8) -> Grid {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            let line = record.position().map_or(0, |p| p.line() as usize);
            (line, record.iter().map(|c| c.trim().to_owned()).collect())
        })
        .collect();
    Grid { rows }
}

impl Grid {
    /// The index of the header row and its date header's language.
    pub fn header_row(&self, layout: &Layout) -> Option<(usize, String)> {
        self.rows
            .iter()
            .take(HEADER_SEARCH)
            .enumerate()
            .find_map(|(index, (_, cells))| {
                cells
                    .iter()
                    .find_map(|c| (layout.is_date_header)(c))
                    .map(|language| (index, language))
            })
    }

    /// The row with the most cells among the first few: the likeliest header when no
    /// row holds the expected date header, since title lines above it are one cell wide.
    pub fn widest_leading_row(&self) -> Vec<String> {
        self.rows
            .iter()
            .take(10)
            .rev()
            .max_by_key(|(_, cells)| cells.len())
            .map(|(_, cells)| cells.clone())
            .unwrap_or_default()
    }

    /// The table under the header row: rows up to the next `#` comment (a second table,
    /// as Google Analytics appends), without totals rows and empty rows.
    pub fn table(self, layout: &Layout) -> Option<Table> {
        let (start, language) = self.header_row(layout)?;
        self.table_from(start, language, layout)
    }

    /// The table under the first row `width` cells wide, for a file no preset describes.
    pub fn plain_table(self, width: usize) -> Option<Table> {
        let start = self.rows.iter().position(|(_, cells)| cells.len() == width)?;
        let layout = Layout {
            is_date_header: &|_| None,
            header_rows: 1,
            is_totals: &|_| false,
        };
        self.table_from(start, String::new(), &layout)
    }

    fn table_from(self, start: usize, language: String, layout: &Layout) -> Option<Table> {
        let header_line = self.rows.get(start)?.0;
        let mut rows = self.rows.into_iter().skip(start);
        let header_rows: Vec<Vec<String>> = rows.by_ref().take(layout.header_rows).map(|(_, c)| c).collect();
        let headers = unique(join_headers(&header_rows));
        let mut lines = Vec::new();
        let mut columns: Vec<Vec<Option<String>>> = vec![Vec::new(); headers.len()];
        for (line, cells) in rows {
            let first = cells.iter().find(|c| !c.is_empty());
            match first {
                None => continue,
                Some(first) if first.starts_with('#') => break,
                Some(first) if (layout.is_totals)(first) => continue,
                Some(_) => {}
            }
            lines.push(line);
            for (index, column) in columns.iter_mut().enumerate() {
                column.push(cells.get(index).filter(|c| !c.is_empty()).cloned());
            }
        }
        Some(Table {
            headers,
            header_line,
            lines,
            columns,
            language,
        })
    }
}

/// One header per column: with two header rows, a group header written once over the
/// columns it spans is carried right, and the two are joined as "Group / Column".
fn join_headers(rows: &[Vec<String>]) -> Vec<String> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |row: &Vec<String>, i: usize| row.get(i).cloned().unwrap_or_default();
    match rows {
        [upper, lower] => {
            let mut group = String::new();
            (0..width)
                .map(|i| {
                    let (top, bottom) = (cell(upper, i), cell(lower, i));
                    if !top.is_empty() {
                        group = top;
                    } else if bottom.is_empty() {
                        group.clear();
                    }
                    match (group.is_empty(), bottom.is_empty()) {
                        (_, true) => group.clone(),
                        (true, false) => bottom,
                        (false, false) => format!("{group} / {bottom}"),
                    }
                })
                .collect()
        }
        [only, ..] => (0..width).map(|i| cell(only, i)).collect(),
        [] => Vec::new(),
    }
}

/// Headers made unique, and blank ones named by position, as a frame needs.
fn unique(headers: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::with_capacity(headers.len());
    for (index, header) in headers.into_iter().enumerate() {
        let base = if header.is_empty() {
            format!("column_{}", index + 1)
        } else {
            header
        };
        let mut name = base.clone();
        let mut n = 2;
        while seen.contains(&name) {
            name = format!("{base} ({n})");
            n += 1;
        }
        seen.push(name);
    }
    seen
}

impl Table {
    /// The table as a frame of text columns, with each row's line in [`LINE`].
    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let height = self.lines.len();
        let mut columns: Vec<Column> = self
            .headers
            .iter()
            .zip(self.columns)
            .map(|(name, cells)| Column::new(name.as_str().into(), cells))
            .collect();
        let lines: Vec<u32> = self.lines.iter().map(|l| *l as u32).collect();
        columns.push(Column::new(LINE.into(), lines));
        DataFrame::new(height, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout<'a>(dates: &'a dyn Fn(&str) -> Option<String>, header_rows: usize) -> Layout<'a> {
        Layout {
            is_date_header: dates,
            header_rows,
            is_totals: &|c| c == "Итого" || c == "Total",
        }
    }

    fn date_header(cell: &str) -> Option<String> {
        match cell {
            "Date" => Some("en".into()),
            "День" | "Дата" => Some("ru".into()),
            _ => None,
        }
    }

    #[test]
    fn a_preamble_and_a_totals_row_are_left_out() {
        let text = "\"Отчёт по кампаниям, 01.10.2026 - 31.10.2026\"\nДата;Кампания;Расход\n01.10.2026;Охват;1 200,50\n02.10.2026;\"Охват; осень\";300\nИтого;;1 500,50\n";
        let table = split(text, b';').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.headers, ["Дата", "Кампания", "Расход"]);
        assert_eq!(table.language, "ru");
        assert_eq!(table.lines, [3, 4]);
        assert_eq!(table.columns[1][1].as_deref(), Some("Охват; осень"));
    }

    #[test]
    fn a_second_table_after_comments_is_not_read() {
        let text = "# Account: x\n# Start date: 20261001\nDate,Sessions\n20261001,5\n20261002,7\n\n# ------\n# Table 2\nCountry,Sessions\nPL,12\n";
        let table = split(text, b',').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.lines, [4, 5]);
        assert_eq!(table.columns[1], [Some("5".to_owned()), Some("7".to_owned())]);
    }

    #[test]
    fn group_headers_are_carried_over_their_columns() {
        let rows = vec![
            vec!["День".into(), "Охват".into(), "".into(), "Просмотры".into()],
            vec!["".into(), "Всего".into(), "Подписчики".into(), "".into()],
        ];
        assert_eq!(
            join_headers(&rows),
            ["День", "Охват / Всего", "Охват / Подписчики", "Просмотры"]
        );
    }

    #[test]
    fn blank_and_repeated_headers_get_names() {
        assert_eq!(
            unique(vec!["a".into(), "".into(), "a".into()]),
            ["a", "column_2", "a (2)"]
        );
    }

    #[test]
    fn decoding_follows_the_byte_order_mark_then_validity() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Дата\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16, None, &[encoding_rs::UTF_8]).unwrap().0, "Дата\n");
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Дата\n");
        let candidates = [encoding_rs::UTF_8, encoding_rs::WINDOWS_1251];
        let (text, encoding) = decode(&cp1251, None, &candidates).unwrap();
        assert_eq!((text.as_str(), encoding), ("Дата\n", encoding_rs::WINDOWS_1251));
        assert!(decode(&cp1251, None, &[encoding_rs::UTF_8]).is_err());
    }
}
