//! One pass over a plain CSV before polars reads it: the first ragged row, which polars
//! would fill or fail on without a line, and whether every date is an ISO day, which
//! polars may then parse itself.

/// What one pass over a plain CSV found.
#[derive(Debug, PartialEq, Eq)]
pub struct Scan {
    /// The first row whose field count is not the header's, as its line, its count and
    /// the header's. polars fills a short row with nulls and shifts nothing, but a long
    /// one (an unquoted `1,200`) either fails without a line or, read leniently, puts
    /// every later value one column off; neither is a file to trust.
    pub ragged: Option<(usize, usize, usize)>,
    /// Whether every row's cell in the column asked for is an ISO day (`2026-10-01`);
    /// false when none was asked for, or the file has quotes.
    pub iso_days: bool,
}

/// The first ragged row, and whether every cell of `day_column` is an ISO day: then polars may
/// parse that column itself, where any other form (`2026/10/02`, which polars would
/// also take) must go through the date checks.
pub fn scan(
    mut reader: impl std::io::Read + std::io::Seek,
    separator: u8,
    skip_lines: usize,
    day_column: Option<usize>,
) -> Scan {
    if let Some(found) = unquoted_scan(&mut reader, separator, skip_lines, day_column) {
        return found;
    }
    let ragged = reader
        .seek(std::io::SeekFrom::Start(0))
        .ok()
        .and_then(|_| quoted_ragged_row(reader, separator, skip_lines));
    Scan {
        ragged,
        iso_days: false,
    }
}

/// `2026-10-01`: the form polars parses itself.
pub fn is_iso_day(cell: &[u8]) -> bool {
    cell.len() == 10
        && cell.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// [`scan`] for a file without a quote, where a row's cells are its separators and
/// one: counted a line at a time, several times faster than parsing each row (a fifth of
/// the time it took to read 5 million rows). `None` as soon as a quote turns up, for the
/// parser to read the file again.
fn unquoted_scan(
    reader: impl std::io::Read,
    separator: u8,
    skip_lines: usize,
    day_column: Option<usize>,
) -> Option<Scan> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::with_capacity(1 << 16, reader);
    let mut line = Vec::new();
    let mut iso_days = day_column.is_some();
    let done = |ragged, iso_days| Some(Scan { ragged, iso_days });
    for _ in 0..skip_lines {
        line.clear();
        if lines.read_until(b'\n', &mut line).ok()? == 0 {
            return done(None, iso_days);
        }
    }
    let (mut headers, mut number) = (None, 0);
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).ok()? == 0 {
            return done(None, iso_days);
        }
        number += 1;
        let content = line.strip_suffix(b"\n").unwrap_or(&line);
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        // A quote, or a carriage return that ends a row by itself: the parser's to read.
        if content.contains(&b'"') || content.contains(&b'\r') {
            return None;
        }
        if content.is_empty() {
            continue;
        }
        let cells = content.iter().filter(|b| **b == separator).count() + 1;
        match headers {
            None => headers = Some(cells),
            Some(expected) if cells != expected => return done(Some((number + skip_lines, cells, expected)), false),
            Some(_) => {
                if let (true, Some(column)) = (iso_days, day_column) {
                    let cell = content.split(|b| *b == separator).nth(column).unwrap_or_default();
                    iso_days = is_iso_day(cell.trim_ascii());
                }
            }
        }
    }
}

/// [`unquoted_scan`] of lines in memory: `block` is the header, then whole lines. The
/// quote test is one pass over the block and no line is copied, several times faster,
/// which matters: polars parses a block on every core, this runs on one.
pub fn scan_block(block: &[u8], separator: u8, day_column: usize) -> Option<Scan> {
    if memchr::memchr2(b'"', b'\r', block).is_some() {
        return None;
    }
    let (mut headers, mut iso_days) = (None, true);
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', block).chain(std::iter::once(block.len()));
    for (index, end) in ends.enumerate() {
        let line = &block[start.min(end)..end];
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        let cells = count_byte(line, separator) + 1;
        match headers {
            None => headers = Some(cells),
            Some(expected) if cells != expected => {
                return Some(Scan {
                    ragged: Some((index + 1, cells, expected)),
                    iso_days: false,
                })
            }
            Some(_) if iso_days => {
                let cell = line.split(|b| *b == separator).nth(day_column).unwrap_or_default();
                iso_days = is_iso_day(cell.trim_ascii());
            }
            Some(_) => {}
        }
    }
    Some(Scan { ragged: None, iso_days })
}

/// How many times `byte` is in `bytes`, eight at a time: a byte of `x` is zero where
/// it matched, and `(x & 0x7f..) + 0x7f..` sets a byte's top bit unless its low seven are
/// zero, so what is left with no top bit set is the matches, one bit each.
fn count_byte(bytes: &[u8], byte: u8) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = ONES * u64::from(byte);
    let (words, rest) = bytes.as_chunks::<8>();
    let matched: u32 = words
        .iter()
        .map(|word| {
            let x = u64::from_ne_bytes(*word) ^ pattern;
            (!(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN)).count_ones()
        })
        .sum();
    matched as usize + rest.iter().filter(|b| **b == byte).count()
}

fn quoted_ragged_row(reader: impl std::io::Read, separator: u8, skip_lines: usize) -> Option<(usize, usize, usize)> {
    let mut lines = std::io::BufReader::new(reader);
    for _ in 0..skip_lines {
        std::io::BufRead::read_until(&mut lines, b'\n', &mut Vec::new()).ok()?;
    }
    // Lines end at `\n` alone: with `\r\n` as a terminator the parser places each record
    // before the `\n` of the line above, one line short. A `\r` is then the end of a last
    // cell, which counting cells does not mind.
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_reader(lines);
    let mut record = ::csv::ByteRecord::new();
    reader.read_byte_record(&mut record).ok()?;
    let headers = record.len();
    while reader.read_byte_record(&mut record).ok()? {
        let blank = record.len() == 1 && record[0].iter().all(|b| *b == b'\r');
        if record.len() != headers && !blank {
            let line = record.position().map_or(0, |p| p.line() as usize);
            return Some((line + skip_lines, record.len(), headers));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Counting separators finds what parsing finds, in any file it takes on, its
        /// lines ending in `\n` or `\r\n`. (Not across a blank line: the parser's line
        /// numbers leave blank lines out; counting gives the line the file has.)
        #[test]
        fn counting_agrees_with_parsing(text in "[a,;\n\" ]{0,60}", skip in 0usize..2, crlf in any::<bool>()) {
            let text = if crlf { text.replace('\n', "\r\n") } else { text };
            let blank = text.split('\n').rev().skip(1).any(|l| l.trim_end_matches('\r').is_empty());
            if let (false, Some(counted)) = (blank, unquoted_scan(Cursor::new(&text), b',', skip, None).map(|s| s.ragged)) {
                prop_assert_eq!(counted, quoted_ragged_row(Cursor::new(&text), b',', skip));
            }
        }
    }

    /// The case the property above shrank to when the parser ended lines at `\r\n`: a
    /// ragged row on line 2 of a CRLF file, which the parser called line 1.
    #[test]
    fn a_crlf_files_ragged_row_is_on_its_own_line() {
        let text = ",\r\n;\r\n;";
        assert_eq!(quoted_ragged_row(Cursor::new(text), b',', 0), Some((2, 1, 2)));
        assert_eq!(
            unquoted_scan(Cursor::new(text), b',', 0, None).and_then(|s| s.ragged),
            Some((2, 1, 2))
        );
    }

    proptest! {
        /// Counting eight bytes at a time finds what counting one at a time does.
        #[test]
        fn counting_words_agrees_with_counting_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40), byte in any::<u8>()) {
            prop_assert_eq!(count_byte(&bytes, byte), bytes.iter().filter(|b| **b == byte).count());
        }

        /// A block in memory is scanned as the same lines read from a file are.
        #[test]
        fn a_block_scans_as_its_lines_do(text in "[a1\\-,\n ]{0,80}", day_column in 0usize..3) {
            prop_assert_eq!(
                scan_block(text.as_bytes(), b',', day_column),
                unquoted_scan(Cursor::new(&text), b',', 0, Some(day_column))
            );
        }
    }

    #[test]
    fn a_row_with_a_field_too_many_or_too_few_is_found_by_its_line() {
        let long = "skipped\ndate,views\n2026-10-01,5\n2026-10-02,\"1,2\"\n2026-10-03,1,200\n";
        assert_eq!(
            scan(Cursor::new(long.as_bytes()), b',', 1, None).ragged,
            Some((5, 3, 2))
        );
        assert_eq!(
            scan(Cursor::new("a,b\n1,2\n3\n"), b',', 0, None).ragged,
            Some((3, 1, 2))
        );
        assert_eq!(
            scan(Cursor::new("a,b\r\n\r\n1,2\r\n3,4,5\r\n"), b',', 0, None).ragged,
            Some((4, 3, 2)),
            "the file's own line"
        );
        assert_eq!(
            scan(Cursor::new("a,b\n1,2\n\"x\",3\n4\n"), b',', 0, None).ragged,
            Some((4, 1, 2)),
            "quoted, parsed"
        );
    }

    #[test]
    fn a_day_column_is_iso_only_when_every_cell_is() {
        let days = |text: &str| scan(Cursor::new(text.to_owned()), b',', 0, Some(1)).iso_days;
        assert!(days("n,date\n1,2026-10-01\n2, 2026-10-02 \n"));
        assert!(!days("n,date\n1,2026-10-01\n2,2026/10/02\n"));
        assert!(
            !days("n,date\n1,2026-10-01\n2,\n"),
            "an undated row is the checks' to count"
        );
        assert!(!days("n,date\n\"1\",2026-10-01\n"), "quoted: not known");
        assert!(!scan(Cursor::new("n,date\n1,2026-10-01\n"), b',', 0, None).iso_days);
    }

    #[test]
    fn quoted_separators_and_blank_lines_are_no_ragged_rows() {
        assert_eq!(scan(Cursor::new("a,b\n\"1,5\",2\n\n3,4\n"), b',', 0, None).ragged, None);
        assert_eq!(scan(Cursor::new("a;b\n1,5;2\n"), b';', 0, None).ragged, None);
    }
}
