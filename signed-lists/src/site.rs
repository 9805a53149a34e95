//! The static site: its layout, atomic writes, and reading what was published before.
//!
//! ```text
//! SITEDIR/root.json                        copy of the newest root
//! SITEDIR/<v>.root.json                    every root version (immutable)
//! SITEDIR/timestamp.json                   the only file that changes
//! SITEDIR/manifests/<M>.manifest.json      every manifest version (immutable)
//! SITEDIR/blobs/<sha256hex>.snapshot       content-addressed snapshots
//! SITEDIR/blobs/<sha256hex>.delta          content-addressed deltas
//! ```
//!
//! Every file is written to a temporary name in its directory and renamed into place, so
//! a server never hands out half a file. A publication writes blobs, then the manifest,
//! then `timestamp.json`: whatever the timestamp names is already complete.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use callguard_format::trust::{self, Envelope, ListEntry, Manifest, Timestamp, TrustError};
use serde::de::DeserializeOwned;

use crate::{Error, Result};

/// The newest root.
pub const ROOT: &str = "root.json";
/// The timestamp, the site's only mutable file.
pub const TIMESTAMP: &str = "timestamp.json";
/// The directory of manifests.
pub const MANIFESTS: &str = "manifests";
/// The directory of snapshots and deltas.
pub const BLOBS: &str = "blobs";

/// The site path of root `version`.
pub fn root_version_path(version: u64) -> String {
    format!("{version}.root.json")
}

/// The site path of manifest `version`.
pub fn manifest_path(version: u64) -> String {
    format!("{MANIFESTS}/{version}.manifest.json")
}

/// The two kinds of list files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// A full snapshot (`.snapshot`).
    Snapshot,
    /// A delta between two sequence numbers (`.delta`).
    Delta,
}

/// The content-addressed site path of a blob: its SHA-256 and its kind.
pub fn blob_path(bytes: &[u8], kind: BlobKind) -> String {
    let extension = match kind {
        BlobKind::Snapshot => "snapshot",
        BlobKind::Delta => "delta",
    };
    format!("{BLOBS}/{}.{extension}", trust::sha256_hex(bytes))
}

/// Whether a site path is safe: the same rule the phone applies to paths in signed
/// metadata ([`callguard_format::trust::is_safe_path`]).
pub fn is_safe_path(path: &str) -> bool {
    trust::is_safe_path(path)
}

/// A site directory.
#[derive(Debug, Clone)]
pub struct Site {
    dir: PathBuf,
}

impl Site {
    /// The site in `dir` (which need not exist yet).
    pub fn new(dir: impl Into<PathBuf>) -> Site {
        Site { dir: dir.into() }
    }

    /// The site directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An error about the state of this site.
    pub fn error(&self, reason: impl Into<String>) -> Error {
        Error::Site {
            dir: self.dir.clone(),
            reason: reason.into(),
        }
    }

    /// The file system path of a site path, refusing unsafe ones.
    pub fn path(&self, rel: &str) -> Result<PathBuf> {
        if !is_safe_path(rel) {
            return Err(self.error(format!("unsafe path {rel:?}")));
        }
        Ok(self.dir.join(rel))
    }

    /// Reads a site file, or `None` if it does not exist. More than `cap` bytes is an
    /// error: nothing reads an unbounded file.
    pub fn read(&self, rel: &str, cap: u64) -> Result<Option<Vec<u8>>> {
        let path = self.path(rel)?;
        let file = match fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        let mut bytes = Vec::new();
        file.take(cap.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(&path, e))?;
        if bytes.len() as u64 > cap {
            return Err(self.error(format!("{rel} is larger than {cap} bytes")));
        }
        Ok(Some(bytes))
    }

    /// Reads a site file that must exist.
    pub fn read_required(&self, rel: &str, cap: u64) -> Result<Vec<u8>> {
        self.read(rel, cap)?
            .ok_or_else(|| self.error(format!("{rel} is missing")))
    }

    /// Writes (or replaces) a site file atomically.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_atomic(&self.path(rel)?, bytes)
    }

    /// Writes an immutable file: if it exists it must hold exactly `bytes`.
    pub fn write_immutable(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_immutable(&self.path(rel)?, bytes)
    }

    /// Whether [`write_immutable`](Self::write_immutable) would succeed, checked before a
    /// command writes anything.
    pub fn check_immutable(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        check_immutable(&self.path(rel)?, bytes)
    }

    /// Writes a content-addressed blob unless an identical file is already there (a
    /// damaged one is replaced).
    pub fn write_blob(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(rel)?;
        match fs::read(&path) {
            Ok(existing) if existing == bytes => Ok(()),
            _ => write_atomic(&path, bytes),
        }
    }

    /// Whether a site file exists.
    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).is_ok_and(|p| p.is_file())
    }

    /// The size of a site file, if it exists.
    pub fn size(&self, rel: &str) -> Option<u64> {
        self.path(rel).ok()?.metadata().ok().map(|m| m.len())
    }

    /// The current timestamp, unverified (the publisher reads its own site), or `None`
    /// before the first build.
    pub fn timestamp(&self) -> Result<Option<Timestamp>> {
        self.read(TIMESTAMP, trust::limits::TIMESTAMP)?
            .map(|bytes| self.payload(&bytes, TIMESTAMP, "timestamp"))
            .transpose()
    }

    /// Manifest `version`, unverified, or `None` if it is not on the site.
    pub fn manifest(&self, version: u64) -> Result<Option<Manifest>> {
        let rel = manifest_path(version);
        self.read(&rel, trust::limits::MANIFEST)?
            .map(|bytes| self.payload(&bytes, &rel, "manifest"))
            .transpose()
    }

    /// The manifest the timestamp names, checked against its length and hash.
    pub fn current_manifest(&self) -> Result<Option<(Timestamp, Manifest)>> {
        let Some(timestamp) = self.timestamp()? else {
            return Ok(None);
        };
        let reference = &timestamp.manifest;
        let bytes = self.read_required(&reference.path, trust::limits::MANIFEST)?;
        if bytes.len() as u64 != reference.length || trust::sha256_hex(&bytes) != reference.sha256 {
            return Err(self.error(format!(
                "{} does not match the length and hash in {TIMESTAMP}",
                reference.path
            )));
        }
        let manifest = self.payload(&bytes, &reference.path, "manifest")?;
        Ok(Some((timestamp, manifest)))
    }

    /// The versions of the manifests on the site, ascending.
    pub fn manifest_versions(&self) -> Result<Vec<u64>> {
        self.numbered_files(MANIFESTS, ".manifest.json")
    }

    /// The root versions on the site, ascending.
    pub fn root_versions(&self) -> Result<Vec<u64>> {
        self.numbered_files("", ".root.json")
    }

    fn numbered_files(&self, sub: &str, suffix: &str) -> Result<Vec<u64>> {
        let dir = self.dir.join(sub);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(dir, e)),
        };
        let mut versions = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let name = entry.file_name();
            let version = name
                .to_str()
                .and_then(|n| n.strip_suffix(suffix))
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u64>().ok());
            versions.extend(version);
        }
        versions.sort_unstable();
        Ok(versions)
    }

    /// Every sequence number of list `name` still described by a manifest on the site,
    /// each with the entry of the newest manifest that lists it.
    pub fn list_history(&self, name: &str) -> Result<BTreeMap<u64, ListEntry>> {
        let mut history = BTreeMap::new();
        for version in self.manifest_versions()?.into_iter().rev() {
            if let Some(entry) = self
                .manifest(version)?
                .and_then(|mut m| m.lists.remove(name))
            {
                history.entry(entry.seq).or_insert(entry);
            }
        }
        Ok(history)
    }

    /// The payload of one of this site's envelopes, without checking signatures.
    fn payload<T: DeserializeOwned>(
        &self,
        bytes: &[u8],
        rel: &str,
        role: &'static str,
    ) -> Result<T> {
        unverified_payload(bytes, role).map_err(|e| self.error(format!("{rel}: {e}")))
    }
}

/// The payload of an envelope, without checking signatures: for files the publisher
/// wrote itself, and for reports. The phone never does this.
pub fn unverified_payload<T: DeserializeOwned>(bytes: &[u8], role: &'static str) -> Result<T> {
    let payload = Envelope::parse(bytes, role)
        .and_then(|envelope| envelope.payload(role))
        .map_err(|e| Error::trust(format!("{role} file"), e))?;
    serde_json::from_slice(&payload).map_err(|e| {
        let detail = e.to_string();
        Error::trust(
            format!("{role} file"),
            TrustError::Malformed { role, detail },
        )
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced,
/// then renamed over the target. Parent directories are created.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = fs::File::create(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    // Make the rename itself durable where the platform allows opening directories.
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    Ok(())
}

/// Writes a file that must never change: an identical existing file is left alone, a
/// different one is an error.
pub fn write_immutable(path: &Path, bytes: &[u8]) -> Result<()> {
    check_immutable(path, bytes)?;
    if path.exists() {
        return Ok(());
    }
    write_atomic(path, bytes)
}

/// Fails if `path` exists with contents other than `bytes`.
pub fn check_immutable(path: &Path, bytes: &[u8]) -> Result<()> {
    match fs::read(path) {
        Ok(existing) if existing == bytes => Ok(()),
        Ok(_) => Err(Error::Exists(path.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_and_blobs_addressed_by_content() {
        assert!(is_safe_path("blobs/ab.snapshot"));
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            "a\\b",
            "a b",
        ] {
            assert!(!is_safe_path(bad), "{bad}");
        }
        assert_eq!(
            blob_path(b"", BlobKind::Delta),
            "blobs/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.delta"
        );
    }

    #[test]
    fn immutable_files_are_never_changed() {
        let dir = tempfile::tempdir().unwrap();
        let site = Site::new(dir.path());
        site.write_immutable("1.root.json", b"a").unwrap();
        site.write_immutable("1.root.json", b"a").unwrap();
        assert!(matches!(
            site.write_immutable("1.root.json", b"b"),
            Err(Error::Exists(_))
        ));
        site.write("manifests/1.manifest.json", b"m").unwrap();
        assert_eq!(site.manifest_versions().unwrap(), [1]);
        assert_eq!(site.root_versions().unwrap(), [1]);
        assert_eq!(site.read("timestamp.json", 10).unwrap(), None);
        assert!(site.read("manifests/1.manifest.json", 0).is_err());
    }
}
