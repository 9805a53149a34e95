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
/// the list's entries in key order. Works over whole maps and over searches alike. Keys
/// are copied into buffers that are reused, so a stream of 10M entries allocates nothing
/// per entry.
pub(crate) struct Layered<S> {
    streams: [S; 3],
    heads: [Head; 3],
    started: bool,
    out: Vec<u8>,
}

const BASE: usize = 0;
const ADDED: usize = 1;
const REMOVED: usize = 2;

/// The next entry of one stream, copied out of it.
#[derive(Default)]
struct Head {
    key: Vec<u8>,
    value: u64,
    live: bool,
}

impl Head {
    fn pull<S>(&mut self, stream: &mut S)
    where
        S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
    {
        match stream.next() {
            Some((key, value)) => {
                self.key.clear();
                self.key.extend_from_slice(key);
                self.value = value;
                self.live = true;
            }
            None => self.live = false,
        }
    }
}

impl<S> Layered<S>
where
    S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
{
    /// The merge of `base` with `added` and `removed`.
    pub fn new(base: S, added: S, removed: S) -> Self {
        Layered {
            streams: [base, added, removed],
            heads: Default::default(),
            started: false,
            out: Vec::new(),
        }
    }

    fn pull(&mut self, which: usize) {
        self.heads[which].pull(&mut self.streams[which]);
    }

    /// Hands out the head of `which` (its buffer becomes the output) and pulls the next.
    fn emit(&mut self, which: usize) -> (&[u8], u64) {
        std::mem::swap(&mut self.out, &mut self.heads[which].key);
        let value = self.heads[which].value;
        self.pull(which);
        (&self.out, value)
    }
}

impl<S> SortedSource for Layered<S>
where
    S: for<'b> Streamer<'b, Item = (&'b [u8], u64)>,
{
    fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        if !self.started {
            self.started = true;
            for which in [BASE, ADDED, REMOVED] {
                self.pull(which);
            }
        }
        loop {
            let [base, added, _] = &self.heads;
            let take_added = match (base.live, added.live) {
                (false, false) => return None,
                (false, true) => true,
                (true, false) => false,
                (true, true) => added.key <= base.key,
            };
            if take_added {
                // A base key equal to an added one is masked (by removed, or by the
                // added value itself should the overlay be inconsistent).
                if base.live && base.key == added.key {
                    self.pull(BASE);
                }
                return Some(self.emit(ADDED));
            }
            while self.heads[REMOVED].live && self.heads[REMOVED].key < self.heads[BASE].key {
                self.pull(REMOVED);
            }
            if self.heads[REMOVED].live && self.heads[REMOVED].key == self.heads[BASE].key {
                self.pull(BASE);
                continue;
            }
            return Some(self.emit(BASE));
        }
    }
}
