//! List sections on disk: one FST file per section, written once and then only read.
//!
//! [`FstDirWriter`] receives verified entries (it is an [`EntrySink`]) and streams them
//! into FST files in a fresh directory; nothing is read back until the installer has
//! checked the content digest, synced the files and renamed the directory into place.
//! Files are then memory-mapped, which is what keeps opening the engine cheap.

#![allow(unsafe_code)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use fst::MapBuilder;

use crate::error::{Error, Result};
use crate::wire::{EntrySink, Section, WireError};

/// The bytes behind an FST: owned (built in memory) or memory-mapped (installed).
pub enum FstBytes {
    /// Built in memory.
    Owned(Vec<u8>),
    /// Mapped from an installed file, with its range registered with the SIGBUS guard.
    Mapped(super::guard::Guarded),
}

impl AsRef<[u8]> for FstBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FstBytes::Owned(bytes) => bytes,
            FstBytes::Mapped(map) => map.as_ref(),
        }
    }
}

/// The file name of a section.
pub fn file_name(section: Section) -> String {
    format!("{}.fst", section.name())
}

/// What the installer records of one section file, so that opening the engine can tell
/// cheaply whether the file on disk is still the one that was verified: its length and
/// the CRC-32C that the `fst` crate writes into the file's last four bytes (computed over
/// everything before them). A file of another version, a truncated or extended file, or a
/// missing one fails this check without reading the whole file; a flipped byte inside
/// the file is found by [`crate::lists::ListSet::verify`], which recomputes the CRC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSeal {
    /// The file's length in bytes.
    pub len: u64,
    /// The CRC-32C stored in the file's footer.
    pub crc: u32,
}

/// The seals of a list directory's files: the five section files, in [`Section::ALL`]
/// order, and the numbers section's overlay when the list has one ([`super::overlay`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirSeal {
    /// The section files (for the numbers section, the base its overlay applies to).
    pub sections: [FileSeal; 5],
    /// The numbers overlay's added and removed files, in that order.
    pub overlay: Option<[FileSeal; 2]>,
}

impl DirSeal {
    /// Reads the seal of every file in `dir` (a length and four bytes each); the overlay's
    /// when its files are there.
    pub fn read(dir: &Path) -> Result<DirSeal> {
        let mut sections = [FileSeal { len: 0, crc: 0 }; 5];
        for section in Section::ALL {
            sections[section.index()] = FileSeal::read(&dir.join(file_name(section)))?;
        }
        let overlay = if has_overlay(dir) {
            Some([
                FileSeal::read(&dir.join(OVERLAY_ADDED))?,
                FileSeal::read(&dir.join(OVERLAY_REMOVED))?,
            ])
        } else {
            None
        };
        Ok(DirSeal { sections, overlay })
    }

    /// The text form stored in SQLite: `len:crc` per file, comma-separated (five, or
    /// seven with an overlay).
    pub fn to_text(self) -> String {
        self.sections
            .iter()
            .chain(self.overlay.iter().flatten())
            .map(|s| format!("{}:{:08x}", s.len, s.crc))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the text form back; `None` for anything else (an install from before seals).
    pub fn from_text(text: &str) -> Option<DirSeal> {
        let parsed: Option<Vec<FileSeal>> = text
            .split(',')
            .map(|part| {
                let (len, crc) = part.split_once(':')?;
                Some(FileSeal {
                    len: len.parse().ok()?,
                    crc: u32::from_str_radix(crc, 16).ok()?,
                })
            })
            .collect();
        let parsed = parsed?;
        let sections = <[FileSeal; 5]>::try_from(parsed.get(..5)?).ok()?;
        let overlay = match parsed.get(5..)? {
            [] => None,
            [added, removed] => Some([*added, *removed]),
            _ => return None,
        };
        Some(DirSeal { sections, overlay })
    }
}

/// The numbers overlay's file of entries added to the base (see [`super::overlay`]).
pub const OVERLAY_ADDED: &str = "numbers.added.fst";
/// The numbers overlay's file of base entries removed, with their base values.
pub const OVERLAY_REMOVED: &str = "numbers.removed.fst";

/// Whether a list directory holds an overlay over its numbers file.
pub(crate) fn has_overlay(dir: &Path) -> bool {
    dir.join(OVERLAY_ADDED).exists() || dir.join(OVERLAY_REMOVED).exists()
}

impl FileSeal {
    /// The seal of one file on disk.
    pub fn read(path: &Path) -> Result<FileSeal> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        if len < 4 {
            return Err(Error::InvalidList(format!(
                "{} is too short to be an index",
                file_label(path)
            )));
        }
        file.seek(SeekFrom::Start(len - 4))?;
        let mut footer = [0u8; 4];
        file.read_exact(&mut footer)?;
        Ok(FileSeal {
            len,
            crc: u32::from_le_bytes(footer),
        })
    }
}

/// A file's name without its directory, for messages (paths may name the user).
fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Maps one installed section file; with a seal, only if the file still matches it.
pub(crate) fn map_file(path: &Path, seal: Option<&FileSeal>) -> Result<FstBytes> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Err(Error::InvalidList(format!("{} is empty", file_label(path))));
    }
    if let Some(seal) = seal {
        if seal.len != len {
            return Err(Error::InvalidList(format!(
                "{} has {len} bytes where {} were installed",
                file_label(path),
                seal.len
            )));
        }
    }
    // SAFETY: installed list files are written once into a fresh directory, synced and
    // renamed into place; nothing in this crate writes to them again (a new version goes
    // to a new directory, and unlinking an old one keeps its mappings valid on Unix).
    // Another process or a disk fault may still truncate a file under the mapping; the
    // SIGBUS guard ([`super::guard`]) turns the fault into a damaged list instead of a
    // crash.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    if let Some(seal) = seal {
        let footer = map
            .len()
            .checked_sub(4)
            .and_then(|start| map.get(start..))
            .and_then(|f| <[u8; 4]>::try_from(f).ok())
            .map(u32::from_le_bytes);
        if footer != Some(seal.crc) {
            return Err(Error::InvalidList(format!(
                "{} is not the file that was installed (its checksum differs)",
                file_label(path)
            )));
        }
    }
    Ok(FstBytes::Mapped(super::guard::Guarded::new(map)))
}

/// Streams entries into one FST file per section inside `dir`.
pub struct FstDirWriter {
    dir: PathBuf,
    builders: Vec<Option<MapBuilder<BufWriter<File>>>>,
}

impl FstDirWriter {
    /// Creates `dir` (which must not exist) and one empty file per section.
    pub fn create(dir: &Path) -> Result<FstDirWriter> {
        FstDirWriter::create_without(dir, None)
    }

    /// Like [`create`](Self::create), but writes no file for `skipped`, whose entries
    /// another writer handles (the numbers overlay); entries for it are refused.
    pub(crate) fn create_without(dir: &Path, skipped: Option<Section>) -> Result<FstDirWriter> {
        std::fs::create_dir(dir)?;
        let mut builders = Vec::with_capacity(5);
        for section in Section::ALL {
            if Some(section) == skipped {
                builders.push(None);
                continue;
            }
            let file = File::create(dir.join(file_name(section)))?;
            builders.push(Some(
                MapBuilder::new(BufWriter::new(file)).map_err(super::fst_error)?,
            ));
        }
        Ok(FstDirWriter {
            dir: dir.to_owned(),
            builders,
        })
    }

    /// The directory being written.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Finishes every file and syncs the files and the directory to disk.
    pub fn finish(mut self) -> Result<PathBuf> {
        for slot in &mut self.builders {
            if let Some(builder) = slot.take() {
                let writer = builder.into_inner().map_err(super::fst_error)?;
                let file = writer.into_inner().map_err(|e| Error::Io(e.into_error()))?;
                file.sync_all()?;
            }
        }
        sync_dir(&self.dir)?;
        Ok(self.dir.clone())
    }
}

impl EntrySink for FstDirWriter {
    fn entry(
        &mut self,
        section: Section,
        key: &[u8],
        value: u64,
    ) -> std::result::Result<(), WireError> {
        let builder = self.builders[section.index()]
            .as_mut()
            .ok_or(WireError::Malformed("section already finished"))?;
        builder.insert(key, value).map_err(|e| match e {
            fst::Error::Fst(_) => WireError::Malformed("keys out of order"),
            // fst's own text for an I/O error is only "I/O error": name the cause
            // (a full disk, a read-only file system).
            fst::Error::Io(err) => WireError::Io(err.to_string()),
        })
    }
}

/// Syncs a directory, so that a rename or a new file in it survives a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file, synced, then renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    {
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(parent) = path.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}
