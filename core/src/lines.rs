//! Lines of untrusted input read in bounded memory: a line longer than the cap is
//! skipped (consumed without being kept) and reported as [`Line::TooLong`], so one
//! huge line neither exhausts memory nor stops the lines after it from being read.

use std::io::{self, BufRead};

/// One line as read by [`BoundedLines`].
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// The line's bytes, without its `\n` or `\r\n`.
    Text(&'a [u8]),
    /// The line was longer than the cap; its bytes were skipped.
    TooLong,
}

/// Reads lines of at most `cap` bytes, holding no more than `cap` bytes of a line (plus
/// the reader's own buffer) whatever the input.
pub struct BoundedLines<R> {
    reader: R,
    cap: usize,
    line: Vec<u8>,
}

impl<R: BufRead> BoundedLines<R> {
    /// Lines of `reader`, each at most `cap` bytes long.
    pub fn new(reader: R, cap: usize) -> Self {
        BoundedLines {
            reader,
            cap,
            line: Vec::new(),
        }
    }

    /// The next line, or `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.line.clear();
        let mut too_long = false;
        let mut read_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !read_any {
                    return Ok(None);
                }
                break;
            }
            read_any = true;
            let newline = available.iter().position(|b| *b == b'\n');
            let part = &available[..newline.unwrap_or(available.len())];
            let needed = self.line.len() + part.len();
            if !too_long && needed <= self.cap {
                // Grow as a Vec would, but never past the cap.
                let wanted = needed.max(self.line.capacity() * 2).min(self.cap);
                self.line.reserve_exact(wanted - self.line.len());
                self.line.extend_from_slice(part);
            } else {
                too_long = true;
            }
            let used = newline.map_or(part.len(), |at| at + 1);
            self.reader.consume(used);
            if newline.is_some() {
                break;
            }
        }
        if too_long {
            self.line.clear();
            return Ok(Some(Line::TooLong));
        }
        let text = self.line.strip_suffix(b"\r").unwrap_or(&self.line);
        Ok(Some(Line::Text(text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Read};

    /// `len` bytes of `a` without a newline, then `tail`; made as read, never held whole.
    struct LongLine {
        left: usize,
        tail: &'static [u8],
    }

    impl Read for LongLine {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.left > 0 {
                let n = self.left.min(out.len());
                out[..n].fill(b'a');
                self.left -= n;
                return Ok(n);
            }
            let n = self.tail.len().min(out.len());
            out[..n].copy_from_slice(&self.tail[..n]);
            self.tail = &self.tail[n..];
            Ok(n)
        }
    }

    fn all(input: &[u8], cap: usize) -> Vec<Option<Vec<u8>>> {
        let mut lines = BoundedLines::new(input, cap);
        let mut found = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            found.push(match line {
                Line::Text(t) => Some(t.to_vec()),
                Line::TooLong => None,
            });
        }
        found
    }

    #[test]
    fn splits_lines_and_strips_line_ends() {
        assert_eq!(
            all(b"a\r\nbc\n\nlast", 8),
            [
                Some(b"a".to_vec()),
                Some(b"bc".to_vec()),
                Some(vec![]),
                Some(b"last".to_vec())
            ]
        );
        assert!(all(b"", 8).is_empty());
        assert_eq!(
            all(b"12345678\n123456789\nok", 8),
            [Some(b"12345678".to_vec()), None, Some(b"ok".to_vec())]
        );
    }

    #[test]
    fn a_huge_line_is_skipped_in_bounded_memory() {
        const CAP: usize = 64 * 1024;
        let huge = LongLine {
            left: 256 << 20,
            tail: b"\nnext\n",
        };
        let mut lines = BoundedLines::new(BufReader::with_capacity(8192, huge), CAP);
        assert_eq!(lines.next_line().unwrap(), Some(Line::TooLong));
        assert!(
            lines.line.capacity() <= CAP + 8192,
            "held {} bytes",
            lines.line.capacity()
        );
        assert_eq!(lines.next_line().unwrap(), Some(Line::Text(b"next")));
        assert_eq!(lines.next_line().unwrap(), None);
    }

    #[test]
    fn a_huge_last_line_without_newline_is_skipped() {
        let huge = LongLine {
            left: 10 << 20,
            tail: b"",
        };
        let mut lines = BoundedLines::new(BufReader::new(huge), 1024);
        assert_eq!(lines.next_line().unwrap(), Some(Line::TooLong));
        assert!(lines.line.capacity() <= 1024 + 8192);
        assert_eq!(lines.next_line().unwrap(), None);
    }
}
