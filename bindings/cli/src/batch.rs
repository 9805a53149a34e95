//! Line-oriented modes: `check batch` (JSON lines) and `normalize --batch` (TSV lines).
//!
//! Input is read as bytes, so a line of invalid UTF-8 gets an error on its own line and
//! the rest go on. Output keeps one line per input line, in order.

use std::io::{self, BufRead, Read, Write};

use callguard_core::{number, CallInput, Engine, Presentation, Region, SmsInput, Verification};
use serde::Deserialize;

use crate::output;

/// One request of `check batch`.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Request {
    Call {
        number: String,
        #[serde(default)]
        contact: bool,
        #[serde(default)]
        verification: Verification,
        #[serde(default)]
        presentation: Presentation,
    },
    Sms {
        from: String,
        #[serde(default)]
        text: String,
    },
}

/// Longest line read; longer lines are answered with an error and skipped.
const MAX_LINE_BYTES: usize = 1 << 20;

/// Reads lines, answering each with `answer` (which never fails for bad input).
fn for_each_line(
    input: impl BufRead,
    out: &mut dyn Write,
    mut answer: impl FnMut(Result<&str, String>, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut reader = input;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let read = reader
            .by_ref()
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)?;
        if read == 0 {
            return Ok(());
        }
        let line = if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
            // Skip the rest of an over-long line.
            let mut rest = Vec::new();
            reader.read_until(b'\n', &mut rest)?;
            Err(format!("line longer than {MAX_LINE_BYTES} bytes"))
        } else {
            let trimmed = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let trimmed = trimmed.strip_suffix(b"\r").unwrap_or(trimmed);
            std::str::from_utf8(trimmed).map_err(|_| "line is not valid UTF-8".to_owned())
        };
        answer(line, out)?;
        out.flush()?;
    }
}

/// `callguard check batch`.
pub fn check(engine: &Engine, input: impl BufRead, out: &mut dyn Write) -> io::Result<()> {
    for_each_line(input, out, |line, out| {
        let result = line.and_then(|text| {
            let request: Request =
                serde_json::from_str(text).map_err(|e| format!("bad request: {e}"))?;
            let decision = match request {
                Request::Call {
                    number,
                    contact,
                    verification,
                    presentation,
                } => engine.check_call(&CallInput {
                    number: Some(number),
                    presentation,
                    verification,
                    is_contact: contact,
                }),
                Request::Sms { from, text } => engine.check_sms(&SmsInput::new(from, text)),
            };
            decision.map_err(|e| e.to_string())
        });
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
