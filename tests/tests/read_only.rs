//! The read-only engine of app extensions and cold receivers: it decides from the app's
//! data directory while the app's engine is open in the same process (or closed, with the
//! files marked read-only), changes no file, records nothing, refuses every write with
//! `Error::ReadOnly`, and sees the app's later changes when reloaded or reopened.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use callguard_core::{Action, CallInput, Engine, EngineConfig, Error, RuleKind};
use callguard_e2e::{number, TwoVersions, T0};

fn config(root: &[u8]) -> EngineConfig {
    EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec())
}

/// Every file and directory under `dir`: its size and modification time.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                todo.push(entry.path());
            }
            let name = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(name, (meta.len(), meta.modified().unwrap()));
        }
    }
    out
}

type Fixture = TwoVersions;

/// v1 lists numbers 0..100, v2 numbers 50..150.
fn fixture() -> Fixture {
    TwoVersions::new((0, 100), (50, 100))
}

fn action(engine: &Engine, i: u64) -> Action {
    engine
        .check_call(&CallInput::number(&number(i)))
        .unwrap()
        .action
}

fn assert_read_only<T: std::fmt::Debug>(what: &str, result: Result<T, Error>) {
    assert!(
        matches!(result, Err(Error::ReadOnly(_))),
        "{what} on a read-only engine: {result:?}"
    );
}

/// Every write the apps make, each refused with `ReadOnly` (and nothing else).
fn assert_every_write_refused(engine: &Engine, f: &Fixture) {
    assert_read_only("set_setting", engine.set_setting("overseas-calls", "block"));
    assert_read_only(
        "update_settings",
        engine.update_settings(&engine.settings()),
    );
    assert_read_only("add_rule", engine.add_rule(RuleKind::Block, &number(500)));
    assert_read_only("remove_rule", engine.remove_rule(None, &number(500)));
    assert_read_only("pause", engine.pause(None));
    assert_read_only("resume", engine.resume());
    assert_read_only(
        "report",
        engine.report(&number(501), callguard_core::Category::LoanCredit, ""),
    );
    assert_read_only("clear_reports", engine.clear_reports());
    assert_read_only("clear_history", engine.clear_history());
    assert_read_only("update", engine.update_with_clock(&f.v2, T0 + 200));
    assert_read_only("install_update", engine.install_update(&f.v2));
}

#[test]
fn beside_the_apps_open_engine_it_decides_records_nothing_and_changes_no_file() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let app = Engine::open(phone.path(), config(&f.root)).unwrap();
    app.update_with_clock(&f.v1, T0 + 10).unwrap();
    app.add_rule(RuleKind::Block, &number(300)).unwrap();
    app.screen_call(&CallInput::number(&number(1))).unwrap();
    let history = app.history(100).unwrap().len();
    let before = listing(phone.path());

    let extension = Engine::open_read_only(phone.path(), config(&f.root)).unwrap();
    assert_eq!(action(&extension, 1), Action::Block, "a listed number");
    assert_eq!(
        action(&extension, 300),
        Action::Block,
        "the app's user rule"
    );
    assert_eq!(action(&extension, 120), Action::Allow, "not listed in v1");
    let screened = extension
        .screen_call(&CallInput::number(&number(2)))
        .unwrap();
    assert_eq!(screened.action, Action::Block);
    let page = extension.export_page(None, 1_000).unwrap();
    assert_eq!(
        page.entries.len(),
        101,
        "100 listed numbers and the user's block"
    );
    assert_eq!(page.version, app.export_version());
    assert_every_write_refused(&extension, &f);
    // `install_bundled` decides on the bundle from memory: nothing is installed.
    assert_eq!(extension.install_bundled(&f.v2).unwrap(), None);
    let status = extension.status().unwrap();
    assert_eq!(status.history_dropped, 0, "nothing recorded, nothing wrong");
    assert_eq!(status.history_entries as usize, history);

    assert_eq!(
        listing(phone.path()),
        before,
        "no file in the data dir changed"
    );
    assert_eq!(
        app.history(100).unwrap().len(),
        history,
        "no history written"
    );
    // The app's engine still writes beside it.
    app.set_setting("overseas-calls", "block").unwrap();
    app.screen_call(&CallInput::number(&number(3))).unwrap();
    assert_eq!(app.history(100).unwrap().len(), history + 1);
}

#[test]
fn with_the_app_closed_and_the_files_read_only_it_still_decides_and_changes_no_data() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    {
        let app = Engine::open(phone.path(), config(&f.root)).unwrap();
        app.update_with_clock(&f.v1, T0 + 10).unwrap();
    }
    let before = listing(phone.path());
    let set_mode = |file: u32, dir: u32| {
        for name in before.keys() {
            let path = phone.path().join(name);
            let mode = if path.is_dir() { dir } else { file };
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
    };
    // As far as root allows (root ignores these bits): every file and directory read-only.
    set_mode(0o444, 0o555);

    let extension = Engine::open_read_only(phone.path(), config(&f.root)).unwrap();
    assert_eq!(action(&extension, 5), Action::Block);
    extension
        .screen_call(&CallInput::number(&number(6)))
        .unwrap();
    assert_every_write_refused(&extension, &f);
    drop(extension);

    let after = listing(phone.path());
    set_mode(0o644, 0o755);
    for (name, was) in &before {
        assert_eq!(after.get(name), Some(was), "{name:?} changed");
    }
    // With no engine open, SQLite's WAL index files were gone; reading a WAL database
    // safely needs them back (empty of data), and nothing else may appear.
    for name in after.keys().filter(|n| !before.contains_key(*n)) {
        let name = name.to_string_lossy();
        assert!(
            name == "callguard.sqlite-wal" || name == "callguard.sqlite-shm",
            "a new file {name}"
        );
    }
}

#[test]
fn it_sees_the_apps_later_installs_and_settings_when_reloaded_or_reopened() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let app = Engine::open(phone.path(), config(&f.root)).unwrap();
    app.update_with_clock(&f.v1, T0 + 10).unwrap();
    let extension = Engine::open_read_only(phone.path(), config(&f.root)).unwrap();
    assert_eq!(action(&extension, 120), Action::Allow);

    app.update_with_clock(&f.v2, T0 + 200).unwrap();
    app.add_rule(RuleKind::Allow, &number(60)).unwrap();
    // A long-lived read-only engine keeps what it read until reloaded.
    assert_eq!(
        action(&extension, 120),
        Action::Allow,
        "not refreshed by itself"
    );
    assert_eq!(extension.lists().version(), 1);

    extension.reload().unwrap();
    assert_eq!(extension.lists().version(), 2);
    assert_eq!(action(&extension, 120), Action::Block, "v2 lists it");
    assert_eq!(action(&extension, 10), Action::Allow, "v2 dropped it");
    assert_eq!(
        action(&extension, 60),
        Action::Allow,
        "the app's new allow rule"
    );
    assert_eq!(extension.export_version(), app.export_version());
    // A reload with nothing new keeps the same mapped list.
    let mapped = extension.lists();
    extension.reload().unwrap();
    assert!(std::sync::Arc::ptr_eq(&mapped, &extension.lists()));

    let reopened = Engine::open_read_only(phone.path(), config(&f.root)).unwrap();
    assert_eq!(reopened.lists().version(), 2);
    assert_eq!(action(&reopened, 60), Action::Allow);
}

#[test]
fn a_data_dir_the_app_never_opened_is_an_error_and_is_not_created() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("group");
    let opened = Engine::open_read_only(&dir, EngineConfig::new("CN".parse().unwrap()));
    assert!(matches!(opened, Err(Error::Storage(_))), "{opened:?}");
    assert!(!dir.exists(), "no directory created");
}
