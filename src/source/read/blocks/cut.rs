//! A file cut into blocks of whole lines, each with the header line in front, read into
//! one buffer after another that the reader hands back for reuse: a fresh 16 MiB buffer a
//! block was fresh pages for the kernel to zero, a fifth of a large read's time.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The rest of a file after its header, a block at a time.
pub struct Cutter {
    file: File,
    header: Vec<u8>,
    /// The start of a line the last block cut off, for the next.
    carry: Vec<u8>,
    block_bytes: usize,
    at_end: bool,
    done: bool,
}

impl Cutter {
    /// Opens `path` and finds its header, the line after the `skip` lines above it;
    /// `None` when the first block holds no whole header line.
    pub fn open(path: &Path, skip: usize, block_bytes: usize) -> std::io::Result<Option<Cutter>> {
        let mut file = File::open(path)?;
        let mut first = Vec::new();
        let read = (&mut file).take(block_bytes as u64).read_to_end(&mut first)?;
        let Some(header_start) = nth_line_start(&first, skip) else {
            return Ok(None);
        };
        let Some(header_end) = nth_line_start(&first[header_start..], 1).map(|e| header_start + e) else {
            return Ok(None);
        };
        Ok(Some(Cutter {
            file,
            header: first[header_start..header_end].to_vec(),
            carry: first[header_end..].to_vec(),
            block_bytes,
            at_end: read < block_bytes,
            done: false,
        }))
    }

    /// Fills `block` with the header and the next whole lines (a line longer than a
    /// block read on to its end); false once the file has given every line.
    pub fn next_block(&mut self, block: &mut Vec<u8>) -> std::io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        block.clear();
        block.extend_from_slice(&self.header);
        block.append(&mut self.carry);
        loop {
            if self.at_end {
                self.done = true;
                return Ok(true);
            }
            let read = (&mut self.file).take(self.block_bytes as u64).read_to_end(block)?;
            self.at_end = read < self.block_bytes;
            if self.at_end {
                continue;
            }
            if let Some(last) = block[self.header.len()..].iter().rposition(|b| *b == b'\n') {
                let cut = self.header.len() + last + 1;
                self.carry.extend_from_slice(&block[cut..]);
                block.truncate(cut);
                return Ok(true);
            }
        }
    }
}

/// Where line `n` (from 0) of `bytes` starts, when it does.
fn nth_line_start(bytes: &[u8], n: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 0..n {
        start += memchr::memchr(b'\n', &bytes[start..])? + 1;
    }
    Some(start)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn blocks(text: &str, skip: usize, block_bytes: usize) -> Vec<String> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let mut cutter = Cutter::open(file.path(), skip, block_bytes).unwrap().unwrap();
        let mut block = Vec::new();
        let mut all = Vec::new();
        while cutter.next_block(&mut block).unwrap() {
            all.push(String::from_utf8(block.clone()).unwrap());
        }
        all
    }

    #[test]
    fn every_block_is_the_header_and_whole_lines() {
        let text = "above\nh\nl1\nline2\nl3\n";
        for size in 1..30 {
            let all = blocks(text, 1, size.max(8));
            assert!(
                all.iter().all(|b| b.starts_with("h\n") && (b.ends_with('\n'))),
                "{size}: {all:?}"
            );
            let lines: String = all.iter().map(|b| &b[2..]).collect();
            assert_eq!(lines, "l1\nline2\nl3\n", "{size}");
        }
    }

    #[test]
    fn a_last_line_without_a_newline_and_a_header_alone_are_blocks() {
        assert_eq!(blocks("h\naa\nbb\ncc", 0, 4), ["h\naa\nbb\n", "h\ncc"]);
        assert_eq!(blocks("h\n", 0, 64), ["h\n"]);
    }
}
