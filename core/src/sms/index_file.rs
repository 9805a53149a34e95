//! The SMS index file: a list's SMS section compiled once, at install time, and kept
//! beside the list's FST files, so that a cold process (the iOS Message Filter
//! extension, Android's SMS receiver) reads its first message's index instead of
//! compiling it: the phrase rules in their flat form ([`super::phrases`]), the brands and
//! the model's dense weights.
//!
//! It is derived data, never trusted over the list: its header names the SMS section it
//! was built from (the length and footer checksum of `sms_rules.fst`) and the build of
//! the engine that wrote it, and a BLAKE3 hash covers everything after the header. A
//! file that is missing, of another build, built from other rules, cut or damaged is
//! ignored, and the index is compiled in memory from the list as before: the file can
//! make the first SMS faster, never make it unprotected.
//!
//! It is written into the new list directory before that directory is renamed into
//! place (so a crash leaves it whole or absent, like the list's own files), or later
//! through a temporary file and a rename ([`write_beside`] from a writable engine that
//! found it missing or damaged). The file is read, not mapped: it is read whole to check
//! its hash anyway, and a read copy cannot be truncated under the reader.
//!
//! | bytes | content |
//! |---|---|
//! | 0–8 | `CGSMSIX` and a zero byte |
//! | 8–12 | [`INDEX_VERSION`] |
//! | 12–16 | the length of the engine build's tag that follows the hash |
//! | 16–24 | the length of the `sms_rules.fst` it was built from |
//! | 24–28 | that file's footer checksum |
//! | 28–32 | zero |
//! | 32–64 | BLAKE3 of everything from byte 64 |
//! | 64– | the build tag, then parts: phrases, brands, model (each a `u32` length, then its bytes) |

use std::path::Path;

use super::phrases::{PhraseMatcher, SharedBytes};
use super::{brands, SmsIndex, SmsModel};

/// The length and footer checksum of an FST file: what names the SMS section an index
/// file was built from (the installer seals list files the same way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSeal {
    /// The length in bytes.
    pub len: u64,
    /// The CRC-32C in the FST's last four bytes.
    pub crc: u32,
}

/// Syncs a directory, so that a new file or a rename in it survives a crash.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The file's name inside a list directory.
pub const INDEX_FILE: &str = "sms_index.bin";
/// The version of the file's layout and of what it derives (normalisation, the flat form
/// of the rules, the model's features). Bumped whenever any of them changes, which the
/// normalisation pin in the tests catches.
pub const INDEX_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"CGSMSIX\0";
const HEADER: usize = 64;

/// The build that wrote a file: an engine of another version compiles anew, since its
/// normalisation may differ.
fn build_tag() -> String {
    format!(
        "callguard-core {} index {INDEX_VERSION}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Why an index file was not used (only ever reported to tests and benchmarks: the
/// engine then compiles in memory).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IndexFileError {
    /// The file could not be read (most often: there is none).
    #[error("the SMS index file could not be read: {0}")]
    Unreadable(String),
    /// It was written by another build, or from another SMS section.
    #[error("the SMS index file is stale: {0}")]
    Stale(&'static str),
    /// Its hash or its layout is wrong.
    #[error("the SMS index file is damaged: {0}")]
    Damaged(&'static str),
}

/// The compiled index of the SMS section `sms` (an `sms_rules.fst`'s bytes), as the file's
/// bytes.
pub(crate) fn encode(sms: &[u8]) -> Result<Vec<u8>, IndexFileError> {
    let map = fst::Map::new(sms).map_err(|e| IndexFileError::Unreadable(e.to_string()))?;
    let seal = seal_of(sms).ok_or(IndexFileError::Damaged("the SMS section has no footer"))?;
    let mut parts = super::SectionParts::default();
    let mut stream = map.stream();
    while let Some((key, value)) = fst::Streamer::next(&mut stream) {
        parts.push(key, value);
    }
    drop(stream);
    let phrases = PhraseMatcher::compile(parts.rules());
    let mut brands = Vec::new();
    for key in &parts.brand_keys {
        push_part(&mut brands, key);
    }
    let model = parts.model().map(|m| m.to_bytes()).unwrap_or_default();
    let mut body = build_tag().into_bytes();
    for part in [&phrases, &brands, &model] {
        push_part(&mut body, part);
    }
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&INDEX_VERSION.to_le_bytes());
    out.extend_from_slice(&(build_tag().len() as u32).to_le_bytes());
    out.extend_from_slice(&seal.len.to_le_bytes());
    out.extend_from_slice(&seal.crc.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(blake3::hash(&body).as_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

fn push_part(out: &mut Vec<u8>, part: &[u8]) {
    out.extend_from_slice(&(part.len() as u32).to_le_bytes());
    out.extend_from_slice(part);
}

/// The length and footer checksum of FST bytes, as the installer seals them.
pub(crate) fn seal_of(fst: &[u8]) -> Option<FileSeal> {
    let footer = fst.get(fst.len().checked_sub(4)?..)?;
    Some(FileSeal {
        len: fst.len() as u64,
        crc: u32::from_le_bytes([footer[0], footer[1], footer[2], footer[3]]),
    })
}

/// Reads the index kept in `dir` for the SMS section sealed as `sms`.
pub(crate) fn load(dir: &Path, sms: FileSeal) -> Result<SmsIndex, IndexFileError> {
    let bytes = std::fs::read(dir.join(INDEX_FILE))
        .map_err(|e| IndexFileError::Unreadable(e.kind().to_string()))?;
    decode(bytes, sms)
}

/// Reads the index from a file's bytes, if they are whole, of this build, and built
/// from the SMS section sealed as `sms`.
pub(crate) fn decode(bytes: Vec<u8>, sms: FileSeal) -> Result<SmsIndex, IndexFileError> {
    let header = bytes
        .get(..HEADER)
        .ok_or(IndexFileError::Damaged("too short"))?;
    let word = |at: usize| {
        u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    if &header[..8] != MAGIC {
        return Err(IndexFileError::Damaged("not an SMS index file"));
    }
    if word(8) != INDEX_VERSION {
        return Err(IndexFileError::Stale("another layout version"));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[16..24]);
    if u64::from_le_bytes(len) != sms.len || word(24) != sms.crc {
        return Err(IndexFileError::Stale("built from another SMS section"));
    }
    if blake3::hash(&bytes[HEADER..]).as_bytes() != &header[32..64] {
        return Err(IndexFileError::Damaged("its hash differs"));
    }
    let tag = build_tag();
    let tag_len = word(12) as usize;
    if tag_len != tag.len() || bytes.get(HEADER..HEADER + tag_len) != Some(tag.as_bytes()) {
        return Err(IndexFileError::Stale("written by another build"));
    }
    let shared = SharedBytes::new(bytes);
    let mut at = HEADER + tag_len;
    let mut next_part = || -> Result<SharedBytes, IndexFileError> {
        let damaged = IndexFileError::Damaged("a part does not fit");
        let len = shared.slice(at, 4).ok_or(damaged.clone())?;
        let len = len.as_ref();
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let part = shared.slice(at + 4, len).ok_or(damaged)?;
        at += 4 + len;
        Ok(part)
    };
    let (phrases, brand_part, model) = (next_part()?, next_part()?, next_part()?);
    if at != shared.len() {
        return Err(IndexFileError::Damaged("bytes after the last part"));
    }
    let phrases = PhraseMatcher::from_bytes(phrases)
        .map_err(|_| IndexFileError::Damaged("the phrase rules do not read"))?;
    let mut brand_keys: Vec<&[u8]> = Vec::new();
    let mut rest = brand_part.as_ref();
    while !rest.is_empty() {
        let len = rest
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or(IndexFileError::Damaged("a brand does not fit"))?;
        let key = rest
            .get(4..4 + len)
            .ok_or(IndexFileError::Damaged("a brand does not fit"))?;
        brand_keys.push(key);
        rest = &rest[4 + len..];
    }
    let model = if model.is_empty() {
        None
    } else {
        Some(
            SmsModel::from_bytes(&model)
                .map_err(|_| IndexFileError::Damaged("the model does not read"))?,
        )
    };
    Ok(SmsIndex {
        phrases,
        brands: brands::from_entries(brand_keys.into_iter()),
        model,
    })
}

/// Writes the SMS index file of the list files in `dir`, whose SMS section's FST is the
/// file `sms_file` there, synced with the directory: for a list directory not yet
/// renamed into place (an install, a compaction), where nothing reads it yet. When
/// `previous` (the directory of the list in use) holds an index file built from the very
/// same SMS section, as after a delta that changed only numbers, it is copied rather than
/// compiled again.
pub fn write_into_new_dir(
    dir: &Path,
    sms_file: &str,
    previous: Option<&Path>,
) -> Result<(), IndexFileError> {
    let io = |e: std::io::Error| IndexFileError::Unreadable(e.kind().to_string());
    let sms = std::fs::read(dir.join(sms_file)).map_err(io)?;
    let seal = seal_of(&sms).ok_or(IndexFileError::Damaged("the SMS section has no footer"))?;
    let reused = previous
        .and_then(|p| std::fs::read(p.join(INDEX_FILE)).ok())
        .filter(|old| built_from(old) == Some(seal) && hash_holds(old));
    let bytes = match reused {
        Some(old) => old,
        None => encode(&sms)?,
    };
    let path = dir.join(INDEX_FILE);
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&path)?;
        file.write_all(&bytes)?;
        file.sync_all()
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&path);
        return Err(io(err));
    }
    sync_dir(dir).map_err(|e| IndexFileError::Unreadable(e.to_string()))
}

/// Whether an index file's hash matches its body.
fn hash_holds(bytes: &[u8]) -> bool {
    bytes.len() >= HEADER && blake3::hash(&bytes[HEADER..]).as_bytes() == &bytes[32..64]
}

/// The SMS section an index file's header says it was built from, if the header is one
/// of this layout. (Whether the rest is whole is checked when it is read.)
fn built_from(bytes: &[u8]) -> Option<FileSeal> {
    let header = bytes.get(..HEADER)?;
    if &header[..8] != MAGIC || header[8..12] != INDEX_VERSION.to_le_bytes() {
        return None;
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&header[16..24]);
    Some(FileSeal {
        len: u64::from_le_bytes(len),
        crc: u32::from_le_bytes([header[24], header[25], header[26], header[27]]),
    })
}

/// Writes `bytes` (from [`encode`]) as the index file of the installed list in `dir`,
/// atomically, through a temporary file and a rename: for a writable engine that
/// found it missing or damaged. Readers see the old file, none, or the new one whole.
pub(crate) fn write_beside(dir: &Path, bytes: &[u8]) -> Result<(), IndexFileError> {
    // A name of this process's own, so two writers never write one temporary file.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = dir.join(format!("{INDEX_FILE}.{}-{nanos}.tmp", std::process::id()));
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, dir.join(INDEX_FILE))
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(IndexFileError::Unreadable(err.kind().to_string()));
    }
    sync_dir(dir).map_err(|e| IndexFileError::Unreadable(e.to_string()))
}
