//! Reading a source line by line, shared by the two JSON Lines readers
//! ([`crate::corpus::JsonlReader`] for datasets, the input layer's for `score` and `eval`):
//! a file or standard input opened plain or gzip (told by its first bytes), lines counted from
//! 1, a byte order mark skipped, blank lines skipped, UTF-8 checked, and a line longer than a
//! limit skipped to its end without being held. Each reader turns what comes out into its own
//! records and errors.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Opens a file, or standard input for `-`, through `wrap` (a counter of the bytes read, for
/// instance), gzip-decompressed when its first bytes say it is gzip.
pub(crate) fn open(
    path: &Path,
    wrap: impl FnOnce(Box<dyn Read + Send>) -> Box<dyn Read + Send>,
) -> std::io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(path)?)
    };
    decompressed(BufReader::new(wrap(raw)))
}

/// Wraps a reader in a gzip decoder when its first bytes say it is gzip.
pub(crate) fn decompressed(
    mut r: BufReader<Box<dyn Read + Send>>,
) -> std::io::Result<Box<dyn BufRead + Send>> {
    let gzip = r.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(r),
        ))
    } else {
        Box::new(r)
    })
}

/// A file's first line without the UTF-8 byte order mark some Windows tools write.
fn without_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// A line read by [`Lines::next_line`].
#[derive(Debug)]
pub(crate) enum Line<'a> {
    /// The line's text, trimmed of ASCII white space (and, on the first line, of a byte order
    /// mark); never empty.
    Text(&'a str),
    /// The source could not be read on (a damaged gzip stream): the reason; the source ends.
    Unreadable(String),
    /// The line is not valid UTF-8: the reason, with the column of the first invalid byte.
    InvalidUtf8(String),
    /// The line is longer than the limit and was skipped to its end: its first bytes (at most
    /// 4 KiB), to name it by.
    TooLong(&'a [u8]),
}

/// The lines of a source, one at a time.
pub(crate) struct Lines {
    reader: Box<dyn BufRead + Send>,
    limit: usize,
    line: usize,
    buf: Vec<u8>,
    done: bool,
}

impl Lines {
    /// Reads `reader`; a line longer than `limit` bytes (its line feed included) comes out as
    /// [`Line::TooLong`] (`usize::MAX`: no limit).
    pub(crate) fn new(reader: Box<dyn BufRead + Send>, limit: usize) -> Lines {
        Lines {
            reader,
            limit,
            line: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// The 1-based number of the last line read (0 before the first).
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// The next line that is not blank, with its 1-based number; `None` at the end of the
    /// source or after a read error.
    pub(crate) fn next_line(&mut self) -> Option<(usize, Line<'_>)> {
        while !self.done {
            let fits = match self.read_line() {
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Ok(Some(fits)) => fits,
                Err(e) => {
                    // A read error (a damaged gzip stream) ends the source.
                    self.done = true;
                    self.line += 1;
                    return Some((self.line, Line::Unreadable(format!("read error: {e}"))));
                }
            };
            self.line += 1;
            if !fits {
                return Some((self.line, Line::TooLong(&self.buf)));
            }
            // The line without white space around it and, on the first line, without a byte
            // order mark, as offsets into `buf` (a slice kept across the loop would hold `buf`
            // borrowed).
            let (start, end) = {
                let end = self.buf.trim_ascii_end().len();
                let mut bytes = self.buf.trim_ascii();
                if self.line == 1 {
                    bytes = without_bom(bytes);
                }
                (end - bytes.len(), end)
            };
            if start == end {
                continue;
            }
            let bytes = self.buf.get(start..end).unwrap_or_default();
            let line = match std::str::from_utf8(bytes) {
                Ok(text) => Line::Text(text),
                Err(e) => Line::InvalidUtf8(format!(
                    "not valid UTF-8 (first invalid byte at column {})",
                    e.valid_up_to() + 1
                )),
            };
            return Some((self.line, line));
        }
        None
    }

    /// Reads the next line into `buf`; returns `Ok(None)` at the end, `Ok(Some(false))` when
    /// the line was over the limit (and was skipped, `buf` then holds its start).
    fn read_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let limit = self.limit;
        let mut any = false;
        let mut fits = true;
        loop {
            let chunk = match self.reader.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                return Ok(any.then_some(fits));
            }
            any = true;
            let (take, end) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            if fits && self.buf.len().saturating_add(take) <= limit {
                self.buf.extend_from_slice(&chunk[..take]);
            } else if fits {
                fits = false;
                let room = limit.min(4096).saturating_sub(self.buf.len());
                self.buf.extend_from_slice(&chunk[..take.min(room)]);
            }
            self.reader.consume(take);
            if end {
                return Ok(Some(fits));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8], limit: usize) -> Vec<(usize, String)> {
        let mut lines = Lines::new(Box::new(std::io::Cursor::new(bytes.to_vec())), limit);
        let mut out = Vec::new();
        while let Some((n, line)) = lines.next_line() {
            let shown = match line {
                Line::Text(t) => t.to_string(),
                Line::Unreadable(r) => format!("unreadable: {r}"),
                Line::InvalidUtf8(r) => format!("invalid: {r}"),
                Line::TooLong(head) => format!("too long: {}", head.len()),
            };
            out.push((n, shown));
        }
        out
    }

    #[test]
    fn blank_lines_a_first_byte_order_mark_and_bad_utf8() {
        let got = lines(
            b"\xEF\xBB\xBF a \r\n\n  \n\xEF\xBB\xBFb\n c\xff\nlast",
            usize::MAX,
        );
        let want = [
            (1, " a".to_string()),
            (4, "\u{feff}b".to_string()),
            (
                5,
                "invalid: not valid UTF-8 (first invalid byte at column 2)".to_string(),
            ),
            (6, "last".to_string()),
        ];
        assert_eq!(got, want);
        assert_eq!(
            lines("\u{feff}\n x\n".as_bytes(), usize::MAX),
            [(2, "x".into())]
        );
    }

    #[test]
    fn a_line_over_the_limit_keeps_only_its_start() {
        let long = format!("{}\nok\n", "x".repeat(10_000));
        let got = lines(long.as_bytes(), 5000);
        assert_eq!(
            got,
            [(1, "too long: 4096".to_string()), (2, "ok".to_string())]
        );
    }
}
