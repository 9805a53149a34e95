//! The blocklist sections as FST indexes.
//!
//! A [`ListSet`] is immutable once built; the engine swaps whole sets atomically. It is
//! the small interface that every list source feeds: today entries added in memory or
//! read from CSV sources ([`source`]); with the signed format, verified snapshots.
//!
//! | section   | FST key                          | value           |
//! |-----------|----------------------------------|-----------------|
//! | numbers   | E.164 digits, e.g. `8613800138000` | [`EntryMeta`]  |
//! | prefixes  | digits and `#`, e.g. `855`, `33162####` | [`EntryMeta`] |
//! | official  | region + national number, e.g. `CN110` | (set)     |
//!
//! Keys are ASCII digits of equal meaning to their numeric value, so the numbers FST
//! streams in ascending numeric order within each length, which is what an iOS Call
//! Directory export needs.

mod meta;
mod prefix;
pub mod source;

use std::collections::BTreeMap;

use fst::{Map, MapBuilder, Set, SetBuilder};

use crate::error::{Error, Result};
use crate::number;
use crate::region::Region;

pub use meta::EntryMeta;

/// E.164 allows at most 15 digits after the `+`.
const MAX_E164_DIGITS: usize = 15;

/// An exact or prefix hit in a list, with what the list says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListHit {
    /// The key or pattern that matched, in E.164 digits (`#` = any digit).
    pub key: String,
    /// What the list says.
    pub meta: EntryMeta,
}

/// An immutable set of list sections.
pub struct ListSet {
    name: String,
    version: u64,
    numbers: Map<Vec<u8>>,
    prefixes: Map<Vec<u8>>,
    official: Set<Vec<u8>>,
}

impl std::fmt::Debug for ListSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListSet")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("numbers", &self.numbers.len())
            .field("prefixes", &self.prefixes.len())
            .field("official", &self.official.len())
            .finish()
    }
}

impl ListSet {
    /// Starts a new set called `name` at `version`.
    pub fn builder(name: &str, version: u64) -> ListSetBuilder {
        ListSetBuilder::new(name, version)
    }

    /// A set with no entries, used before any list is installed.
    pub fn empty() -> ListSet {
        // Building empty FSTs cannot fail.
        ListSetBuilder::new("none", 0)
            .build()
            .unwrap_or_else(|_| unreachable!("empty lists always build"))
    }

    /// The list's name, as reported in decisions.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list's version, as reported in decisions.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Entry counts per section: numbers, prefixes, official.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.numbers.len(), self.prefixes.len(), self.official.len())
    }

    /// The exact entry for E.164 digits (no `+`).
    pub fn number(&self, key: &str) -> Option<ListHit> {
        let value = self.numbers.get(key)?;
        Some(ListHit {
            key: key.to_owned(),
            meta: EntryMeta::unpack(value)?,
        })
    }

    /// The longest prefix pattern that covers E.164 digits (no `+`).
    pub fn prefix(&self, key: &str) -> Option<ListHit> {
        let found = prefix::longest_match(self.prefixes.as_fst(), key.as_bytes())?;
        Some(ListHit {
            key: found.pattern,
            meta: EntryMeta::unpack(found.value)?,
        })
    }

    /// Whether `national` (a national significant number) is an official number of `region`.
    pub fn is_official(&self, region: Region, national: &str) -> bool {
        // A stack buffer: this runs on every call. National numbers are at most 17 digits.
        let mut key = [0u8; 32];
        let Some(end) = national
            .len()
            .checked_add(2)
            .filter(|end| *end <= key.len())
        else {
            return false;
        };
        key[..2].copy_from_slice(region.as_str().as_bytes());
        key[2..end].copy_from_slice(national.as_bytes());
        self.official.contains(&key[..end])
    }

    /// Streams the exact numbers in ascending key order, in constant memory.
    pub fn numbers(&self) -> impl Iterator<Item = (String, EntryMeta)> + '_ {
        let mut stream = fst::IntoStreamer::into_stream(&self.numbers);
        std::iter::from_fn(move || loop {
            let (key, value) = fst::Streamer::next(&mut stream)?;
            if let Some(meta) = EntryMeta::unpack(value) {
                return Some((String::from_utf8_lossy(key).into_owned(), meta));
            }
        })
    }
}

/// Collects entries in any order, then sorts, removes duplicates and builds the FSTs.
///
/// Duplicates are resolved by [`EntryMeta::outranks`]: the stronger action wins, then the
/// higher confidence.
#[derive(Debug)]
pub struct ListSetBuilder {
    name: String,
    version: u64,
    numbers: Vec<(Vec<u8>, EntryMeta)>,
    prefixes: Vec<(Vec<u8>, EntryMeta)>,
    official: Vec<Vec<u8>>,
}

impl ListSetBuilder {
    /// An empty builder.
    pub fn new(name: &str, version: u64) -> Self {
        ListSetBuilder {
            name: name.to_owned(),
            version,
            numbers: Vec::new(),
            prefixes: Vec::new(),
            official: Vec::new(),
        }
    }

    /// Adds an exact number in E.164 (`+8613800138000`).
    pub fn add_number(&mut self, e164: &str, meta: EntryMeta) -> Result<()> {
        let digits = e164_digits(e164).ok_or_else(|| {
            Error::InvalidList("a number must be E.164: + and 3 to 15 digits".into())
        })?;
        self.numbers.push((digits.as_bytes().to_vec(), meta));
        Ok(())
    }

    /// Adds a prefix: `+855`, `855` or a pattern such as `33162####` (`#` = any digit).
    pub fn add_prefix(&mut self, pattern: &str, meta: EntryMeta) -> Result<()> {
        let body = pattern.trim().trim_start_matches('+');
        let valid = !body.is_empty()
            && body.len() <= MAX_E164_DIGITS
            && body.bytes().all(|b| b.is_ascii_digit() || b == b'#')
            && body.as_bytes()[0].is_ascii_digit();
        if !valid {
            return Err(Error::InvalidList(
                "a prefix must be 1 to 15 digits or # after an optional +, starting with a digit"
                    .into(),
            ));
        }
        self.prefixes.push((body.as_bytes().to_vec(), meta));
        Ok(())
    }

    /// Adds an official number of `region`, written as dialled there (`110`, `010 1234 5678`).
    pub fn add_official(&mut self, region: Region, number: &str) -> Result<()> {
        let parsed = number::parse(number, region)?;
        if parsed.calling_code() != region.calling_code() {
            return Err(Error::InvalidList(format!(
                "an official number must belong to {region}"
            )));
        }
        let mut key = region.as_str().as_bytes().to_vec();
        key.extend_from_slice(parsed.national().as_bytes());
        self.official.push(key);
        Ok(())
    }

    /// Sorts, resolves duplicates and builds the indexes.
    pub fn build(self) -> Result<ListSet> {
        let numbers = build_map(self.numbers)?;
        let prefixes = build_map(self.prefixes)?;
        let mut official = self.official;
        official.sort_unstable();
        official.dedup();
        let mut set = SetBuilder::memory();
        set.extend_iter(official.iter()).map_err(fst_error)?;
        let official = Set::new(set.into_inner().map_err(fst_error)?).map_err(fst_error)?;
        Ok(ListSet {
            name: self.name,
            version: self.version,
            numbers,
            prefixes,
            official,
        })
    }
}

fn build_map(mut entries: Vec<(Vec<u8>, EntryMeta)>) -> Result<Map<Vec<u8>>> {
    // Stable sort keeps insertion order among equal keys, so "first added" is well defined.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(Vec<u8>, EntryMeta)> = Vec::with_capacity(entries.len());
    for (key, meta) in entries {
        match merged.last_mut() {
            Some((last, kept)) if *last == key => {
                if meta.outranks(kept) {
                    *kept = meta;
                }
            }
            _ => merged.push((key, meta)),
        }
    }
    let mut builder = MapBuilder::memory();
    for (key, meta) in &merged {
        builder.insert(key, meta.pack()).map_err(fst_error)?;
    }
    Map::new(builder.into_inner().map_err(fst_error)?).map_err(fst_error)
}

fn fst_error(err: fst::Error) -> Error {
    Error::InvalidList(format!("index: {err}"))
}

/// The digits of a strict E.164 string, or `None`.
fn e164_digits(text: &str) -> Option<&str> {
    let digits = text.trim().strip_prefix('+')?;
    let ok =
        (3..=MAX_E164_DIGITS).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}

/// Names and versions of the lists in a set, for [`Decision::lists`](crate::Decision).
pub(crate) fn versions(lists: &ListSet) -> BTreeMap<String, u64> {
    BTreeMap::from([(lists.name.clone(), lists.version)])
}

#[cfg(test)]
mod tests;
