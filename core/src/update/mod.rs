//! The update client: fetch, verify, apply, install, swap.
//!
//! One run follows TUF's order and Google Safe Browsing's apply-and-check:
//! 1. follow root rotations (`N+1.root.json` until absent or not a valid root: a 403 or
//!    an HTML page is read as absent, and noted), then fetch and verify the
//!    timestamp, then the manifest it names;
//! 2. pick the cheapest verified path: the delta from the installed sequence number, or
//!    the snapshot;
//! 3. download with the signed length as a hard cap and check the signed hash;
//! 4. stream the snapshot, or merge the delta with the installed FSTs, into new FST files;
//! 5. compare the content's count and SHA-256 with the manifest (a delta that misses falls
//!    back to the snapshot);
//! 6. install: fsync, rename, keep the replaced list as the export base, and one SQLite
//!    transaction (the commit point);
//! 7. swap the new lists in; running checks finish on the old ones.
//!
//! Any failure leaves the last verified list in use and is recorded for `status`.

mod fetch;
#[cfg(feature = "net")]
mod http;
mod lock;
mod run;

pub use fetch::{FetchError, Fetcher, FileMap};
#[cfg(feature = "net")]
pub use http::{HttpFetcher, HttpLimits, USER_AGENT};
pub use lock::LOCK_FILE;
pub(crate) use run::{installed_changed, map_installed, open_installed, recover, Refused, Updater};

use serde::Serialize;

use crate::trust::TrustError;
use crate::wire::WireError;

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

/// How the new content arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Via {
    /// The full snapshot.
    Snapshot,
    /// A delta from this sequence number.
    Delta {
        /// The installed sequence number it applied to.
        from: u64,
    },
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateReport {
    /// The list followed.
    pub list: String,
    /// The sequence number in use after the run.
    pub seq: u64,
    /// The manifest version now trusted.
    pub manifest_version: u64,
    /// `None` when the list was already current.
    pub installed: Option<Via>,
    /// The installed sequence number before the run.
    pub previous_seq: Option<u64>,
    /// Bytes of list content downloaded (not counting metadata).
    pub downloaded_bytes: u64,
    /// A delta was tried and failed, so the snapshot was used.
    pub fell_back_to_snapshot: bool,
    /// The device clock was behind the latest time seen; the latter was used.
    pub clock_behind: bool,
    /// The server answered for the next root file with something other than a valid
    /// root (a 403, an HTML page, a bad signature), so the current root was kept: why,
    /// for `status`. `None` when there was no newer root (404) or it was followed.
    pub ignored_root: Option<String>,
}
