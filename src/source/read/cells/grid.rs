//! Exports as people download them, before polars sees them: decoded to text, split into
//! cells, the header row found below any preamble, two-row headers joined, and totals
//! rows and trailing tables dropped. Output: a [`Table`] of cells, typed where the file
//! typed them, that remembers each row's line in the file.

use encoding_rs::Encoding;

use crate::source::error::ReadFailure;
use crate::source::value::Value;

use super::headers::{join_headers, unique};
pub use super::ranges::{DateRange, Said};

/// Rows of cells, each with the line it was read from.
#[derive(Clone)]
pub struct Grid {
    pub rows: Vec<(usize, Vec<Value>)>,
}

/// What finds the header row and reads the rows below it.
pub struct Layout<'a> {
    /// Whether a cell is the date column's header; returns that header's language.
    pub is_date_header: &'a dyn Fn(&str) -> Option<String>,
    pub header_rows: usize,
    pub is_totals: &'a dyn Fn(&str) -> bool,
    /// Whether a row's first cell says the platform cut the table short.
    pub is_truncation: &'a dyn Fn(&str) -> bool,
    /// Whether a candidate header row is the table wanted: a file of several tables
    /// (GA4's) is read at the one whose columns fit.
    pub accepts: &'a dyn Fn(&[String]) -> bool,
    /// Whether another table may follow a table without a `#` line between them (Meta's
    /// Facebook table, then Instagram's): a table then ends at the next one's header or
    /// title. Looking for one costs every row of a long table, so only where it may be.
    pub tables_follow: bool,
}

/// The data of one export: headers, and rows of cells with their lines.
pub struct Table {
    pub headers: Vec<String>,
    /// The line (or sheet row) of the first header row.
    pub header_line: usize,
    pub lines: Vec<usize>,
    pub columns: Vec<Vec<Value>>,
    /// The language of the date header the table was found by.
    pub language: String,
    /// The `#` lines right above the header (GA4's `# Start date: 20241101`).
    pub notes: Vec<String>,
    /// The line right above the header when it is one cell: the metric a table of
    /// Meta's daily downloads holds (`Facebook reach`, then `Instagram reach`).
    pub title: Option<String>,
    /// The first row with a filled cell right of the last header, with its cell count:
    /// its values would be read one column off.
    pub too_wide: Option<(usize, usize)>,
    /// The line saying the platform cut the table short, as the file writes it.
    pub truncated: Option<String>,
}

impl Table {
    /// The metric a table of a file of several holds: its title line, or in a table of a
    /// date and one value, the value's header (Meta's 2023 layout: `"Date","Instagram
    /// followers"`).
    pub fn metric(&self, is_date_header: &dyn Fn(&str) -> bool) -> Option<String> {
        self.title.clone().or_else(|| match self.headers.as_slice() {
            [_, _] => self.headers.iter().find(|h| !is_date_header(h)).cloned(),
            _ => None,
        })
    }
}

/// Decodes an export: a byte-order mark decides; else `explicit`; else the first of
/// `candidates` the bytes are valid in (UTF-8 is only valid UTF-8, so this is no guess).
pub fn decode(
    bytes: &[u8],
    explicit: Option<&'static Encoding>,
    candidates: &[&'static Encoding],
) -> Result<(String, &'static Encoding), ReadFailure> {
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
    Err(ReadFailure::Encoding {
        tried: candidates.iter().map(|e| e.name()).collect(),
    })
}

/// The separator an Excel-style `sep=,` first line names (Meta's page exports).
pub fn separator_hint(text: &str) -> Option<u8> {
    let first = text.lines().next()?.trim_end_matches('\r').trim_matches('"');
    match first.strip_prefix("sep=")?.as_bytes() {
        [separator] => Some(*separator),
        _ => None,
    }
}

/// Splits `text` into rows of cells at `separator`, keeping quoted cells whole.
pub fn split(text: &str, separator: u8) -> Grid {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::default();
    let rows = reader
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            let line = lines.at(text.as_bytes(), record.position().map_or(0, |p| p.byte() as usize));
            (line, record.iter().map(|cell| Value::text(&visible(cell))).collect())
        })
        .collect();
    Grid { rows }
}

/// The line a record starts on, from its byte offset. The csv crate's own line count lags
/// one behind after a line that ends in `\r\n` (it places a record before the `\n` of the
/// line above), and Meta and Excel write `\r\n`.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: usize,
}

impl LineCounter {
    /// The 1-based line of the first byte at or after `offset` that ends no line; offsets
    /// come in order.
    fn at(&mut self, bytes: &[u8], offset: usize) -> usize {
        let start = offset
            + bytes[offset.min(bytes.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        let start = start.min(bytes.len()).max(self.byte);
        self.newlines += memchr::memchr_iter(b'\n', &bytes[self.byte..start]).count();
        self.byte = start;
        self.newlines + 1
    }
}

/// A cell without the soft hyphens (U+00AD) YouTube's German downloads put inside words
/// (`Auf­ru­fe`, `Ge­samt`): a hint where a word may break, never part of it, and shown by
/// some terminals as a dash.
fn visible(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.contains('\u{ad}') {
        true => cell.replace('\u{ad}', "").into(),
        false => cell.into(),
    }
}

impl Grid {
    /// The index of the header row and its date header's language: the first row with
    /// the date header whose headers the layout accepts.
    pub fn header_row(&self, layout: &Layout) -> Option<(usize, String)> {
        self.header_row_from(0, layout)
    }

    fn header_row_from(&self, from: usize, layout: &Layout) -> Option<(usize, String)> {
        self.rows.iter().enumerate().skip(from).find_map(|(index, (_, cells))| {
            let language = cells
                .iter()
                .filter_map(Value::as_str)
                .find_map(|c| (layout.is_date_header)(c))?;
            let headers = self.headers_at(index, layout.header_rows);
            (layout.accepts)(&headers).then_some((index, language))
        })
    }

    pub(super) fn headers_at(&self, index: usize, header_rows: usize) -> Vec<String> {
        let rows: Vec<Vec<String>> = self.rows[index..]
            .iter()
            .take(header_rows)
            .map(|(_, cells)| cells.iter().map(Value::display).collect())
            .collect();
        unique(join_headers(&rows))
    }

    /// The row with the most cells among the first few: the likeliest header when no
    /// row holds the expected date header, since title lines above it are one cell wide.
    pub fn widest_leading_row(&self) -> Vec<String> {
        self.rows
            .iter()
            .take(10)
            .rev()
            .max_by_key(|(_, cells)| cells.len())
            .map(|(_, cells)| cells.iter().map(Value::display).collect())
            .unwrap_or_default()
    }

    /// The table under the header row: rows up to the next `#` comment (a second table,
    /// as Google Analytics appends), without totals rows and empty rows.
    pub fn table(self, layout: &Layout) -> Option<Table> {
        let (start, language) = self.header_row(layout)?;
        self.table_from(start, language, layout).map(|(table, _)| table)
    }

    /// Every table the layout accepts, in file order (GA4's snapshot has one per metric).
    pub fn tables(self, layout: &Layout) -> Vec<Table> {
        let mut tables = Vec::new();
        let mut from = 0;
        while let Some((start, language)) = self.header_row_from(from, layout) {
            let Some((table, end)) = self.table_from(start, language, layout) else {
                break;
            };
            tables.push(table);
            from = end.max(start + 1);
        }
        tables
    }

    /// The table under the first row `width` cells wide, for a file no preset describes.
    pub fn plain_table(self, width: usize) -> Option<Table> {
        let start = self.rows.iter().position(|(_, cells)| cells.len() == width)?;
        let layout = Layout {
            is_date_header: &|_| None,
            header_rows: 1,
            is_totals: &|_| false,
            is_truncation: &|_| false,
            accepts: &|_| true,
            tables_follow: false,
        };
        self.table_from(start, String::new(), &layout).map(|(table, _)| table)
    }

    /// The table under the header at row `start`, and the index of the row it ends at.
    fn table_from(&self, start: usize, language: String, layout: &Layout) -> Option<(Table, usize)> {
        let header_line = self.rows.get(start)?.0;
        let headers = self.headers_at(start, layout.header_rows);
        let notes = self.notes_above(start);
        let title = start.checked_sub(1).and_then(|above| self.title_at(above));
        let mut lines = Vec::new();
        let mut columns: Vec<Vec<Value>> = vec![Vec::new(); headers.len()];
        let mut too_wide = None;
        let mut truncated = None;
        let mut end = self.rows.len();
        for (index, (line, cells)) in self.rows.iter().enumerate().skip(start + layout.header_rows) {
            let first = cells.iter().find(|c| !c.is_empty()).map(Value::display);
            match first {
                None => continue,
                Some(first) if first.starts_with('#') => {
                    end = index;
                    break;
                }
                Some(first) if (layout.is_totals)(&first) => continue,
                Some(first) if (layout.is_truncation)(&first) => {
                    truncated = Some(first);
                    continue;
                }
                // Another table's header, or the title line right above it.
                Some(first)
                    if layout.tables_follow
                        && ((layout.is_date_header)(&first).is_some() || self.titles_a_table(index, layout)) =>
                {
                    end = index;
                    break;
                }
                Some(_) => {}
            }
            let filled = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
            if filled > headers.len() && too_wide.is_none() {
                too_wide = Some((*line, filled));
            }
            lines.push(*line);
            let mut cells = cells.iter();
            for column in columns.iter_mut() {
                column.push(cells.next().cloned().unwrap_or(Value::Empty));
            }
        }
        let table = Table {
            headers,
            header_line,
            lines,
            columns,
            language,
            notes,
            title,
            too_wide,
            truncated,
        };
        Some((table, end))
    }

    /// Row `index` as a title: its one filled cell, when it has one and is no note and no
    /// `sep=` line.
    fn title_at(&self, index: usize) -> Option<String> {
        let (_, cells) = self.rows.get(index)?;
        let mut filled = cells.iter().filter(|c| !c.is_empty());
        let title = filled.next()?.display();
        let note = title.starts_with('#') || title.starts_with("sep=");
        (filled.next().is_none() && !note).then_some(title)
    }

    /// Whether row `index` is a title line right above another table's header.
    fn titles_a_table(&self, index: usize, layout: &Layout) -> bool {
        let next_starts = self.rows.get(index + 1).is_some_and(|(_, cells)| {
            let first = cells.iter().find(|c| !c.is_empty()).map(Value::display);
            first.is_some_and(|first| (layout.is_date_header)(&first).is_some())
        });
        next_starts && self.title_at(index).is_some()
    }

    /// The `#` lines right above row `start`.
    fn notes_above(&self, start: usize) -> Vec<String> {
        let mut notes: Vec<String> = self.rows[..start]
            .iter()
            .rev()
            .map(|(_, cells)| cells.iter().map(Value::display).collect::<Vec<_>>().join(","))
            .take_while(|text| text.starts_with('#'))
            .collect();
        notes.reverse();
        notes
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
            is_truncation: &|c| c.starts_with("Showing top"),
            accepts: &|headers| headers.len() > 1,
            tables_follow: false,
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
    fn lines_are_counted_alike_whatever_ends_them() {
        for text in [
            "sep=,\nTitle\nDate,Views\n2026-10-01,5\n",
            "sep=,\r\nTitle\r\nDate,Views\r\n2026-10-01,5\r\n",
        ] {
            let lines: Vec<usize> = split(text, b',').rows.iter().map(|(line, _)| *line).collect();
            assert_eq!(lines, [1, 2, 3, 4], "{text:?}");
        }
        let quoted = split("Date,Note\r\n2026-10-01,\"two\r\nlines\"\r\n2026-10-02,x\r\n", b',');
        let lines: Vec<usize> = quoted.rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [1, 2, 4]);
    }

    #[test]
    fn a_preamble_and_a_totals_row_are_left_out() {
        let text = "\"Отчёт по кампаниям, 01.10.2026 - 31.10.2026\"\nДата;Кампания;Расход\n01.10.2026;Охват;1 200,50\n02.10.2026;\"Охват; осень\";300\nИтого;;1 500,50\n";
        let table = split(text, b';').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.headers, ["Дата", "Кампания", "Расход"]);
        assert_eq!(table.language, "ru");
        assert_eq!(table.lines, [3, 4]);
        assert_eq!(table.columns[1][1], Value::Text("Охват; осень".into()));
        assert_eq!(table.too_wide, None);
    }

    #[test]
    fn a_second_table_after_comments_is_not_read() {
        let text = "# Account: x\n# Start date: 20261001\nDate,Sessions\n20261001,5\n20261002,7\n\n# ------\n# Table 2\nCountry,Sessions\nPL,12\n";
        let table = split(text, b',').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.lines, [4, 5]);
        assert_eq!(table.columns[1], [Value::Text("5".into()), Value::Text("7".into())]);
        assert_eq!(table.notes, ["# Account: x", "# Start date: 20261001"]);
    }

    #[test]
    fn the_table_whose_columns_fit_is_read() {
        let text = "# Table 1\nDate\nNov 23 - Nov 29\n\n# Table 2\n# Start date: 20261001\nDate,Sessions\n0000,5\n";
        let table = split(text, b',').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.headers, ["Date", "Sessions"]);
        assert_eq!(table.notes, ["# Table 2", "# Start date: 20261001"]);
    }

    #[test]
    fn every_table_that_fits_is_found() {
        let text = "# Start date: 20261001\nNth day,Active users\n0000,5\n0001,6\n\n# Start date: 20261001\nCountry,Active users\nPL,3\n\n# Start date: 20261001\nNth day,New users\n0000,2\n";
        let dates = |c: &str| (c == "Nth day").then(|| "en".to_owned());
        let tables = split(text, b',').tables(&layout(&dates, 1));
        let headers: Vec<&str> = tables.iter().map(|t| t.headers[1].as_str()).collect();
        assert_eq!(headers, ["Active users", "New users"]);
        assert_eq!(tables[1].lines, [12]);
    }

    #[test]
    fn a_row_wider_than_its_header_is_noted() {
        let text = "Date,Views\n2026-10-01,1,200\n2026-10-02,3\n";
        let table = split(text, b',').table(&layout(&date_header, 1)).unwrap();
        assert_eq!(table.too_wide, Some((2, 3)));
        assert_eq!(separator_hint("sep=;\nDate"), Some(b';'));
        assert_eq!(separator_hint("sep=\t\r\nFacebook reach\t\r\n"), Some(b'\t'));
        assert_eq!(separator_hint("\"sep=,\"\n"), Some(b','));
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
