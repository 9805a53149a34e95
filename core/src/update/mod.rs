//! The update client: fetch, verify, apply, install, swap.
//!
//! One run follows TUF's order and Google Safe Browsing's apply-and-check:
//! 1. follow root rotations (`N+1.root.json` until absent or not a valid root: a 403 or
//!    an HTML page is read as absent, and noted), then fetch and verify the
//!    timestamp, then the manifest it names;
//! 2. pick the cheapest verified path: the delta from the installed sequence number, or
//!    the snapshot;
//! 3. download with the signed length as a hard cap and check the signed hash;
//! 4. stream the snapshot into new FST files, or apply the delta to the installed FSTs:
//!    the small sections into new FST files, the numbers into an overlay over the
//!    installed base ([`crate::lists::overlay`]), compacted when it grows ([`compact`]).
//!    A keyed delta onto a list whose signed multiset digest is stored is applied from
//!    its changes alone (each looked up in the installed list); otherwise the installed
//!    list is streamed and merged;
//! 5. compare the content's counts and SHA-256 with the manifest, or, for a delta applied
//!    from its changes, `H(M) − Σ h(removed) + Σ h(added)` with the signed LtHash16 (a
//!    delta that misses falls back to the snapshot);
//! 6. install: fsync, rename, keep the replaced list as the export base, and one SQLite
//!    transaction (the commit point);
//! 7. swap the new lists in; running checks finish on the old ones.
//!
//! Any failure leaves the last verified list in use and is recorded for `status`.

mod compact;
mod fetch;
#[cfg(feature = "net")]
mod http;
mod lock;
mod run;

pub use crate::error::{FetchError, InstallStep, UpdateError};
pub use fetch::{Fetcher, FileMap};
#[cfg(feature = "net")]
pub use http::{HttpFetcher, HttpLimits, USER_AGENT};
pub use lock::LOCK_FILE;
pub(crate) use run::{installed_changed, map_installed, recover, Refused, Updater};

/// Where the engine keeps the list set in use: an update reads it, and swaps the new one
/// in at its commit point. The engine decides what lives beside the set (its compiled SMS
/// index), so the update never needs to know.
pub(crate) trait ListSlot {
    /// The list set in use now.
    fn current(&self) -> std::sync::Arc<crate::lists::ListSet>;
    /// Puts `lists` in use; checks already running finish on the old set.
    fn install(&self, lists: crate::lists::ListSet);
}

use serde::Serialize;

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
