//! Reads list sources in the publisher's CSV format, so that the same files feed the
//! embedded default list now and `signed-lists build` later.
//!
//! - `numbers.csv` and `prefixes.csv`: header `number,action,category,confidence,note`;
//! - `official.csv`: header `region,number,note`.
//!
//! Every bad line is reported as `file:line: message`; one bad line fails the whole file,
//! so a half-read list is never installed.

use std::io::Read;

use crate::decide::{Action, Category};
use crate::error::{Error, Result};
use crate::lists::{EntryMeta, ListSetBuilder};
use crate::region::Region;

/// Which section a CSV file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `numbers.csv`: exact E.164 numbers.
    Numbers,
    /// `prefixes.csv`: digit prefixes and `#` patterns.
    Prefixes,
    /// `official.csv`: the official numbers of a region.
    Official,
}

impl ListSetBuilder {
    /// Adds every row of a CSV source; `name` is used in error messages.
    pub fn add_csv(&mut self, kind: SourceKind, name: &str, reader: impl Read) -> Result<usize> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(reader);
        let headers = csv
            .headers()
            .map_err(|e| Error::InvalidList(format!("{name}:1: {e}")))?
            .clone();
        let expected: &[&str] = match kind {
            SourceKind::Numbers | SourceKind::Prefixes => {
                &["number", "action", "category", "confidence"]
            }
            SourceKind::Official => &["region", "number"],
        };
        if headers
            .iter()
            .take(expected.len())
            .ne(expected.iter().copied())
        {
            return Err(Error::InvalidList(format!(
                "{name}:1: header must start with {}",
                expected.join(",")
            )));
        }
        let mut added = 0;
        for record in csv.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                Error::InvalidList(format!("{name}:{line}: {e}"))
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            let field = |i: usize| record.get(i).unwrap_or("");
            let at = |message: String| Error::InvalidList(format!("{name}:{line}: {message}"));
            match kind {
                SourceKind::Numbers | SourceKind::Prefixes => {
                    let meta = parse_meta(field(1), field(2), field(3)).map_err(at)?;
                    let result = if kind == SourceKind::Numbers {
                        self.add_number(field(0), meta)
                    } else {
                        self.add_prefix(field(0), meta)
                    };
                    result.map_err(|e| at(e.to_string()))?;
                }
                SourceKind::Official => {
                    let region: Region = field(0).parse().map_err(|e: Error| at(e.to_string()))?;
                    self.add_official(region, field(1))
                        .map_err(|e| at(e.to_string()))?;
                }
            }
            added += 1;
        }
        Ok(added)
    }
}

fn parse_meta(
    action: &str,
    category: &str,
    confidence: &str,
) -> std::result::Result<EntryMeta, String> {
    let action: Action = action.parse().map_err(|e: Error| e.to_string())?;
    if action == Action::Allow {
        return Err("action must be block or warn".into());
    }
    let category: Category = category.parse().map_err(|e: Error| e.to_string())?;
    let confidence: u8 = match confidence {
        "" => 50,
        text => text
            .parse()
            .ok()
            .filter(|c| *c <= 100)
            .ok_or("confidence must be 0 to 100")?,
    };
    Ok(EntryMeta::new(action, category, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_reports_bad_lines_with_position() {
        let mut b = ListSetBuilder::new("t", 1);
        let good =
            "number,action,category,confidence,note\n+8613800000001,block,loan_credit,90,x\n";
        assert_eq!(
            b.add_csv(SourceKind::Numbers, "numbers.csv", good.as_bytes())
                .unwrap(),
            1
        );
        let bad = "number,action,category,confidence,note\n+8613800000002,block,loan_credit,90,\n+86,block,nope,1,\n";
        let err = b
            .add_csv(SourceKind::Numbers, "numbers.csv", bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("numbers.csv:3:"), "{err}");
        let wrong_header = "a,b\n1,2\n";
        assert!(b
            .add_csv(
                SourceKind::Official,
                "official.csv",
                wrong_header.as_bytes()
            )
            .is_err());
    }

    #[test]
    fn allow_entries_and_bad_confidence_are_rejected() {
        assert!(parse_meta("allow", "spam", "1").is_err());
        assert!(parse_meta("block", "spam", "101").is_err());
        assert!(parse_meta("block", "spam", "").is_ok());
    }
}
