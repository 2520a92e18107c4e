//! A plain CSV read a block of lines at a time, so that a large export is never held
//! whole: polars reads a file from its path through a memory map, which keeps every page
//! of it resident beside the frame (5 million rows: 444 MB of text on top of the
//! columns). Only the parsed columns are kept, each integer column as 32-bit where its
//! values fit (half the memory; the frame's users see 64-bit again, see
//! [`crate::source::widened`]).
//!
//! This is the path for the common export: unquoted, and dated by ISO days. Anything
//! else (a quote, a date in another form, a cell unlike the type the first rows
//! suggested) is left to the whole-file reader, which has the checks that name the cell.

mod cut;

use std::io::Cursor;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use polars::prelude::*;

use crate::source::{give_back_freed_memory, scan};

/// How much of the file is read and parsed at a time.
pub const BLOCK_BYTES: usize = 16 << 20;

/// What reading in blocks came to.
pub enum Blocks {
    /// Every row, parsed.
    Read(DataFrame),
    /// The first row whose field count is not the header's: its line, its count and the
    /// header's.
    Ragged(usize, usize, usize),
    /// A file for the whole-file reader (see the module's comment).
    NotPlain,
}

/// How to read one file in blocks.
pub struct BlockRead<'a> {
    pub separator: u8,
    /// Lines above the header.
    pub skip: usize,
    /// The date column's position among the file's columns.
    pub day_column: usize,
    /// The date column's header.
    pub day_header: &'a str,
    /// The options for one block: given the rows to guess types from and the types
    /// already known.
    pub options: &'a (dyn Fn(Option<usize>, SchemaRef) -> CsvReadOptions + Sync),
    /// How many rows polars guesses the first block's types from.
    pub infer_rows: usize,
    pub block_bytes: usize,
}

/// Reads `path` in blocks of about `how.block_bytes`, each starting with the header.
/// A thread cuts and checks the next block while polars parses this one: the checks run
/// on one core, and polars' parse of a block has stretches on one core too.
pub fn read(path: &Path, how: &BlockRead) -> std::io::Result<Blocks> {
    let Some(mut cutter) = cut::Cutter::open(path, how.skip, how.block_bytes)? else {
        return Ok(Blocks::NotPlain);
    };
    let read = std::thread::scope(|scope| {
        let (send_checked, checked) = sync_channel::<std::io::Result<Checked>>(0);
        let (send_spare, spare) = sync_channel::<Vec<u8>>(1);
        scope.spawn(move || {
            let mut lines_before = how.skip;
            loop {
                let mut block = spare.try_recv().unwrap_or_default();
                let checked = match cutter.next_block(&mut block) {
                    Ok(false) => break,
                    Ok(true) => check(block, how, lines_before),
                    Err(e) => Err(e),
                };
                let last = !matches!(checked, Ok(Checked::Lines { .. }));
                if let Ok(Checked::Lines { lines, .. }) = &checked {
                    lines_before += lines;
                }
                if send_checked.send(checked).is_err() || last {
                    break;
                }
            }
        });
        parse_all(how, checked, send_spare)
    });
    give_back_freed_memory();
    read
}

/// One block, checked.
enum Checked {
    /// Its lines, fit for polars, and how many.
    Lines {
        block: Vec<u8>,
        lines: usize,
    },
    Ragged(usize, usize, usize),
    NotPlain,
}

/// Checks one block (the header, then whole lines); `lines_before` is the file's line
/// number of the header less one.
fn check(block: Vec<u8>, how: &BlockRead, lines_before: usize) -> std::io::Result<Checked> {
    let Some(found) = scan::scan_block(&block, how.separator, how.day_column) else {
        return Ok(Checked::NotPlain);
    };
    if let Some((line, cells, headers)) = found.ragged {
        return Ok(Checked::Ragged(line + lines_before, cells, headers));
    }
    if !found.iso_days {
        return Ok(Checked::NotPlain);
    }
    let lines = memchr::memchr_iter(b'\n', &block).count() - 1 + usize::from(!block.ends_with(b"\n"));
    Ok(Checked::Lines { block, lines })
}

/// Parses every checked block as it comes, handing each buffer back, and joins them.
fn parse_all(
    how: &BlockRead,
    checked: Receiver<std::io::Result<Checked>>,
    spare: SyncSender<Vec<u8>>,
) -> std::io::Result<Blocks> {
    let mut known: Option<SchemaRef> = None;
    let mut frames: Vec<DataFrame> = Vec::new();
    let mut pending = checked.iter().peekable();
    while let Some(next) = pending.next() {
        let block = match next? {
            Checked::Lines { block, .. } => block,
            Checked::Ragged(line, cells, headers) => return Ok(Blocks::Ragged(line, cells, headers)),
            Checked::NotPlain => return Ok(Blocks::NotPlain),
        };
        // A file of one block is a client's export, too small for narrowing to matter.
        let narrow = !(frames.is_empty() && pending.peek().is_none());
        let Some((frame, types)) = parse(&block, how, known.clone(), narrow) else {
            return Ok(Blocks::NotPlain);
        };
        known.get_or_insert(types);
        frames.push(frame);
        // For the checker to fill again, unless it has one already (or has stopped):
        // waiting here for it to take one would wait on it waiting for this loop.
        let _ = spare.try_send(block);
    }
    Ok(match joined(frames) {
        Ok(frame) => Blocks::Read(frame),
        Err(_) => Blocks::NotPlain,
    })
}

/// Parses one checked block, its integer columns `narrow`ed, with the types the first
/// block had (`known`); the frame and the types polars read it as.
fn parse(block: &[u8], how: &BlockRead, known: Option<SchemaRef>, narrow: bool) -> Option<(DataFrame, SchemaRef)> {
    let (infer, types) = match known {
        Some(types) => (Some(0), types),
        None => (
            Some(how.infer_rows),
            Arc::new(Schema::from_iter([Field::new(how.day_header.into(), DataType::Date)])),
        ),
    };
    let frame = (how.options)(infer, types)
        .into_reader_with_file_handle(Cursor::new(block))
        .finish()
        .ok()?;
    let types = frame.schema().clone();
    let dated = frame
        .column(how.day_header)
        .is_ok_and(|c| c.dtype() == &DataType::Date && c.null_count() == 0);
    let frame = match narrow {
        true => narrowed(frame).ok()?,
        false => frame,
    };
    dated.then_some((frame, types))
}

/// `frame` with each 64-bit integer column whose values fit in 32 bits made 32-bit.
fn narrowed(mut frame: DataFrame) -> PolarsResult<DataFrame> {
    let fitting: Vec<PlSmallStr> = frame
        .columns()
        .iter()
        .filter(|c| c.dtype() == &DataType::Int64)
        .filter(|c| c.as_materialized_series().i64().is_ok_and(fits_in_32_bits))
        .map(|c| c.name().clone())
        .collect();
    for name in fitting {
        // Every value fits, so the cast that does not check each is exact.
        let narrow = frame
            .column(&name)?
            .cast_with_options(&DataType::Int32, polars::chunked_array::cast::CastOptions::Overflowing)?;
        frame.with_column(narrow)?;
    }
    Ok(frame)
}

/// Whether every value of `values` fits in 32 bits. The slots of missing values are
/// looked at too: whatever they hold can only keep a column 64-bit, never narrow one
/// wrongly. One pass without branches, where polars' min and max took two with.
fn fits_in_32_bits(values: &Int64Chunked) -> bool {
    values.downcast_iter().all(|array| {
        array
            .values()
            .iter()
            .fold(true, |fits, v| fits & (i64::from(*v as i32) == *v))
    })
}

/// The blocks' frames one after another; a column 32-bit in one block and 64-bit in
/// another is 64-bit in all.
fn joined(mut frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let Some(first) = frames.first() else {
        return Ok(DataFrame::empty());
    };
    let wide: Vec<PlSmallStr> = first
        .get_column_names()
        .into_iter()
        .filter(|name| {
            frames
                .iter()
                .any(|f| f.column(name.as_str()).is_ok_and(|c| c.dtype() == &DataType::Int64))
        })
        .cloned()
        .collect();
    for frame in &mut frames {
        for name in &wide {
            if frame.column(name.as_str())?.dtype() == &DataType::Int32 {
                let wider = frame.column(name.as_str())?.cast(&DataType::Int64)?;
                frame.with_column(wider)?;
            }
        }
    }
    let mut all = frames.remove(0);
    for frame in &frames {
        all.vstack_mut(frame)?;
    }
    drop(frames);
    // One piece per column, as the whole-file reader gives: gathering rows from a column
    // of hundreds of pieces (to put them in date order) took a fifth of the whole build.
    // A column at a time, so that only one is ever held twice.
    for name in all.get_column_names_owned() {
        let joined = all.column(&name)?.rechunk();
        all.with_column(joined)?;
        give_back_freed_memory();
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// Reads `text` in blocks of `block_bytes`, the date in the first column.
    fn read_text(text: &str, skip: usize, block_bytes: usize) -> Blocks {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let options = |infer: Option<usize>, types: SchemaRef| {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(infer)
                .with_schema_overwrite(Some(types))
        };
        let how = BlockRead {
            separator: b',',
            skip,
            day_column: 0,
            day_header: "date",
            options: &options,
            infer_rows: 100,
            block_bytes,
        };
        read(file.path(), &how).unwrap()
    }

    fn frame(blocks: Blocks) -> DataFrame {
        match blocks {
            Blocks::Read(frame) => frame,
            Blocks::Ragged(line, ..) => panic!("ragged at line {line}"),
            Blocks::NotPlain => panic!("not plain"),
        }
    }

    fn days(rows: usize, views: impl Fn(usize) -> String) -> String {
        let mut text = String::from("date,views\n");
        for row in 0..rows {
            text.push_str(&format!("2026-10-{:02},{}\n", row % 28 + 1, views(row)));
        }
        text
    }

    #[test]
    fn small_blocks_read_what_one_block_reads() {
        let text = days(500, |row| row.to_string());
        let whole = frame(read_text(&text, 0, BLOCK_BYTES));
        let blocked = frame(read_text(&text, 0, 64));
        let views = |frame: &DataFrame| frame.column("views").unwrap().as_materialized_series().clone();
        assert_eq!(views(&whole).dtype(), &DataType::Int64, "one block: as polars read it");
        assert_eq!(views(&blocked).dtype(), &DataType::Int32);
        assert!(views(&blocked).cast(&DataType::Int64).unwrap().equals(&views(&whole)));
        assert!(whole.column("date").unwrap().equals(blocked.column("date").unwrap()));
        assert_eq!(blocked.height(), 500);
    }

    #[test]
    fn a_value_past_32_bits_in_a_later_block_makes_the_column_64_bit() {
        let text = days(300, |row| if row == 299 { "5000000000".into() } else { "1".into() });
        let frame = frame(read_text(&text, 0, 100));
        let views = frame.column("views").unwrap();
        assert_eq!(views.dtype(), &DataType::Int64);
        assert_eq!(views.i64().unwrap().sum(), Some(5_000_000_299));
    }

    #[test]
    fn a_ragged_row_in_a_later_block_is_found_by_the_files_line() {
        let mut text = days(300, |row| row.to_string());
        text.push_str("2026-10-01,1,2\n");
        let skipped = format!("exported by a tool\n\n{text}");
        match read_text(&skipped, 2, 100) {
            Blocks::Ragged(line, cells, headers) => assert_eq!((line, cells, headers), (304, 3, 2)),
            _ => panic!("the long row was not found"),
        }
    }

    #[test]
    fn what_the_whole_file_reader_checks_is_left_to_it() {
        let fraction_later = days(300, |row| if row == 299 { "0.5".into() } else { "1".into() });
        assert!(matches!(read_text(&fraction_later, 0, 100), Blocks::NotPlain));
        let quoted_later = days(300, |row| if row == 299 { "\"1\"".into() } else { "1".into() });
        assert!(matches!(read_text(&quoted_later, 0, 100), Blocks::NotPlain));
        let other_date = format!("{}10/02/2026,1\n", days(300, |_| "1".into()));
        assert!(matches!(read_text(&other_date, 0, 100), Blocks::NotPlain));
    }

    #[test]
    fn a_last_line_without_a_newline_is_read() {
        let text = "date,views\n2026-10-01,1\n2026-10-02,2";
        let frame = frame(read_text(text, 0, 16));
        assert_eq!(frame.column("views").unwrap().i32().unwrap().sum(), Some(3));
    }
}
