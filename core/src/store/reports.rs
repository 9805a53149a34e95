//! The user's reports: numbers and senders they marked as fraud, kept on the phone.
//!
//! The engine never sends a report anywhere. The app shows the queue and, when the user
//! chooses to share it, [`export_csv`] writes it in the publisher's `numbers.csv` source
//! format, which `signed-lists build` reads; the user hands the bytes to the share sheet.
//! Reports are exported as `warn` at a modest confidence: one user's report is a lead
//! for the publisher to weigh, not a verdict.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::vocabulary::Category;

/// Reports kept at most; the oldest go first, so a flood cannot fill the disk.
pub const MAX_REPORTS: i64 = 1_000;

/// The longest note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 200;

/// The confidence written into an export: a single user's report is a weak signal.
pub const EXPORT_CONFIDENCE: u8 = 50;

/// What was reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ReportSubject {
    /// A phone number, as E.164 digits without `+`.
    Number(String),
    /// An SMS sender name (alphanumeric), as received.
    Sender(String),
}

impl ReportSubject {
    /// How the subject is stored: `+digits` for a number, the name otherwise.
    pub(crate) fn to_stored(&self) -> String {
        match self {
            ReportSubject::Number(digits) => format!("+{digits}"),
            ReportSubject::Sender(name) => name.clone(),
        }
    }

    /// Reads the stored form back: `+` then digits is a number, anything else a name.
    pub(crate) fn from_stored(text: &str) -> ReportSubject {
        match text.strip_prefix('+') {
            Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                ReportSubject::Number(digits.to_owned())
            }
            _ => ReportSubject::Sender(text.to_owned()),
        }
    }
}

impl std::fmt::Display for ReportSubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_stored())
    }
}

/// One report in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Row id.
    pub id: i64,
    /// When it was made, Unix seconds.
    pub at: u64,
    /// The number or sender.
    pub subject: ReportSubject,
    /// The kind of fraud the user saw.
    pub category: Category,
    /// The user's own words, at most [`MAX_NOTE_CHARS`] characters, without control
    /// characters.
    pub note: String,
}

/// A note as stored: control characters (newlines included) become spaces, then it is
/// trimmed and capped, so that an export stays one CSV row per report.
pub(crate) fn clean_note(note: &str) -> String {
    let spaced: String = note
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_NOTE_CHARS)
        .collect();
    spaced.trim().to_owned()
}

/// The reports in the publisher's `numbers.csv` format. Numbers become rows; sender
/// names cannot be list numbers, so they are written as `#` comment lines that the
/// publisher reads and `build` skips.
pub fn export_csv(reports: &[Report]) -> Vec<u8> {
    let mut out = String::from(
        "# Callguard reports, exported by the user from their phone.\n\
         # Each number is one user's report: review before publishing.\n\
         number,action,category,confidence,note\n",
    );
    for report in reports {
        match &report.subject {
            ReportSubject::Number(digits) => {
                out.push_str(&format!(
                    "+{digits},warn,{},{EXPORT_CONFIDENCE},{}\n",
                    report.category.as_str(),
                    csv_field(&report.note)
                ));
            }
            ReportSubject::Sender(name) => {
                out.push_str(&format!(
                    "# sender {} reported as {}: {}\n",
                    name.replace(['\r', '\n'], " "),
                    report.category.as_str(),
                    report.note
                ));
            }
        }
    }
    out.into_bytes()
}

/// A CSV field, quoted when it holds a comma, a quote or leading `#`.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"']) || text.starts_with('#') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

impl Store {
    /// Adds a report; the oldest beyond [`MAX_REPORTS`] are dropped.
    pub fn add_report(
        &self,
        at: u64,
        subject: &ReportSubject,
        category: Category,
        note: &str,
    ) -> Result<Report> {
        let note = clean_note(note);
        self.conn.execute(
            "INSERT INTO reports (at, subject, category, note) VALUES (?1, ?2, ?3, ?4)",
            params![at as i64, subject.to_stored(), category.as_str(), note],
        )?;
        let id = self.conn.last_insert_rowid();
        self.conn.execute(
            "DELETE FROM reports WHERE id <= (SELECT id FROM reports ORDER BY id DESC LIMIT 1 OFFSET ?1)",
            params![MAX_REPORTS],
        )?;
        Ok(Report {
            id,
            at,
            subject: subject.clone(),
            category,
            note,
        })
    }

    /// Every report, oldest first, and how many stored rows could not be read (skipped).
    pub fn reports(&self) -> Result<(Vec<Report>, usize)> {
        self.read_rows(
            "SELECT id, at, subject, category, note FROM reports ORDER BY id",
            |row| {
                Some(Report {
                    id: row.get(0).ok()?,
                    at: u64::try_from(row.get::<_, i64>(1).ok()?).unwrap_or(0),
                    subject: ReportSubject::from_stored(&row.get::<_, String>(2).ok()?),
                    category: row.get::<_, String>(3).ok()?.parse().ok()?,
                    note: row.get(4).ok()?,
                })
            },
        )
    }

    /// Deletes every report; returns how many.
    pub fn clear_reports(&self) -> Result<usize> {
        Ok(self.conn.execute("DELETE FROM reports", [])?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_subjects_read_back_as_themselves() {
        for subject in [
            ReportSubject::Number("8613800138000".into()),
            ReportSubject::Sender("ICBC".into()),
            ReportSubject::Sender("+".into()),
            ReportSubject::Sender("+12ab".into()),
        ] {
            assert_eq!(ReportSubject::from_stored(&subject.to_stored()), subject);
        }
    }

    #[test]
    fn notes_are_one_line_and_capped() {
        assert_eq!(clean_note("  rang\ntwice\r\n "), "rang twice");
        assert_eq!(clean_note(&"x".repeat(500)).chars().count(), MAX_NOTE_CHARS);
    }

    #[test]
    fn export_quotes_notes_with_commas_and_quotes() {
        let report = Report {
            id: 1,
            at: 0,
            subject: ReportSubject::Number("85512345678".into()),
            category: Category::Investment,
            note: "said \"guaranteed\", then hung up".into(),
        };
        let text = String::from_utf8(export_csv(&[report])).unwrap();
        assert!(text.contains(
            "+85512345678,warn,investment,50,\"said \"\"guaranteed\"\", then hung up\"\n"
        ));
    }
}
