//! `inspect`: what a site currently publishes, for people and for scripts (`--json`).
//! It reads the files as they are and checks no signatures; `verify` does that.

use std::fmt;

use callguard_format::trust::{limits, ListEntry, Root, SectionCounts};
use callguard_format::wire::Section;
use serde::Serialize;

use crate::publish::bytes_per_entry;
use crate::site::{self, Site};
use crate::{format_time, Result};

/// A site's current state.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// `root.json`, if present.
    pub root: Option<RootInfo>,
    /// `timestamp.json`, if present.
    pub timestamp: Option<Versioned>,
    /// The manifest the timestamp names.
    pub manifest: Option<Versioned>,
    /// Manifest versions kept on the site.
    pub manifests_on_site: usize,
    /// The lists of the current manifest.
    pub lists: Vec<ListInfo>,
}

/// The newest root.
#[derive(Debug, Clone, Serialize)]
pub struct RootInfo {
    /// Its version.
    pub version: u64,
    /// Its expiry, Unix seconds.
    pub expires: u64,
    /// Its publisher.
    pub publisher: String,
    /// Root keys.
    pub root_keys: usize,
    /// Root signatures required.
    pub root_threshold: u32,
}

/// A version and expiry of signed metadata.
#[derive(Debug, Clone, Serialize)]
pub struct Versioned {
    /// The version.
    pub version: u64,
    /// The expiry, Unix seconds.
    pub expires: u64,
    /// The expiry, for people.
    pub expires_utc: String,
}

/// One list.
#[derive(Debug, Clone, Serialize)]
pub struct ListInfo {
    /// The list's name.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// Its entries.
    pub count: u64,
    /// Its content SHA-256.
    pub sha256: String,
    /// Entries per section.
    pub sections: SectionCounts,
    /// The snapshot's path.
    pub snapshot: String,
    /// The snapshot's size.
    pub snapshot_bytes: u64,
    /// Snapshot bytes per entry.
    pub bytes_per_entry: f64,
    /// Each delta.
    pub deltas: Vec<DeltaInfo>,
}

/// One delta.
#[derive(Debug, Clone, Serialize)]
pub struct DeltaInfo {
    /// The sequence number it applies to.
    pub from: u64,
    /// Its path.
    pub path: String,
    /// Its size.
    pub bytes: u64,
}

/// Reads a site's current state.
pub fn inspect(site: &Site) -> Result<SiteInfo> {
    let root = site
        .read(site::ROOT, limits::ROOT)?
        .map(|bytes| site::unverified_payload::<Root>(&bytes, "root"))
        .transpose()?
        .map(|root| RootInfo {
            version: root.version,
            expires: root.expires,
            publisher: root.publisher,
            root_keys: root.roles.root.keyids.len(),
            root_threshold: root.roles.root.threshold,
        });
    let current = site.current_manifest()?;
    let (timestamp, manifest, lists) = match current {
        None => (None, None, Vec::new()),
        Some((timestamp, manifest)) => (
            Some(versioned(timestamp.version, timestamp.expires)),
            Some(versioned(manifest.version, manifest.expires)),
            manifest.lists.into_iter().map(list_info).collect(),
        ),
    };
    Ok(SiteInfo {
        root,
        timestamp,
        manifest,
        manifests_on_site: site.manifest_versions()?.len(),
        lists,
    })
}

fn versioned(version: u64, expires: u64) -> Versioned {
    Versioned {
        version,
        expires,
        expires_utc: format_time(expires),
    }
}

fn list_info((name, entry): (String, ListEntry)) -> ListInfo {
    let per_entry = if entry.count == 0 {
        0.0
    } else {
        entry.snapshot.length as f64 / entry.count as f64
    };
    ListInfo {
        name,
        seq: entry.seq,
        count: entry.count,
        sha256: entry.sha256,
        sections: entry.sections,
        snapshot: entry.snapshot.path,
        snapshot_bytes: entry.snapshot.length,
        bytes_per_entry: (per_entry * 1000.0).round() / 1000.0,
        deltas: entry
            .deltas
            .into_iter()
            .map(|d| DeltaInfo {
                from: d.from,
                path: d.path,
                bytes: d.length,
            })
            .collect(),
    }
}

impl fmt::Display for SiteInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.root {
            Some(root) => writeln!(
                f,
                "root        version {}, expires {}, {:?}, {} of {} root key(s)",
                root.version,
                format_time(root.expires),
                root.publisher,
                root.root_threshold,
                root.root_keys
            )?,
            None => writeln!(f, "root        none")?,
        }
        let (Some(timestamp), Some(manifest)) = (&self.timestamp, &self.manifest) else {
            return write!(f, "timestamp   none: nothing published yet");
        };
        writeln!(
            f,
            "timestamp   version {}, expires {}",
            timestamp.version, timestamp.expires_utc
        )?;
        write!(
            f,
            "manifest    version {}, expires {} ({} manifest(s) on the site)",
            manifest.version, manifest.expires_utc, self.manifests_on_site
        )?;
        for list in &self.lists {
            write!(
                f,
                "\nlist {:?}  seq {}, {} entries\n  sha256    {}",
                list.name, list.seq, list.count, list.sha256
            )?;
            for (section, count) in Section::ALL.iter().zip(list.sections.as_array()) {
                write!(f, "\n  {:<9} {count}", section.name())?;
            }
            write!(
                f,
                "\n  snapshot  {} bytes{}  {}",
                list.snapshot_bytes,
                bytes_per_entry(list.snapshot_bytes, list.count),
                list.snapshot
            )?;
            for delta in &list.deltas {
                write!(
                    f,
                    "\n  delta     from seq {}: {} bytes  {}",
                    delta.from, delta.bytes, delta.path
                )?;
            }
        }
        Ok(())
    }
}
