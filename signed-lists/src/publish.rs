//! `build`: publishes the next version of a site's list.
//!
//! 1. Everything is read and checked first: keys against their root, the sources (every
//!    bad line), the site's previous state. A run that fails here writes nothing.
//! 2. The snapshot is encoded. If its content digest equals the current list's, the list
//!    keeps its sequence number and blobs; otherwise the sequence number goes up by one and
//!    deltas are made from each of the last K earlier sequence numbers still on the site.
//! 3. Files are written in the order that keeps the site consistent at every instant: the
//!    root chain, the blobs, the manifest, `root.json`, and `timestamp.json` last.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use callguard_core::Region;
use callguard_format::trust::{
    self, BlobRef, DeltaRef, ListEntry, Manifest, ManifestRef, Role, SectionCounts, Timestamp,
};
use callguard_format::wire::{delta, snapshot, ContentSummary, LtHash16, Section};
use callguard_sources::lists::SourceProblem;

use crate::content::{self, Sections};
use crate::keys::{to_payload, PublisherKeys};
use crate::progress::{Progress, LARGE_BUILD_BYTES};
use crate::site::{self, BlobKind, Site};
use crate::{sources, Error, Result, DAY, HOUR};

/// The list name when none is given.
pub const DEFAULT_LIST: &str = "default";
/// Deltas made from this many earlier sequence numbers by default.
pub const DEFAULT_DELTAS: usize = 8;
/// Days a manifest is valid by default.
pub const DEFAULT_MANIFEST_DAYS: u64 = 30;
/// Hours a timestamp is valid by default: short, so a frozen mirror is noticed.
pub const DEFAULT_TIMESTAMP_HOURS: u64 = 48;
/// The zstd level by default: slow to compress, as small as it gets, fast to decompress.
pub const DEFAULT_LEVEL: i32 = 19;
/// The region national numbers are read in by default.
pub const DEFAULT_REGION: &str = "CN";

/// What `build` publishes and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The source directory.
    pub sources: PathBuf,
    /// The key directory.
    pub keys: PathBuf,
    /// The site directory (created if missing).
    pub site: PathBuf,
    /// The list's name in the manifest; one list per site.
    pub name: String,
    /// Deltas from up to this many earlier sequence numbers.
    pub deltas: usize,
    /// Days until the manifest expires.
    pub manifest_expires_days: u64,
    /// Hours until the timestamp expires.
    pub timestamp_expires_hours: u64,
    /// The publication time, Unix seconds; expiries count from it.
    pub now: u64,
    /// The zstd level of snapshots and deltas.
    pub level: i32,
    /// Publish without bad source lines instead of failing.
    pub skip_invalid: bool,
    /// The region national numbers are read in.
    pub region: Region,
    /// Whether a progress bar may be drawn on stderr (it is, for large builds).
    pub progress: bool,
}

impl BuildOptions {
    /// The defaults of the command line, at the current time.
    pub fn new(
        sources: impl Into<PathBuf>,
        keys: impl Into<PathBuf>,
        site: impl Into<PathBuf>,
    ) -> Result<BuildOptions> {
        Ok(BuildOptions {
            sources: sources.into(),
            keys: keys.into(),
            site: site.into(),
            name: DEFAULT_LIST.into(),
            deltas: DEFAULT_DELTAS,
            manifest_expires_days: DEFAULT_MANIFEST_DAYS,
            timestamp_expires_hours: DEFAULT_TIMESTAMP_HOURS,
            now: crate::unix_now(),
            level: DEFAULT_LEVEL,
            skip_invalid: false,
            region: DEFAULT_REGION
                .parse()
                .map_err(callguard_core::Error::from)?,
            progress: false,
        })
    }

    fn check(&self) -> Result<()> {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !name_ok {
            return Err(Error::Usage(
                "--name must be 1 to 64 letters, digits, '-', '_' or '.'".into(),
            ));
        }
        if !zstd::compression_level_range().contains(&self.level) {
            return Err(Error::Usage(format!(
                "--level must be in {:?}",
                zstd::compression_level_range()
            )));
        }
        if self.manifest_expires_days == 0 || self.timestamp_expires_hours == 0 {
            return Err(Error::Usage("expiries must be at least 1".into()));
        }
        Ok(())
    }
}

/// What a build published.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// The list's name.
    pub list: String,
    /// Its entry in the new manifest.
    pub entry: ListEntry,
    /// Whether the content changed (a new sequence number).
    pub changed: bool,
    /// The new manifest's version and expiry.
    pub manifest: (u64, u64),
    /// The new timestamp's version and expiry.
    pub timestamp: (u64, u64),
    /// Entries read from the sources, before duplicates were merged.
    pub rows: usize,
    /// Bad source lines left out (with `--skip-invalid`).
    pub skipped: Vec<SourceProblem>,
    /// Deltas that were not made, and why.
    pub notes: Vec<String>,
}

/// Publishes the next version; see the module documentation for the steps.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    options.check()?;
    let keys = PublisherKeys::load(&options.keys)?;
    if keys.root.expires <= options.now {
        return Err(Error::Keys {
            dir: options.keys.clone(),
            reason: format!(
                "root version {} expired at {}; rotate it first",
                keys.root.version,
                crate::format_time(keys.root.expires)
            ),
        });
    }
    let site = Site::new(&options.site);
    let previous = Previous::read(&site, &options.name)?;
    let chain = keys.root_chain()?;
    check_root_chain(&site, &chain)?;

    let source_bytes: u64 = sources::present(&options.sources)
        .iter()
        .map(|(_, _, size)| size)
        .sum();
    let progress = Progress::new(options.progress && source_bytes >= LARGE_BUILD_BYTES);
    let sources = sources::read_dir_with(&options.sources, options.region, &progress)?;
    if !sources.problems.is_empty() && !options.skip_invalid {
        progress.finish();
        return Err(Error::InvalidSources(sources.problems));
    }

    progress.spinner("compressing the snapshot");
    let (snapshot_bytes, summary) = snapshot::encode(&sources.sections, options.level)
        .map_err(|e| Error::wire("snapshot", e))?;
    progress.spinner("hashing the multiset digest");
    let lthash = LtHash16::of_sections(&sources.sections).to_hex();
    let mut next = match previous.unchanged_entry(&summary) {
        Some(entry) => Next::unchanged(&site, entry, snapshot_bytes),
        None => Next::changed(
            &site,
            &previous,
            &summary,
            (&sources.sections, snapshot_bytes),
            options,
            &progress,
        )?,
    };
    // Signed beside the SHA-256 of the same content; an unchanged list published before
    // the field gets it too.
    next.entry.lthash16 = Some(lthash);
    let (manifest, manifest_bytes) = sign_manifest(&keys, &previous, &next.entry, options)?;
    let manifest_rel = site::manifest_path(manifest.version);
    site.check_immutable(&manifest_rel, &manifest_bytes)?;
    let timestamp = Timestamp {
        kind: "timestamp".into(),
        version: bump(previous.timestamp_version)?,
        expires: crate::expiry(options.now, options.timestamp_expires_hours, HOUR),
        manifest: ManifestRef {
            version: manifest.version,
            path: manifest_rel.clone(),
            length: manifest_bytes.len() as u64,
            sha256: trust::sha256_hex(&manifest_bytes),
        },
    };
    let timestamp_bytes = keys
        .sign(Role::Timestamp, &to_payload(&timestamp)?)
        .to_bytes();

    progress.spinner("writing the site");
    for (version, bytes) in &chain {
        site.write_immutable(&site::root_version_path(*version), bytes)?;
    }
    for (rel, bytes) in &next.blobs {
        site.write_blob(rel, bytes)?;
    }
    site.write_immutable(&manifest_rel, &manifest_bytes)?;
    site.write(site::ROOT, &keys.root_bytes)?;
    site.write(site::TIMESTAMP, &timestamp_bytes)?;
    progress.finish();

    Ok(BuildReport {
        list: options.name.clone(),
        entry: next.entry,
        changed: next.changed,
        manifest: (manifest.version, manifest.expires),
        timestamp: (timestamp.version, timestamp.expires),
        rows: sources.rows(),
        skipped: if options.skip_invalid {
            sources.problems
        } else {
            Vec::new()
        },
        notes: next.notes,
    })
}

/// The list entry a build publishes, and the blobs it needs written.
struct Next {
    entry: ListEntry,
    changed: bool,
    /// Site path and bytes of each new blob.
    blobs: Vec<(String, Vec<u8>)>,
    /// Deltas that were not made, and why.
    notes: Vec<String>,
}

impl Next {
    /// The content has not changed: the same seq, snapshot and deltas. A blob missing
    /// from the site is written again, or its delta dropped.
    fn unchanged(site: &Site, mut entry: ListEntry, snapshot_bytes: Vec<u8>) -> Next {
        let mut blobs = Vec::new();
        if !site.exists(&entry.snapshot.path) {
            entry.snapshot = blob_ref(&snapshot_bytes, BlobKind::Snapshot);
            blobs.push((entry.snapshot.path.clone(), snapshot_bytes));
        }
        entry.deltas.retain(|d| site.exists(&d.path));
        Next {
            entry,
            changed: false,
            blobs,
            notes: Vec::new(),
        }
    }

    /// New content: the next seq, its snapshot, and a delta from each of the last
    /// `options.deltas` earlier seqs that is smaller than the snapshot.
    fn changed(
        site: &Site,
        previous: &Previous,
        summary: &ContentSummary,
        (sections, snapshot_bytes): (&Sections, Vec<u8>),
        options: &BuildOptions,
        progress: &Progress,
    ) -> Result<Next> {
        let seq = previous.next_seq()?;
        let mut next = Next {
            entry: ListEntry {
                seq,
                count: summary.count,
                sha256: summary.sha256_hex(),
                lthash16: None,
                sections: SectionCounts::from_array(summary.per_section),
                snapshot: blob_ref(&snapshot_bytes, BlobKind::Snapshot),
                deltas: Vec::new(),
            },
            changed: true,
            blobs: Vec::new(),
            notes: Vec::new(),
        };
        let bases = previous.delta_bases(seq, options.deltas);
        progress.steps("making deltas", bases.len() as u64);
        for base in bases {
            let made = make_delta(
                site,
                base,
                seq,
                sections,
                options.level,
                snapshot_bytes.len(),
            );
            match made {
                Ok((reference, bytes)) if bytes.len() < snapshot_bytes.len() => {
                    next.blobs.push((reference.path.clone(), bytes));
                    next.entry.deltas.push(reference);
                }
                Ok(_) => next.notes.push(format!(
                    "no delta from seq {}: it would not be smaller than the snapshot",
                    base.seq
                )),
                Err(e) => next
                    .notes
                    .push(format!("no delta from seq {}: {e}", base.seq)),
            }
            progress.step();
        }
        next.blobs
            .push((next.entry.snapshot.path.clone(), snapshot_bytes));
        Ok(next)
    }
}

/// The next manifest, holding only `entry`, and its signed file bytes.
fn sign_manifest(
    keys: &PublisherKeys,
    previous: &Previous,
    entry: &ListEntry,
    options: &BuildOptions,
) -> Result<(Manifest, Vec<u8>)> {
    let manifest = Manifest {
        kind: "manifest".into(),
        version: bump(previous.manifest_version)?,
        expires: crate::expiry(options.now, options.manifest_expires_days, DAY),
        lists: BTreeMap::from([(options.name.clone(), entry.clone())]),
    };
    let bytes = keys
        .sign(Role::Manifest, &to_payload(&manifest)?)
        .to_bytes();
    Ok((manifest, bytes))
}

/// What the site published before, as far as the next build needs it.
struct Previous {
    /// The list in the current manifest.
    current: Option<ListEntry>,
    /// Every sequence number still described by a manifest on the site.
    history: BTreeMap<u64, ListEntry>,
    /// The highest manifest version on the site (0 before the first build).
    manifest_version: u64,
    /// The current timestamp version (0 before the first build).
    timestamp_version: u64,
}

impl Previous {
    fn read(site: &Site, name: &str) -> Result<Previous> {
        let current = site.current_manifest()?;
        let highest_file = site.manifest_versions()?.last().copied().unwrap_or(0);
        let (timestamp_version, manifest_version, current) = match current {
            None => (0, highest_file, None),
            Some((timestamp, mut manifest)) => {
                let entry = manifest.lists.remove(name);
                if entry.is_none() && !manifest.lists.is_empty() {
                    let names: Vec<&str> = manifest.lists.keys().map(String::as_str).collect();
                    return Err(site.error(format!(
                        "it publishes the list {}, not {name:?}; pass --name {}",
                        names.join(", "),
                        names[0]
                    )));
                }
                (timestamp.version, highest_file.max(manifest.version), entry)
            }
        };
        Ok(Previous {
            current,
            history: site.list_history(name)?,
            manifest_version,
            timestamp_version,
        })
    }

    /// The current entry, if its content is exactly `summary`.
    fn unchanged_entry(&self, summary: &ContentSummary) -> Option<ListEntry> {
        self.current
            .clone()
            .filter(|e| e.sha256 == summary.sha256_hex() && e.count == summary.count)
    }

    /// One more than any sequence number the site has used.
    fn next_seq(&self) -> Result<u64> {
        let current = self.current.as_ref().map_or(0, |e| e.seq);
        let highest = self.history.keys().next_back().copied().unwrap_or(0);
        bump(current.max(highest))
    }

    /// The last `count` sequence numbers before `seq`, newest first.
    fn delta_bases(&self, seq: u64, count: usize) -> Vec<&ListEntry> {
        self.history
            .range(..seq)
            .rev()
            .take(count)
            .map(|(_, e)| e)
            .collect()
    }
}

/// Checks that the key directory's roots can be written to the site: the same bytes
/// for versions it has, and no newer root on the site than in the key directory.
fn check_root_chain(site: &Site, chain: &[(u64, Vec<u8>)]) -> Result<()> {
    for (version, bytes) in chain {
        site.check_immutable(&site::root_version_path(*version), bytes)?;
    }
    let newest = chain.last().map_or(0, |(v, _)| *v);
    if let Some(found) = site.root_versions()?.into_iter().find(|v| *v > newest) {
        return Err(site.error(format!(
            "it has root version {found}, newer than the key directory's {newest}"
        )));
    }
    Ok(())
}

/// The version after `version`; the site's versions are the publisher's own, but a
/// damaged file must not wrap a version around to 0.
fn bump(version: u64) -> Result<u64> {
    version
        .checked_add(1)
        .ok_or_else(|| Error::Usage("a version on the site is at its maximum".into()))
}

/// The reference to a blob by content.
fn blob_ref(bytes: &[u8], kind: BlobKind) -> BlobRef {
    BlobRef {
        path: site::blob_path(bytes, kind),
        length: bytes.len() as u64,
        sha256: trust::sha256_hex(bytes),
    }
}

/// A delta from `base` (decoded from its snapshot on the site) to `sections` at `seq`:
/// keyed (`CGDELT02`, which a phone checks from its changes alone) when that is smaller
/// than the snapshot of `snapshot_len` bytes, else indexed (`CGDELT01`, smaller when most
/// of the list changes, since removed keys cost more than their indices; a phone applies
/// it by streaming the old list, which such a change costs anyway).
fn make_delta(
    site: &Site,
    base: &ListEntry,
    seq: u64,
    sections: &Sections,
    level: i32,
    snapshot_len: usize,
) -> Result<(DeltaRef, Vec<u8>)> {
    let old = content::load_snapshot(site, base)?;
    let wire = |e| Error::wire(format!("delta from seq {}", base.seq), e);
    let (mut bytes, _) = delta::encode(base.seq, seq, &old, sections, level).map_err(wire)?;
    if bytes.len() >= snapshot_len {
        let (indexed, _) =
            delta::encode_indexed(base.seq, seq, &old, sections, level).map_err(wire)?;
        if indexed.len() < bytes.len() {
            bytes = indexed;
        }
    }
    let blob = blob_ref(&bytes, BlobKind::Delta);
    let reference = DeltaRef {
        from: base.seq,
        path: blob.path,
        length: blob.length,
        sha256: blob.sha256,
    };
    Ok((reference, bytes))
}

impl fmt::Display for BuildReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = &self.entry;
        if self.changed {
            writeln!(f, "list {:?} seq {}: new content", self.list, entry.seq)?;
        } else {
            writeln!(
                f,
                "list {:?} seq {}: content unchanged, same seq and blobs",
                self.list, entry.seq
            )?;
        }
        writeln!(
            f,
            "  {} entries from {} source rows, sha256 {}",
            entry.count, self.rows, entry.sha256
        )?;
        let counts: Vec<String> = Section::ALL
            .iter()
            .zip(entry.sections.as_array())
            .map(|(s, n)| format!("{} {n}", s.name()))
            .collect();
        writeln!(f, "  {}", counts.join(", "))?;
        writeln!(
            f,
            "  snapshot {} ({} bytes{})",
            entry.snapshot.path,
            entry.snapshot.length,
            bytes_per_entry(entry.snapshot.length, entry.count)
        )?;
        for delta in &entry.deltas {
            writeln!(
                f,
                "  delta from seq {}: {} ({} bytes)",
                delta.from, delta.path, delta.length
            )?;
        }
        for note in &self.notes {
            writeln!(f, "  note: {note}")?;
        }
        writeln!(
            f,
            "manifest version {} (expires {})",
            self.manifest.0,
            crate::format_time(self.manifest.1)
        )?;
        write!(
            f,
            "timestamp version {} (expires {})",
            self.timestamp.0,
            crate::format_time(self.timestamp.1)
        )
    }
}

/// `, 1.52 B/entry`, or nothing for an empty list.
pub(crate) fn bytes_per_entry(bytes: u64, count: u64) -> String {
    if count == 0 {
        String::new()
    } else {
        format!(", {:.2} B/entry", bytes as f64 / count as f64)
    }
}
