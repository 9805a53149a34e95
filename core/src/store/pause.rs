//! Pausing protection: off now, until a time or until the user resumes it.
//!
//! The pause lives in the settings table under its own key (`pause`), not among the
//! settings `settings set` changes, because it is a state with an end rather than a
//! preference. A pause whose time has passed is simply no longer in effect: protection
//! resumes by itself, with nothing to run at that moment.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Store;
use crate::error::Result;

const KEY: &str = "pause";

/// A pause of protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "until", content = "at", rename_all = "snake_case")]
pub enum Pause {
    /// Until the user resumes it.
    UntilResumed,
    /// Until this time, Unix seconds; protection resumes by itself then.
    Until(u64),
}

impl Pause {
    /// Whether the pause is in effect at `now` (Unix seconds).
    pub fn in_effect(self, now: u64) -> bool {
        match self {
            Pause::UntilResumed => true,
            Pause::Until(until) => now < until,
        }
    }

    fn to_stored(self) -> String {
        match self {
            Pause::UntilResumed => "until-resumed".to_owned(),
            Pause::Until(until) => until.to_string(),
        }
    }

    fn from_stored(text: &str) -> Option<Pause> {
        match text {
            "until-resumed" => Some(Pause::UntilResumed),
            other => other.parse().ok().map(Pause::Until),
        }
    }
}

impl Store {
    /// The stored pause, whether or not still in effect; `None` if none, or unreadable
    /// (an unreadable pause is no pause: protection stays on).
    pub fn pause(&self) -> Result<Option<Pause>> {
        let stored: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![KEY],
                |row| row.get(0),
            )
            .optional()?;
        Ok(stored.as_deref().and_then(Pause::from_stored))
    }

    /// Stores a pause, or removes it (`None`: protection on).
    pub fn set_pause(&self, pause: Option<Pause>) -> Result<()> {
        match pause {
            Some(pause) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![KEY, pause.to_stored()],
            )?,
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", params![KEY])?,
        };
        Ok(())
    }

    /// When `subject` (a caller's E.164 number) last called, Unix ms, from the history.
    pub fn last_call_at(&self, subject: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT max(at_ms) FROM history WHERE channel = 'call' AND subject = ?1",
            params![subject],
            |row| row.get::<_, Option<i64>>(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_reads_back_and_ends_by_itself() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.pause().unwrap(), None);
        store.set_pause(Some(Pause::Until(1_000))).unwrap();
        assert_eq!(store.pause().unwrap(), Some(Pause::Until(1_000)));
        assert!(Pause::Until(1_000).in_effect(999));
        assert!(!Pause::Until(1_000).in_effect(1_000));
        store.set_pause(Some(Pause::UntilResumed)).unwrap();
        assert_eq!(store.pause().unwrap(), Some(Pause::UntilResumed));
        store.set_pause(None).unwrap();
        assert_eq!(store.pause().unwrap(), None);
    }
}
