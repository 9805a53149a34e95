//! The update's errors, beside the crate's [`Error`](super::Error) that wraps them, so
//! that the error module depends on no module that returns it. `crate::update`
//! re-exports them where callers look for them.

use serde::Serialize;

use crate::trust::TrustError;
use crate::wire::WireError;

/// Why a file could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The server has no such file (HTTP 404), or the file map lacks it.
    #[error("not found")]
    NotFound,
    /// The file is longer than its signed (or fixed) limit; the download stopped there.
    #[error("longer than its limit of {0} bytes")]
    TooLarge(u64),
    /// The download, or the update as a whole, took longer than its limit.
    #[error("gave up after {secs} s: {why}")]
    TimedOut {
        /// The limit that was reached, seconds.
        secs: u64,
        /// Which limit it was.
        why: &'static str,
    },
    /// Anything else: connection refused, an HTTP error status. Never the URL.
    #[error("{0}")]
    Failed(String),
}

/// The write steps of an install, in order. A test can stop an install right after any of
/// them to simulate a crash there; the next start must find the old list or the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallStep {
    /// The new FST files are written, not yet synced.
    FilesWritten,
    /// The files and their directory are synced.
    FilesSynced,
    /// The directory is renamed into place.
    Renamed,
    /// The replaced list's files are kept as the new list's export base
    /// ([`crate::export`]), beside it; a first install has none.
    ExportBaseStaged,
    /// The SQLite transaction committed: the new list is the installed one.
    Committed,
    /// The new lists are in use in memory.
    Swapped,
    /// The old list's files, and its own export base, are deleted.
    OldRemoved,
}

impl InstallStep {
    /// Every step, in install order: the crash tests stop after each, so a step added
    /// here is covered by them at once.
    pub const ALL: [InstallStep; 7] = [
        InstallStep::FilesWritten,
        InstallStep::FilesSynced,
        InstallStep::Renamed,
        InstallStep::ExportBaseStaged,
        InstallStep::Committed,
        InstallStep::Swapped,
        InstallStep::OldRemoved,
    ];
}

/// Why an update failed. The last verified list stays in use in every case.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// Metadata was refused: bad signature, rollback, expiry, mix-and-match, mismatch.
    #[error("{0}")]
    Trust(#[from] TrustError),
    /// A file could not be downloaded.
    #[error("fetching {path}: {error}")]
    Fetch {
        /// The site path.
        path: String,
        /// Why.
        error: FetchError,
    },
    /// A snapshot or delta could not be decoded, or did not reproduce the signed content.
    #[error("list content: {0}")]
    Content(#[from] WireError),
    /// The manifest does not carry the list this engine follows.
    #[error("the manifest has no list named {0:?}")]
    NoList(String),
    /// No root is pinned, so nothing can be trusted.
    #[error("no trusted root is configured")]
    NoRoot,
    /// A test stopped the install here (the `testing` feature only).
    #[cfg(feature = "testing")]
    #[error("simulated crash after {0:?}")]
    SimulatedCrash(InstallStep),
    /// Writing the new list or the database failed.
    #[error("storage: {0}")]
    Storage(String),
}
