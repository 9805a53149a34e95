//! The metadata payloads. Unknown fields are refused, so a file means exactly what this
//! code reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::TrustError;

/// Lower-case hex SHA-256 of a 32-byte ed25519 public key.
pub type KeyId = String;

/// The three signing roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Signs root files; offline keys.
    Root,
    /// Signs the timestamp; an online key.
    Timestamp,
    /// Signs manifests; the list-signing key.
    Manifest,
}

impl Role {
    /// The role's name in files and errors.
    pub fn name(self) -> &'static str {
        match self {
            Role::Root => "root",
            Role::Timestamp => "timestamp",
            Role::Manifest => "manifest",
        }
    }
}

/// Which keys sign a role, and how many signatures it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleKeys {
    /// Key ids allowed to sign.
    pub keyids: Vec<KeyId>,
    /// Distinct valid signatures required, at least 1.
    pub threshold: u32,
}

/// The root of trust for one publisher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Root {
    /// Always `"root"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Starts at 1 and goes up by exactly one per rotation.
    pub version: u64,
    /// Unix seconds after which this root is not trusted for updates.
    pub expires: u64,
    /// Who publishes, for people.
    pub publisher: String,
    /// Key id → hex of the 32-byte ed25519 public key.
    pub keys: BTreeMap<KeyId, String>,
    /// The keys of each role.
    pub roles: Roles,
}

/// The roles of a root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// Root signers.
    pub root: RoleKeys,
    /// Timestamp signers.
    pub timestamp: RoleKeys,
    /// Manifest signers.
    pub manifest: RoleKeys,
}

impl Root {
    /// The keys of `role`.
    pub fn role(&self, role: Role) -> &RoleKeys {
        match role {
            Role::Root => &self.roles.root,
            Role::Timestamp => &self.roles.timestamp,
            Role::Manifest => &self.roles.manifest,
        }
    }
}

/// The timestamp: what the current manifest is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timestamp {
    /// Always `"timestamp"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Goes up with every publication.
    pub version: u64,
    /// Unix seconds; short (a day or two).
    pub expires: u64,
    /// The manifest it vouches for.
    pub manifest: ManifestRef,
}

/// A manifest's version, path, length and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRef {
    /// The manifest's version.
    pub version: u64,
    /// Its path on the site.
    pub path: String,
    /// Its exact length in bytes.
    pub length: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// The manifest: every list, its content digest and how to fetch it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always `"manifest"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Goes up with every publication.
    pub version: u64,
    /// Unix seconds.
    pub expires: u64,
    /// List name → its current state.
    pub lists: BTreeMap<String, ListEntry>,
}

/// One list in a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEntry {
    /// The list's sequence number; goes up whenever its content changes.
    pub seq: u64,
    /// Entries in all sections.
    pub count: u64,
    /// SHA-256 of the canonical content, lower-case hex.
    pub sha256: String,
    /// The LtHash16 multiset digest of the same content
    /// ([`LtHash16`](crate::wire::LtHash16), 4096 lower-case hex digits): what lets a
    /// phone check a keyed delta from its changes alone. Absent from manifests published
    /// before it; a manifest that has it is refused when it is not well formed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lthash16: Option<String>,
    /// Entries per section.
    pub sections: SectionCounts,
    /// The full snapshot.
    pub snapshot: BlobRef,
    /// Deltas from earlier sequence numbers to `seq`.
    pub deltas: Vec<DeltaRef>,
}

/// Entries per section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SectionCounts {
    pub numbers: u64,
    pub prefixes: u64,
    pub official: u64,
    pub domains: u64,
    pub sms_rules: u64,
}

impl ListEntry {
    /// The signed multiset digest, if the manifest has one (its form was checked by
    /// `verify_manifest`; a malformed one reads as none).
    pub fn lthash(&self) -> Option<crate::wire::LtHash16> {
        self.lthash16
            .as_deref()
            .and_then(|text| crate::wire::LtHash16::from_hex(text).ok())
    }
}

impl SectionCounts {
    /// In [`Section::ALL`](crate::wire::Section::ALL) order.
    pub fn as_array(&self) -> [u64; 5] {
        [
            self.numbers,
            self.prefixes,
            self.official,
            self.domains,
            self.sms_rules,
        ]
    }

    /// From [`Section::ALL`](crate::wire::Section::ALL) order.
    pub fn from_array(a: [u64; 5]) -> Self {
        SectionCounts {
            numbers: a[0],
            prefixes: a[1],
            official: a[2],
            domains: a[3],
            sms_rules: a[4],
        }
    }
}

/// A file on the site with its exact length and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobRef {
    /// Path relative to the site root.
    pub path: String,
    /// Exact length in bytes: downloads stop here.
    pub length: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// A delta file from sequence number `from` to the list's current `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeltaRef {
    /// The sequence number it applies to.
    pub from: u64,
    /// Path relative to the site root.
    pub path: String,
    /// Exact length in bytes.
    pub length: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Whether a site path is safe to fetch and to look up in a file map: relative, plain
/// names, no `.` or `..` parts. The publisher writes only such paths; the phone refuses
/// any other in signed metadata.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 200
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
}

pub(crate) fn check_path(path: &str, role: &'static str) -> Result<(), TrustError> {
    if is_safe_path(path) {
        Ok(())
    } else {
        Err(TrustError::malformed(
            role,
            format_args!(
                "unsafe path {:?}",
                path.chars().take(60).collect::<String>()
            ),
        ))
    }
}
