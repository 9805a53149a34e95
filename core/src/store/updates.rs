//! What the update client keeps between runs: the trusted root, the highest versions
//! seen, the latest verified time, the installed list, and a short log of attempts.
//!
//! [`Store::commit_update`] writes all of it in one transaction: that commit is the point
//! at which a new list becomes the installed one.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::Store;
use crate::error::Result;

/// The installed list, as committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledList {
    /// The list's name in the manifest.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// Entries in all sections.
    pub count: u64,
    /// The content SHA-256, hex.
    pub sha256: String,
    /// The directory under `lists/` holding its FST files.
    pub dir: String,
    /// The manifest version it came from.
    pub manifest_version: u64,
    /// When it was installed, Unix seconds.
    pub installed_at: u64,
    /// The seal of its files (see `lists::files::DirSeal`), checked whenever the engine
    /// opens; empty for a list installed before seals were recorded.
    #[serde(skip)]
    pub files: String,
    /// The signed LtHash16 multiset digest of its content (4096 hex digits), taken from
    /// the manifest once the content was proven to be the signed one; empty when the
    /// manifest had none (a delta onto it is then checked by streaming and SHA-256).
    #[serde(skip)]
    pub lthash16: String,
}

/// Trusted metadata state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustRecord {
    /// The newest verified root file.
    pub root: Option<Vec<u8>>,
    /// The highest timestamp version seen.
    pub timestamp_version: Option<u64>,
    /// The highest manifest version seen.
    pub manifest_version: Option<u64>,
    /// When the trusted manifest expires, Unix seconds.
    pub manifest_expires: Option<u64>,
    /// The latest time known to have passed, saved only with verified metadata; a clock
    /// behind it is not believed. [`Store::commit_update`] never lowers it.
    pub latest_known_time: Option<u64>,
    /// When an update last succeeded (including "already up to date").
    pub last_success_at: Option<u64>,
}

/// One logged update attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateLogEntry {
    /// Unix seconds.
    pub at: u64,
    /// Whether it succeeded.
    pub ok: bool,
    /// What happened (never user data).
    pub message: String,
}

const KEYS: [&str; 6] = [
    "root",
    "timestamp_version",
    "manifest_version",
    "manifest_expires",
    "latest_known_time",
    "last_success_at",
];

impl Store {
    /// The trusted metadata state.
    pub fn trust_record(&self) -> Result<TrustRecord> {
        let mut record = TrustRecord::default();
        let mut stmt = self.conn.prepare("SELECT key, value FROM trust")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?;
        for row in rows {
            let (key, value) = row?;
            let number = || {
                std::str::from_utf8(&value)
                    .ok()
                    .and_then(|t| t.parse::<u64>().ok())
            };
            match key.as_str() {
                "root" => record.root = Some(value.clone()),
                "timestamp_version" => record.timestamp_version = number(),
                "manifest_version" => record.manifest_version = number(),
                "manifest_expires" => record.manifest_expires = number(),
                "latest_known_time" => record.latest_known_time = number(),
                "last_success_at" => record.last_success_at = number(),
                _ => {}
            }
        }
        Ok(record)
    }

    /// The installed list called `name`, or the only one when `name` is `None`.
    pub fn installed_list(&self, name: Option<&str>) -> Result<Option<InstalledList>> {
        let sql = "SELECT name, seq, count, sha256, dir, manifest_version, installed_at, files, lthash16 FROM installed_list";
        let map = |row: &rusqlite::Row<'_>| {
            Ok(InstalledList {
                name: row.get(0)?,
                seq: row.get::<_, i64>(1)? as u64,
                count: row.get::<_, i64>(2)? as u64,
                sha256: row.get(3)?,
                dir: row.get(4)?,
                manifest_version: row.get::<_, i64>(5)? as u64,
                installed_at: row.get::<_, i64>(6)? as u64,
                files: row.get(7)?,
                lthash16: row.get(8)?,
            })
        };
        let found = match name {
            Some(name) => self
                .conn
                .query_row(&format!("{sql} WHERE name = ?1"), params![name], map)
                .optional()?,
            None => self
                .conn
                .query_row(
                    &format!("{sql} ORDER BY installed_at DESC LIMIT 1"),
                    [],
                    map,
                )
                .optional()?,
        };
        Ok(found)
    }

    /// The directories of every installed list: what recovery must never delete.
    pub fn installed_dirs(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT dir FROM installed_list")?;
        let rows = stmt.query_map([], |row| row.get::<_, String>(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Commits trusted state and, when given, a newly installed list, in one transaction.
    pub fn commit_update(
        &mut self,
        record: &TrustRecord,
        installed: Option<&InstalledList>,
    ) -> Result<()> {
        let saved_time = self.trust_record()?.latest_known_time;
        let latest_known_time = record.latest_known_time.max(saved_time);
        let tx = self.conn.transaction()?;
        let values: [Option<Vec<u8>>; 6] = [
            record.root.clone(),
            record.timestamp_version.map(|v| v.to_string().into_bytes()),
            record.manifest_version.map(|v| v.to_string().into_bytes()),
            record.manifest_expires.map(|v| v.to_string().into_bytes()),
            latest_known_time.map(|v| v.to_string().into_bytes()),
            record.last_success_at.map(|v| v.to_string().into_bytes()),
        ];
        for (key, value) in KEYS.iter().zip(values) {
            if let Some(value) = value {
                tx.execute(
                    "INSERT INTO trust (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                )?;
            }
        }
        if let Some(list) = installed {
            tx.execute(
                "INSERT INTO installed_list (name, seq, count, sha256, dir, manifest_version, installed_at, files, lthash16)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, count = excluded.count, sha256 = excluded.sha256,
                   dir = excluded.dir, manifest_version = excluded.manifest_version, installed_at = excluded.installed_at,
                   files = excluded.files, lthash16 = excluded.lthash16",
                params![
                    list.name,
                    list.seq as i64,
                    list.count as i64,
                    list.sha256,
                    list.dir,
                    list.manifest_version as i64,
                    list.installed_at as i64,
                    list.files,
                    list.lthash16
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records an update attempt, keeping the newest 100.
    pub fn log_update(&self, at: u64, ok: bool, message: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO update_log (at, ok, message) VALUES (?1, ?2, ?3)",
            params![at as i64, ok, message],
        )?;
        self.conn.execute(
            "DELETE FROM update_log WHERE id <= (SELECT id FROM update_log ORDER BY id DESC LIMIT 1 OFFSET 100)",
            [],
        )?;
        Ok(())
    }

    /// The newest update attempts, newest first.
    pub fn update_log(&self, limit: u32) -> Result<Vec<UpdateLogEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, ok, message FROM update_log ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map(params![limit], |row| {
            Ok(UpdateLogEntry {
                at: row.get::<_, i64>(0)? as u64,
                ok: row.get(1)?,
                message: row.get(2)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}
