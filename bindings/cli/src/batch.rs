//! Line-oriented modes: `check batch` (JSON lines) and `normalize --batch` (TSV lines).
//!
//! Input is read as bytes, in bounded memory: a line of invalid UTF-8, or one longer than
//! [`MAX_LINE_BYTES`], gets an error on its own line and the rest go on. Output keeps one
//! line per input line, in order. No error line quotes the input (it may hold numbers
//! and message text): it names the field or the kind of fault instead.

use std::io::{self, BufRead, Write};

use callguard_core::{number, Engine, Region};
use callguard_core::{BoundedLines, Line};

use crate::output;
use crate::request;

/// Longest line read; a longer one is skipped unread and answered with an error. A
/// request is a number and at most one SMS, far shorter.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads lines, answering each with `answer` (which never fails for bad input).
fn for_each_line(
    input: impl BufRead,
    out: &mut dyn Write,
    mut answer: impl FnMut(Result<&str, String>, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut lines = BoundedLines::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_line()? {
        let line = match line {
            Line::Text(bytes) => {
                std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_owned())
            }
            Line::TooLong => Err(format!("line longer than {MAX_LINE_BYTES} bytes, skipped")),
        };
        answer(line, out)?;
        out.flush()?;
    }
    Ok(())
}

/// `callguard check batch`.
pub fn check(engine: &Engine, input: impl BufRead, out: &mut dyn Write) -> io::Result<()> {
    for_each_line(input, out, |line, out| {
        let result = line.and_then(|text| request::decide(engine, text));
        match result {
            Ok(decision) => output::json(out, &decision),
            Err(message) => output::json(out, &serde_json::json!({ "error": message })),
        }
    })
}

/// `callguard normalize --batch`: `input<TAB>home_region`; an empty region means none,
/// a line without a tab uses `default_region`.
pub fn normalize(
    default_region: Option<Region>,
    input: impl BufRead,
    out: &mut dyn Write,
) -> io::Result<()> {
    for_each_line(input, out, |line, out| {
        let result = line.and_then(|text| {
            let (number, region) = match text.rsplit_once('\t') {
                Some((number, "")) => (number, None),
                Some((number, region)) => (
                    number,
                    Some(region.parse::<Region>().map_err(|e| e.to_string())?),
                ),
                None => (text, default_region),
            };
            number::normalize(number, region).map_err(|e| e.to_string())
        });
        match result {
            Ok(e164) => writeln!(out, "{e164}"),
            Err(message) => writeln!(out, "error: {message}"),
        }
    })
}
