//! The blocklist sections as FST indexes.
//!
//! A [`ListSet`] is immutable once built; the engine swaps whole sets atomically. It is
//! the one interface every list source feeds:
//! - entries added in memory ([`ListSetBuilder`]; the publisher's sources are read by
//!   `callguard-sources`);
//! - a verified signed snapshot or delta, streamed into FST files ([`files`]) that are
//!   then memory-mapped.
//!
//! | section   | FST key                                   | value           |
//! |-----------|-------------------------------------------|-----------------|
//! | numbers   | E.164 digits, e.g. `8613800138000`        | [`EntryMeta`]   |
//! | prefixes  | digits and `#`, e.g. `855`, `33162####`   | [`EntryMeta`]   |
//! | official  | region + national number, e.g. `CN110`    | 0               |
//! | domains   | labels reversed, e.g. `com.example`       | [`EntryMeta`]   |
//! | sms_rules | `category:phrase`                          | weight          |
//!
//! The keys and values are exactly the canonical entries of [`crate::wire`], so a set
//! can stream itself back out, in order, as the base a delta applies to.

mod builder;
use callguard_format::domain;
pub mod files;
pub(crate) mod guard;
mod installed;
pub(crate) mod overlay;
pub(crate) mod overlay_writer;
mod prefix;

use std::collections::BTreeMap;
use std::path::Path;

use fst::{IntoStreamer, Map, Streamer};

use crate::error::{Error, Result};
use crate::region::Region;
use crate::wire::{Section, SortedEntries, SortedSource};

pub use builder::ListSetBuilder;
pub use callguard_format::EntryMeta;
pub use files::FstBytes;
pub(crate) use installed::open_installed;
pub use overlay_writer::{ListDirWriter, OverlayDirWriter};

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
    sections: [Map<FstBytes>; 5],
    /// What the updates since the last compaction changed in the numbers section, over
    /// the base in `sections` ([`overlay`]); `None` for a set built whole.
    overlay: Option<overlay::Overlay>,
    /// Set when this set stands in for an installed list that was refused as damaged:
    /// that list's name and sequence number, reported beside every decision.
    stands_in_for: Option<(String, u64)>,
    /// Which numeric key lengths the numbers section holds, found by the first ordered
    /// export ([`ListSet::numbers_ascending`]) so that it streams only those lengths.
    numeric_lengths: std::sync::OnceLock<[bool; MAX_NUMERIC_DIGITS + 1]>,
    /// The directory the set was mapped from (`None` for a set built in memory): where
    /// its derived files, such as the SMS index file, live.
    dir: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for ListSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts: Vec<(&str, usize)> = Section::ALL
            .iter()
            .map(|s| (s.name(), self.len(*s)))
            .collect();
        f.debug_struct("ListSet")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("entries", &counts)
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
        let sections = std::array::from_fn(|_| empty_map());
        ListSet {
            name: "none".to_owned(),
            version: 0,
            sections,
            overlay: None,
            stands_in_for: None,
            numeric_lengths: std::sync::OnceLock::new(),
            dir: None,
        }
    }

    /// Builds in-memory indexes from canonical sections.
    pub fn from_sections(
        name: &str,
        version: u64,
        sections: &[SortedEntries; 5],
    ) -> Result<ListSet> {
        let mut maps = Vec::with_capacity(5);
        for entries in sections {
            let mut builder = fst::MapBuilder::memory();
            for (key, value) in entries.iter() {
                builder.insert(key, value).map_err(fst_error)?;
            }
            let bytes = builder.into_inner().map_err(fst_error)?;
            maps.push(Map::new(FstBytes::Owned(bytes)).map_err(fst_error)?);
        }
        ListSet::from_maps(name, version, maps, None)
    }

    fn from_maps(
        name: &str,
        version: u64,
        maps: Vec<Map<FstBytes>>,
        overlay: Option<overlay::Overlay>,
    ) -> Result<ListSet> {
        let sections = maps
            .try_into()
            .map_err(|_| Error::InvalidList("five sections expected".into()))?;
        Ok(ListSet {
            name: name.to_owned(),
            version,
            sections,
            overlay,
            stands_in_for: None,
            numeric_lengths: std::sync::OnceLock::new(),
            dir: None,
        })
    }

    /// Memory-maps the FST files that [`files::FstDirWriter`] wrote into `dir`.
    pub fn open_dir(dir: &Path, name: &str, version: u64) -> Result<ListSet> {
        ListSet::open_sealed(dir, name, version, None)
    }

    /// Memory-maps the files in `dir` only if each still matches the seal recorded at
    /// install (its length and footer checksum): a missing, truncated, extended or
    /// swapped file is refused without reading it whole. With a seal, the numbers
    /// overlay is mapped exactly when the seal has one; without, when its files are there.
    pub fn open_sealed(
        dir: &Path,
        name: &str,
        version: u64,
        seal: Option<&files::DirSeal>,
    ) -> Result<ListSet> {
        let open = |file: &str, seal: Option<&files::FileSeal>| -> Result<Map<FstBytes>> {
            let bytes = files::map_file(&dir.join(file), seal)?;
            Map::new(bytes).map_err(|e| Error::InvalidList(format!("{file}: {e}")))
        };
        let mut maps = Vec::with_capacity(5);
        for section in Section::ALL {
            maps.push(open(
                &files::file_name(section),
                seal.map(|s| &s.sections[section.index()]),
            )?);
        }
        let overlay_seals = match seal {
            Some(seal) => seal.overlay.map(|[a, r]| [Some(a), Some(r)]),
            None => files::has_overlay(dir).then_some([None, None]),
        };
        let overlay = match overlay_seals {
            Some([added, removed]) => Some(overlay::Overlay {
                added: open(files::OVERLAY_ADDED, added.as_ref())?,
                removed: open(files::OVERLAY_REMOVED, removed.as_ref())?,
            }),
            None => None,
        };
        let mut set = ListSet::from_maps(name, version, maps, overlay)?;
        set.dir = Some(dir.to_owned());
        Ok(set)
    }

    /// The directory this set was mapped from; `None` for a set built in memory.
    pub(crate) fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The FST bytes of one section (for the numbers section, its base).
    pub(crate) fn section_bytes(&self, section: Section) -> &[u8] {
        self.sections[section.index()].as_fst().as_bytes()
    }

    /// Every FST behind this set with its file name: the five sections, then the
    /// overlay's two.
    fn all_maps(&self) -> impl Iterator<Item = (String, &Map<FstBytes>)> + '_ {
        let sections = Section::ALL
            .iter()
            .map(|s| (files::file_name(*s), &self.sections[s.index()]));
        let overlay = self.overlay.iter().flat_map(|o| {
            [
                (files::OVERLAY_ADDED.to_owned(), &o.added),
                (files::OVERLAY_REMOVED.to_owned(), &o.removed),
            ]
        });
        sections.chain(overlay)
    }

    /// Whether the numbers section is a base with an overlay (compaction would fold it).
    pub fn has_overlay(&self) -> bool {
        self.overlay.is_some()
    }

    /// Entries in the numbers overlay (0 without one): what compaction would fold in.
    pub fn overlay_entries(&self) -> u64 {
        self.overlay.as_ref().map_or(0, |o| o.entries())
    }

    /// Whether the numbers overlay has grown past the point where compaction is due
    /// ([`overlay::COMPACT_AT_FRACTION`] of the base).
    pub fn compaction_due(&self) -> bool {
        self.overlay
            .as_ref()
            .is_some_and(|o| o.compaction_due(&self.sections[Section::Numbers.index()]))
    }

    /// Streams every section's entries into `sink` in canonical order, and returns their
    /// digest: compaction rewrites a list this way, and checks the digest against the
    /// installed one.
    pub fn write_into(
        &self,
        sink: &mut dyn crate::wire::EntrySink,
    ) -> std::result::Result<crate::wire::ContentSummary, crate::wire::WireError> {
        let mut digest = crate::wire::ContentDigest::new();
        for section in Section::ALL {
            let mut cursor = self.cursor(section);
            while let Some((key, value)) = cursor.next_entry() {
                digest.add(section, key, value);
                sink.entry(section, key, value)?;
            }
        }
        Ok(digest.finish())
    }

    /// The base numbers FST and the overlay over it, for the overlay writer.
    pub(crate) fn numbers_layers(&self) -> (&Map<FstBytes>, Option<&overlay::Overlay>) {
        (
            &self.sections[Section::Numbers.index()],
            self.overlay.as_ref(),
        )
    }

    /// Recomputes every section's checksum over all of its bytes: finds a flipped byte
    /// that the cheap seal check at open cannot see. Reads the whole list.
    pub fn verify(&self) -> Result<()> {
        for (file, map) in self.all_maps() {
            if map.as_fst().as_bytes().is_empty() {
                continue;
            }
            map.as_fst()
                .verify()
                .map_err(|_| Error::InvalidList(format!("{file} fails its checksum")))?;
        }
        if self.is_damaged() {
            return Err(Error::InvalidList(
                "a list file was truncated while in use".into(),
            ));
        }
        Ok(())
    }

    /// The bytes of every section, as mapped or held.
    pub fn byte_size(&self) -> u64 {
        self.all_maps()
            .map(|(_, m)| m.as_fst().as_bytes().len() as u64)
            .sum()
    }

    /// Whether a file behind this set was truncated under it (the SIGBUS guard absorbed
    /// a fault in one of its mappings): its contents can no longer be trusted.
    pub fn is_damaged(&self) -> bool {
        self.all_maps().any(|(_, m)| match m.as_fst().as_inner() {
            FstBytes::Mapped(map) => map.faulted(),
            FstBytes::Owned(_) => false,
        })
    }

    /// Marks this set as standing in for the installed list `name` at `seq`, refused as
    /// damaged; decisions then report both.
    pub fn standing_in_for(mut self, name: &str, seq: u64) -> ListSet {
        self.stands_in_for = Some((name.to_owned(), seq));
        self
    }

    /// A copy of a set held in memory (a bundled list), or `None` for a mapped one.
    pub(crate) fn try_clone_owned(&self) -> Option<ListSet> {
        fn owned(map: &Map<FstBytes>) -> Option<Map<FstBytes>> {
            match map.as_fst().as_inner() {
                FstBytes::Owned(bytes) => Map::new(FstBytes::Owned(bytes.clone())).ok(),
                FstBytes::Mapped(_) => None,
            }
        }
        let maps = self
            .sections
            .iter()
            .map(owned)
            .collect::<Option<Vec<_>>>()?;
        let overlay = match &self.overlay {
            Some(o) => Some(overlay::Overlay {
                added: owned(&o.added)?,
                removed: owned(&o.removed)?,
            }),
            None => None,
        };
        ListSet::from_maps(&self.name, self.version, maps, overlay).ok()
    }

    /// The refused installed list this set stands in for, if any.
    pub fn stands_in_for(&self) -> Option<(&str, u64)> {
        self.stands_in_for.as_ref().map(|(n, s)| (n.as_str(), *s))
    }

    /// The list's name, as reported in decisions.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The list's version (sequence number), as reported in decisions.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Entries in one section.
    pub fn len(&self, section: Section) -> usize {
        let map = &self.sections[section.index()];
        match (&self.overlay, section) {
            (Some(overlay), Section::Numbers) => overlay.len(map),
            _ => map.len(),
        }
    }

    /// Entries in every section, in [`Section::ALL`] order.
    pub fn counts(&self) -> [u64; 5] {
        Section::ALL.map(|s| self.len(s) as u64)
    }

    /// The raw value of `key` in `section` (the numbers overlay included): what a delta
    /// applied by its changes looks its removals and additions up in.
    pub fn get(&self, section: Section, key: &[u8]) -> Option<u64> {
        let map = &self.sections[section.index()];
        match (&self.overlay, section) {
            (Some(overlay), Section::Numbers) => overlay.get(map, key),
            _ => map.get(key),
        }
    }

    /// The exact entry for E.164 digits (no `+`).
    pub fn number(&self, key: &str) -> Option<ListHit> {
        Some(ListHit {
            key: key.to_owned(),
            meta: self.number_meta(key)?,
        })
    }

    /// [`number`](Self::number) without the copy of the key: what `check_call` needs,
    /// on every call.
    pub(crate) fn number_meta(&self, key: &str) -> Option<EntryMeta> {
        let base = &self.sections[Section::Numbers.index()];
        let value = match &self.overlay {
            None => base.get(key)?,
            Some(overlay) => overlay.get(base, key.as_bytes())?,
        };
        EntryMeta::unpack(value)
    }

    /// The longest prefix pattern that covers E.164 digits (no `+`).
    pub fn prefix(&self, key: &str) -> Option<ListHit> {
        let found = prefix::longest_match(
            self.sections[Section::Prefixes.index()].as_fst(),
            key.as_bytes(),
        )?;
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
        self.sections[Section::Official.index()].contains_key(&key[..end])
    }

    /// The most specific listed domain that covers `host` (a listed domain covers its
    /// subdomains), with the listed domain in normal order.
    pub fn domain(&self, host: &str) -> Option<(String, EntryMeta)> {
        let reversed = domain::reversed_key(host).ok()?;
        let map = &self.sections[Section::Domains.index()];
        let mut best = None;
        for (end, _) in reversed
            .match_indices('.')
            .chain(std::iter::once((reversed.len(), "")))
        {
            if let Some(value) = map.get(&reversed[..end]) {
                best = Some((
                    domain::unreverse(&reversed[..end]),
                    EntryMeta::unpack(value)?,
                ));
            }
        }
        best
    }

    /// Streams one section's entries in ascending key order, in constant memory: the
    /// base a delta applies to, and the source of the iOS export.
    pub fn cursor(&self, section: Section) -> Box<dyn SortedSource + '_> {
        let map = &self.sections[section.index()];
        match (&self.overlay, section) {
            (Some(o), Section::Numbers) => Box::new(overlay::Layered::new(
                map.stream(),
                o.added.stream(),
                o.removed.stream(),
            )),
            _ => Box::new(FstCursor {
                stream: map.stream(),
            }),
        }
    }

    /// The exact numbers in ascending key order.
    pub fn numbers(&self) -> impl Iterator<Item = (String, EntryMeta)> + '_ {
        let mut stream = self.cursor(Section::Numbers);
        std::iter::from_fn(move || loop {
            let (key, value) = stream.next_entry()?;
            if let Some(meta) = EntryMeta::unpack(value) {
                return Some((String::from_utf8_lossy(key).into_owned(), meta));
            }
        })
    }
}

/// The longest E.164 key the numeric export reads: every such key fits an `i64`.
const MAX_NUMERIC_DIGITS: usize = 18;

impl ListSet {
    /// The exact numbers in ascending *numeric* order, starting after `after`, in
    /// constant memory: what iOS Call Directory needs.
    ///
    /// FST keys are in byte order, which is not numeric order across lengths
    /// (`9912345` sorts after `861380013800`), so this streams one key length at a
    /// time, shortest first; E.164 digits never start with 0, so within one length
    /// byte order is numeric order. Keys that are not all digits, or longer than 18
    /// digits, are skipped.
    pub fn numbers_ascending(
        &self,
        after: Option<u64>,
    ) -> impl Iterator<Item = (u64, EntryMeta)> + '_ {
        let after_key = after.map(|n| n.to_string());
        let mut len = after_key.as_ref().map_or(1, String::len);
        let mut stream: Option<Box<dyn SortedSource + '_>> = None;
        let present = self.numeric_lengths();
        std::iter::from_fn(move || loop {
            // Each length's search walks most of the FST: walk only the lengths it holds.
            while len <= MAX_NUMERIC_DIGITS && !present[len] {
                len += 1;
            }
            if len > MAX_NUMERIC_DIGITS {
                return None;
            }
            let current = stream.get_or_insert_with(|| {
                self.numbers_of_len(len, after_key.as_deref().filter(|k| k.len() == len))
            });
            match current.next_entry() {
                Some((key, value)) => {
                    let number = std::str::from_utf8(key).ok().and_then(|k| k.parse().ok());
                    if let (Some(number), Some(meta)) = (number, EntryMeta::unpack(value)) {
                        return Some((number, meta));
                    }
                }
                None => {
                    stream = None;
                    len += 1;
                }
            }
        })
    }
}

impl ListSet {
    /// The numbers section's keys of exactly `len` digits, after `after` when given, in
    /// order, through the overlay when there is one.
    fn numbers_of_len<'s>(&'s self, len: usize, after: Option<&str>) -> Box<dyn SortedSource + 's> {
        let search = |map: &'s Map<FstBytes>| {
            let search = map.search(DigitsOfLen(len));
            match after {
                Some(key) => search.gt(key.as_bytes()).into_stream(),
                None => search.into_stream(),
            }
        };
        let base = &self.sections[Section::Numbers.index()];
        match &self.overlay {
            None => Box::new(FstCursor {
                stream: search(base),
            }),
            Some(o) => Box::new(overlay::Layered::new(
                search(base),
                search(&o.added),
                search(&o.removed),
            )),
        }
    }

    /// Which lengths of all-digit keys the numbers section holds: one pass over its keys,
    /// the first time an ordered export asks.
    fn numeric_lengths(&self) -> &[bool; MAX_NUMERIC_DIGITS + 1] {
        self.numeric_lengths.get_or_init(|| {
            // The base's and the overlay's added keys: a length whose keys were all
            // removed is only walked in vain.
            let mut present = [false; MAX_NUMERIC_DIGITS + 1];
            let base = &self.sections[Section::Numbers.index()];
            let added = self.overlay.as_ref().map(|o| &o.added);
            for map in std::iter::once(base).chain(added) {
                let mut keys = map.keys();
                while let Some(key) = keys.next() {
                    if key.len() <= MAX_NUMERIC_DIGITS && key.iter().all(u8::is_ascii_digit) {
                        present[key.len()] = true;
                    }
                }
            }
            present
        })
    }
}

/// Accepts keys of exactly this many ASCII digits; prunes the FST below that depth.
struct DigitsOfLen(usize);

impl fst::Automaton for DigitsOfLen {
    /// Digits read so far; `None` once a non-digit or one digit too many was read.
    type State = Option<usize>;

    fn start(&self) -> Option<usize> {
        Some(0)
    }

    fn is_match(&self, state: &Option<usize>) -> bool {
        *state == Some(self.0)
    }

    fn can_match(&self, state: &Option<usize>) -> bool {
        state.is_some_and(|depth| depth <= self.0)
    }

    fn accept(&self, state: &Option<usize>, byte: u8) -> Option<usize> {
        state
            .filter(|depth| *depth < self.0 && byte.is_ascii_digit())
            .map(|depth| depth + 1)
    }
}

struct FstCursor<'a, A: fst::Automaton = fst::automaton::AlwaysMatch> {
    stream: fst::map::Stream<'a, A>,
}

impl<A: fst::Automaton> SortedSource for FstCursor<'_, A> {
    fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        self.stream.next()
    }
}

fn empty_map() -> Map<FstBytes> {
    // An empty FST is a fixed, valid byte string.
    let bytes = fst::MapBuilder::memory().into_inner().unwrap_or_default();
    Map::new(FstBytes::Owned(bytes)).unwrap_or_else(|_| unreachable!("an empty FST is valid"))
}

pub(crate) fn fst_error(err: fst::Error) -> Error {
    match err {
        // An I/O error while writing an index is the disk's, not the list's: keep the
        // cause (fst's own text is only "I/O error").
        fst::Error::Io(err) => Error::Io(err),
        other => Error::InvalidList(format!("index: {other}")),
    }
}

/// Names and versions of the lists in a set, for [`Decision::lists`](crate::Decision).
///
/// A set that stands in for a damaged installed list also names that list, as
/// `damaged:NAME` with its sequence number, so every decision says that it was not made
/// on the list the user last installed.
pub(crate) fn versions(lists: &ListSet) -> BTreeMap<String, u64> {
    let mut versions = BTreeMap::from([(lists.name.clone(), lists.version)]);
    if let Some((name, seq)) = &lists.stands_in_for {
        versions.insert(format!("damaged:{name}"), *seq);
    }
    versions
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod numeric_order_tests {
    use super::*;
    use crate::vocabulary::{Action, Category};

    fn set(numbers: &[&str]) -> ListSet {
        let mut b = ListSet::builder("t", 1);
        for n in numbers {
            b.add_number(n, EntryMeta::new(Action::Block, Category::Spam, 50))
                .unwrap();
        }
        b.build().unwrap()
    }

    #[test]
    fn numbers_stream_in_numeric_order_across_lengths() {
        let set = set(&[
            "+8613800138000",
            "+12025550143",
            "+85512345678",
            "+861380013800",
            "+4420794601",
            "+33162991999",
        ]);
        // Byte order would put 4420794601 after 33162991999 and 8613800138000 first of
        // the 86s; numeric order sorts by length first.
        let all: Vec<u64> = set.numbers_ascending(None).map(|(n, _)| n).collect();
        assert_eq!(
            all,
            [
                4420794601,
                12025550143,
                33162991999,
                85512345678,
                861380013800,
                8613800138000
            ]
        );
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(all.len(), set.len(Section::Numbers));
    }

    #[test]
    fn numbers_resume_strictly_after_any_value() {
        let set = set(&[
            "+4420794601",
            "+12025550143",
            "+33162991999",
            "+8613800138000",
        ]);
        let after =
            |n: u64| -> Vec<u64> { set.numbers_ascending(Some(n)).map(|(n, _)| n).collect() };
        assert_eq!(after(12025550143), [33162991999, 8613800138000]);
        assert_eq!(after(12025550144), [33162991999, 8613800138000]);
        assert_eq!(
            after(1),
            [4420794601, 12025550143, 33162991999, 8613800138000]
        );
        assert_eq!(after(99999999999), [8613800138000]);
        assert!(after(8613800138000).is_empty());
        assert!(after(u64::MAX).is_empty());
        assert!(ListSet::empty().numbers_ascending(None).next().is_none());
    }
}

#[cfg(test)]
mod overlay_tests;
