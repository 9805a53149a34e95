//! One update run, and the recovery that runs when the engine opens.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use super::fetch::{Fetcher, WithDeadline};
use super::lock::{InstallLock, LOCK_FILE};
use super::FetchError;
use super::{InstallStep, ListSlot, UpdateError, UpdateReport, Via};
use crate::export;
use crate::lists::files::{file_name, sync_dir, DirSeal, FstDirWriter};
use crate::lists::{open_installed, ListDirWriter, ListSet, OverlayDirWriter};
use crate::store::{InstalledList, Store, TrustRecord};
use crate::trust::{self, limits, BlobRef, ListEntry, Root, TrustError, TrustedState};
use crate::wire::{
    delta, snapshot, ContentSummary, EntrySink, LtHash16, Section, SortedEntries, WireError,
};

/// A device clock this far behind the latest time seen is reported as stepped back.
const CLOCK_SLACK_SECS: u64 = 300;

/// Everything one run needs from the engine.
pub(crate) struct Updater<'a> {
    pub store: &'a Mutex<Store>,
    pub lists: &'a dyn ListSlot,
    /// Where list directories live; `None` keeps lists in memory (tests, one-shot tools).
    pub lists_dir: Option<PathBuf>,
    pub pinned_root: Option<&'a [u8]>,
    pub list_name: Option<&'a str>,
    #[cfg(feature = "testing")]
    pub crash_after: Option<InstallStep>,
    /// The device clock, Unix seconds.
    pub now: u64,
    /// `false` only for a list bundled with the app, whose age is known and accepted.
    pub check_expiry: bool,
}

/// New content, verified, not yet installed.
enum Built {
    Dir(PathBuf),
    Memory(Box<[SortedEntries; 5]>),
}

impl Updater<'_> {
    pub(super) fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Marks the end of an install step: where a test may stop the install as a crash
    /// would (the `testing` feature); a no-op otherwise.
    pub(super) fn step(&self, step: InstallStep) -> Result<(), UpdateError> {
        #[cfg(feature = "testing")]
        if self.crash_after == Some(step) {
            return Err(UpdateError::SimulatedCrash(step));
        }
        let _ = step;
        Ok(())
    }

    /// One update within the fetcher's time limit for a whole update.
    pub fn run(&self, fetcher: &dyn Fetcher) -> Result<UpdateReport, UpdateError> {
        // One install at a time across processes sharing the directory, and recovery in
        // another process leaves this one's files alone while it is held. The update's
        // own time limit starts once the lock is held.
        let _install_lock = match &self.lists_dir {
            Some(dir) => Some(InstallLock::acquire(dir).map_err(io)?),
            None => None,
        };
        if let Some(dir) = &self.lists_dir {
            self.adopt_installed(dir);
        }
        let mut ignored_root = None;
        let mut report = self.attempt(&WithDeadline::start(fetcher), &mut ignored_root)?;
        report.ignored_root = ignored_root;
        if matches!(report.installed, Some(Via::Delta { .. }))
            && self.lists.current().compaction_due()
        {
            // The update is done and in use; folding the overlay into a new base is extra
            // work whose failure leaves the installed list as it is (the next update or
            // `Engine::compact_lists` tries again).
            let _ = self.compact_locked();
        }
        Ok(report)
    }

    /// Maps the list another process installed while this engine was using an older one
    /// (the install lock is held, so it stays put): the update then starts from what is
    /// installed, and finds it current or applies a delta to it, instead of installing
    /// the same version again from the snapshot. A list that does not map is left to the
    /// update as before (it reinstalls it).
    fn adopt_installed(&self, lists_dir: &Path) {
        let current = self.lists.current();
        let installed = match self.store().installed_list(self.list_name) {
            Ok(installed) => installed,
            Err(_) => return,
        };
        if !installed_changed(installed.as_ref(), &current) {
            return;
        }
        let store = self.store();
        if let Ok(Recovered {
            lists: Some(lists),
            refused: None,
        }) = map_installed(&store, lists_dir, self.list_name, 1)
        {
            self.lists.install(lists);
        }
    }

    fn attempt(
        &self,
        fetcher: &dyn Fetcher,
        ignored_root: &mut Option<String>,
    ) -> Result<UpdateReport, UpdateError> {
        let record = self.store().trust_record().map_err(storage)?;
        let latest = record.latest_known_time.unwrap_or(0);
        let clock_behind = self.now.saturating_add(CLOCK_SLACK_SECS) < latest;
        // The fixed start time of this update; a clock stepped backwards is not believed.
        // It is saved only with verified metadata (below), never by an attempt alone.
        let now = self.now.max(latest);
        let expiry_now = if self.check_expiry { now } else { 0 };

        let (mut root, mut root_bytes) = self.trusted_root(&record)?;
        let mut timestamp_version = record.timestamp_version;
        let mut manifest_version = record.manifest_version;
        for _ in 0..limits::ROOT_ROTATIONS {
            let path = format!("{}.root.json", root.version + 1);
            // Whatever the server answers instead of a valid next root (a 403, an HTML
            // page, a redirect, a bad signature) means "no newer root": an attacker who
            // can answer can always withhold it, so refusing the update protects nothing.
            let next = match fetcher.fetch(&path, limits::ROOT) {
                Err(FetchError::NotFound) => break,
                Err(error) => Err(format!("{error}")),
                Ok(bytes) => trust::verify_root_update(&root, &bytes)
                    .map(|next| (next, bytes))
                    .map_err(|error| error.to_string()),
            };
            let (next, bytes) = match next {
                Ok(found) => found,
                Err(why) => {
                    *ignored_root = Some(format!("{path} ignored ({why})"));
                    break;
                }
            };
            // After a key rotation, versions signed by the old keys are no longer
            // a reference (TUF's fast-forward recovery).
            if next.roles.timestamp != root.roles.timestamp {
                timestamp_version = None;
            }
            if next.roles.manifest != root.roles.manifest {
                manifest_version = None;
            }
            root = next;
            root_bytes = bytes;
        }
        if self.check_expiry && root.expires <= now {
            return Err(TrustError::Expired { role: "root" }.into());
        }
        let state = TrustedState {
            root,
            timestamp_version,
            manifest_version,
        };

        let timestamp_bytes = fetch(fetcher, "timestamp.json", limits::TIMESTAMP)?;
        let timestamp = trust::verify_timestamp(&state, &timestamp_bytes, expiry_now)?;
        let installed = self
            .store()
            .installed_list(self.list_name)
            .map_err(storage)?;
        let mut next = TrustRecord {
            root: Some(root_bytes),
            timestamp_version: Some(timestamp.version),
            manifest_version,
            manifest_expires: record.manifest_expires,
            // Moved forward only as far as the verified timestamp vouches for: a clock
            // far ahead cannot be saved (its timestamp would have expired), and the time
            // saved is never later than a time at which signed metadata was still valid.
            latest_known_time: Some(latest.max(now.min(timestamp.expires))),
            last_success_at: Some(now),
        };
        // "Current" means the installed list is the one in use: a list refused as damaged
        // at open (or truncated since) is reinstalled from the snapshot.
        let current = self.lists.current();
        let in_use = |list: &InstalledList| {
            current.name() == list.name
                && current.version() == list.seq
                && current.stands_in_for().is_none()
                && !current.is_damaged()
        };
        if let Some(list) = installed.as_ref().filter(|list| {
            Some(timestamp.version) == timestamp_version
                && manifest_version == Some(timestamp.manifest.version)
                && in_use(list)
        }) {
            self.store().commit_update(&next, None).map_err(storage)?;
            return Ok(report(
                list.name.clone(),
                list.seq,
                timestamp.manifest.version,
                None,
                Some(list.seq),
                0,
                false,
                clock_behind,
            ));
        }

        let manifest_path = timestamp.manifest.path.clone();
        let manifest_bytes = fetch(
            fetcher,
            &manifest_path,
            timestamp.manifest.length.min(limits::MANIFEST),
        )?;
        let installed_seq =
            |name: &str| installed.as_ref().filter(|i| i.name == name).map(|i| i.seq);
        let manifest = trust::verify_manifest(
            &state,
            &timestamp,
            &manifest_bytes,
            installed_seq,
            expiry_now,
        )?;
        let (name, entry) = self.select(&manifest)?;
        next.manifest_version = Some(manifest.version);
        next.manifest_expires = Some(manifest.expires);

        let previous = installed.filter(|i| i.name == name);
        if let Some(list) = previous
            .as_ref()
            .filter(|i| i.seq == entry.seq && i.sha256 == entry.sha256 && in_use(i))
        {
            self.store().commit_update(&next, None).map_err(storage)?;
            return Ok(report(
                name,
                list.seq,
                manifest.version,
                None,
                Some(list.seq),
                0,
                false,
                clock_behind,
            ));
        }

        // The delta base must be the list actually in memory, and intact.
        let base_seq = previous
            .as_ref()
            .map(|p| p.seq)
            .filter(|seq| current.name() == name && current.version() == *seq)
            .filter(|_| current.verify().is_ok());
        let delta = base_seq.and_then(|seq| {
            entry
                .deltas
                .iter()
                .find(|d| d.from == seq && d.length < entry.snapshot.length)
        });
        let mut downloaded = 0;
        let mut fell_back = false;
        let mut built = None;
        if let Some(d) = delta {
            let blob = BlobRef {
                path: d.path.clone(),
                length: d.length,
                sha256: d.sha256.clone(),
            };
            // The installed numbers file the new list's overlay will stand on.
            let base_file = previous
                .as_ref()
                .filter(|p| !p.dir.is_empty())
                .zip(self.lists_dir.as_ref())
                .map(|(p, dir)| dir.join(&p.dir).join(file_name(Section::Numbers)));
            // With the installed list's signed multiset digest and the new one, a keyed
            // delta is checked from its changes alone (lookups, no stream of the list).
            let digests = previous
                .as_ref()
                .and_then(|p| LtHash16::from_hex(&p.lthash16).ok())
                .zip(entry.lthash());
            let attempt = fetch_blob(fetcher, &blob, "delta").and_then(|bytes| {
                downloaded += bytes.len() as u64;
                let overlay = base_file.as_deref().map(|file| (&*current, file));
                match &digests {
                    Some((from, to)) if bytes.starts_with(delta::MAGIC) && overlay.is_some() => {
                        self.build(overlay, |sink| {
                            let lookup = |section: Section, key: &[u8]| current.get(section, key);
                            let applied = delta::apply_changes(
                                bytes.as_slice(),
                                d.from,
                                entry.seq,
                                base(&current),
                                &lookup,
                                entry.count,
                                sink,
                            )?;
                            check_changes(&applied, from, to, entry)
                        })
                    }
                    _ => self.build(overlay, |sink| {
                        let summary = delta::apply(
                            bytes.as_slice(),
                            d.from,
                            entry.seq,
                            base(&current),
                            entry.count,
                            sink,
                        )?;
                        check_digest(&summary, entry)
                    }),
                }
            });
            match attempt {
                Ok(b) => built = Some((b, Via::Delta { from: d.from })),
                #[cfg(feature = "testing")]
                Err(crash @ UpdateError::SimulatedCrash(_)) => return Err(crash),
                // As Safe Browsing does: a delta that fails is thrown away for the snapshot.
                Err(_) => fell_back = true,
            }
        }
        let (built, via) = match built {
            Some(done) => done,
            None => {
                let bytes = fetch_blob(fetcher, &entry.snapshot, "snapshot")?;
                downloaded += bytes.len() as u64;
                (
                    self.build(None, |sink| {
                        let summary = snapshot::decode(bytes.as_slice(), entry.count, sink)?;
                        check_digest(&summary, entry)
                    })?,
                    Via::Snapshot,
                )
            }
        };
        self.install(
            built,
            &name,
            entry,
            manifest.version,
            &next,
            previous.as_ref(),
            now,
        )?;
        Ok(report(
            name,
            entry.seq,
            manifest.version,
            Some(via),
            previous.map(|p| p.seq),
            downloaded,
            fell_back,
            clock_behind,
        ))
    }

    fn trusted_root(&self, record: &TrustRecord) -> Result<(Root, Vec<u8>), UpdateError> {
        let stored = match &record.root {
            Some(bytes) => Some((trust::verify_pinned_root(bytes)?, bytes.clone())),
            None => None,
        };
        let pinned = match self.pinned_root {
            Some(bytes) => Some((trust::verify_pinned_root(bytes)?, bytes.to_vec())),
            None => None,
        };
        match (stored, pinned) {
            // An app update may pin a newer root than the one stored.
            (Some(s), Some(p)) => Ok(if p.0.version > s.0.version { p } else { s }),
            (Some(only), None) | (None, Some(only)) => Ok(only),
            (None, None) => Err(UpdateError::NoRoot),
        }
    }

    fn select<'m>(
        &self,
        manifest: &'m trust::Manifest,
    ) -> Result<(String, &'m ListEntry), UpdateError> {
        let found = match self.list_name {
            Some(name) => manifest.lists.get_key_value(name),
            None if manifest.lists.len() == 1 => manifest.lists.iter().next(),
            None => manifest.lists.get_key_value("default"),
        };
        found
            .map(|(name, entry)| (name.clone(), entry))
            .ok_or_else(|| UpdateError::NoList(self.list_name.unwrap_or("default").to_owned()))
    }

    /// Streams decoded entries into new FST files (or memory); `decode` also checks the
    /// result against the signed digests, and nothing is kept unless it passes. With
    /// `overlay` (the list in use and its installed numbers file), a delta's numbers are
    /// written as an overlay over that file instead of a new FST.
    fn build(
        &self,
        overlay: Option<(&ListSet, &Path)>,
        decode: impl FnOnce(&mut dyn EntrySink) -> Result<(), WireError>,
    ) -> Result<Built, UpdateError> {
        match &self.lists_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(io)?;
                let tmp = dir.join(format!("tmp-{}-{}", std::process::id(), unique()));
                let overlaid = overlay.and_then(|(base, file)| {
                    OverlayDirWriter::create(&tmp, base, file)
                        .inspect_err(|_| {
                            let _ = std::fs::remove_dir_all(&tmp);
                        })
                        .ok()
                });
                let mut writer = match overlaid {
                    Some(writer) => ListDirWriter::Overlay(writer),
                    // No installed file to stand on (or not the one in use): rebuild whole.
                    None => ListDirWriter::Full(FstDirWriter::create(&tmp).map_err(storage)?),
                };
                if let Err(err) = decode(&mut writer) {
                    drop(writer);
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Err(err.into());
                }
                self.step(InstallStep::FilesWritten)?;
                let tmp = writer.finish().map_err(storage)?;
                // Derived data: without it the first SMS compiles the section in memory.
                let current = self.lists.current();
                let _ = crate::sms::index_file::write_into_new_dir(
                    &tmp,
                    &file_name(Section::SmsRules),
                    current.dir(),
                );
                self.step(InstallStep::FilesSynced)?;
                Ok(Built::Dir(tmp))
            }
            None => {
                let mut sink = MemorySink::default();
                decode(&mut sink)?;
                Ok(Built::Memory(Box::new(sink.0)))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn install(
        &self,
        built: Built,
        name: &str,
        entry: &ListEntry,
        manifest_version: u64,
        record: &TrustRecord,
        previous: Option<&InstalledList>,
        now: u64,
    ) -> Result<(), UpdateError> {
        let mut installed = InstalledList {
            name: name.to_owned(),
            seq: entry.seq,
            count: entry.count,
            sha256: entry.sha256.clone(),
            dir: String::new(),
            manifest_version,
            installed_at: now,
            files: String::new(),
            // The content was proven to be `entry`'s (by its SHA-256, or by the multiset
            // digest of a keyed delta), so its signed multiset digest is that of the list.
            lthash16: entry.lthash16.clone().unwrap_or_default(),
        };
        let set = match built {
            Built::Memory(sections) => {
                ListSet::from_sections(name, entry.seq, &sections).map_err(storage)?
            }
            Built::Dir(tmp) => {
                let lists_dir = self
                    .lists_dir
                    .as_deref()
                    .ok_or_else(|| UpdateError::Storage("no list directory".into()))?;
                installed.dir = list_dir_name(name, entry.seq, &entry.sha256);
                let target = lists_dir.join(&installed.dir);
                if target.exists() {
                    // Left by an install that crashed before its commit: never the live one,
                    // because the live one has another sequence number or digest.
                    std::fs::remove_dir_all(&target).map_err(io)?;
                }
                std::fs::rename(&tmp, &target).map_err(io)?;
                sync_dir(lists_dir).map_err(storage)?;
                self.step(InstallStep::Renamed)?;
                // Sealed and opened before the commit, so files that cannot be mapped never
                // become the installed list, and every later open checks the same seal.
                let seal = DirSeal::read(&target).map_err(storage)?;
                installed.files = seal.to_text();
                let set =
                    ListSet::open_sealed(&target, name, entry.seq, Some(&seal)).map_err(storage)?;
                // The replaced list becomes the export base of the new one; the commit
                // below makes both current at once.
                if let Some(old) = previous {
                    let tmp = lists_dir.join(format!("tmp-{}-{}", std::process::id(), unique()));
                    export::base::stage(lists_dir, old, &installed.dir, &tmp);
                }
                self.step(InstallStep::ExportBaseStaged)?;
                set
            }
        };
        self.store()
            .commit_update(record, Some(&installed))
            .map_err(storage)?;
        self.step(InstallStep::Committed)?;
        self.lists.install(set);
        self.step(InstallStep::Swapped)?;
        if let (Some(lists_dir), Some(old)) = (&self.lists_dir, previous) {
            if !old.dir.is_empty() && old.dir != installed.dir {
                // Checks still running on the old set keep their mapping (Unix semantics).
                let _ = std::fs::remove_dir_all(lists_dir.join(&old.dir));
                let _ = std::fs::remove_dir_all(export::base::dir_of(lists_dir, &old.dir));
            }
        }
        self.step(InstallStep::OldRemoved)?;
        Ok(())
    }
}

impl Recovered {
    /// The list to decide on, and why the installed one was refused: a refused list is
    /// stood in for by an empty set (the bundled one replaces it when the app loads it).
    pub(crate) fn into_parts(self) -> (Option<ListSet>, Option<Refused>) {
        match self.refused {
            Some(refused) => (
                Some(ListSet::empty().standing_in_for(&refused.name, refused.seq)),
                Some(refused),
            ),
            None => (self.lists, None),
        }
    }
}

/// Whether `installed` (the committed list, if any) is another list than `current`, the
/// one in use: a read-only engine's reload then maps it. A list in use that stands in for
/// a refused one is replaced only by a newer commit.
pub(crate) fn installed_changed(installed: Option<&InstalledList>, current: &ListSet) -> bool {
    let in_use = current
        .stands_in_for()
        .unwrap_or((current.name(), current.version()));
    installed.is_some_and(|i| !i.dir.is_empty() && (i.name.as_str(), i.seq) != in_use)
}

/// What opening found: the committed list, or why it could not be used.
pub(crate) struct Recovered {
    /// The installed list, mapped and checked; `None` when none is installed or it was
    /// refused.
    pub lists: Option<ListSet>,
    /// Why an installed list was refused (a damaged, missing or swapped file), with the
    /// refused list's name and sequence number.
    pub refused: Option<Refused>,
}

/// An installed list that failed its checks.
#[derive(Debug, Clone)]
pub(crate) struct Refused {
    pub name: String,
    pub seq: u64,
    pub why: String,
}

/// Opens the committed list at engine start, and deletes what an interrupted install left
/// behind, but only what is provably abandoned: while another process holds the install
/// lock, nothing is deleted, because its staging directory and its freshly renamed list
/// are live.
pub(crate) fn recover(
    store: &Store,
    lists_dir: &Path,
    list_name: Option<&str>,
) -> crate::Result<Recovered> {
    let cleanup_lock = InstallLock::try_acquire(lists_dir)?;
    if cleanup_lock.is_some() {
        let keep = store.installed_dirs()?;
        if let Ok(entries) = std::fs::read_dir(lists_dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                // An installed list, and the export base that belongs to it.
                let live = name == LOCK_FILE
                    || keep.iter().any(|dir| {
                        (!dir.is_empty() && name == dir.as_str())
                            || export::base::is_base_of(&name, dir)
                    });
                if !live {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    // Without the lock, an install elsewhere may commit a new list and delete the one
    // read here between the read and the open: read again when that happens.
    let attempts = if cleanup_lock.is_some() { 1 } else { 5 };
    map_installed(store, lists_dir, list_name, attempts)
}

/// Maps the installed list named `list_name` without cleaning up or writing anything,
/// as a read-only engine does; the read and the open are retried `attempts` times, as an
/// install in another process may replace the list between them.
pub(crate) fn map_installed(
    store: &Store,
    lists_dir: &Path,
    list_name: Option<&str>,
    attempts: u32,
) -> crate::Result<Recovered> {
    let mut last = None;
    for attempt in 0..attempts {
        let Some(list) = store
            .installed_list(list_name)?
            .filter(|i| !i.dir.is_empty())
        else {
            return Ok(Recovered {
                lists: None,
                refused: None,
            });
        };
        match open_installed(lists_dir, &list) {
            Ok(set) => {
                return Ok(Recovered {
                    lists: Some(set),
                    refused: None,
                })
            }
            Err(why) => {
                last = Some(Refused {
                    name: list.name.clone(),
                    seq: list.seq,
                    why,
                });
                if attempt + 1 < attempts {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            }
        }
    }
    Ok(Recovered {
        lists: None,
        refused: last,
    })
}

#[derive(Default)]
struct MemorySink([SortedEntries; 5]);

impl EntrySink for MemorySink {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.0[section.index()].push(key, value)
    }
}

fn base(current: &ListSet) -> delta::Base<'_> {
    delta::Base {
        counts: current.counts(),
        open: Box::new(move |section| current.cursor(section)),
    }
}

fn check_digest(summary: &ContentSummary, entry: &ListEntry) -> Result<(), WireError> {
    if summary.count != entry.count
        || summary.sha256_hex() != entry.sha256
        || summary.per_section != entry.sections.as_array()
    {
        return Err(WireError::DigestMismatch);
    }
    Ok(())
}

/// A keyed delta applied by its changes gives the signed version when its counts are the
/// signed ones and `H(M) − Σ h(removed) + Σ h(added)` is the signed `H(N)`; every removal
/// was found in the installed list and every addition was absent (checked by the apply).
fn check_changes(
    applied: &delta::Applied,
    from: &LtHash16,
    to: &LtHash16,
    entry: &ListEntry,
) -> Result<(), WireError> {
    if applied.count() != entry.count
        || applied.per_section != entry.sections.as_array()
        || &applied.lthash_from(from) != to
    {
        return Err(WireError::DigestMismatch);
    }
    Ok(())
}

fn fetch(fetcher: &dyn Fetcher, path: &str, max_len: u64) -> Result<Vec<u8>, UpdateError> {
    fetcher
        .fetch(path, max_len)
        .map_err(|error| UpdateError::Fetch {
            path: path.to_owned(),
            error,
        })
}

/// Downloads a blob capped at its signed length and checks its signed hash.
fn fetch_blob(
    fetcher: &dyn Fetcher,
    blob: &BlobRef,
    what: &'static str,
) -> Result<Vec<u8>, UpdateError> {
    let bytes = fetch(fetcher, &blob.path, blob.length)?;
    if bytes.len() as u64 != blob.length || trust::sha256_hex(&bytes) != blob.sha256 {
        return Err(TrustError::Mismatch { what }.into());
    }
    Ok(bytes)
}

#[allow(clippy::too_many_arguments)]
fn report(
    list: String,
    seq: u64,
    manifest_version: u64,
    installed: Option<Via>,
    previous_seq: Option<u64>,
    downloaded_bytes: u64,
    fell_back_to_snapshot: bool,
    clock_behind: bool,
) -> UpdateReport {
    UpdateReport {
        list,
        seq,
        manifest_version,
        installed,
        previous_seq,
        downloaded_bytes,
        fell_back_to_snapshot,
        clock_behind,
        ignored_root: None,
    }
}

/// The directory an install of list `name` at `seq` with content `sha256` writes.
pub(super) fn list_dir_name(name: &str, seq: u64, sha256: &str) -> String {
    format!(
        "{}-{}-{}",
        safe_name(name),
        seq,
        &sha256[..sha256.len().min(12)]
    )
}

fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect()
}

pub(super) fn unique() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

pub(super) fn storage(err: crate::Error) -> UpdateError {
    UpdateError::Storage(err.to_string())
}

pub(super) fn io(err: std::io::Error) -> UpdateError {
    UpdateError::Storage(err.to_string())
}
