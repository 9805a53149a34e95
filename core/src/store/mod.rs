//! Local state in SQLite: settings, user rules and decision history.
//!
//! The database runs in WAL mode with `synchronous=NORMAL`, the usual choice on phones:
//! a crash can lose the last commits but never corrupts the file. The engine keeps a
//! snapshot of settings and rules in memory, so the hot path never queries SQLite.

mod history;
mod history_row;
mod pause;
mod reports;
mod rules;
pub(crate) mod schema;
mod settings;
mod updates;

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::region::Region;
use crate::vocabulary::Decision;

pub use history::{Channel, HistoryEntry, MAX_ENTRIES};
pub use pause::Pause;
pub use reports::{export_csv, Report, ReportSubject};
pub use rules::{RuleKind, RuleTarget, UserRule};
pub use settings::{SettingKey, Settings};
pub use updates::{InstalledList, TrustRecord, UpdateLogEntry};

/// One SQLite connection and the operations on it. Not `Sync`: the engine guards it.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (or creates) the database at `path` and migrates it.
    ///
    /// A file the OS marks read-only is opened read-only: decisions still work from it,
    /// and every write (history included) fails cleanly. A 0-byte file is taken as a new
    /// database only when nothing else lives beside it (see [`check_empty_file`]).
    pub fn open(path: &Path) -> Result<Store> {
        check_empty_file(path)?;
        let read_only = std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
        let access = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        };
        let conn = Connection::open_with_flags(path, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        Store::init(conn, read_only)
    }

    /// Opens an existing database for reading only, for an app extension or a cold
    /// receiver that shares the app's data directory: no file is created, migrated or
    /// switched to WAL, and every write fails with SQLite's read-only error.
    ///
    /// The app's database runs in WAL mode, and SQLite reads a WAL database through its
    /// `-wal` and `-shm` files (the shared-memory index that tells a reader which
    /// frames are committed), so that it sees a consistent state while the app writes.
    /// While the app's engine is open they exist, and this connection reads through
    /// them without changing a file. When none is open, the last connection to close
    /// checkpointed and deleted them; SQLite then creates the two empty files again as
    /// it must to read safely (a writer may appear at any time): no data changes. A
    /// database whose schema is older than this build's is refused (only a writable
    /// open migrates it): the caller fails open until the app has opened it once.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0) {
            return Err(Error::Storage(
                "no database to read: the app has not opened its data directory yet".into(),
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Store::init(Connection::open_with_flags(path, flags)?, true)
    }

    /// An in-memory database, for tests and one-shot tools.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, false)
    }

    fn init(mut conn: Connection, read_only: bool) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Nothing is written before the version is known: a newer schema is refused
        // untouched (not even switched to WAL). Reading the header also makes a
        // non-database file fail here.
        schema::check_version(&conn)?;
        if read_only {
            if schema::version(&conn)? != schema::LATEST {
                return Err(Error::Storage(
                    "the database is read-only and needs a schema upgrade".into(),
                ));
            }
        } else {
            let _mode: String =
                conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        conn.pragma_update(None, "foreign_keys", true)?;
        if !read_only {
            schema::migrate(&mut conn)?;
        }
        Ok(Store { conn })
    }

    /// The stored settings over the defaults for `default_region`, and how many stored
    /// values this build could not read. Unknown keys are kept in the table but ignored;
    /// an unreadable value is skipped (its default stays), never fatal.
    pub fn load_settings(&self, default_region: Region) -> Result<(Settings, usize)> {
        let mut settings = Settings::defaults(default_region);
        let mut unreadable = 0;
        let mut stmt = self.conn.prepare("SELECT key, value FROM settings")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        for row in rows {
            let Ok((key, value)) = row else {
                unreadable += 1;
                continue;
            };
            if let Some(key) = SettingKey::parse(&key) {
                if settings.set_key(key, &value).is_err() {
                    unreadable += 1;
                }
            }
        }
        Ok((settings, unreadable))
    }

    /// Stores several settings (key, text value) at once: all or none. The caller
    /// validates them first.
    pub fn save_settings(&mut self, entries: &[(SettingKey, String)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (key, value) in entries {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key.as_str(), value],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores one setting. The caller validates it first with [`Settings::set`].
    pub fn save_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// All user rules, oldest first, and how many stored rows could not be read. A row
    /// is read back from its canonical text, never parsed as a number again; a row this
    /// build cannot read is skipped and counted, never fatal.
    pub fn rules(&self) -> Result<(Vec<UserRule>, usize)> {
        self.read_rows(
            "SELECT id, kind, target, created_at FROM rules ORDER BY id",
            |row| {
                Some(UserRule {
                    id: row.get(0).ok()?,
                    kind: row.get::<_, String>(1).ok()?.parse().ok()?,
                    target: RuleTarget::from_canonical(&row.get::<_, String>(2).ok()?)?,
                    created_at: row.get(3).ok()?,
                })
            },
        )
    }

    /// Every row `sql` selects, read by `read`; a row it cannot read (`None`) is skipped
    /// and counted, so one damaged row never hides the others.
    pub(crate) fn read_rows<T>(
        &self,
        sql: &str,
        read: impl Fn(&rusqlite::Row<'_>) -> Option<T>,
    ) -> Result<(Vec<T>, usize)> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        let mut found = Vec::new();
        let mut unreadable = 0;
        while let Some(row) = rows.next()? {
            match read(row) {
                Some(value) => found.push(value),
                None => unreadable += 1,
            }
        }
        Ok((found, unreadable))
    }

    /// Adds a rule made at `at_secs` (Unix seconds, the engine's clock); adding one that
    /// exists returns the existing one.
    pub fn add_rule(&self, kind: RuleKind, target: &RuleTarget, at_secs: u64) -> Result<UserRule> {
        let text = target.to_string();
        self.conn.execute(
            "INSERT INTO rules (kind, target, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (kind, target) DO NOTHING",
            params![kind.as_str(), text, i64::try_from(at_secs).unwrap_or(i64::MAX)],
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

    /// Records a decision and enforces retention, in one transaction. It waits at most
    /// [`HISTORY_BUSY_TIMEOUT`] for another writer: the caller has already decided, and
    /// a record is not worth holding up the phone. Tests only: the engine records at its
    /// own clock's time.
    #[cfg(test)]
    pub fn add_history(
        &mut self,
        channel: Channel,
        subject: &str,
        decision: &Decision,
        retention_days: u32,
    ) -> Result<()> {
        self.add_history_at(now_ms(), channel, subject, decision, retention_days)
    }

    /// [`add_history`](Self::add_history) at a time from the engine's clock, Unix ms.
    pub fn add_history_at(
        &mut self,
        now: i64,
        channel: Channel,
        subject: &str,
        decision: &Decision,
        retention_days: u32,
    ) -> Result<()> {
        if retention_days == 0 {
            return Ok(());
        }
        let json = history_row::encode(decision);
        self.conn.busy_timeout(HISTORY_BUSY_TIMEOUT)?;
        let result = self.insert_history(now, channel, subject, decision, &json, retention_days);
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        result
    }

    fn insert_history(
        &mut self,
        now: i64,
        channel: Channel,
        subject: &str,
        decision: &Decision,
        json: &str,
        retention_days: u32,
    ) -> Result<()> {
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

    /// The newest `limit` entries, newest first; an entry this build cannot read is
    /// skipped (see [`unreadable_history`](Self::unreadable_history)).
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at_ms, channel, subject, decision, action FROM history ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map(params![limit], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let Ok((id, at_ms, channel, subject, json, action)) = row else {
                continue;
            };
            let Some(decision) = history_row::decode(&json, &action) else {
                continue;
            };
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

    /// How many stored history entries [`history`](Self::history) skips as unreadable.
    pub fn unreadable_history(&self) -> Result<usize> {
        // The same columns and the same test as `history`, so the two always agree.
        let mut stmt = self
            .conn
            .prepare("SELECT id, at_ms, channel, subject, decision, action FROM history")?;
        let rows = stmt.query_map([], |row| {
            row.get::<_, i64>(0)?;
            row.get::<_, i64>(1)?;
            row.get::<_, String>(2)?;
            row.get::<_, String>(3)?;
            Ok((row.get::<_, String>(4)?, row.get::<_, String>(5)?))
        })?;
        Ok(rows
            .filter(|row| {
                !row.as_ref()
                    .is_ok_and(|(json, action)| history_row::decode(json, action).is_some())
            })
            .count())
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
        schema::version(&self.conn)
    }
}

/// How long a statement waits for another connection's lock, in general.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a history record waits: the decision is already made, so a locked database
/// drops the record rather than delaying the call.
pub const HISTORY_BUSY_TIMEOUT: Duration = Duration::from_millis(30);

/// Refuses a 0-byte database file that has company: an empty file beside a list, a WAL
/// or anything else is state that lost its database, and starting afresh there would
/// reset settings, rules and trust and delete the installed list. Sidecar files of the
/// database that are empty, and empty directories, do not count.
fn check_empty_file(path: &Path) -> Result<()> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
        return Ok(());
    }
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    let name = path.file_name().unwrap_or_default();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == name {
            continue;
        }
        if !is_empty(&entry.path()) {
            return Err(Error::DatabaseEmpty);
        }
    }
    Ok(())
}

/// An empty file, or a directory holding nothing but empty directories and files.
fn is_empty(path: &Path) -> bool {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len() == 0,
        Ok(m) if m.is_dir() => std::fs::read_dir(path).is_ok_and(|entries| {
            entries
                .into_iter()
                .all(|e| e.is_ok_and(|e| is_empty(&e.path())))
        }),
        _ => false,
    }
}

#[cfg(test)]
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests;
