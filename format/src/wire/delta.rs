//! A delta from version M to version N of a list.
//!
//! Layout: the 8 magic bytes `CGDELT01`, then one zstd frame whose content is
//! `varint(from_seq) varint(to_seq)` and, for each section in canonical order:
//! - `varint(removed)`, then the removed entries as indices into M's sorted section: the
//!   first index as a varint, each next one as `varint(index - previous)`, at least 1;
//! - `varint(added)`, then the added entries coded as in a snapshot.
//!
//! A changed value is a removal plus an addition. Applying is a streaming merge of M's
//! entries (from the phone's FSTs) with the removals and additions; the result must match
//! the signed count and SHA-256 of version N, or it is thrown away.

use std::io::{BufReader, Read};

use super::entries::SortedSource;
use super::snapshot::{expect_magic, finish, put_entries, read_entries};
use super::varint::{self, Reader};
use super::{
    max_decoded_len, Capped, Change, ContentDigest, ContentSummary, EntrySink, Section,
    SortedEntries, WireError,
};

/// The magic bytes that open a delta.
pub const MAGIC: &[u8; 8] = b"CGDELT01";

/// What a delta changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeltaStats {
    /// Entries removed (including the old side of changed values).
    pub removed: u64,
    /// Entries added (including the new side of changed values).
    pub added: u64,
}

/// Encodes the changes from `old` to `new` at zstd `level`.
pub fn encode(
    from_seq: u64,
    to_seq: u64,
    old: &[SortedEntries; 5],
    new: &[SortedEntries; 5],
    level: i32,
) -> Result<(Vec<u8>, DeltaStats), WireError> {
    let mut body = Vec::new();
    varint::put(&mut body, from_seq);
    varint::put(&mut body, to_seq);
    let mut stats = DeltaStats::default();
    for (section, (old, new)) in Section::ALL.into_iter().zip(old.iter().zip(new)) {
        let (removed, added) = diff(old, new);
        varint::put(&mut body, removed.len() as u64);
        let mut previous = None;
        for index in &removed {
            varint::put(&mut body, previous.map_or(*index, |p| index - p));
            previous = Some(*index);
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
    let mut out = MAGIC.to_vec();
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

/// Applies a delta to `base`, streaming the resulting entries into `sink`.
///
/// `from_seq`/`to_seq` and `expected_count` come from the signed manifest. The caller
/// compares the returned SHA-256 with the signed one before using anything `sink` built.
pub fn apply(
    mut data: impl Read,
    from_seq: u64,
    to_seq: u64,
    mut base: Base<'_>,
    expected_count: u64,
    sink: &mut dyn EntrySink,
) -> Result<ContentSummary, WireError> {
    expect_magic(&mut data, MAGIC, "delta")?;
    let old_total: u64 = base.counts.iter().sum();
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
    let mut digest = ContentDigest::new();
    for section in Section::ALL {
        let old_count = base.counts[section.index()];
        let removals = read_removals(&mut reader, old_count)?;
        let added = reader.bounded(expected_count, "more additions than the signed total")?;
        let mut old = (base.open)(section);
        let mut merge = Merge::new(section, &removals);
        read_entries(
            &mut reader,
            section,
            added,
            &mut ContentDigest::new(),
            |key, value| {
                merge.emit_old_before(&mut *old, Some(key), &mut digest, sink)?;
                digest.add(section, key, value);
                sink.change(section, Change::Added, key, value)?;
                sink.entry(section, key, value)
            },
        )?;
        merge.emit_old_before(&mut *old, None, &mut digest, sink)?;
        if merge.old_seen != old_count {
            return Err(WireError::WrongBase(
                "the installed section has another size",
            ));
        }
        if digest.count() > expected_count {
            return Err(WireError::TooLarge);
        }
    }
    finish(&mut reader, digest, expected_count)
}

fn read_removals<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    old_count: u64,
) -> Result<Vec<u64>, WireError> {
    let count = reader.bounded(old_count, "more removals than entries")?;
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
    Ok(removals)
}

/// Walks the old entries, skipping removed ones, interleaving them with additions.
///
/// Old entries are emitted straight from the base's cursor; only the one old entry that
/// waits for the next addition is copied (into a buffer reused for the whole section).
struct Merge<'r> {
    section: Section,
    removals: &'r [u64],
    next_removal: usize,
    old_seen: u64,
    pending_key: Vec<u8>,
    pending_value: u64,
    has_pending: bool,
    exhausted: bool,
}

impl<'r> Merge<'r> {
    fn new(section: Section, removals: &'r [u64]) -> Self {
        Merge {
            section,
            removals,
            next_removal: 0,
            old_seen: 0,
            pending_key: Vec::with_capacity(32),
            pending_value: 0,
            has_pending: false,
            exhausted: false,
        }
    }

    /// Emits every kept old entry below `limit` (all of them when `None`); reports each
    /// removed one on the way to `sink`.
    fn emit_old_before(
        &mut self,
        old: &mut dyn SortedSource,
        limit: Option<&[u8]>,
        digest: &mut ContentDigest,
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
            if self.removals.get(self.next_removal) == Some(&index) {
                self.next_removal += 1;
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
