//! Sorted entries held compactly: one byte buffer for all keys, so a 10M-entry section
//! costs about 25 bytes an entry instead of a heap allocation each.

use super::{WireError, MAX_KEY_LEN};

/// A section's entries, sorted by key and strictly increasing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortedEntries {
    keys: Vec<u8>,
    ends: Vec<u32>,
    values: Vec<u64>,
}

impl SortedEntries {
    /// No entries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sorts `entries` by key; on duplicate keys `merge(kept, new)` decides the value.
    pub fn from_unsorted(
        mut entries: Vec<(Vec<u8>, u64)>,
        mut merge: impl FnMut(u64, u64) -> u64,
    ) -> Result<Self, WireError> {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = SortedEntries::new();
        for (key, value) in entries {
            if out.last_key() == Some(key.as_slice()) {
                if let Some(last) = out.values.last_mut() {
                    *last = merge(*last, value);
                }
                continue;
            }
            out.push(&key, value)?;
        }
        Ok(out)
    }

    /// Appends an entry whose key is greater than the last one.
    pub fn push(&mut self, key: &[u8], value: u64) -> Result<(), WireError> {
        if key.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(WireError::Malformed("key length out of range"));
        }
        if self.last_key().is_some_and(|last| last >= key) {
            return Err(WireError::Malformed("keys out of order"));
        }
        self.keys.extend_from_slice(key);
        let end = u32::try_from(self.keys.len()).map_err(|_| WireError::TooLarge)?;
        self.ends.push(end);
        self.values.push(value);
        Ok(())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The entry at `index`.
    pub fn get(&self, index: usize) -> Option<(&[u8], u64)> {
        let end = *self.ends.get(index)? as usize;
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1] as usize
        };
        Some((&self.keys[start..end], self.values[index]))
    }

    fn last_key(&self) -> Option<&[u8]> {
        self.len()
            .checked_sub(1)
            .and_then(|i| self.get(i))
            .map(|(k, _)| k)
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], u64)> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }

    /// A lending cursor over the entries, as delta application reads its base.
    pub fn cursor(&self) -> SortedIter<'_> {
        SortedIter {
            entries: self,
            next: 0,
        }
    }
}

/// Yields a section's entries in order, one at a time: the base a delta is applied to.
/// Implemented over [`SortedEntries`] and over the phone's FST streams.
pub trait SortedSource {
    /// The next entry, or `None` at the end.
    fn next_entry(&mut self) -> Option<(&[u8], u64)>;
}

/// A cursor over [`SortedEntries`].
pub struct SortedIter<'a> {
    entries: &'a SortedEntries,
    next: usize,
}

impl SortedSource for SortedIter<'_> {
    fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        let entry = self.entries.get(self.next)?;
        self.next += 1;
        Some(entry)
    }
}
