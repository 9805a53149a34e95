//! The `Engine` object: one per app, shared by every thread.
//!
//! Kotlin sees `org.callguard.Engine` (`AutoCloseable`; keep one for the app's life, or
//! `close()` it), Swift sees `Callguard.Engine` (freed by ARC). Every method is
//! synchronous and runs on the calling thread: checks are local lookups that take
//! microseconds, so `CallScreeningService` can answer in time; `update` does network I/O
//! and belongs on a background job.

use std::path::PathBuf;
use std::sync::Arc;

use callguard_core as core;

use crate::convert::{file_map, setting_entries};
use crate::error::{CallguardError, Result};
use crate::types::*;

/// The Callguard engine behind the bindings.
#[derive(uniffi::Object)]
pub struct Engine {
    core: core::Engine,
    data_dir: Option<PathBuf>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

fn region(code: &str) -> Result<core::Region> {
    Ok(code
        .trim()
        .parse::<core::Region>()
        .map_err(core::Error::from)?)
}

/// The data directory and config of `open` and `open_read_only`.
fn open_args(
    data_dir: String,
    default_region: &str,
    pinned_root: Option<Vec<u8>>,
) -> Result<(PathBuf, core::EngineConfig)> {
    if data_dir.trim().is_empty() {
        return Err(CallguardError::invalid("the data directory is empty"));
    }
    let mut config = core::EngineConfig::new(region(default_region)?);
    config.pinned_root = pinned_root;
    Ok((PathBuf::from(data_dir), config))
}

#[uniffi::export]
impl Engine {
    /// Opens the engine with its database and lists in `data_dir` (created if needed;
    /// on iOS the App Group container, shared by the app and its extensions).
    /// `default_region` is the home region until the user sets one (the SIM's or the
    /// locale's, e.g. `CN`). `pinned_root` is the publisher's `root.json`, shipped in the
    /// app; without it, updates are refused.
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        default_region: String,
        pinned_root: Option<Vec<u8>>,
    ) -> Result<Arc<Self>> {
        let (dir, config) = open_args(data_dir, &default_region, pinned_root)?;
        let core = core::Engine::open(&dir, config)?;
        Ok(Arc::new(Engine {
            core,
            data_dir: Some(dir),
        }))
    }

    /// Opens the app's `data_dir` for reading only: for the iOS extensions and Android's
    /// cold receivers. Decisions work and record nothing; every write fails with
    /// `ReadOnly`; nothing in the directory is created or cleaned up. Call `reload` to
    /// see what the app changed since.
    #[uniffi::constructor]
    pub fn open_read_only(
        data_dir: String,
        default_region: String,
        pinned_root: Option<Vec<u8>>,
    ) -> Result<Arc<Self>> {
        let (dir, config) = open_args(data_dir, &default_region, pinned_root)?;
        let core = core::Engine::open_read_only(&dir, config)?;
        Ok(Arc::new(Engine {
            core,
            data_dir: Some(dir),
        }))
    }

    /// Reads the app's settings, rules, pause and installed list again (a read-only
    /// engine does not refresh by itself). Cheap: the list is mapped only if it changed.
    pub fn reload(&self) -> Result<()> {
        Ok(self.core.reload()?)
    }

    /// An engine whose state lives only in memory, with no list until one is installed
    /// (tests, previews).
    #[uniffi::constructor]
    pub fn open_in_memory(default_region: String) -> Result<Arc<Self>> {
        let config = core::EngineConfig::new(region(&default_region)?);
        Ok(Arc::new(Engine {
            core: core::Engine::open_in_memory(config)?,
            data_dir: None,
        }))
    }

    /// Decides a call. Records nothing; see `screen_call`.
    pub fn check_call(&self, input: CallInput) -> Result<Decision> {
        Ok(self.core.check_call(&input.into())?.into())
    }

    /// Decides an SMS. Records nothing; see `screen_sms`.
    pub fn check_sms(&self, input: SmsInput) -> Result<Decision> {
        Ok(self.core.check_sms(&input.into())?.into())
    }

    /// Decides a call and records the number and decision in the history.
    pub fn screen_call(&self, input: CallInput) -> Result<Decision> {
        Ok(self.core.screen_call(&input.into())?.into())
    }

    /// Decides an SMS and records the sender and decision (never the text).
    pub fn screen_sms(&self, input: SmsInput) -> Result<Decision> {
        Ok(self.core.screen_sms(&input.into())?.into())
    }

    /// Fetches, verifies and installs the newest list from a site (plain GETs of static
    /// paths). A failure leaves the last verified list in use.
    pub fn update(&self, base_url: String) -> Result<UpdateReport> {
        Ok(self.core.update(&base_url)?.into())
    }

    /// `update` with its downloads held to `max_seconds` in all (at least 1): for a
    /// background task with a deadline, such as an iOS `BGAppRefreshTask` (about 30 s;
    /// pass 25). Past it the update fails with a timeout and the list in use stays.
    pub fn update_within(&self, base_url: String, max_seconds: u32) -> Result<UpdateReport> {
        let limit = std::time::Duration::from_secs(u64::from(max_seconds.max(1)));
        Ok(self.core.update_within(&base_url, limit)?.into())
    }

    /// The same as `update`, from files the app downloaded itself (an iOS background
    /// session): every check but the network.
    pub fn install_update(&self, files: Vec<UpdateFile>) -> Result<UpdateReport> {
        let files = file_map(files)?;
        Ok(self.core.install_update(&files)?.into())
    }

    /// Installs a list shipped inside the app, so it protects before the first download;
    /// signatures and digests are checked, expiry is not. `None` if a list is installed,
    /// and also when the installed list failed its checks at open: the bundle then
    /// decides from memory until the next update reinstalls the list. Call it at every
    /// start.
    pub fn install_bundled(&self, files: Vec<UpdateFile>) -> Result<Option<UpdateReport>> {
        let files = file_map(files)?;
        Ok(self.core.install_bundled(&files)?.map(Into::into))
    }

    /// Pauses protection until `until_unix_seconds`, or until `resume` when `None`:
    /// every decision allows meanwhile, with `PAUSED` first among its reasons, and a
    /// timed pause ends by itself. The quick-settings tile and the settings screen call it.
    pub fn pause(&self, until_unix_seconds: Option<u64>) -> Result<()> {
        self.core.pause(until_unix_seconds)?;
        Ok(())
    }

    /// Ends a pause now.
    pub fn resume(&self) -> Result<()> {
        Ok(self.core.resume()?)
    }

    /// Keeps a report of a number (any form, read in the home region) or an SMS sender
    /// name the user marks as fraud. Nothing is sent anywhere.
    pub fn report(
        &self,
        number_or_sender: String,
        category: Category,
        note: String,
    ) -> Result<Report> {
        Ok(self
            .core
            .report(&number_or_sender, category.into(), &note)?
            .into())
    }

    /// The reports kept, oldest first.
    pub fn reports(&self) -> Result<Vec<Report>> {
        Ok(self.core.reports()?.into_iter().map(Into::into).collect())
    }

    /// The reports as the publisher's `numbers.csv` source, for the share sheet.
    pub fn export_reports(&self) -> Result<Vec<u8>> {
        Ok(self.core.export_reports()?)
    }

    /// Deletes every report; returns how many.
    pub fn clear_reports(&self) -> Result<u64> {
        Ok(self.core.clear_reports()? as u64)
    }

    /// Checks every file of the list in use in full (it reads the whole list); a damaged
    /// list is dropped for the bundled one and `status().update.listProblem` says why.
    /// The update job calls it before each update. Returns whether the list was intact.
    pub fn verify_lists(&self) -> Result<bool> {
        Ok(self.core.verify_lists()?)
    }

    /// Every setting, typed, for the settings screen.
    pub fn settings(&self) -> Settings {
        self.core.settings().into()
    }

    /// Checks and stores `settings` as a whole (a bad region code, calling code or
    /// number of days changes nothing); returns the settings now in effect.
    pub fn update_settings(&self, settings: Settings) -> Result<Settings> {
        let settings = core::Settings::try_from(settings)?;
        Ok(self.core.update_settings(&settings)?.into())
    }

    /// Every setting as (key, text value), in a fixed order: the CLI's text form.
    pub fn setting_entries(&self) -> Vec<SettingEntry> {
        setting_entries(&self.core.settings())
    }

    /// Validates and stores one setting by its text key (`overseas-calls` = `block`, …),
    /// as the CLI does; returns them all as text.
    pub fn set_setting(&self, key: String, value: String) -> Result<Vec<SettingEntry>> {
        Ok(setting_entries(&self.core.set_setting(&key, &value)?))
    }

    /// The user's rules, oldest first.
    pub fn rules(&self) -> Vec<UserRule> {
        self.core.rules().into_iter().map(Into::into).collect()
    }

    /// Adds an allow or block rule: a number in any form, `+855*`, or `country:KH`.
    pub fn add_rule(&self, kind: RuleKind, target: String) -> Result<UserRule> {
        Ok(self.core.add_rule(kind.into(), &target)?.into())
    }

    /// Removes the rules for a target, of one kind or (`None`) both; returns how many.
    pub fn remove_rule(&self, kind: Option<RuleKind>, target: String) -> Result<u64> {
        Ok(self.core.remove_rule(kind.map(Into::into), &target)? as u64)
    }

    /// The newest `limit` history entries, newest first.
    pub fn history(&self, limit: u32) -> Result<Vec<HistoryEntry>> {
        Ok(self
            .core
            .history(limit)?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Deletes the history; returns how many entries went.
    pub fn clear_history(&self) -> Result<u64> {
        Ok(self.core.clear_history()? as u64)
    }

    /// Lists, freshness, last update, counts.
    pub fn status(&self) -> Result<Status> {
        Ok(self.core.status()?.into())
    }

    /// Diagnostics: runs `check_call` on `input` `iterations` times inside Rust and
    /// returns the total nanoseconds, so a benchmark can set the engine's own time beside
    /// the same calls made through the bindings, in the same process.
    pub fn measure_check_call(&self, input: CallInput, iterations: u32) -> Result<u64> {
        let input: core::CallInput = input.into();
        let start = std::time::Instant::now();
        for _ in 0..iterations {
            std::hint::black_box(self.core.check_call(std::hint::black_box(&input))?);
        }
        Ok(u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX))
    }

    /// The export version of the list and rules in use: what an extension that has
    /// loaded everything should remember, to ask `export_changes` next time.
    pub fn export_version(&self) -> String {
        self.core.export_version()
    }

    /// How much of the list the Call Directory export holds under the cap, and how many
    /// entries the cap leaves out: for the app's status screen.
    pub fn export_summary(&self) -> ExportSummary {
        self.core.export_summary().into()
    }

    /// One page of the iOS Call Directory full load: entries with numbers strictly
    /// greater than `after` (`None` to start), ascending, at most `limit` (capped at
    /// 50,000). Continue with `next_after` until it is `None`. Past the cap
    /// (`Settings::call_directory_cap`) the least certain entries are left out.
    pub fn export_page(&self, after: Option<i64>, limit: u32) -> Result<ExportPage> {
        Ok(self.core.export_page(after, limit)?.into())
    }

    /// One page of the incremental changes since export version `since`, or
    /// `full_reload` when they cannot be computed from it.
    pub fn export_changes(
        &self,
        since: String,
        after: Option<i64>,
        limit: u32,
    ) -> Result<ExportChanges> {
        Ok(self.core.export_changes(&since, after, limit)?.into())
    }
}

impl Engine {
    /// The core engine, for Rust callers of this crate (tests, benchmarks).
    pub fn core(&self) -> &core::Engine {
        &self.core
    }
}
