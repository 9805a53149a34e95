//! Trust: a one-publisher subset of The Update Framework (TUF).
//!
//! Three kinds of signed metadata, each a JSON payload inside an [`Envelope`]:
//! - **root** ([`Root`]): the publisher's keys and, for each role, which keys sign it and
//!   how many must. Pinned in the app. A new root is signed by a threshold of both the old
//!   and the new root keys, and its version is exactly one more.
//! - **timestamp** ([`Timestamp`]): short-lived, signed by an online key; names the
//!   current manifest's version, length and hash.
//! - **manifest** ([`Manifest`]): a monotonic version and an expiry; for each list its
//!   sequence number, entry count, content SHA-256, snapshot and deltas.
//!
//! Signatures are ed25519 over the payload's exact bytes, checked with `verify_strict`.
//! This module only verifies; signing lives in the publisher (`signed-lists`).

mod envelope;
mod metadata;
mod printable;
mod verify;

pub use envelope::{Envelope, Signature};
pub use metadata::{
    is_safe_path, BlobRef, DeltaRef, KeyId, ListEntry, Manifest, ManifestRef, Role, RoleKeys,
    Roles, Root, SectionCounts, Timestamp,
};
pub use printable::printable;
pub use verify::{
    key_id, sha256_hex, verify_manifest, verify_pinned_root, verify_root_update, verify_timestamp,
    TrustedState,
};

/// Size caps for metadata downloads (the blobs are capped by their signed lengths).
pub mod limits {
    /// A root file.
    pub const ROOT: u64 = 512 * 1024;
    /// The timestamp file.
    pub const TIMESTAMP: u64 = 16 * 1024;
    /// A manifest, whatever the timestamp claims.
    pub const MANIFEST: u64 = 8 * 1024 * 1024;
    /// Root rotations followed in one update.
    pub const ROOT_ROTATIONS: u64 = 64;
}

/// Why metadata was refused. Each variant is one of the attacks TUF defends against.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// Not a well-formed envelope or payload.
    #[error("malformed {role} metadata: {detail}")]
    Malformed {
        /// Which role's file.
        role: &'static str,
        /// What is wrong; quotes from the file pass through [`printable`].
        detail: String,
    },
    /// Fewer valid signatures from the role's keys than its threshold.
    #[error("{role} metadata has {valid} valid signature(s), {threshold} required")]
    Signatures {
        /// Which role.
        role: &'static str,
        /// Distinct valid signatures from the role's keys.
        valid: usize,
        /// How many are required.
        threshold: usize,
    },
    /// A version lower than one already trusted (rollback), or a root that skips one.
    #[error("{role} version {found} is older than the trusted version {trusted}")]
    Rollback {
        /// Which role.
        role: &'static str,
        /// The offered version.
        found: u64,
        /// The trusted version.
        trusted: u64,
    },
    /// A root whose version is not exactly one more than the trusted root.
    #[error("root version {found} does not follow the trusted version {trusted}")]
    RootVersion {
        /// The offered version.
        found: u64,
        /// The trusted version.
        trusted: u64,
    },
    /// Expired metadata (a frozen or replayed file).
    #[error("{role} metadata expired")]
    Expired {
        /// Which role.
        role: &'static str,
    },
    /// A file's length or hash differs from what the signed metadata says.
    #[error("{what} does not match its signed length and hash")]
    Mismatch {
        /// Which file.
        what: &'static str,
    },
    /// Files from different versions (the timestamp and manifest disagree).
    #[error("mix-and-match: {0}")]
    MixAndMatch(&'static str),
}

impl TrustError {
    /// A [`TrustError::Malformed`] whose detail may quote the file (serde names the
    /// offending field or value): the one way such details are built, so what a server
    /// wrote reaches messages only through [`printable`].
    pub(crate) fn malformed(role: &'static str, detail: impl std::fmt::Display) -> TrustError {
        TrustError::Malformed {
            role,
            detail: printable(&detail.to_string()),
        }
    }
}

#[cfg(test)]
mod tests;
