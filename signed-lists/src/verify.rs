//! `verify`: checks a site exactly as a phone would, from a pinned root.
//!
//! 1. The pinned root (signed by a threshold of its own root keys), then every rotation
//!    `<v+1>.root.json` on the site (signed by a threshold of the old and the new keys).
//!    `root.json` must be the newest of them, and it must not have expired.
//! 2. The timestamp (signature, expiry), then the manifest it names (length and hash
//!    first, then signature, version, expiry and paths).
//! 3. For each list: the snapshot's length and hash, then its decoded count, section
//!    counts and content digest. Every delta is applied to the snapshot of its base
//!    sequence number, if that is still on the site, and must give exactly the signed
//!    digest; otherwise its length and hash are still checked.
//!
//! It uses the core's verification functions, so it passes exactly when the phone's
//! update client would.

use std::fmt;
use std::io::Read as _;
use std::path::PathBuf;

use callguard_format::trust::{self, limits, Root, TrustedState};

use crate::content;
use crate::publish::bytes_per_entry;
use crate::site::{self, Site};
use crate::{format_time, Error, Result};

/// What to verify.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The site directory.
    pub site: PathBuf,
    /// The root the phone pins (any version the site's chain starts from).
    pub root: PathBuf,
    /// The time of the check, Unix seconds.
    pub now: u64,
}

/// A site that passed every check.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// The time of the check.
    pub now: u64,
    /// The pinned root's version.
    pub pinned_version: u64,
    /// The newest root reached by following rotations.
    pub root: Root,
    /// The timestamp's version and expiry.
    pub timestamp: (u64, u64),
    /// The manifest's version and expiry.
    pub manifest: (u64, u64),
    /// Each list.
    pub lists: Vec<ListReport>,
}

/// One verified list.
#[derive(Debug, Clone)]
pub struct ListReport {
    /// The list's name.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// Its entries.
    pub count: u64,
    /// Its content SHA-256.
    pub sha256: String,
    /// The snapshot's size in bytes.
    pub snapshot_length: u64,
    /// Each delta: its base, its size, and whether it could be applied (its base is still
    /// on the site).
    pub deltas: Vec<(u64, u64, bool)>,
}

/// Verifies a site; any failure is an error naming the file and the check.
pub fn verify(options: &VerifyOptions) -> Result<VerifyReport> {
    let site = Site::new(&options.site);
    let now = options.now;
    let pinned = read_pinned(&options.root)?;
    let mut root = trust::verify_pinned_root(&pinned)
        .map_err(|e| Error::trust(options.root.display().to_string(), e))?;
    let pinned_version = root.version;
    let mut newest = pinned;
    for _ in 0..limits::ROOT_ROTATIONS {
        let rel = site::root_version_path(root.version.saturating_add(1));
        let Some(bytes) = site.read(&rel, limits::ROOT)? else {
            break;
        };
        root = trust::verify_root_update(&root, &bytes).map_err(|e| Error::trust(&rel, e))?;
        newest = bytes;
    }
    if site.exists(&site::root_version_path(root.version.saturating_add(1))) {
        return Err(Error::Verify(format!(
            "more than {} root rotations in one update",
            limits::ROOT_ROTATIONS
        )));
    }
    if site.read_required(site::ROOT, limits::ROOT)? != newest {
        return Err(Error::Verify(format!(
            "{} is not the newest root (version {})",
            site::ROOT,
            root.version
        )));
    }
    if root.expires <= now {
        return Err(Error::Verify(format!(
            "root version {} expired at {}",
            root.version,
            format_time(root.expires)
        )));
    }

    let state = TrustedState {
        root,
        timestamp_version: None,
        manifest_version: None,
    };
    let timestamp_bytes = site.read_required(site::TIMESTAMP, limits::TIMESTAMP)?;
    let timestamp = trust::verify_timestamp(&state, &timestamp_bytes, now)
        .map_err(|e| Error::trust(site::TIMESTAMP, e))?;
    let reference = &timestamp.manifest;
    let manifest_bytes =
        site.read_required(&reference.path, reference.length.min(limits::MANIFEST))?;
    let manifest = trust::verify_manifest(&state, &timestamp, &manifest_bytes, |_| None, now)
        .map_err(|e| Error::trust(&reference.path, e))?;

    let mut lists = Vec::new();
    for (name, entry) in &manifest.lists {
        let snapshot = site.read_required(&entry.snapshot.path, entry.snapshot.length)?;
        let sections = content::decode_snapshot(&snapshot, entry)?;
        content::check_lthash(&sections, entry)?;
        drop(sections);
        let history = site.list_history(name)?;
        let mut deltas = Vec::new();
        for delta in &entry.deltas {
            if delta.from >= entry.seq {
                return Err(Error::Verify(format!(
                    "{}: a delta from seq {} cannot lead to seq {}",
                    delta.path, delta.from, entry.seq
                )));
            }
            let bytes = site.read_required(&delta.path, delta.length)?;
            let base = history
                .get(&delta.from)
                .filter(|base| site.exists(&base.snapshot.path));
            match base {
                Some(base) => {
                    let old = content::load_snapshot(&site, base)?;
                    content::check_delta(&bytes, delta, &old, base, entry)?;
                }
                None => content::check_blob(&bytes, delta.length, &delta.sha256, &delta.path)?,
            }
            deltas.push((delta.from, delta.length, base.is_some()));
        }
        lists.push(ListReport {
            name: name.clone(),
            seq: entry.seq,
            count: entry.count,
            sha256: entry.sha256.clone(),
            snapshot_length: entry.snapshot.length,
            deltas,
        });
    }
    Ok(VerifyReport {
        now,
        pinned_version,
        root: state.root,
        timestamp: (timestamp.version, timestamp.expires),
        manifest: (manifest.version, manifest.expires),
        lists,
    })
}

/// Reads the pinned root file, capped like a download.
fn read_pinned(path: &PathBuf) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limits::ROOT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limits::ROOT {
        return Err(Error::Verify(format!(
            "{} is larger than a root may be",
            path.display()
        )));
    }
    Ok(bytes)
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "OK: the site verifies at {}", format_time(self.now))?;
        let rotations = self.root.version - self.pinned_version;
        writeln!(
            f,
            "  root version {} ({} rotation(s) from pinned version {}), {:?}, expires {}",
            self.root.version,
            rotations,
            self.pinned_version,
            self.root.publisher,
            format_time(self.root.expires)
        )?;
        writeln!(
            f,
            "  timestamp version {}, expires {}",
            self.timestamp.0,
            format_time(self.timestamp.1)
        )?;
        write!(
            f,
            "  manifest version {}, expires {}",
            self.manifest.0,
            format_time(self.manifest.1)
        )?;
        for list in &self.lists {
            write!(
                f,
                "\n  list {:?} seq {}: {} entries, sha256 {}\n    snapshot {} bytes{}: digest OK",
                list.name,
                list.seq,
                list.count,
                list.sha256,
                list.snapshot_length,
                bytes_per_entry(list.snapshot_length, list.count)
            )?;
            for (from, length, applied) in &list.deltas {
                let outcome = if *applied {
                    "applied to its base, digest OK"
                } else {
                    "base no longer on the site; length and hash OK"
                };
                write!(f, "\n    delta from seq {from}: {length} bytes, {outcome}")?;
            }
        }
        Ok(())
    }
}
