//! Labelled messages, as `callguard eval-sms` measures them and `signed-lists train-sms`
//! learns from them: TSV (`label<TAB>text[<TAB>…]`) or JSON lines
//! (`{"label":..,"from":..,"text":..}`), told apart by the first line.
//!
//! Labels are read as three classes:
//! - **normal**: `ham`, `0`, `normal`, `legit`, `legitimate`, `notice`, `marketing_ok`;
//! - **spam** (advertising): `spam`, `1`, `ad`, `ads`, `marketing`;
//! - **fraud**: `fraud`, `scam`, `smishing`, `phishing`, or a category name such as
//!   `loan_credit` (also written `fraud:loan_credit`).

use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};

use callguard_core::{BoundedLines, Line};
use callguard_format::Category;

/// The label classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Ordinary messages, notices and codes included.
    Normal,
    /// Advertising.
    Spam,
    /// Fraud and scams.
    Fraud,
}

/// The category a label names, written bare (`loan_credit`) or as `fraud:loan_credit`.
pub fn category_of(label: &str) -> Option<Category> {
    let label = label.trim().to_ascii_lowercase();
    label.strip_prefix("fraud:").unwrap_or(&label).parse().ok()
}

/// Reads a label; `None` for one this command does not know.
pub fn class_of(label: &str) -> Option<Class> {
    let label = label.trim().to_ascii_lowercase();
    let label = label
        .strip_prefix("fraud:")
        .map(|_| "fraud")
        .unwrap_or(&label);
    match label {
        "ham" | "0" | "normal" | "legit" | "legitimate" | "notice" | "marketing_ok" => {
            Some(Class::Normal)
        }
        "spam" | "1" | "ad" | "ads" | "marketing" => Some(Class::Spam),
        "fraud" | "scam" | "smishing" | "phishing" => Some(Class::Fraud),
        other => category_of(other).map(|c| match c {
            Category::Spam | Category::Telemarketing => Class::Spam,
            _ => Class::Fraud,
        }),
    }
}

#[derive(Deserialize)]
struct JsonLine {
    label: serde_json::Value,
    #[serde(default)]
    from: String,
    text: String,
}

/// One labelled message.
pub struct Sample {
    /// The label as written.
    pub label: String,
    /// The sender, empty when the file has none.
    pub from: String,
    /// The message.
    pub text: String,
}

/// Longest line read; a longer one is skipped (in bounded memory) and counted as
/// unreadable. An SMS, even a long concatenated one, is far shorter.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Reads TSV or JSON lines; returns the samples and the number of unreadable lines
/// (not UTF-8, malformed, or longer than [`MAX_LINE_BYTES`]).
pub fn read_samples(input: impl BufRead) -> io::Result<(Vec<Sample>, usize)> {
    let mut samples = Vec::new();
    let mut skipped = 0;
    let mut json = None;
    let mut lines = BoundedLines::new(input, MAX_LINE_BYTES);
    while let Some(line) = lines.next_line()? {
        let Line::Text(line) = line else {
            skipped += 1;
            continue;
        };
        let Ok(text) = std::str::from_utf8(line) else {
            skipped += 1;
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let is_json = *json.get_or_insert(text.trim_start().starts_with('{'));
        let sample = if is_json {
            serde_json::from_str::<JsonLine>(text).ok().map(|j| Sample {
                label: match j.label {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
                from: j.from,
                text: j.text,
            })
        } else {
            let mut parts = text.splitn(3, '\t');
            match (parts.next(), parts.next()) {
                (Some(label), Some(body)) => Some(Sample {
                    label: label.to_owned(),
                    from: String::new(),
                    text: body.to_owned(),
                }),
                _ => None,
            }
        };
        match sample {
            Some(s) => samples.push(s),
            None => skipped += 1,
        }
    }
    Ok((samples, skipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_map_to_classes() {
        assert_eq!(class_of("ham"), Some(Class::Normal));
        assert_eq!(class_of("1"), Some(Class::Spam));
        assert_eq!(class_of("fraud:loan_credit"), Some(Class::Fraud));
        assert_eq!(class_of("loan_credit"), Some(Class::Fraud));
        assert_eq!(class_of("telemarketing"), Some(Class::Spam));
        assert_eq!(class_of("???"), None);
    }

    #[test]
    fn an_over_long_line_is_skipped_and_the_next_read() {
        let mut input = b"ham\t".to_vec();
        input.resize(20 << 20, b'x');
        input.extend_from_slice(b"\nspam\twin now\r\n");
        let (samples, skipped) = read_samples(input.as_slice()).unwrap();
        assert_eq!((samples.len(), skipped), (1, 1));
        assert_eq!(
            (samples[0].label.as_str(), samples[0].text.as_str()),
            ("spam", "win now")
        );
    }

    #[test]
    fn reads_tsv_and_json_lines() {
        let (tsv, skipped) =
            read_samples("ham\thello\tseg\nspam\twin now\nbroken\n\u{0}".as_bytes()).unwrap();
        assert_eq!((tsv.len(), skipped), (2, 2));
        let (json, _) =
            read_samples("{\"label\":1,\"from\":\"10086\",\"text\":\"x\"}\n".as_bytes()).unwrap();
        assert_eq!(
            (json[0].label.as_str(), json[0].from.as_str()),
            ("1", "10086")
        );
    }
}
