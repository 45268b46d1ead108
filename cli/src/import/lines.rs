//! Line numbers as an editor shows them, for a reader that only knows byte offsets.
//!
//! The csv crate counts `\n` bytes and reports where a read *started*, which for a file
//! with `\r\n` endings is the `\n` left over from the line before: every row would be one
//! line early, and a file with `\r` endings alone would be one long line 1. [`Lines`] wraps
//! the file, notes where each line's text and ending are as the bytes stream through, and
//! turns the offset a record was read from into the line its text starts on. `\r\n`, `\n`
//! and a lone `\r` each end one line; a byte-order mark is text of line 1.

use std::collections::VecDeque;
use std::io::{self, Read};

/// One line of the file: where its text starts and where its ending starts (equal for an
/// empty line).
#[derive(Clone, Copy, Debug)]
struct Line {
    start: u64,
    text_end: u64,
}

/// A reader that remembers where the lines it has passed on start and end.
pub struct Lines<R> {
    inner: R,
    /// Lines not yet asked about, oldest first; the last one may still be growing.
    lines: VecDeque<Line>,
    /// The number (from 1) of the first line in `lines`.
    first_number: u64,
    /// Bytes passed on so far.
    offset: u64,
    /// The last byte passed on was a `\r`: a `\n` next belongs to the same ending.
    after_cr: bool,
}

impl<R: Read> Lines<R> {
    /// Wraps `inner`, whose first byte is the start of line 1.
    pub fn new(inner: R) -> Self {
        Lines {
            inner,
            lines: VecDeque::from([Line {
                start: 0,
                text_end: 0,
            }]),
            first_number: 1,
            offset: 0,
            after_cr: false,
        }
    }

    /// The line on which the text at or after `offset` starts: an offset inside a line's
    /// ending (the `\n` of a `\r\n` a parser left unread), or on an empty line, belongs to
    /// the next line with text, as a CSV reader skips them. Offsets must not go backwards
    /// between calls: the lines before the answer are forgotten, so memory stays bounded
    /// by how far the reader reads ahead.
    pub fn line_of(&mut self, offset: u64) -> u64 {
        while self.lines.len() > 1 && self.lines[1].start <= offset {
            self.forget_first();
        }
        // Past the text of this line (in its ending), or an empty line: look further on.
        while self.lines.len() > 1 {
            let line = self.lines[0];
            if offset < line.text_end && line.start < line.text_end {
                break;
            }
            self.forget_first();
        }
        self.first_number
    }

    fn forget_first(&mut self) {
        self.lines.pop_front();
        self.first_number += 1;
    }

    fn note(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.offset += 1;
            let last = self.lines.back_mut().expect("there is always a line");
            match byte {
                // The second half of a `\r\n`: the line after it starts one byte later.
                b'\n' if self.after_cr => {
                    last.start = self.offset;
                    last.text_end = self.offset;
                }
                b'\n' | b'\r' => self.lines.push_back(Line {
                    start: self.offset,
                    text_end: self.offset,
                }),
                _ => last.text_end = self.offset,
            }
            self.after_cr = byte == b'\r';
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.note(&buffer[..read]);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of the text at each offset given, reading `text` in chunks of `chunk`.
    fn lines_at(text: &[u8], chunk: usize, offsets: &[u64]) -> Vec<u64> {
        let mut lines = Lines::new(text);
        let mut sink = vec![0; chunk];
        while lines.read(&mut sink).unwrap() > 0 {}
        offsets.iter().map(|&o| lines.line_of(o)).collect()
    }

    #[test]
    fn every_ending_ends_one_line() {
        for (text, ending) in [
            (&b"ab\ncd\nef"[..], 1),
            (&b"ab\r\ncd\r\nef"[..], 2),
            (&b"ab\rcd\ref"[..], 1),
        ] {
            for chunk in [1, 2, 3, 64] {
                let c = 2 + ending as u64; // where "cd" starts
                let e = 2 * c; // where "ef" starts
                assert_eq!(
                    lines_at(text, chunk, &[0, 1, 2, c, c + 1, e]),
                    [1, 1, 2, 2, 2, 3],
                    "{text:?} in chunks of {chunk}"
                );
            }
        }
    }

    #[test]
    fn an_offset_in_an_ending_or_on_an_empty_line_belongs_to_the_next_text() {
        // "a" CRLF, empty line (CRLF), "b" LF, empty (CR), "c"
        let text = b"a\r\n\r\nb\n\rc";
        // offset 2 is the `\n` of the first CRLF, 3 the empty line, 7 the lone CR.
        assert_eq!(lines_at(text, 4, &[0, 2, 3, 5, 7, 8]), [1, 3, 3, 3, 5, 5]);
    }

    #[test]
    fn a_byte_order_mark_is_text_of_line_one() {
        let text = b"\xef\xbb\xbfname\r\nx\r\n";
        assert_eq!(lines_at(text, 1, &[0, 9]), [1, 2]);
    }

    #[test]
    fn forgotten_lines_keep_their_count() {
        let text = b"1\n2\n3\n4\n5\n";
        let mut lines = Lines::new(&text[..]);
        let mut sink = [0; 3];
        let mut answers = Vec::new();
        let mut offset = 0;
        while lines.read(&mut sink).unwrap() > 0 {
            // ask as a parser would: only about bytes already read
            while offset < lines.offset {
                answers.push(lines.line_of(offset));
                offset += 2;
            }
        }
        assert_eq!(answers, [1, 2, 3, 4, 5]);
        assert!(lines.lines.len() <= 3, "{:?}", lines.lines);
    }
}
