//! The list's multiset digest, LtHash16: a digest that a delta can update from its
//! changes alone, so the phone proves a delta's result without reading the list back.
//!
//! LtHash16 (Bellare–Micciancio's lattice hash as Lewi et al. 2019, "Securing Update
//! Propagation with Homomorphic Hashing", specify it, and as Facebook's folly implements
//! it): the digest is 1024 lanes of `u16`; each entry is hashed to 2048 bytes with the
//! BLAKE3 XOF (in its key-derivation mode, with a context string of its own, so these
//! outputs are never those of any other BLAKE3 use), read as 1024 little-endian `u16`,
//! and added lane by lane modulo 2^16. Removing an entry subtracts its hash. The digest of
//! a list is the sum over all its entries, so it does not depend on their order and
//! `H(N) = H(M) − Σ h(removed) + Σ h(added)`. Finding two different sets with the same
//! sum is the short-vector problem its security rests on (about 200 bits for these
//! parameters, by the paper's estimate).
//!
//! The element is the entry exactly as the SHA-256 content digest sees it (§6.3 of
//! `signed-lists/FORMAT.md`): section byte, key length, key, value as 8 bytes big-endian.
//! Keys are unique within a section, so a list is a set and the known weakness of a sum
//! (one element added 2^16 times vanishes) cannot arise for a valid list; the phone checks
//! each removal is present and each addition absent before it trusts the arithmetic.

use std::fmt;

use super::{Section, SortedEntries};

/// Lanes of the digest.
pub const LANES: usize = 1024;
/// Bytes of the digest (and of one element's hash).
pub const BYTES: usize = LANES * 2;
/// The BLAKE3 key-derivation context: fixes the hash family to this one use.
const CONTEXT: &str = "callguard list entry LtHash16 2026-12 v1";

/// An LtHash16 digest: the lane-wise sum of the hashes of a set of entries.
#[derive(Clone, PartialEq, Eq)]
pub struct LtHash16 {
    lanes: [u16; LANES],
}

impl Default for LtHash16 {
    fn default() -> Self {
        LtHash16 { lanes: [0; LANES] }
    }
}

impl fmt::Debug for LtHash16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        write!(f, "LtHash16({}…)", &hex[..16])
    }
}

/// Why a digest could not be read from its text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("an LtHash16 digest is {} lower-case hex digits", BYTES * 2)]
pub struct BadLtHash;

impl LtHash16 {
    /// The digest of the empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The digest of every entry of `sections` (in [`Section::ALL`] order), computed from
    /// scratch on all the machine's cores: what the publisher signs.
    pub fn of_sections(sections: &[SortedEntries; 5]) -> Self {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut total = LtHash16::new();
        for (section, entries) in Section::ALL.into_iter().zip(sections) {
            let chunk = entries.len().div_ceil(threads).max(4096);
            let parts: Vec<LtHash16> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..entries.len())
                    .step_by(chunk)
                    .map(|start| {
                        scope.spawn(move || {
                            let mut part = LtHash16::new();
                            let end = (start + chunk).min(entries.len());
                            for i in start..end {
                                if let Some((key, value)) = entries.get(i) {
                                    part.add(section, key, value);
                                }
                            }
                            part
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            for part in &parts {
                total.add_digest(part);
            }
        }
        total
    }

    /// Adds one entry.
    pub fn add(&mut self, section: Section, key: &[u8], value: u64) {
        let mut hash = [0u8; BYTES];
        element(section, key, value, &mut hash);
        for (lane, pair) in self.lanes.iter_mut().zip(hash.chunks_exact(2)) {
            *lane = lane.wrapping_add(u16::from_le_bytes([pair[0], pair[1]]));
        }
    }

    /// Removes one entry (that was added).
    pub fn remove(&mut self, section: Section, key: &[u8], value: u64) {
        let mut hash = [0u8; BYTES];
        element(section, key, value, &mut hash);
        for (lane, pair) in self.lanes.iter_mut().zip(hash.chunks_exact(2)) {
            *lane = lane.wrapping_sub(u16::from_le_bytes([pair[0], pair[1]]));
        }
    }

    /// Adds every entry that `other` holds (the union of disjoint sets).
    pub fn add_digest(&mut self, other: &LtHash16) {
        for (lane, o) in self.lanes.iter_mut().zip(&other.lanes) {
            *lane = lane.wrapping_add(*o);
        }
    }

    /// Removes every entry that `other` holds (the difference with a subset).
    pub fn sub_digest(&mut self, other: &LtHash16) {
        for (lane, o) in self.lanes.iter_mut().zip(&other.lanes) {
            *lane = lane.wrapping_sub(*o);
        }
    }

    /// The 2048 bytes: each lane little-endian, lane 0 first.
    pub fn to_bytes(&self) -> [u8; BYTES] {
        let mut out = [0u8; BYTES];
        for (pair, lane) in out.chunks_exact_mut(2).zip(&self.lanes) {
            pair.copy_from_slice(&lane.to_le_bytes());
        }
        out
    }

    /// The bytes as 4096 lower-case hex digits, as in manifests.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Reads [`to_hex`](Self::to_hex)'s text; anything else (upper case included) is refused.
    pub fn from_hex(text: &str) -> Result<Self, BadLtHash> {
        if text.len() != BYTES * 2 || text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(BadLtHash);
        }
        let bytes = hex::decode(text).map_err(|_| BadLtHash)?;
        let mut out = LtHash16::new();
        for (lane, pair) in out.lanes.iter_mut().zip(bytes.chunks_exact(2)) {
            *lane = u16::from_le_bytes([pair[0], pair[1]]);
        }
        Ok(out)
    }
}

/// The 2048-byte hash of one entry, encoded as the SHA-256 content digest encodes it.
fn element(section: Section, key: &[u8], value: u64, out: &mut [u8; BYTES]) {
    let mut hasher = blake3::Hasher::new_derive_key(CONTEXT);
    hasher.update(&[section as u8, key.len().min(255) as u8]);
    hasher.update(key);
    hasher.update(&value.to_be_bytes());
    hasher.finalize_xof().fill(out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entries(keys: &std::collections::BTreeMap<Vec<u8>, u64>) -> SortedEntries {
        let mut out = SortedEntries::new();
        for (k, v) in keys {
            out.push(k, *v).unwrap();
        }
        out
    }

    #[test]
    fn empty_is_zero_and_one_entry_is_not() {
        let mut h = LtHash16::new();
        assert_eq!(h.to_bytes(), [0u8; BYTES]);
        h.add(Section::Numbers, b"8613800138000", 1);
        assert_ne!(h, LtHash16::new());
        h.remove(Section::Numbers, b"8613800138000", 1);
        assert_eq!(h, LtHash16::new());
    }

    #[test]
    fn the_section_and_the_value_are_part_of_the_element() {
        let one = |section, value| {
            let mut h = LtHash16::new();
            h.add(section, b"855", value);
            h
        };
        assert_ne!(one(Section::Numbers, 1), one(Section::Prefixes, 1));
        assert_ne!(one(Section::Numbers, 1), one(Section::Numbers, 2));
    }

    #[test]
    fn hex_round_trips_and_refuses_other_text() {
        let mut h = LtHash16::new();
        h.add(Section::Domains, b"com.example", 7);
        assert_eq!(LtHash16::from_hex(&h.to_hex()), Ok(h.clone()));
        assert_eq!(LtHash16::from_hex(&h.to_hex()[1..]), Err(BadLtHash));
        assert_eq!(
            LtHash16::from_hex(&h.to_hex().to_uppercase()),
            Err(BadLtHash)
        );
        assert_eq!(LtHash16::from_hex(&"g".repeat(BYTES * 2)), Err(BadLtHash));
    }

    proptest! {
        /// Updating a digest by a change gives the digest of the changed set computed from
        /// scratch, whatever the order of the changes.
        #[test]
        fn incremental_equals_from_scratch(
            old in proptest::collection::btree_map(proptest::collection::vec(b'0'..=b'9', 1..16), 0u64..4, 0..200),
            removed_picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..50),
            added in proptest::collection::btree_map(proptest::collection::vec(b'0'..=b'9', 1..16), 0u64..4, 0..50),
        ) {
            let mut sections: [SortedEntries; 5] = Default::default();
            sections[0] = entries(&old);
            let start = LtHash16::of_sections(&sections);
            let keys: Vec<&Vec<u8>> = old.keys().collect();
            let mut new = old.clone();
            let mut updated = start.clone();
            if !keys.is_empty() {
                for pick in &removed_picks {
                    let key = keys[pick.index(keys.len())];
                    if let Some(value) = new.remove(key) {
                        updated.remove(Section::Numbers, key, value);
                    }
                }
            }
            for (key, value) in &added {
                if let Some(was) = new.insert(key.clone(), *value) {
                    updated.remove(Section::Numbers, key, was);
                }
                updated.add(Section::Numbers, key, *value);
            }
            let mut new_sections: [SortedEntries; 5] = Default::default();
            new_sections[0] = entries(&new);
            prop_assert_eq!(updated, LtHash16::of_sections(&new_sections));
        }
    }
}
