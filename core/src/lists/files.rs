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
    /// Mapped from an installed file.
    Mapped(memmap2::Mmap),
}

impl AsRef<[u8]> for FstBytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            FstBytes::Owned(bytes) => bytes,
            FstBytes::Mapped(map) => map,
        }
    }
}

/// The file name of a section.
pub fn file_name(section: Section) -> String {
    format!("{}.fst", section.name())
}

/// Maps one installed section file.
pub(crate) fn map_file(path: &Path) -> Result<FstBytes> {
    let file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(Error::InvalidList(format!("{} is empty", path.display())));
    }
    // SAFETY: installed list files are written once into a fresh directory, synced and
    // renamed into place; nothing ever writes to them again (a new version goes to a new
    // directory, and an old directory is deleted only after no ListSet maps it... or, on
    // Unix, unlinking keeps the mapping valid). Truncation by another process would be a
    // bug outside this crate.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    Ok(FstBytes::Mapped(map))
}

/// Streams entries into one FST file per section inside `dir`.
pub struct FstDirWriter {
    dir: PathBuf,
    builders: Vec<Option<MapBuilder<BufWriter<File>>>>,
}

impl FstDirWriter {
    /// Creates `dir` (which must not exist) and one empty file per section.
    pub fn create(dir: &Path) -> Result<FstDirWriter> {
        std::fs::create_dir(dir)?;
        let mut builders = Vec::with_capacity(5);
        for section in Section::ALL {
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
            other => WireError::Io(other.to_string()),
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
