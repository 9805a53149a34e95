//! Schema migrations, tracked in SQLite's `user_version`.
//!
//! Each migration runs in one transaction together with the version bump, so a crash
//! leaves the database at the old version or the new one. A file whose version is newer
//! than [`LATEST`] is refused untouched: an older build must not guess at a newer schema.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The newest schema this build knows.
pub const LATEST: i64 = 6;

const MIGRATIONS: [&str; LATEST as usize] = [
    // 1: settings, user rules, decision history.
    "CREATE TABLE settings (
         key   TEXT PRIMARY KEY NOT NULL,
         value TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE rules (
         id         INTEGER PRIMARY KEY,
         kind       TEXT NOT NULL CHECK (kind IN ('allow', 'block')),
         target     TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         UNIQUE (kind, target)
     );
     CREATE TABLE history (
         id       INTEGER PRIMARY KEY,
         at_ms    INTEGER NOT NULL,
         channel  TEXT NOT NULL CHECK (channel IN ('call', 'sms')),
         subject  TEXT NOT NULL,
         action   TEXT NOT NULL,
         decision TEXT NOT NULL
     );
     CREATE INDEX history_at ON history (at_ms);",
    // 2: signed-list updates: trusted metadata, the installed list, and an update log.
    "CREATE TABLE trust (
         key   TEXT PRIMARY KEY NOT NULL,
         value BLOB NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE installed_list (
         name             TEXT PRIMARY KEY NOT NULL,
         seq              INTEGER NOT NULL,
         count            INTEGER NOT NULL,
         sha256           TEXT NOT NULL,
         dir              TEXT NOT NULL,
         manifest_version INTEGER NOT NULL,
         installed_at     INTEGER NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE update_log (
         id      INTEGER PRIMARY KEY,
         at      INTEGER NOT NULL,
         ok      INTEGER NOT NULL,
         message TEXT NOT NULL
     );",
    // 3: the seal of the installed list's files (lengths and checksums), checked at open.
    "ALTER TABLE installed_list ADD COLUMN files TEXT NOT NULL DEFAULT '';",
    // 4: the user's reports of numbers and senders, kept until they share or clear them.
    "CREATE TABLE reports (
         id       INTEGER PRIMARY KEY,
         at       INTEGER NOT NULL,
         subject  TEXT NOT NULL,
         category TEXT NOT NULL,
         note     TEXT NOT NULL
     );",
    // 5: find a caller's last call quickly, for the repeated-calls window.
    "CREATE INDEX history_subject ON history (channel, subject, at_ms);",
    // 6: the installed list's signed LtHash16 multiset digest, which a keyed delta is
    // checked against from its changes alone; empty when unknown.
    "ALTER TABLE installed_list ADD COLUMN lthash16 TEXT NOT NULL DEFAULT '';",
];

/// The schema version in the file's header (`user_version`).
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Refuses a version this build cannot use, before anything is written.
pub(crate) fn check_version(conn: &Connection) -> Result<()> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(Error::DatabaseTooNew {
            found,
            supported: LATEST,
        });
    }
    if found < 0 {
        return Err(Error::DatabaseCorrupt(format!(
            "negative schema version {found}"
        )));
    }
    Ok(())
}

/// Brings the schema up to [`LATEST`].
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    check_version(conn)?;
    let found = version(conn)?;
    for version in found..LATEST {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
    Ok(())
}
