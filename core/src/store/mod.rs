//! Local state in SQLite: settings, user rules and decision history.
//!
//! The database runs in WAL mode with `synchronous=NORMAL`, the usual choice on phones:
//! a crash can lose the last commits but never corrupts the file. The engine keeps a
//! snapshot of settings and rules in memory, so the hot path never queries SQLite.

mod history;
mod reports;
mod rules;
pub(crate) mod schema;
mod settings;
mod updates;

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::decide::Decision;
use crate::error::{Error, Result};
use crate::region::Region;

pub use history::{Channel, HistoryEntry, MAX_ENTRIES};
pub use reports::{export_csv, Report, ReportSubject, MAX_NOTE_CHARS, MAX_REPORTS};
pub use rules::{RuleKind, RuleTarget, UserRule};
pub use settings::{Policy, Settings};
pub use updates::{InstalledList, TrustRecord, UpdateLogEntry};

/// One SQLite connection and the operations on it. Not `Sync`: the engine guards it.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (or creates) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::init(Connection::open_with_flags(path, flags)?)
    }

    /// An in-memory database, for tests and one-shot tools.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // The first statement that reads the header: a non-database file fails here.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// The stored settings over the defaults for `default_region`. Unknown keys are kept
    /// in the table but ignored; a stored value this build cannot read is an error.
    pub fn load_settings(&self, default_region: Region) -> Result<Settings> {
        let mut settings = Settings::defaults(default_region);
        let mut stmt = self.conn.prepare("SELECT key, value FROM settings")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (key, value) = row?;
            if Settings::KEYS.contains(&key.as_str()) {
                settings
                    .set(&key, &value)
                    .map_err(|e| Error::DatabaseCorrupt(format!("stored setting {key}: {e}")))?;
            }
        }
        Ok(settings)
    }

    /// Stores one setting. The caller validates it first with [`Settings::set`].
    pub fn save_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// All user rules, oldest first.
    pub fn rules(&self) -> Result<Vec<UserRule>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, kind, target, created_at FROM rules ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
            ))
        })?;
        let mut rules = Vec::new();
        for row in rows {
            let (id, kind, target, created_at) = row?;
            let corrupt = |e: Error| Error::DatabaseCorrupt(format!("stored rule {id}: {e}"));
            // Canonical targets are international, so any region reads them back.
            let any_region: Region = "US".parse()?;
            rules.push(UserRule {
                id,
                kind: kind.parse().map_err(corrupt)?,
                target: RuleTarget::parse(&target, any_region).map_err(corrupt)?,
                created_at,
            });
        }
        Ok(rules)
    }

    /// Adds a rule; adding one that exists returns the existing one.
    pub fn add_rule(&self, kind: RuleKind, target: &RuleTarget) -> Result<UserRule> {
        let text = target.to_string();
        self.conn.execute(
            "INSERT INTO rules (kind, target, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (kind, target) DO NOTHING",
            params![kind.as_str(), text, now_ms() / 1000],
        )?;
        let (id, created_at) = self.conn.query_row(
            "SELECT id, created_at FROM rules WHERE kind = ?1 AND target = ?2",
            params![kind.as_str(), text],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
        Ok(UserRule {
            id,
            kind,
            target: target.clone(),
            created_at,
        })
    }

    /// Removes the rules for `target` (of `kind`, or of both kinds); returns how many.
    pub fn remove_rule(&self, kind: Option<RuleKind>, target: &RuleTarget) -> Result<usize> {
        let text = target.to_string();
        let removed = match kind {
            Some(kind) => self.conn.execute(
                "DELETE FROM rules WHERE kind = ?1 AND target = ?2",
                params![kind.as_str(), text],
            )?,
            None => self
                .conn
                .execute("DELETE FROM rules WHERE target = ?1", params![text])?,
        };
        Ok(removed)
    }

    /// Records a decision and enforces retention, in one transaction.
    pub fn add_history(
        &mut self,
        channel: Channel,
        subject: &str,
        decision: &Decision,
        retention_days: u32,
    ) -> Result<()> {
        if retention_days == 0 {
            return Ok(());
        }
        let json = serde_json::to_string(decision).map_err(|e| Error::Storage(e.to_string()))?;
        let now = now_ms();
        let cutoff = now - i64::from(retention_days) * 86_400_000;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO history (at_ms, channel, subject, action, decision) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now, channel.as_str(), subject, decision.action.as_str(), json],
        )?;
        tx.execute("DELETE FROM history WHERE at_ms < ?1", params![cutoff])?;
        tx.execute(
            "DELETE FROM history WHERE id <= (SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?1)",
            params![MAX_ENTRIES],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at_ms, channel, subject, decision FROM history ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (id, at_ms, channel, subject, json) = row?;
            let decision: Decision = serde_json::from_str(&json)
                .map_err(|e| Error::DatabaseCorrupt(format!("history entry {id}: {e}")))?;
            let channel = if channel == "sms" {
                Channel::Sms
            } else {
                Channel::Call
            };
            entries.push(HistoryEntry {
                id,
                at_ms,
                channel,
                subject,
                decision,
            });
        }
        Ok(entries)
    }

    /// Deletes every history entry; returns how many.
    pub fn clear_history(&self) -> Result<usize> {
        Ok(self.conn.execute("DELETE FROM history", [])?)
    }

    /// The number of history entries.
    pub fn history_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM history", [], |row| row.get(0))?)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .optional()?
            .unwrap_or(0))
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
