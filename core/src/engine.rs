//! The engine handle: one per app, shared by every thread.
//!
//! Reads never wait for writers. Settings with user rules, and the lists (with the SMS
//! index compiled from them), live in two [`ArcSwap`]s: a check loads both snapshots (a
//! few atomic operations), decides, and drops them. A writer changes SQLite under a
//! mutex, then publishes a fresh snapshot.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use serde::Serialize;

use crate::decide::number_rules::Context;
use crate::decide::rule_index::RuleIndex;
use crate::decide::{self, CallInput, SmsInput};
use crate::error::Result;
use crate::export;
use crate::lists::{guard, ListSet};
use crate::region::Region;
use crate::sms::SmsIndex;
use crate::store::{
    Channel, HistoryEntry, InstalledList, Pause, RuleKind, RuleTarget, SettingKey, Settings, Store,
    UpdateLogEntry, UserRule,
};
use crate::update::{
    self, Fetcher, FileMap, ListSlot, Refused, UpdateError, UpdateReport, Updater,
};
use crate::vocabulary::Decision;
use crate::wire::Section;

/// The database file name inside the data directory.
pub const DATABASE_FILE: &str = "callguard.sqlite";
/// The directory of installed lists inside the data directory.
pub const LISTS_DIR: &str = "lists";

/// How to open an engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The home region until the user sets one (the app passes the SIM or locale region).
    pub default_region: Region,
    /// A region that overrides the stored one for this engine only (the CLI's `--region`).
    pub region_override: Option<Region>,
    /// The publisher's root metadata, pinned in the app. Updates are refused without one.
    pub pinned_root: Option<Vec<u8>>,
    /// The list to follow in the manifest; `None` follows the only (or `default`) list.
    pub list_name: Option<String>,
    /// Whether SMS decisions use the list's statistical model, when it has one. On by
    /// default; `callguard eval-sms --without-model` turns it off to measure what the
    /// model adds over the rules alone.
    pub sms_model: bool,
    /// Where the engine reads the time (history, pause, repeated calls, reports,
    /// updates): the system clock unless a test sets another.
    pub clock: crate::time::Clock,
}

impl EngineConfig {
    /// A config with this default region, no override, no pinned root.
    pub fn new(default_region: Region) -> Self {
        EngineConfig {
            default_region,
            region_override: None,
            pinned_root: None,
            list_name: None,
            sms_model: true,
            clock: crate::time::Clock::system(),
        }
    }

    /// Pins the publisher's root (the bytes of its `root.json`).
    pub fn with_pinned_root(mut self, root: Vec<u8>) -> Self {
        self.pinned_root = Some(root);
        self
    }
}

/// Where the list stands: what is installed, how fresh it is, and the last attempt.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateStatus {
    /// The installed signed list, if any.
    pub installed: Option<InstalledList>,
    /// The trusted manifest version.
    pub manifest_version: Option<u64>,
    /// When the trusted manifest expires, Unix seconds.
    pub manifest_expires: Option<u64>,
    /// When an update last succeeded, Unix seconds.
    pub last_success_at: Option<u64>,
    /// Seconds since then.
    pub seconds_since_success: Option<u64>,
    /// No success for two days, or the manifest has expired: the list still protects, but
    /// lacks what was published since.
    pub stale: bool,
    /// The last attempt and what happened.
    pub last_attempt: Option<UpdateLogEntry>,
    /// Why the installed list is not the one in use, when it failed its checks (a file
    /// missing, truncated, swapped or damaged): decisions then use the bundled list (or
    /// none), and the next update reinstalls from the snapshot. The list is also stale.
    pub list_problem: Option<String>,
}

/// What the SMS section of the list in use holds: the `sms_rules` entry count mixes
/// phrase rules, brands and model weights, so this says which is which.
#[derive(Debug, Clone, Serialize)]
pub struct SmsSummary {
    /// Phrase and advisory rules.
    pub phrase_rules: usize,
    /// Brands whose lookalike links are suspicious.
    pub brands: usize,
    /// The statistical model's non-zero weights, if the list has a usable model.
    pub model_weights: Option<usize>,
    /// Whether decisions use that model (`EngineConfig::sms_model`).
    pub model_in_use: bool,
}

/// How long recording a decision waits for the store's mutex; SQLite's own wait is
/// [`crate::store::HISTORY_BUSY_TIMEOUT`].
const RECORD_WAIT: Duration = Duration::from_millis(30);

/// An update older than this makes the list stale.
const STALE_AFTER_SECS: u64 = 2 * 86_400;

/// What `callguard status` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The home region in effect.
    pub home_region: Region,
    /// Name → version of the lists in use.
    pub lists: BTreeMap<String, u64>,
    /// Entries per section of the list in use, by section name.
    pub list_entries: BTreeMap<String, u64>,
    /// What the list's SMS section holds, compiled.
    pub sms: SmsSummary,
    /// User rules.
    pub rules: usize,
    /// Stored history entries.
    pub history_entries: i64,
    /// The database schema version.
    pub schema_version: i64,
    /// Where the database lives; `None` in memory.
    pub database: Option<PathBuf>,
    /// Signed-list updates.
    pub update: UpdateStatus,
    /// Protection is paused by the user, until a time or until resumed; `None` when on.
    pub paused: Option<Pause>,
    /// Stored rules, settings and history entries this build could not read: skipped
    /// (a setting keeps its default), never fatal. Non-zero means a damaged database or
    /// one written by a different build.
    pub unreadable_rows: u64,
    /// Decisions this engine made but could not record in the history (database locked
    /// or read-only) since it opened. The decisions themselves were returned.
    pub history_dropped: u64,
}

struct Snapshot {
    settings: Settings,
    rules: RuleIndex,
    /// Stored rules and settings that could not be read.
    unreadable: usize,
    /// The user's pause, whether or not its time has passed.
    pause: Option<Pause>,
}

/// The list set in use and the SMS index compiled from it, swapped as one, so a check
/// never pairs one list with another list's index.
struct InUse {
    lists: Arc<ListSet>,
    /// The SMS section compiled (phrase rules, brands, model), read from the list's SMS
    /// index file or compiled by the first SMS check on this set: a process that only
    /// screens calls never pays for it. Reading it once built is an atomic load.
    sms: OnceLock<SmsIndex>,
}

impl InUse {
    fn new(lists: Arc<ListSet>) -> Arc<InUse> {
        Arc::new(InUse {
            lists,
            sms: OnceLock::new(),
        })
    }

    /// The SMS index, read from the list's index file or compiled; with `repair` (a
    /// writable engine), a missing or damaged index file is written anew.
    fn sms_index(&self, repair: bool) -> &SmsIndex {
        self.sms.get_or_init(|| {
            let sms = self.lists.section_bytes(Section::SmsRules);
            SmsIndex::for_section(sms, self.lists.dir(), repair).0
        })
    }
}

impl ListSlot for ArcSwap<InUse> {
    fn current(&self) -> Arc<ListSet> {
        self.load().lists.clone()
    }

    fn install(&self, lists: ListSet) {
        self.store(InUse::new(Arc::new(lists)));
    }
}

/// The Callguard engine. `Send + Sync`; share it behind an `Arc`.
pub struct Engine {
    store: Mutex<Store>,
    snapshot: ArcSwap<Snapshot>,
    lists: ArcSwap<InUse>,
    config: EngineConfig,
    database: Option<PathBuf>,
    lists_dir: Option<PathBuf>,
    update_lock: Mutex<()>,
    #[cfg(feature = "testing")]
    crash_after: Mutex<Option<update::InstallStep>>,
    /// The installed list that failed its checks, while it is not reinstalled.
    refused: Mutex<Option<Refused>>,
    /// The bundled list verified by [`Engine::load_bundled`]: what decides while no
    /// usable signed list is installed.
    fallback: Mutex<Option<Arc<ListSet>>>,
    /// SIGBUS faults on list files already handled by this engine.
    faults_seen: AtomicU64,
    history_dropped: AtomicU64,
    /// Opened by [`Engine::open_read_only`]: every write is refused.
    read_only: bool,
    /// The Call Directory export's choices under the cap, kept across a load's pages.
    export_selections: export::SelectionCache,
}

impl Engine {
    /// Opens the engine with its database in `data_dir`, creating both if needed.
    pub fn open(data_dir: &Path, config: EngineConfig) -> Result<Engine> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let store = Store::open(&path).map_err(|err| unwritable(data_dir).unwrap_or(err))?;
        let lists_dir = data_dir.join(LISTS_DIR);
        std::fs::create_dir_all(&lists_dir)
            .map_err(|err| unwritable(data_dir).unwrap_or(err.into()))?;
        // Finish or undo an install that a crash interrupted, then map the committed list
        // if its files are still the ones that were installed.
        let recovered = update::recover(&store, &lists_dir, config.list_name.as_deref())?;
        let (lists, refused) = recovered.into_parts();
        let engine = Engine::with_store(store, config, Some(path), Some(lists_dir), lists)?;
        *lock(&engine.refused) = refused;
        Ok(engine)
    }

    /// Opens the app's engine files in `data_dir` for reading only: for an app
    /// extension or a cold receiver that decides while the app owns the directory. It
    /// creates, cleans up, migrates, locks and records nothing (see
    /// [`Store::open_read_only`] for SQLite's `-wal`/`-shm` files): decisions work and
    /// record no history (and report no dropped record), and every write (settings,
    /// rules, pause, reports, updates) fails with [`crate::Error::ReadOnly`].
    /// `install_bundled` decides on the bundle from memory. It reads the app's state as
    /// of now; [`reload`](Self::reload) reads it again (a reused extension process calls
    /// it before each decision, or opens anew).
    pub fn open_read_only(data_dir: &Path, config: EngineConfig) -> Result<Engine> {
        let path = data_dir.join(DATABASE_FILE);
        let store = Store::open_read_only(&path)?;
        let lists_dir = data_dir.join(LISTS_DIR);
        let name = config.list_name.as_deref();
        let (lists, refused) = update::map_installed(&store, &lists_dir, name, 5)?.into_parts();
        let mut engine = Engine::with_store(store, config, Some(path), Some(lists_dir), lists)?;
        engine.read_only = true;
        *lock(&engine.refused) = refused;
        Ok(engine)
    }

    /// Reads the settings, rules and pause from the database again, and maps the
    /// installed list again when another one was committed since: what a read-only
    /// engine needs to see the app's later changes (the app's own engine sees its writes
    /// at once). Cheap: a few small queries, and a list mapped only when it changed.
    pub fn reload(&self) -> Result<()> {
        let store = self.store();
        self.publish(&store)?;
        let Some(lists_dir) = self.lists_dir.as_deref() else {
            return Ok(());
        };
        let name = self.config.list_name.as_deref();
        let current = self.lists.current();
        if !update::installed_changed(store.installed_list(name)?.as_ref(), &current) {
            return Ok(());
        }
        let (lists, refused) = update::map_installed(&store, lists_dir, name, 5)?.into_parts();
        *lock(&self.refused) = refused;
        self.lists.install(lists.unwrap_or_else(ListSet::empty));
        Ok(())
    }

    /// Whether the list in use is the committed one, mapped (not the bundled list
    /// standing in for it): then nothing installed is refused, whichever process
    /// installed it.
    fn uses_installed(&self) -> bool {
        let current = self.lists.current();
        let Ok(installed) = self
            .store()
            .installed_list(self.config.list_name.as_deref())
        else {
            return false;
        };
        installed.as_ref().is_some_and(|i| !i.dir.is_empty())
            && current.stands_in_for().is_none()
            && !update::installed_changed(installed.as_ref(), &current)
    }

    /// Fails with [`crate::Error::ReadOnly`] on an engine opened read-only.
    fn writable(&self, what: &'static str) -> Result<()> {
        if self.read_only {
            return Err(crate::Error::ReadOnly(what));
        }
        Ok(())
    }

    /// An engine whose state lives only in memory.
    pub fn open_in_memory(config: EngineConfig) -> Result<Engine> {
        Engine::with_store(Store::open_in_memory()?, config, None, None, None)
    }

    fn with_store(
        store: Store,
        config: EngineConfig,
        database: Option<PathBuf>,
        lists_dir: Option<PathBuf>,
        lists: Option<ListSet>,
    ) -> Result<Engine> {
        let snapshot = load_snapshot(&store, &config)?;
        Ok(Engine {
            store: Mutex::new(store),
            snapshot: ArcSwap::from_pointee(snapshot),
            lists: ArcSwap::new(InUse::new(Arc::new(lists.unwrap_or_else(ListSet::empty)))),
            config,
            database,
            lists_dir,
            update_lock: Mutex::new(()),
            #[cfg(feature = "testing")]
            crash_after: Mutex::new(None),
            refused: Mutex::new(None),
            fallback: Mutex::new(None),
            faults_seen: AtomicU64::new(guard::faults()),
            history_dropped: AtomicU64::new(0),
            read_only: false,
            export_selections: export::SelectionCache::default(),
        })
    }

    /// Whether a usable signed list is installed: one is committed and its files passed
    /// their checks. Otherwise the app (and the CLI) decides on its bundled list.
    pub fn has_installed_list(&self) -> Result<bool> {
        if lock(&self.refused).is_some() {
            return Ok(false);
        }
        Ok(self
            .store()
            .installed_list(self.config.list_name.as_deref())?
            .is_some())
    }

    /// Recomputes the checksums of every file of the list in use, reading it whole. The
    /// seal checked at open catches missing, truncated and swapped files; this also
    /// catches a flipped byte. A list that fails is dropped for the bundled one, `status`
    /// says why, and the next update reinstalls it. Returns whether the list was intact.
    /// Apps call it from their update job; `status` calls it too.
    pub fn verify_lists(&self) -> Result<bool> {
        let current = self.lists.load_full();
        if current.lists.stands_in_for().is_some() {
            return Ok(false);
        }
        match current.lists.verify() {
            Ok(()) => Ok(true),
            Err(err) => {
                self.refuse_lists(&current, err.to_string());
                Ok(false)
            }
        }
    }

    /// Stops using `current` (an installed list found damaged) for the bundled list, or
    /// for no list, and records why.
    fn refuse_lists(&self, current: &Arc<InUse>, why: String) {
        let name = current.lists.name().to_owned();
        let seq = current.lists.version();
        let replacement = lock(&self.fallback)
            .as_ref()
            .and_then(|f| f.try_clone_owned())
            .unwrap_or_else(ListSet::empty)
            .standing_in_for(&name, seq);
        *lock(&self.refused) = Some(Refused { name, seq, why });
        let replacement = InUse::new(Arc::new(replacement));
        // Only if nothing replaced it meanwhile (an update that just installed).
        self.lists.compare_and_swap(current, replacement);
    }

    /// Updates from a site on the network (feature `net`): plain GETs of static paths.
    #[cfg(feature = "net")]
    pub fn update(&self, base_url: &str) -> Result<UpdateReport> {
        self.update_over_http(base_url, update::HttpLimits::default())
    }

    /// [`update`](Self::update) held to `limit` for its downloads in all: for background
    /// tasks with a deadline (an iOS `BGAppRefreshTask` has about 30 s; pass less). When
    /// it passes, the update fails with a timeout and the list in use stays; the install
    /// that follows the last download is not cut short, as stopping it would gain nothing.
    #[cfg(feature = "net")]
    pub fn update_within(
        &self,
        base_url: &str,
        limit: std::time::Duration,
    ) -> Result<UpdateReport> {
        self.update_over_http(base_url, update::HttpLimits::within(limit))
    }

    #[cfg(feature = "net")]
    fn update_over_http(&self, base_url: &str, limits: update::HttpLimits) -> Result<UpdateReport> {
        let fetcher = update::HttpFetcher::with_limits(base_url, limits).map_err(|error| {
            UpdateError::Fetch {
                path: String::new(),
                error,
            }
        })?;
        self.update_with(&fetcher)
    }

    /// Installs from files the app downloaded itself (e.g. an iOS background session):
    /// everything but the network, with the same checks.
    pub fn install_update(&self, files: &FileMap) -> Result<UpdateReport> {
        self.update_with(files)
    }

    /// Installs a list bundled with the app, so it protects before its first download.
    /// Signatures and digests are checked; expiry is not, because the bundle's age is
    /// known when the app ships. Nothing happens if a list is already installed.
    pub fn install_bundled(&self, files: &FileMap) -> Result<Option<UpdateReport>> {
        if self.has_installed_list()? {
            return Ok(None);
        }
        if self.read_only || lock(&self.refused).is_some() {
            // A read-only engine installs nothing; and when the installed list is
            // damaged, installing an older bundle over a newer trusted state would be a
            // rollback. Either way, decide on the bundle in memory until the next update
            // (by the app) installs a list.
            let root = self.config.pinned_root.clone().ok_or(UpdateError::NoRoot)?;
            self.load_bundled(files, &root)?;
            return Ok(None);
        }
        self.run_update(files, false, self.config.clock.now_secs())
            .map(Some)
    }

    /// Decides on a bundled list without installing it: the same signature and digest
    /// checks as an update (expiry aside, the bundle's age being known), run against a
    /// throwaway in-memory state, so the data directory's trust state is untouched. The
    /// CLI does this with its embedded demo list while no signed list is installed.
    pub fn load_bundled(&self, files: &FileMap, root: &[u8]) -> Result<()> {
        let scratch_store = Mutex::new(Store::open_in_memory()?);
        let scratch_lists = ArcSwap::new(InUse::new(Arc::new(ListSet::empty())));
        let updater = Updater {
            store: &scratch_store,
            lists: &scratch_lists,
            lists_dir: None,
            pinned_root: Some(root),
            list_name: self.config.list_name.as_deref(),
            #[cfg(feature = "testing")]
            crash_after: None,
            now: self.config.clock.now_secs(),
            check_expiry: false,
        };
        updater.run(files)?;
        let bundled = scratch_lists.current();
        *lock(&self.fallback) = Some(bundled.clone());
        let in_use = match lock(&self.refused).as_ref() {
            Some(refused) => bundled
                .try_clone_owned()
                .map(|set| Arc::new(set.standing_in_for(&refused.name, refused.seq)))
                .unwrap_or(bundled),
            None => bundled,
        };
        self.lists.store(InUse::new(in_use));
        Ok(())
    }

    /// One update from any [`Fetcher`]. Failures leave the last verified list in use and
    /// are recorded for [`status`](Self::status).
    pub fn update_with(&self, fetcher: &dyn Fetcher) -> Result<UpdateReport> {
        self.run_update(fetcher, true, self.config.clock.now_secs())
    }

    /// [`update_with`](Self::update_with) as if the device clock read `now` (Unix
    /// seconds): for tests of expiry and of a clock stepped backwards (the `testing`
    /// feature only).
    #[cfg(feature = "testing")]
    pub fn update_with_clock(&self, fetcher: &dyn Fetcher, now: u64) -> Result<UpdateReport> {
        self.run_update(fetcher, true, now)
    }

    fn run_update(
        &self,
        fetcher: &dyn Fetcher,
        check_expiry: bool,
        now: u64,
    ) -> Result<UpdateReport> {
        self.writable("an update")?;
        let _one_at_a_time = self.update_lock.lock().unwrap_or_else(|p| p.into_inner());
        let result = self.updater(now, check_expiry).run(fetcher);
        if matches!(&result, Ok(report) if report.installed.is_some()) || self.uses_installed() {
            *lock(&self.refused) = None;
        }
        let message = match &result {
            Ok(report) => {
                let done = match report.installed {
                    Some(_) => format!("installed {} seq {}", report.list, report.seq),
                    None => format!("{} seq {} is current", report.list, report.seq),
                };
                match &report.ignored_root {
                    Some(why) => format!("{done}; {why}"),
                    None => done,
                }
            }
            Err(err) => err.to_string(),
        };
        #[cfg(feature = "testing")]
        let simulated = matches!(result, Err(UpdateError::SimulatedCrash(_)));
        #[cfg(not(feature = "testing"))]
        let simulated = false;
        if !simulated {
            self.store().log_update(now, result.is_ok(), &message)?;
        }
        Ok(result?)
    }

    /// Folds the installed list's numbers overlay into a new base, so that lookups probe
    /// one FST again and the next update's overlay starts small. An update writes a delta
    /// as an overlay (work in proportion to the change) and compacts by itself only once
    /// the overlay passes a quarter of the base; apps call this from a background job
    /// (iOS `BGProcessingTask`, Android `WorkManager`), off the call path. It rewrites the
    /// whole list (seconds at 10M numbers), crash-safe like an install, and checks that
    /// the rewritten content has the installed digest. Returns whether it compacted
    /// (`false`: no overlay, or no list on disk).
    pub fn compact_lists(&self) -> Result<bool> {
        self.writable("compacting the lists")?;
        let _one_at_a_time = self.update_lock.lock().unwrap_or_else(|p| p.into_inner());
        Ok(self.updater(self.config.clock.now_secs(), true).compact()?)
    }

    /// The install machinery over this engine's store, lists and configuration, for an
    /// update or a compaction (the caller holds `update_lock`).
    fn updater(&self, now: u64, check_expiry: bool) -> Updater<'_> {
        Updater {
            store: &self.store,
            lists: &self.lists,
            lists_dir: self.lists_dir.clone(),
            pinned_root: self.config.pinned_root.as_deref(),
            list_name: self.config.list_name.as_deref(),
            #[cfg(feature = "testing")]
            crash_after: *self.crash_after.lock().unwrap_or_else(|p| p.into_inner()),
            now,
            check_expiry,
        }
    }

    /// Stops the next installs right after `step`, as a crash there would (the `testing`
    /// feature only).
    #[cfg(feature = "testing")]
    pub fn simulate_crash_after(&self, step: Option<update::InstallStep>) {
        *self.crash_after.lock().unwrap_or_else(|p| p.into_inner()) = step;
    }

    /// Swaps in a new list set; checks already running finish on the old one.
    pub fn replace_lists(&self, lists: ListSet) {
        self.lists.install(lists);
    }

    /// The list set in use.
    pub fn lists(&self) -> Arc<ListSet> {
        self.lists.current()
    }

    /// The export version of the list and rules in use: what an iOS Call Directory
    /// extension that has loaded everything remembers, to ask
    /// [`export_changes`](Self::export_changes) next time.
    pub fn export_version(&self) -> String {
        self.with_export(|lists, rules, selection| {
            export::version(lists.name(), lists.version(), rules, selection)
        })
    }

    /// How much of the list the Call Directory export holds under the cap
    /// ([`Settings::call_directory_cap`]), and how many entries it leaves out: what the
    /// app's status screen shows. The first export call on a list counts its entries once.
    pub fn export_summary(&self) -> export::ExportSummary {
        let snapshot = self.snapshot.load();
        let rules = self.export_rules(&snapshot);
        let lists = self.lists.current();
        let selection = self.export_selections.counted(&lists, &rules);
        export::summary(&lists, &rules, &selection)
    }

    /// One page of the Call Directory full load: entries with numbers strictly greater
    /// than `after` (`None`, or a negative number, to start), ascending, at most `limit`
    /// (capped at [`export::MAX_PAGE`]). Continue with `next_after` until it is `None`.
    /// Past the cap the least certain entries are left out ([`export_summary`](Self::export_summary)).
    pub fn export_page(&self, after: Option<i64>, limit: u32) -> Result<export::ExportPage> {
        self.with_export(|lists, rules, selection| {
            export::page(lists, rules, selection, after, limit)
        })
    }

    /// One page of the changes since export version `since`: none when it is the current
    /// version, the additions and removals when it is the installed list's predecessor
    /// under the same rules and cap (its export base, kept by the install), and
    /// `full_reload` otherwise (an older or unknown version, other rules, a list in
    /// memory, a base that fails its checks). Under a cap, the changes lead from what the
    /// cap kept of the base to what it keeps of the list in use.
    pub fn export_changes(
        &self,
        since: &str,
        after: Option<i64>,
        limit: u32,
    ) -> Result<export::ExportChanges> {
        self.with_export(|lists, rules, selection| {
            let current = export::Selected { lists, selection };
            if since == export::version(lists.name(), lists.version(), rules, selection) {
                return export::nothing_to_do(current, rules, limit);
            }
            let Some((name, seq, base)) = self.export_base(lists) else {
                return export::full_reload(current, rules, limit);
            };
            let base_selection = self.export_selections.get(&base, rules);
            if export::version(&name, seq, rules, &base_selection) != since {
                return export::full_reload(current, rules, limit);
            }
            let base = export::Selected {
                lists: &base,
                selection: &base_selection,
            };
            export::changes(base, current, rules, after, limit)
        })
    }

    /// Runs `export` on the list in use, the rules the export applies and the entries the
    /// cap keeps of it (chosen once per list, rules and cap).
    fn with_export<T>(
        &self,
        export: impl FnOnce(&ListSet, &export::RuleView<'_>, &export::Selection) -> T,
    ) -> T {
        let snapshot = self.snapshot.load();
        let rules = self.export_rules(&snapshot);
        let lists = self.lists.current();
        let selection = self.export_selections.get(&lists, &rules);
        export(&lists, &rules, &selection)
    }

    /// What the user's rules, the pause (by the engine's clock) and the cap do to the
    /// export.
    fn export_rules<'a>(&self, snapshot: &'a Snapshot) -> export::RuleView<'a> {
        export::RuleView::new(&snapshot.rules, snapshot.settings.home_region)
            .paused(
                snapshot
                    .pause
                    .is_some_and(|p| p.in_effect(self.config.clock.now_secs())),
            )
            .capped(snapshot.settings.call_directory_cap)
    }

    /// The export base of the list in use, when that list is the installed one.
    fn export_base(&self, current: &ListSet) -> Option<(String, u64, ListSet)> {
        let lists_dir = self.lists_dir.as_deref()?;
        if current.stands_in_for().is_some() || current.is_damaged() {
            return None;
        }
        let installed = self
            .store()
            .installed_list(self.config.list_name.as_deref())
            .ok()??;
        if installed.name != current.name() || installed.seq != current.version() {
            return None;
        }
        export::base::open(lists_dir, &installed)
    }

    /// Decides a call. Pure: records nothing (see [`screen_call`](Self::screen_call)).
    pub fn check_call(&self, input: &CallInput) -> Result<Decision> {
        self.decide(|cx, _| decide::check_call(cx, input))
    }

    /// Decides an SMS. Pure: records nothing (a writable engine may write the list's SMS
    /// index file, derived data, when it found it missing or damaged).
    pub fn check_sms(&self, input: &SmsInput) -> Result<Decision> {
        self.decide(|cx, in_use| decide::check_sms(cx, in_use.sms_index(!self.read_only), input))
    }

    /// Runs one decision on the current snapshots. If a list file was truncated under
    /// it (the SIGBUS guard absorbed a fault, so the list read zeros), the damaged list
    /// is dropped for the bundled one and the decision is made again.
    fn decide<T>(&self, run: impl Fn(&Context<'_>, &InUse) -> Result<T>) -> Result<T> {
        let snapshot = self.snapshot.load();
        let window_ms = u64::from(snapshot.settings.repeated_calls_minutes) * 60_000;
        // The clock is read only for what needs it (a pause, the repeated-calls window):
        // most decisions have neither.
        let now_ms = if window_ms > 0 || snapshot.pause.is_some() {
            self.config.clock.now_ms()
        } else {
            0
        };
        let called_recently = |key: &str| self.called_within(key, now_ms, window_ms);
        let called: Option<&dyn Fn(&str) -> bool> =
            (window_ms > 0).then_some(&called_recently as &dyn Fn(&str) -> bool);
        let paused = snapshot
            .pause
            .is_some_and(|pause| pause.in_effect(now_ms / 1000));
        let context_for = |lists| context(&snapshot, lists, &self.config, paused, called);
        let in_use = self.lists.load_full();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            run(&context_for(&in_use.lists), &in_use)
        }));
        let faults = guard::faults();
        if faults == self.faults_seen.load(Ordering::Acquire) || !in_use.lists.is_damaged() {
            self.faults_seen.store(faults, Ordering::Release);
            return outcome.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        self.faults_seen.store(faults, Ordering::Release);
        self.refuse_lists(&in_use, "a list file was truncated while in use".into());
        let in_use = self.lists.load_full();
        run(&context_for(&in_use.lists), &in_use)
    }

    /// Whether the caller with these E.164 digits called within `window_ms` before
    /// `now_ms`, by the history. Waits for the store no longer than a history write
    /// does: when it cannot tell in time, the call is not a repeated one.
    fn called_within(&self, key: &str, now_ms: u64, window_ms: u64) -> bool {
        let Some(store) = self.store_within(RECORD_WAIT) else {
            return false;
        };
        let last = store.last_call_at(&format!("+{key}")).ok().flatten();
        last.and_then(|at| u64::try_from(at).ok())
            .is_some_and(|at| at <= now_ms && now_ms - at <= window_ms)
    }

    /// Pauses protection until `until` (Unix seconds), or until [`resume`](Self::resume)
    /// when `None`. Every decision meanwhile allows, with the `paused` reason first;
    /// protection resumes by itself when the time passes.
    pub fn pause(&self, until: Option<u64>) -> Result<Option<Pause>> {
        self.writable("pausing")?;
        let pause = match until {
            None => Pause::UntilResumed,
            Some(until) if until > self.config.clock.now_secs() => Pause::Until(until),
            Some(_) => {
                return Err(crate::Error::InvalidInput(
                    "a pause must end in the future".into(),
                ))
            }
        };
        let store = self.store();
        store.set_pause(Some(pause))?;
        self.publish(&store)?;
        Ok(Some(pause))
    }

    /// Ends a pause now.
    pub fn resume(&self) -> Result<()> {
        self.writable("resuming")?;
        let store = self.store();
        store.set_pause(None)?;
        self.publish(&store)
    }

    /// The pause in effect now, if any (a pause whose time has passed is none).
    pub fn pause_state(&self) -> Option<Pause> {
        let now = self.config.clock.now_secs();
        self.snapshot.load().pause.filter(|p| p.in_effect(now))
    }

    /// Decides a call and records it in the history, as the apps do.
    pub fn screen_call(&self, input: &CallInput) -> Result<Decision> {
        let (decision, number) = self.decide(|cx, _| decide::check_call_with_number(cx, input))?;
        let subject = number.map_or_else(|| "hidden".to_owned(), |n| n.e164().to_owned());
        self.record(Channel::Call, &subject, &decision);
        Ok(decision)
    }

    /// Decides an SMS and records the sender and decision (never the text).
    pub fn screen_sms(&self, input: &SmsInput) -> Result<Decision> {
        let decision = self.check_sms(input)?;
        let subject: String = input
            .sender
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        self.record(Channel::Sms, &subject, &decision);
        Ok(decision)
    }

    /// Records a decision already made, best effort: it waits briefly for the store and
    /// for SQLite's lock, and a record that cannot be written is dropped and counted
    /// ([`Status::history_dropped`]), so a locked or read-only database never delays
    /// or fails a decision.
    fn record(&self, channel: Channel, subject: &str, decision: &Decision) {
        if self.read_only {
            return;
        }
        let retention = self.snapshot.load().settings.history_retention_days;
        let written = self.store_within(RECORD_WAIT).is_some_and(|mut store| {
            store
                .add_history_at(
                    i64::try_from(self.config.clock.now_ms()).unwrap_or(i64::MAX),
                    channel,
                    subject,
                    decision,
                    retention,
                )
                .is_ok()
        });
        if !written {
            self.history_dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The store, if no one holds it for longer than `wait` (an update may hold it for
    /// seconds while it installs a list).
    fn store_within(&self, wait: Duration) -> Option<MutexGuard<'_, Store>> {
        let started = Instant::now();
        loop {
            match self.store.try_lock() {
                Ok(store) => return Some(store),
                Err(TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err(TryLockError::WouldBlock) => return None,
            }
        }
    }

    /// The settings in effect.
    pub fn settings(&self) -> Settings {
        self.snapshot.load().settings.clone()
    }

    /// Validates and stores one setting, then publishes it to readers.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<Settings> {
        self.writable("a settings change")?;
        let store = self.store();
        let (mut check, _unreadable) = store.load_settings(self.config.default_region)?;
        check.set(key, value)?;
        let canonical = check.get(key).unwrap_or_default();
        store.save_setting(key, &canonical)?;
        self.publish(&store)?;
        Ok(self.settings())
    }

    /// Replaces the settings with `settings`, typed as the apps hold them: checks them
    /// (see [`Settings::validate`]), stores the ones that changed in one transaction and
    /// publishes them to readers. On error nothing changes. Returns the settings in effect.
    pub fn update_settings(&self, settings: &Settings) -> Result<Settings> {
        self.writable("a settings change")?;
        settings.validate()?;
        let mut store = self.store();
        // Compared with the settings in effect (readers see them published under this
        // lock), so a region override that was not changed is not stored.
        let current = self.settings();
        let changed: Vec<(SettingKey, String)> = settings
            .changed_keys(&current)
            .into_iter()
            .map(|key| (key, settings.text(key)))
            .collect();
        store.save_settings(&changed)?;
        self.publish(&store)?;
        Ok(self.settings())
    }

    /// The user's rules, oldest first.
    pub fn rules(&self) -> Vec<UserRule> {
        self.snapshot.load().rules.rules().to_vec()
    }

    /// Adds an allow or block rule from its text form (see [`RuleTarget::parse`]).
    pub fn add_rule(&self, kind: RuleKind, target: &str) -> Result<UserRule> {
        self.writable("a rule change")?;
        let target = RuleTarget::parse(target, self.snapshot.load().settings.home_region)?;
        let store = self.store();
        let rule = store.add_rule(kind, &target, self.config.clock.now_secs())?;
        self.publish(&store)?;
        Ok(rule)
    }

    /// Removes the rules for a target, of one kind or both; returns how many. The form
    /// `rules list` prints is matched exactly first; otherwise the text is parsed as
    /// [`add_rule`](Self::add_rule) parses it.
    pub fn remove_rule(&self, kind: Option<RuleKind>, target: &str) -> Result<usize> {
        self.writable("a rule change")?;
        let text = target.trim();
        let snapshot = self.snapshot.load();
        let printed = RuleTarget::from_canonical(text).filter(|t| {
            snapshot
                .rules
                .rules()
                .iter()
                .any(|r| &r.target == t && kind.is_none_or(|k| k == r.kind))
        });
        let target = match printed {
            Some(target) => target,
            None => RuleTarget::parse(text, snapshot.settings.home_region)?,
        };
        let store = self.store();
        let removed = store.remove_rule(kind, &target)?;
        self.publish(&store)?;
        Ok(removed)
    }

    /// The newest `limit` history entries.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        self.store().history(limit)
    }

    /// Deletes the history.
    pub fn clear_history(&self) -> Result<usize> {
        self.writable("clearing the history")?;
        self.store().clear_history()
    }

    /// Keeps a report of a number or an SMS sender the user marks as fraud, on the phone
    /// only: nothing is sent. A number in any form is read in the home region; text with
    /// letters is a sender name. The note is the user's, kept to one short line.
    pub fn report(
        &self,
        number_or_sender: &str,
        category: crate::Category,
        note: &str,
    ) -> Result<crate::store::Report> {
        self.writable("a report")?;
        let subject = report_subject(number_or_sender, self.snapshot.load().settings.home_region)?;
        self.store()
            .add_report(self.config.clock.now_secs(), &subject, category, note)
    }

    /// The reports kept, oldest first (a row this build cannot read is skipped).
    pub fn reports(&self) -> Result<Vec<crate::store::Report>> {
        Ok(self.store().reports()?.0)
    }

    /// The reports in the publisher's `numbers.csv` source format, for the app to hand
    /// to the share sheet: `signed-lists build` reads it as `reports*.csv`.
    pub fn export_reports(&self) -> Result<Vec<u8>> {
        Ok(crate::store::export_csv(&self.store().reports()?.0))
    }

    /// Deletes every report (after the user shared them, or changed their mind).
    pub fn clear_reports(&self) -> Result<usize> {
        self.writable("clearing the reports")?;
        self.store().clear_reports()
    }

    /// A summary for `callguard status` and the apps' settings screens. It checks the
    /// list in use in full first ([`verify_lists`](Self::verify_lists)).
    pub fn status(&self) -> Result<Status> {
        self.verify_lists()?;
        let snapshot = self.snapshot.load();
        let in_use = self.lists.load_full();
        let lists = &in_use.lists;
        let store = self.store();
        let list_entries = Section::ALL
            .iter()
            .map(|s| (s.name().to_owned(), lists.len(*s) as u64))
            .collect();
        let index = in_use.sms_index(!self.read_only);
        let model_weights = index.model.as_ref().map(|m| m.nonzero_weights());
        let sms = SmsSummary {
            phrase_rules: index.phrases.len(),
            brands: index.brands.len(),
            model_weights,
            model_in_use: model_weights.is_some() && self.config.sms_model,
        };
        Ok(Status {
            home_region: snapshot.settings.home_region,
            lists: crate::lists::versions(lists),
            list_entries,
            sms,
            rules: snapshot.rules.rules().len(),
            history_entries: store.history_count()?,
            schema_version: store.schema_version()?,
            database: self.database.clone(),
            update: update_status(
                &store,
                self.config.clock.now_secs(),
                self.config.list_name.as_deref(),
                lock(&self.refused).as_ref(),
                lists.stands_in_for().is_some() && lists.version() > 0,
            )?,
            paused: snapshot
                .pause
                .filter(|p| p.in_effect(self.config.clock.now_secs())),
            unreadable_rows: (snapshot.unreadable + store.unreadable_history()?) as u64,
            history_dropped: self.history_dropped.load(Ordering::Relaxed),
        })
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // SQLite transactions keep the database whole even if a holder panicked, so a
        // poisoned lock is safe to take over.
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn publish(&self, store: &Store) -> Result<()> {
        self.snapshot
            .store(Arc::new(load_snapshot(store, &self.config)?));
        Ok(())
    }
}

fn update_status(
    store: &Store,
    now: u64,
    list_name: Option<&str>,
    refused: Option<&Refused>,
    bundled_in_use: bool,
) -> Result<UpdateStatus> {
    let record = store.trust_record()?;
    let now = now.max(record.latest_known_time.unwrap_or(0));
    let seconds_since_success = record.last_success_at.map(|t| now.saturating_sub(t));
    let expired = record.manifest_expires.is_some_and(|e| e <= now);
    Ok(UpdateStatus {
        installed: store.installed_list(list_name)?,
        manifest_version: record.manifest_version,
        manifest_expires: record.manifest_expires,
        last_success_at: record.last_success_at,
        seconds_since_success,
        stale: refused.is_some()
            || expired
            || seconds_since_success.is_some_and(|s| s > STALE_AFTER_SECS),
        last_attempt: store.update_log(1)?.into_iter().next(),
        list_problem: refused.map(|r| {
            format!(
                "the installed list {} seq {} was refused: {}; {} until the next update reinstalls it",
                r.name,
                r.seq,
                r.why,
                if bundled_in_use {
                    "deciding on the bundled list"
                } else {
                    "no list is in use"
                }
            )
        }),
    })
}

/// The clear error for a data directory that cannot be written (a read-only mount, an
/// immutable directory), when that is why opening failed: SQLite alone says only
/// "unable to open database file". `None` when the directory takes a new file, so the
/// original error stands. The probe file is removed at once.
fn unwritable(data_dir: &Path) -> Option<crate::Error> {
    let probe = data_dir.join(".callguard-write-probe");
    match std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(err) => Some(crate::Error::Storage(format!(
            "the data directory cannot be written ({err}): the engine needs it writable; nothing in it was changed"
        ))),
    }
}

/// Takes a mutex whose holder may have panicked: the values behind these are replaced
/// whole, never left half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a report names: a sender name when the text has letters, else a number read in
/// `home`. Errors never repeat the text.
fn report_subject(text: &str, home: Region) -> Result<crate::store::ReportSubject> {
    use crate::store::ReportSubject;
    let text = text.trim();
    if text.chars().any(char::is_alphabetic) {
        let name: String = text.chars().filter(|c| !c.is_control()).take(64).collect();
        if name.trim().is_empty() {
            return Err(crate::Error::InvalidInput("the sender is empty".into()));
        }
        return Ok(ReportSubject::Sender(name.trim().to_owned()));
    }
    let number = crate::number::parse(text, home)?;
    Ok(ReportSubject::Number(number.key().to_owned()))
}

/// What the user's rules do to the export, from the decisions' own rule index.
/// While protection is paused (at `now`, the engine's clock) the export is empty.
fn load_snapshot(store: &Store, config: &EngineConfig) -> Result<Snapshot> {
    let (mut settings, bad_settings) = store.load_settings(config.default_region)?;
    if let Some(region) = config.region_override {
        settings.home_region = region;
    }
    let (rules, bad_rules) = store.rules()?;
    Ok(Snapshot {
        settings,
        rules: RuleIndex::new(rules),
        unreadable: bad_settings + bad_rules,
        pause: store.pause()?,
    })
}

fn context<'a>(
    snapshot: &'a Snapshot,
    lists: &'a ListSet,
    config: &EngineConfig,
    paused: bool,
    called_recently: Option<&'a dyn Fn(&str) -> bool>,
) -> Context<'a> {
    Context {
        settings: &snapshot.settings,
        rules: &snapshot.rules,
        lists,
        use_sms_model: config.sms_model,
        paused,
        called_recently,
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("database", &self.database)
            .field("lists", &self.lists.load().lists)
            .finish()
    }
}
