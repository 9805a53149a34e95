//! The canonical content digest: what the manifest signs and the phone recomputes.
//!
//! SHA-256 over, for each entry in canonical order: the section byte, the key length as
//! one byte, the key, and the value as 8 bytes big-endian. It depends on the entries only,
//! never on how they were coded or indexed.

use sha2::{Digest as _, Sha256};

use super::Section;

/// A running digest over entries.
#[derive(Clone, Default)]
pub struct ContentDigest {
    sha: Sha256,
    count: u64,
    per_section: [u64; 5],
}

/// The count and SHA-256 of a list's canonical content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentSummary {
    /// Entries in all sections.
    pub count: u64,
    /// Entries per section, in [`Section::ALL`] order.
    pub per_section: [u64; 5],
    /// The SHA-256.
    pub sha256: [u8; 32],
}

impl ContentDigest {
    /// An empty digest.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one entry. Keys are at most 255 bytes (checked by every producer).
    pub fn add(&mut self, section: Section, key: &[u8], value: u64) {
        self.sha.update([section as u8, key.len().min(255) as u8]);
        self.sha.update(key);
        self.sha.update(value.to_be_bytes());
        self.count += 1;
        self.per_section[section.index()] += 1;
    }

    /// Entries added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The result.
    pub fn finish(self) -> ContentSummary {
        ContentSummary {
            count: self.count,
            per_section: self.per_section,
            sha256: self.sha.finalize().into(),
        }
    }
}

impl ContentSummary {
    /// The SHA-256 as lower-case hex, as in manifests.
    pub fn sha256_hex(&self) -> String {
        hex::encode(self.sha256)
    }
}
