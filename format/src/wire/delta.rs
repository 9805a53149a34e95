//! A delta from version M to version N of a list.
//!
//! Two layouts; the publisher writes the second, the phone reads both:
//! - `CGDELT02` (keyed removals): the 8 magic bytes, then one zstd frame whose content is
//!   `varint(from_seq) varint(to_seq)` and, for each section in canonical order:
//!   `varint(removed)`, the removed **keys** key-coded as in a snapshot (each against the
//!   previous removed key, no value), `varint(added)`, the added entries coded as in a
//!   snapshot. Applying needs no ranks of M, so the phone can check a delta by lookups
//!   and the multiset digest ([`apply_changes`]) without streaming M.
//! - `CGDELT01` (indexed removals): the same, but removals are indices into M's sorted
//!   section, the first as a varint, each next as `varint(index - previous)` ≥ 1.
//!
//! A changed value is a removal plus an addition. [`apply`] is a streaming merge of M's
//! entries (from the phone's FSTs) with the removals and additions; the result must match
//! the signed count and SHA-256 of version N, or it is thrown away. [`apply_changes`]
//! reads only the changes of the numbers section and returns the change of the LtHash16
//! multiset digest, which the caller checks against the signed one.

use std::io::{BufReader, Read};

use super::entries::SortedSource;
use super::snapshot::{finish, put_entries, read_entries};
use super::varint::{self, Reader};
use super::{
    keys, max_decoded_len, Capped, Change, ContentDigest, ContentSummary, EntrySink, LtHash16,
    Section, SortedEntries, WireError,
};

/// The magic bytes that open a delta with keyed removals (what the publisher writes).
pub const MAGIC: &[u8; 8] = b"CGDELT02";
/// The magic bytes that open a delta with indexed removals (read, no longer written).
pub const MAGIC_V1: &[u8; 8] = b"CGDELT01";

/// What a delta changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeltaStats {
    /// Entries removed (including the old side of changed values).
    pub removed: u64,
    /// Entries added (including the new side of changed values).
    pub added: u64,
}

/// Which layout a delta has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Indexed,
    Keyed,
}

/// Encodes the changes from `old` to `new` at zstd `level`, with keyed removals
/// (`CGDELT02`).
pub fn encode(
    from_seq: u64,
    to_seq: u64,
    old: &[SortedEntries; 5],
    new: &[SortedEntries; 5],
    level: i32,
) -> Result<(Vec<u8>, DeltaStats), WireError> {
    encode_layout(from_seq, to_seq, old, new, level, Layout::Keyed)
}

/// Encodes the changes with indexed removals (`CGDELT01`), the layout phones before keyed
/// removals read; kept so that its reader stays tested.
pub fn encode_indexed(
    from_seq: u64,
    to_seq: u64,
    old: &[SortedEntries; 5],
    new: &[SortedEntries; 5],
    level: i32,
) -> Result<(Vec<u8>, DeltaStats), WireError> {
    encode_layout(from_seq, to_seq, old, new, level, Layout::Indexed)
}

fn encode_layout(
    from_seq: u64,
    to_seq: u64,
    old: &[SortedEntries; 5],
    new: &[SortedEntries; 5],
    level: i32,
    layout: Layout,
) -> Result<(Vec<u8>, DeltaStats), WireError> {
    let mut body = Vec::new();
    varint::put(&mut body, from_seq);
    varint::put(&mut body, to_seq);
    let mut stats = DeltaStats::default();
    for (section, (old, new)) in Section::ALL.into_iter().zip(old.iter().zip(new)) {
        let (removed, added) = diff(old, new);
        varint::put(&mut body, removed.len() as u64);
        match layout {
            Layout::Indexed => {
                let mut previous = None;
                for index in &removed {
                    varint::put(&mut body, previous.map_or(*index, |p| index - p));
                    previous = Some(*index);
                }
            }
            Layout::Keyed => {
                let mut previous: &[u8] = &[];
                for (key, _) in removed.iter().filter_map(|&i| old.get(i as usize)) {
                    keys::put(&mut body, previous, key);
                    previous = key;
                }
            }
        }
        varint::put(&mut body, added.len() as u64);
        let mut digest = ContentDigest::new();
        put_entries(
            &mut body,
            section,
            added.iter().filter_map(|&i| new.get(i)),
            &mut digest,
        );
        stats.removed += removed.len() as u64;
        stats.added += added.len() as u64;
    }
    let mut out = match layout {
        Layout::Indexed => MAGIC_V1.to_vec(),
        Layout::Keyed => MAGIC.to_vec(),
    };
    out.extend(zstd::encode_all(body.as_slice(), level).map_err(WireError::from_io)?);
    Ok((out, stats))
}

/// Indices into `old` that go, and indices into `new` that come.
fn diff(old: &SortedEntries, new: &SortedEntries) -> (Vec<u64>, Vec<usize>) {
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    loop {
        match (old.get(i), new.get(j)) {
            (Some((ok, ov)), Some((nk, nv))) => match ok.cmp(nk) {
                std::cmp::Ordering::Less => {
                    removed.push(i as u64);
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    added.push(j);
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    if ov != nv {
                        removed.push(i as u64);
                        added.push(j);
                    }
                    i += 1;
                    j += 1;
                }
            },
            (Some(_), None) => {
                removed.push(i as u64);
                i += 1;
            }
            (None, Some(_)) => {
                added.push(j);
                j += 1;
            }
            (None, None) => return (removed, added),
        }
    }
}

/// The list a delta is applied to: per section, its entry count and a cursor over them.
pub struct Base<'a> {
    /// Entries per section, in [`Section::ALL`] order.
    pub counts: [u64; 5],
    /// Opens a cursor over one section's entries, in order.
    pub open: Box<dyn FnMut(Section) -> Box<dyn SortedSource + 'a> + 'a>,
}

/// Opens a delta of either layout: checks the magic and the sequence numbers, and caps
/// the decompressed body at what `old_total` entries plus `expected_count` can take.
fn open<'d>(
    mut data: impl Read + 'd,
    from_seq: u64,
    to_seq: u64,
    old_total: u64,
    expected_count: u64,
) -> Result<(Layout, Reader<impl std::io::BufRead + 'd>), WireError> {
    let mut magic = [0u8; 8];
    data.read_exact(&mut magic).map_err(WireError::from_io)?;
    let layout = match &magic {
        m if m == MAGIC => Layout::Keyed,
        m if m == MAGIC_V1 => Layout::Indexed,
        _ => return Err(WireError::BadMagic("delta")),
    };
    let decoder = zstd::stream::read::Decoder::new(data).map_err(WireError::from_io)?;
    let capped = Capped::new(
        decoder,
        max_decoded_len(old_total.saturating_add(expected_count), Section::ALL.len()),
    );
    let mut reader = Reader::new(BufReader::new(capped));
    if reader.varint()? != from_seq {
        return Err(WireError::WrongBase("it starts from another version"));
    }
    if reader.varint()? != to_seq {
        return Err(WireError::WrongBase("it leads to another version"));
    }
    Ok((layout, reader))
}

/// Applies a delta (either layout) to `base`, streaming the resulting entries into `sink`.
///
/// `from_seq`/`to_seq` and `expected_count` come from the signed manifest. The caller
/// compares the returned SHA-256 with the signed one before using anything `sink` built.
pub fn apply(
    data: impl Read,
    from_seq: u64,
    to_seq: u64,
    mut base: Base<'_>,
    expected_count: u64,
    sink: &mut dyn EntrySink,
) -> Result<ContentSummary, WireError> {
    let old_total: u64 = base.counts.iter().sum();
    let (layout, mut reader) = open(data, from_seq, to_seq, old_total, expected_count)?;
    let mut digest = ContentDigest::new();
    let mut change = LtHash16::new();
    for section in Section::ALL {
        let old_count = base.counts[section.index()];
        let removals = read_removals(&mut reader, layout, old_count)?;
        let mut old = (base.open)(section);
        merge_section(
            &mut reader,
            section,
            &removals,
            old_count,
            expected_count,
            &mut *old,
            &mut digest,
            &mut change,
            false,
            sink,
        )?;
        if digest.count() > expected_count {
            return Err(WireError::TooLarge);
        }
    }
    finish(&mut reader, digest, expected_count)
}

/// What [`apply_changes`] proved: the counts of the result and the change of the
/// multiset digest. The result is N when `H(M) + lthash_change` is the signed `H(N)` and
/// the counts are the signed ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Entries per section of the result, in [`Section::ALL`] order.
    pub per_section: [u64; 5],
    /// `Σ h(added) − Σ h(removed)` over every section.
    pub lthash_change: LtHash16,
}

impl Applied {
    /// Entries in all sections of the result.
    pub fn count(&self) -> u64 {
        self.per_section.iter().sum()
    }

    /// The multiset digest of the result, given that of the list the delta applied to.
    pub fn lthash_from(&self, base: &LtHash16) -> LtHash16 {
        let mut out = base.clone();
        out.add_digest(&self.lthash_change);
        out
    }
}

/// The value of a key in the installed list, by lookup (overlay included).
pub type Lookup<'a> = &'a dyn Fn(Section, &[u8]) -> Option<u64>;

/// Applies a keyed delta (`CGDELT02`) without reading the numbers section of the base:
/// each numbers removal is looked up (it must be present; its value is the one removed),
/// each numbers addition must be absent or removed by the same delta, and only the
/// changes reach `sink` ([`EntrySink::change`], no `entry` calls for numbers). The small
/// sections are merged in full as [`apply`] does, so `sink` can write them whole. Every
/// change of every section goes into the returned multiset digest change.
///
/// An indexed delta (`CGDELT01`) is refused with [`WireError::Malformed`]: its removals
/// need the base's ranks, so the caller applies it with [`apply`] instead.
pub fn apply_changes(
    data: impl Read,
    from_seq: u64,
    to_seq: u64,
    mut base: Base<'_>,
    lookup: Lookup<'_>,
    expected_count: u64,
    sink: &mut dyn EntrySink,
) -> Result<Applied, WireError> {
    let old_total: u64 = base.counts.iter().sum();
    let (layout, mut reader) = open(data, from_seq, to_seq, old_total, expected_count)?;
    if layout != Layout::Keyed {
        return Err(WireError::Malformed(
            "indexed removals need the streaming apply",
        ));
    }
    let mut digest = ContentDigest::new();
    let mut change = LtHash16::new();
    let mut per_section = [0u64; 5];
    for section in Section::ALL {
        let old_count = base.counts[section.index()];
        let removals = read_removals(&mut reader, layout, old_count)?;
        if section == Section::Numbers {
            per_section[section.index()] = numbers_by_lookup(
                &mut reader,
                &removals,
                old_count,
                expected_count,
                lookup,
                &mut change,
                sink,
            )?;
        } else {
            let before = digest.count();
            let mut old = (base.open)(section);
            merge_section(
                &mut reader,
                section,
                &removals,
                old_count,
                expected_count,
                &mut *old,
                &mut digest,
                &mut change,
                true,
                sink,
            )?;
            per_section[section.index()] = digest.count() - before;
        }
        if per_section.iter().sum::<u64>() > expected_count {
            return Err(WireError::TooLarge);
        }
    }
    if !reader.at_end()? {
        return Err(WireError::Malformed("data after the last section"));
    }
    Ok(Applied {
        per_section,
        lthash_change: change,
    })
}

/// The numbers section of [`apply_changes`]: returns the result's count.
fn numbers_by_lookup<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    removals: &Removals,
    old_count: u64,
    expected_count: u64,
    lookup: Lookup<'_>,
    change: &mut LtHash16,
    sink: &mut dyn EntrySink,
) -> Result<u64, WireError> {
    let section = Section::Numbers;
    let Removals::Keys(removed) = removals else {
        return Err(WireError::Malformed(
            "indexed removals need the streaming apply",
        ));
    };
    for (key, _) in removed.iter() {
        let value = lookup(section, key).ok_or(WireError::WrongBase(
            "a removed entry is not in the installed list",
        ))?;
        change.remove(section, key, value);
        sink.change(section, Change::Removed, key, value)?;
    }
    let added = reader.bounded(expected_count, "more additions than the signed total")?;
    let mut next_removed = 0;
    read_entries(
        reader,
        section,
        added,
        &mut ContentDigest::new(),
        |key, value| {
            while removed.get(next_removed).is_some_and(|(k, _)| k < key) {
                next_removed += 1;
            }
            let replaces = removed.get(next_removed).is_some_and(|(k, _)| k == key);
            if !replaces && lookup(section, key).is_some() {
                return Err(WireError::Malformed("an addition duplicates a kept entry"));
            }
            change.add(section, key, value);
            sink.change(section, Change::Added, key, value)
        },
    )?;
    let count = (old_count - removed.len() as u64)
        .checked_add(added)
        .ok_or(WireError::TooLarge)?;
    sink.unstreamed(section, count)?;
    Ok(count)
}

/// One section's removals, as the layout gives them.
enum Removals {
    Indices(Vec<u64>),
    Keys(SortedEntries),
}

fn read_removals<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    layout: Layout,
    old_count: u64,
) -> Result<Removals, WireError> {
    let count = reader.bounded(old_count, "more removals than entries")?;
    if layout == Layout::Keyed {
        let mut keys_out = SortedEntries::new();
        let mut key = Vec::with_capacity(32);
        for _ in 0..count {
            keys::read(reader, &mut key)?;
            keys_out.push(&key, 0)?;
        }
        return Ok(Removals::Keys(keys_out));
    }
    let mut removals = Vec::with_capacity(count as usize);
    let mut previous: Option<u64> = None;
    for _ in 0..count {
        let raw = reader.varint()?;
        let index = match previous {
            None => raw,
            Some(p) if raw > 0 => p
                .checked_add(raw)
                .ok_or(WireError::Malformed("removal index overflows"))?,
            Some(_) => return Err(WireError::Malformed("removal indices must increase")),
        };
        if index >= old_count {
            return Err(WireError::WrongBase(
                "a removal index is past the end of the section",
            ));
        }
        removals.push(index);
        previous = Some(index);
    }
    Ok(Removals::Indices(removals))
}

/// Merges one section of the base with the delta's removals and additions, streaming the
/// result into `sink` and `digest`; with `track`, every change also goes into `change`.
#[allow(clippy::too_many_arguments)]
fn merge_section<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    section: Section,
    removals: &Removals,
    old_count: u64,
    expected_count: u64,
    old: &mut dyn SortedSource,
    digest: &mut ContentDigest,
    change: &mut LtHash16,
    track: bool,
    sink: &mut dyn EntrySink,
) -> Result<(), WireError> {
    let added = reader.bounded(expected_count, "more additions than the signed total")?;
    let mut merge = Merge::new(section, removals, track);
    read_entries(
        reader,
        section,
        added,
        &mut ContentDigest::new(),
        |key, value| {
            merge.emit_old_before(old, Some(key), digest, change, sink)?;
            digest.add(section, key, value);
            if track {
                change.add(section, key, value);
            }
            sink.change(section, Change::Added, key, value)?;
            sink.entry(section, key, value)
        },
    )?;
    merge.emit_old_before(old, None, digest, change, sink)?;
    if merge.old_seen != old_count {
        return Err(WireError::WrongBase(
            "the installed section has another size",
        ));
    }
    if let Removals::Keys(keys) = removals {
        if merge.next_removal != keys.len() {
            return Err(WireError::WrongBase(
                "a removed entry is not in the installed list",
            ));
        }
    }
    Ok(())
}

/// Walks the old entries, skipping removed ones, interleaving them with additions.
///
/// Old entries are emitted straight from the base's cursor; only the one old entry that
/// waits for the next addition is copied (into a buffer reused for the whole section).
struct Merge<'r> {
    section: Section,
    removals: &'r Removals,
    track: bool,
    next_removal: usize,
    old_seen: u64,
    pending_key: Vec<u8>,
    pending_value: u64,
    has_pending: bool,
    exhausted: bool,
}

impl<'r> Merge<'r> {
    fn new(section: Section, removals: &'r Removals, track: bool) -> Self {
        Merge {
            section,
            removals,
            track,
            next_removal: 0,
            old_seen: 0,
            pending_key: Vec::with_capacity(32),
            pending_value: 0,
            has_pending: false,
            exhausted: false,
        }
    }

    /// Whether the old entry at `index` with `key` is removed; a removal key that the
    /// walk passes without meeting it is not in the base.
    fn is_removed(&mut self, index: u64, key: &[u8]) -> Result<bool, WireError> {
        match self.removals {
            Removals::Indices(indices) => {
                let hit = indices.get(self.next_removal) == Some(&index);
                if hit {
                    self.next_removal += 1;
                }
                Ok(hit)
            }
            Removals::Keys(keys) => match keys.get(self.next_removal) {
                Some((removed, _)) if removed < key => Err(WireError::WrongBase(
                    "a removed entry is not in the installed list",
                )),
                Some((removed, _)) if removed == key => {
                    self.next_removal += 1;
                    Ok(true)
                }
                _ => Ok(false),
            },
        }
    }

    /// Emits every kept old entry below `limit` (all of them when `None`); reports each
    /// removed one on the way to `sink`.
    fn emit_old_before(
        &mut self,
        old: &mut dyn SortedSource,
        limit: Option<&[u8]>,
        digest: &mut ContentDigest,
        change: &mut LtHash16,
        sink: &mut dyn EntrySink,
    ) -> Result<(), WireError> {
        let duplicate = WireError::Malformed("an addition duplicates a kept entry");
        if self.has_pending {
            let key = self.pending_key.as_slice();
            match limit {
                Some(limit) if key == limit => return Err(duplicate),
                Some(limit) if key > limit => return Ok(()),
                _ => {
                    digest.add(self.section, key, self.pending_value);
                    sink.entry(self.section, key, self.pending_value)?;
                    self.has_pending = false;
                }
            }
        }
        while !self.exhausted {
            let Some((key, value)) = old.next_entry() else {
                self.exhausted = true;
                break;
            };
            let index = self.old_seen;
            self.old_seen += 1;
            if self.is_removed(index, key)? {
                if self.track {
                    change.remove(self.section, key, value);
                }
                sink.change(self.section, Change::Removed, key, value)?;
                continue;
            }
            match limit {
                Some(limit) if key == limit => return Err(duplicate),
                Some(limit) if key > limit => {
                    self.pending_key.clear();
                    self.pending_key.extend_from_slice(key);
                    self.pending_value = value;
                    self.has_pending = true;
                    return Ok(());
                }
                _ => {
                    digest.add(self.section, key, value);
                    sink.entry(self.section, key, value)?;
                }
            }
        }
        Ok(())
    }
}
