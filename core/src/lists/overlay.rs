//! The numbers overlay: what the updates since the last compaction changed, kept beside
//! the base FST instead of rewriting it.
//!
//! Building an FST of 10M keys takes seconds, so a delta does not rebuild the numbers
//! section: the list directory keeps the base `numbers.fst` (hard-linked from the list
//! it replaced) and two small FSTs beside it:
//! - **added** ([`super::files::OVERLAY_ADDED`]): entries of the list that the base does
//!   not hold with that value, with their values;
//! - **removed** ([`super::files::OVERLAY_REMOVED`]): entries of the base that the list
//!   does not hold with that value, with their base values.
//!
//! So the list is `(base − removed) ∪ added`, and no added key is a kept base key. A
//! lookup asks added, then the base unless removed masks it; a stream merges the three
//! in key order. Compaction (`Engine::compact_lists`) folds the overlay into a new base.
//! Only the numbers section has an overlay: the others are small enough to rebuild.

use fst::{Map, Streamer};

use super::files::FstBytes;
use crate::wire::SortedSource;

/// Compaction is due once the overlay holds more than this fraction of the base's
/// entries (1/4): lookups then probe an overlay that is no longer small, and every update
/// rewrites it whole.
pub(crate) const COMPACT_AT_FRACTION: u64 = 4;

/// The added and removed entries over a base numbers FST.
pub(crate) struct Overlay {
    pub added: Map<FstBytes>,
    pub removed: Map<FstBytes>,
}

impl Overlay {
    /// The value of `key` in the list that `base` and this overlay make.
    pub fn get(&self, base: &Map<FstBytes>, key: &[u8]) -> Option<u64> {
        if let Some(value) = self.added.get(key) {
            return Some(value);
        }
        let value = base.get(key)?;
        (!self.removed.contains_key(key)).then_some(value)
    }

    /// Entries of the list that `base` and this overlay make.
    pub fn len(&self, base: &Map<FstBytes>) -> usize {
        (base.len().saturating_sub(self.removed.len())).saturating_add(self.added.len())
    }

    /// Entries in the overlay's two files together.
    pub fn entries(&self) -> u64 {
        (self.added.len() + self.removed.len()) as u64
    }

    /// Whether compaction is due for an overlay over `base`.
    pub fn compaction_due(&self, base: &Map<FstBytes>) -> bool {
        self.entries().saturating_mul(COMPACT_AT_FRACTION) > base.len() as u64
    }
}

/// Merges a base stream, an added stream and a removed stream (each in key order) into
/// the list's entries in key order. Works over whole maps and over searches alike.
pub(crate) struct Layered<S> {
    base: S,
    added: S,
    removed: S,
    base_next: Option<(Vec<u8>, u64)>,
    added_next: Option<(Vec<u8>, u64)>,
    removed_next: Option<Vec<u8>>,
    started: bool,
    out: Vec<u8>,
}

impl<S> Layered<S>
where
    S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
{
    /// The merge of `base` with `added` and `removed`.
    pub fn new(base: S, added: S, removed: S) -> Self {
        Layered {
            base,
            added,
            removed,
            base_next: None,
            added_next: None,
            removed_next: None,
            started: false,
            out: Vec::new(),
        }
    }
}

fn pull<S>(stream: &mut S, slot: &mut Option<(Vec<u8>, u64)>)
where
    S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
{
    *slot = stream.next().map(|(k, v)| (k.to_vec(), v));
}

impl<S> SortedSource for Layered<S>
where
    S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
{
    fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        if !self.started {
            self.started = true;
            pull(&mut self.base, &mut self.base_next);
            pull(&mut self.added, &mut self.added_next);
            self.removed_next = self.removed.next().map(|(k, _)| k.to_vec());
        }
        loop {
            let take_added = match (&self.base_next, &self.added_next) {
                (None, None) => return None,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some((b, _)), Some((a, _))) => a <= b,
            };
            if take_added {
                let (key, value) = self.added_next.take()?;
                // A base key equal to an added one is masked (by removed, or by the
                // added value itself should the overlay be inconsistent).
                if self.base_next.as_ref().is_some_and(|(b, _)| *b == key) {
                    pull(&mut self.base, &mut self.base_next);
                }
                pull(&mut self.added, &mut self.added_next);
                self.out = key;
                return Some((&self.out, value));
            }
            let (key, value) = self.base_next.take()?;
            pull(&mut self.base, &mut self.base_next);
            while self.removed_next.as_ref().is_some_and(|r| *r < key) {
                self.removed_next = self.removed.next().map(|(k, _)| k.to_vec());
            }
            if self.removed_next.as_ref() == Some(&key) {
                continue;
            }
            self.out = key;
            return Some((&self.out, value));
        }
    }
}
