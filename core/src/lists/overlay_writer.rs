//! Writing a delta's result as an overlay over the installed numbers FST, so that an
//! update writes work in proportion to what changed rather than to the list.
//!
//! [`OverlayDirWriter`] receives a delta's result like any [`EntrySink`]: the small
//! sections are written whole, as [`FstDirWriter`] does; for the numbers section it keeps
//! only the delta's changes ([`EntrySink::change`]). At [`finish`](OverlayDirWriter::finish)
//! it folds them into the installed overlay, writes the new `added` and `removed` FSTs,
//! hard-links the unchanged base `numbers.fst` into the new directory, and syncs
//! everything. The digest of the result is checked by the caller over the entries the
//! delta streamed; the writer checks that the overlay it wrote holds exactly as many
//! numbers as were streamed.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use fst::{MapBuilder, Streamer};

use super::files::{self, FileSeal, FstDirWriter};
use super::ListSet;
use crate::error::{Error, Result};
use crate::wire::{Change, EntrySink, Section, SortedEntries, WireError};

/// The new list's directory as a delta builds it: written whole, or as an overlay.
pub enum ListDirWriter<'a> {
    /// Every section rebuilt (a snapshot, or a delta without an installed base file).
    Full(FstDirWriter),
    /// The numbers section as an overlay over the installed base.
    Overlay(OverlayDirWriter<'a>),
}

impl ListDirWriter<'_> {
    /// Finishes and syncs every file and the directory.
    pub fn finish(self) -> Result<PathBuf> {
        match self {
            ListDirWriter::Full(writer) => writer.finish(),
            ListDirWriter::Overlay(writer) => writer.finish(),
        }
    }
}

impl EntrySink for ListDirWriter<'_> {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        match self {
            ListDirWriter::Full(writer) => writer.entry(section, key, value),
            ListDirWriter::Overlay(writer) => writer.entry(section, key, value),
        }
    }

    fn change(
        &mut self,
        section: Section,
        change: Change,
        key: &[u8],
        value: u64,
    ) -> Result<(), WireError> {
        match self {
            ListDirWriter::Full(writer) => writer.change(section, change, key, value),
            ListDirWriter::Overlay(writer) => writer.change(section, change, key, value),
        }
    }

    fn unstreamed(&mut self, section: Section, count: u64) -> Result<(), WireError> {
        match self {
            ListDirWriter::Full(writer) => writer.unstreamed(section, count),
            ListDirWriter::Overlay(writer) => writer.unstreamed(section, count),
        }
    }
}

/// Writes a delta's result as the small sections in full plus a numbers overlay over
/// `base`'s numbers FST.
pub struct OverlayDirWriter<'a> {
    others: FstDirWriter,
    base: &'a ListSet,
    base_file: PathBuf,
    removals: SortedEntries,
    additions: SortedEntries,
    streamed_numbers: u64,
}

impl<'a> OverlayDirWriter<'a> {
    /// Creates `dir` (which must not exist) for the list that a delta makes of `base`,
    /// whose numbers FST (without its overlay) is the file `base_file`. Refused when that
    /// file is not the one `base` maps (its length or footer checksum differ).
    pub fn create(dir: &Path, base: &'a ListSet, base_file: &Path) -> Result<Self> {
        let (numbers, _) = base.numbers_layers();
        let bytes = numbers.as_fst().as_bytes();
        let found = FileSeal::read(base_file)?;
        let footer = bytes
            .len()
            .checked_sub(4)
            .and_then(|start| bytes.get(start..))
            .and_then(|f| <[u8; 4]>::try_from(f).ok())
            .map(u32::from_le_bytes);
        if found.len != bytes.len() as u64 || Some(found.crc) != footer {
            return Err(Error::InvalidList(
                "the installed numbers file is not the one in use".into(),
            ));
        }
        Ok(OverlayDirWriter {
            others: FstDirWriter::create_without(dir, Some(Section::Numbers))?,
            base,
            base_file: base_file.to_owned(),
            removals: SortedEntries::new(),
            additions: SortedEntries::new(),
            streamed_numbers: 0,
        })
    }

    /// Writes the overlay, links the base, and syncs every file and the directory.
    pub fn finish(self) -> Result<PathBuf> {
        let dir = self.others.dir().to_owned();
        let (base, old) = self.base.numbers_layers();
        let (old_added, old_removed) = match old {
            Some(o) => (collect(&o.added)?, collect(&o.removed)?),
            None => (SortedEntries::new(), SortedEntries::new()),
        };
        let mut added = fst_file(&dir.join(files::OVERLAY_ADDED))?;
        let mut removed = fst_file(&dir.join(files::OVERLAY_REMOVED))?;
        let (added_count, removed_count) = fold(
            [&old_added, &old_removed, &self.removals, &self.additions],
            |key, value| added.insert(key, value),
            |key, value| removed.insert(key, value),
        )?;
        finish_file(added)?;
        finish_file(removed)?;
        if (base.len() as u64).saturating_sub(removed_count) + added_count != self.streamed_numbers
        {
            return Err(Error::InvalidList(
                "the numbers overlay does not hold the numbers the delta made".into(),
            ));
        }
        let linked = dir.join(files::file_name(Section::Numbers));
        // A hard link costs nothing and the base is never written again; a copy where the
        // file system has none.
        if std::fs::hard_link(&self.base_file, &linked).is_err() {
            std::fs::copy(&self.base_file, &linked)?;
            File::open(&linked)?.sync_all()?;
        }
        self.others.finish()
    }
}

impl EntrySink for OverlayDirWriter<'_> {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        match section {
            Section::Numbers => {
                self.streamed_numbers += 1;
                Ok(())
            }
            _ => self.others.entry(section, key, value),
        }
    }

    fn change(
        &mut self,
        section: Section,
        change: Change,
        key: &[u8],
        value: u64,
    ) -> Result<(), WireError> {
        match (section, change) {
            (Section::Numbers, Change::Removed) => self.removals.push(key, value),
            (Section::Numbers, Change::Added) => self.additions.push(key, value),
            _ => Ok(()),
        }
    }

    /// The numbers of a delta applied by its changes: the overlay must then hold `count`
    /// numbers, checked at [`finish`](OverlayDirWriter::finish) as for streamed ones.
    fn unstreamed(&mut self, section: Section, count: u64) -> Result<(), WireError> {
        match section {
            Section::Numbers if self.streamed_numbers == 0 => {
                self.streamed_numbers = count;
                Ok(())
            }
            _ => Err(WireError::NeedsEntries),
        }
    }
}

fn collect(map: &fst::Map<super::FstBytes>) -> Result<SortedEntries> {
    let mut out = SortedEntries::new();
    let mut stream = map.stream();
    while let Some((key, value)) = stream.next() {
        out.push(key, value).map_err(wire)?;
    }
    Ok(out)
}

fn fst_file(path: &Path) -> Result<MapBuilder<BufWriter<File>>> {
    MapBuilder::new(BufWriter::new(File::create(path)?)).map_err(super::fst_error)
}

fn finish_file(builder: MapBuilder<BufWriter<File>>) -> Result<()> {
    let writer = builder.into_inner().map_err(super::fst_error)?;
    let file = writer.into_inner().map_err(|e| Error::Io(e.into_error()))?;
    file.sync_all()?;
    Ok(())
}

fn wire(err: WireError) -> Error {
    Error::InvalidList(err.to_string())
}

/// A cursor over sorted entries that hands out the value of one key when it is next.
struct Next<'e> {
    entries: &'e SortedEntries,
    at: usize,
}

impl Next<'_> {
    fn key(&self) -> Option<&[u8]> {
        self.entries.get(self.at).map(|(k, _)| k)
    }

    fn take(&mut self, key: &[u8]) -> Option<u64> {
        match self.entries.get(self.at) {
            Some((k, v)) if k == key => {
                self.at += 1;
                Some(v)
            }
            _ => None,
        }
    }
}

/// Folds a delta's changes into the overlay of the list it applies to, key by key:
/// `[old added, old removed, delta removals, delta additions]` in, the new overlay's
/// added and removed entries out (each in key order), counted.
///
/// For a key, the base holds the old removed value if it was removed, nothing if it was
/// added without a removal (no added key is a kept base key), and otherwise whatever the
/// delta removed (an entry the delta removes and the overlay never touched came from the
/// base). The new list holds the delta's addition, or nothing if the delta removed the
/// key, or the old list's value. The new overlay then records the difference between
/// base and new list.
pub(crate) fn fold(
    inputs: [&SortedEntries; 4],
    mut emit_added: impl FnMut(&[u8], u64) -> std::result::Result<(), fst::Error>,
    mut emit_removed: impl FnMut(&[u8], u64) -> std::result::Result<(), fst::Error>,
) -> Result<(u64, u64)> {
    let [old_added, old_removed, removals, additions] =
        inputs.map(|entries| Next { entries, at: 0 });
    let mut cursors = [old_added, old_removed, removals, additions];
    let (mut added, mut removed) = (0u64, 0u64);
    let inconsistent =
        || Error::InvalidList("the delta does not match the overlay it applies to".into());
    loop {
        let Some(key) = cursors
            .iter()
            .filter_map(|c| c.key())
            .min()
            .map(<[u8]>::to_vec)
        else {
            return Ok((added, removed));
        };
        let [a, r, dr, da] = &mut cursors;
        let (old_added, old_removed) = (a.take(&key), r.take(&key));
        let (delta_removed, delta_added) = (dr.take(&key), da.take(&key));
        let base = match (old_removed, old_added) {
            (Some(value), _) => Some(value),
            (None, Some(_)) => None,
            (None, None) => delta_removed,
        };
        let old = old_added.or(if old_removed.is_some() { None } else { base });
        if delta_removed.is_some() && delta_removed != old {
            return Err(inconsistent());
        }
        if delta_added.is_some() && delta_removed.is_none() && old.is_some() {
            return Err(inconsistent());
        }
        let new = delta_added.or(if delta_removed.is_some() { None } else { old });
        if base == new {
            continue;
        }
        if let Some(value) = base {
            emit_removed(&key, value).map_err(super::fst_error)?;
            removed += 1;
        }
        if let Some(value) = new {
            emit_added(&key, value).map_err(super::fst_error)?;
            added += 1;
        }
    }
}
