//! Faults of the phone's storage and of other processes: none loses data, each gets a
//! clear error, and the next good run recovers. A full disk during an install (a small
//! tmpfs filled up by the test), a read-only data directory (a tmpfs remounted read-only,
//! or `chattr +i`, which binds root too), list files deleted under a running engine and
//! before an open, SQLite locked by another process for longer than its busy timeout,
//! and two processes updating the same data directory at once.
//!
//! Power lost at each install step is `crash.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use callguard_core::update::{UpdateReport, Via};
use callguard_core::{Action, CallInput, Engine, EngineConfig, Error, SmsInput};

/// The engine's database in its data directory.
const DATABASE_FILE: &str = "callguard.sqlite";
use callguard_e2e::fs_faults::{Filler, Immutable, Tmpfs};
use callguard_e2e::{number, TwoVersions, T0};

/// v1 lists numbers 0..2,000; v2 numbers 1,000..41,000: an install big enough to fill a
/// small disk at any of its steps.
/// Built once for all the tests of this file (its directory outlives them, in the
/// system's temporary directory).
fn fixture() -> &'static TwoVersions {
    static FIXTURE: std::sync::OnceLock<TwoVersions> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(|| TwoVersions::new((0, 2_000), (1_000, 40_000)))
}

/// Listed by v1 only, by v2 only.
fn on_v1() -> String {
    number(10)
}
fn on_v2() -> String {
    number(30_000)
}

fn open(dir: &Path, root: &[u8]) -> Engine {
    Engine::open(dir, config(root)).expect("open the engine")
}

fn config(root: &[u8]) -> EngineConfig {
    EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec())
}

fn action(engine: &Engine, n: &str) -> Action {
    engine.check_call(&CallInput::number(n)).unwrap().action
}

/// `engine` decides on a whole `seq`: its numbers blocked, the other version's allowed.
fn assert_deciding_on(engine: &Engine, seq: u64, what: &str) {
    let (listed, unlisted) = match seq {
        1 => (on_v1(), on_v2()),
        _ => (on_v2(), on_v1()),
    };
    let decision = engine.check_call(&CallInput::number(&listed)).unwrap();
    assert_eq!(decision.action, Action::Block, "{what}: seq {seq} protects");
    assert_eq!(decision.lists.get("default"), Some(&seq), "{what}");
    assert_eq!(action(engine, &unlisted), Action::Allow, "{what}");
    let counts = engine.lists().counts()[0];
    let expected = if seq == 1 { 2_000 } else { 40_000 };
    assert_eq!(counts, expected, "{what}: a whole list");
}

/// The list directories in `phone/lists`, sorted.
fn list_dirs(phone: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(phone.join("lists"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs
}

/// How much room each full-disk case leaves: from none to more than the install needs,
/// so that it fails writing the files, syncing them, in SQLite's WAL, or not at all.
const FREE_KIB: [u64; 8] = [0, 8, 64, 160, 192, 208, 224, 4096];

/// A phone on a 24 MiB tmpfs with v1 installed, then the disk filled to `free_kib` KiB
/// from full, and the update to v2 tried: the tmpfs, the data directory, the engine, the
/// filler and the update's result.
fn update_on_a_full_disk(
    f: &TwoVersions,
    free_kib: u64,
) -> (Tmpfs, PathBuf, Engine, Filler, Result<UpdateReport, Error>) {
    let disk = Tmpfs::mount(24 << 20);
    let phone = disk.path().join("phone");
    let engine = open(&phone, &f.root);
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let filler = disk.fill_leaving(free_kib << 10);
    let result = engine.update_with_clock(&f.v2, T0 + 200);
    (disk, phone, engine, filler, result)
}

#[test]
fn a_full_disk_at_any_point_of_an_install_keeps_the_old_list_and_the_next_update_recovers() {
    let f = fixture();
    let mut failed = 0;
    for free_kib in FREE_KIB {
        let what = format!("{free_kib} KiB free");
        let (_disk, phone, engine, filler, result) = update_on_a_full_disk(&f, free_kib);
        let seq = match &result {
            Ok(report) => report.seq,
            Err(_) => {
                failed += 1;
                1
            }
        };
        eprintln!("{what}: {result:?}");
        assert_deciding_on(&engine, seq, &what);
        // Decisions and their (dropped) history records go on while the disk is full.
        let screened = engine.screen_call(&CallInput::number(on_v1())).unwrap();
        assert_eq!(
            screened.action,
            if seq == 1 {
                Action::Block
            } else {
                Action::Allow
            }
        );
        drop(engine);
        // An app restart on the still-full disk finds the same whole list.
        let engine = open(&phone, &f.root);
        assert_deciding_on(&engine, seq, &format!("{what}, reopened while full"));
        drop(filler);
        // The next update, with room, installs v2 whole; nothing half-written is left.
        let report = engine.update_with_clock(&f.v2, T0 + 300).unwrap();
        assert_eq!(report.seq, 2, "{what}");
        assert_deciding_on(&engine, 2, &format!("{what}, after the next update"));
        drop(engine);
        let engine = open(&phone, &f.root);
        assert_deciding_on(&engine, 2, &format!("{what}, reopened"));
        let dirs = list_dirs(&phone);
        assert_eq!(dirs.len(), 2, "{what}: leftover directories {dirs:?}");
        assert_eq!(dirs[1], format!("{}.export-base", dirs[0]), "{what}");
    }
    assert!(
        failed >= 4,
        "the disk was full for most cases: {failed} failed"
    );
}

/// Wherever the disk fills (SQLite's commit, a staging file, the FST builder), the error
/// says so: the FST builder's own text for an I/O error is only "I/O error", so
/// `core/src/lists` keeps the `io::Error` underneath it.
#[test]
fn a_full_disk_is_named_in_the_error() {
    let f = fixture();
    for free_kib in FREE_KIB {
        let (_disk, _phone, _engine, _filler, result) = update_on_a_full_disk(&f, free_kib);
        let Err(error) = result else { continue };
        let text = error.to_string();
        assert!(
            text.contains("No space left on device") || text.contains("disk is full"),
            "{free_kib} KiB free: the error says the disk is full: {text:?} ({error:?})"
        );
    }
}

/// Every file under `dir` with its size and modification time.
fn listing(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in std::fs::read_dir(&at).unwrap().flatten() {
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

#[test]
fn a_read_only_data_directory_is_refused_at_open_with_a_clear_error_and_kept_as_it_was() {
    let f = fixture();
    let disk = Tmpfs::mount(24 << 20);
    let phone = disk.path().join("phone");
    {
        let engine = open(&phone, &f.root);
        engine.update_with_clock(&f.v1, T0 + 10).unwrap();
        engine.set_setting("overseas-calls", "block").unwrap();
    }
    let before = listing(&phone);
    // Read-only for root too (permission bits would not stop it).
    disk.remount_read_only();
    match Engine::open(&phone, config(&f.root)) {
        Err(Error::Storage(message)) => assert!(
            message.starts_with("the data directory cannot be written")
                && message.contains("Read-only file system"),
            "{message}"
        ),
        other => panic!("expected the read-only error, got {:?}", other.map(|_| ())),
    }
    disk.remount_writable();
    assert_eq!(listing(&phone), before, "nothing changed");
    let engine = open(&phone, &f.root);
    assert_deciding_on(&engine, 1, "writable again");
    assert_eq!(
        engine.settings().get("overseas-calls").as_deref(),
        Some("block")
    );
    assert_eq!(engine.update_with_clock(&f.v2, T0 + 200).unwrap().seq, 2);
    assert_deciding_on(&engine, 2, "updated");
}

#[test]
fn a_list_directory_that_cannot_be_written_fails_the_update_clearly_and_the_next_one_installs() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let engine = open(phone.path(), &f.root);
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let lists = phone.path().join("lists");
    let frozen = Immutable::set(&lists);
    let result = engine.update_with_clock(&f.v2, T0 + 200);
    let expected = "storage: I/O error: Operation not permitted (os error 1)";
    match &result {
        Err(Error::Update(error)) => assert_eq!(error.to_string(), expected),
        other => panic!("expected a storage error, got {other:?}"),
    }
    assert_deciding_on(&engine, 1, "the update failed");
    let attempt = engine.status().unwrap().update.last_attempt.unwrap();
    assert!(!attempt.ok && attempt.message == expected, "{attempt:?}");
    // Decisions go on, and so do writes that need no new file in the lists directory.
    engine
        .add_rule(callguard_core::RuleKind::Allow, &on_v1())
        .unwrap();
    assert_eq!(action(&engine, &on_v1()), Action::Allow);
    drop(engine);
    // A restart while it is still frozen finds the same list.
    let engine = open(phone.path(), &f.root);
    assert_eq!(engine.lists().version(), 1);
    assert_eq!(engine.lists().counts()[0], 2_000);
    drop(frozen);
    let report = engine.update_with_clock(&f.v2, T0 + 300).unwrap();
    assert_eq!((report.seq, report.installed), (2, Some(Via::Snapshot)));
    assert_eq!(action(&engine, &on_v2()), Action::Block);
    let dirs = list_dirs(phone.path());
    assert_eq!(dirs.len(), 2, "leftover directories {dirs:?}");
}

/// The installed list's directory (not its export base).
fn installed_dir(phone: &Path) -> PathBuf {
    let dirs = list_dirs(phone);
    let name = dirs
        .iter()
        .find(|d| !d.ends_with(".export-base"))
        .expect("an installed list directory");
    phone.join("lists").join(name)
}

#[test]
fn a_list_deleted_under_a_running_engine_still_decides_and_the_next_update_installs_whole() {
    let f = fixture();
    for whole_lists_dir in [false, true] {
        let what = if whole_lists_dir {
            "lists/ removed"
        } else {
            "the list's directory removed"
        };
        let phone = tempfile::tempdir().unwrap();
        let engine = open(phone.path(), &f.root);
        engine.update_with_clock(&f.v1, T0 + 10).unwrap();
        let removed = if whole_lists_dir {
            phone.path().join("lists")
        } else {
            installed_dir(phone.path())
        };
        std::fs::remove_dir_all(&removed).unwrap();
        // The mapped files live on until unmapped: the list in use is whole.
        assert_deciding_on(&engine, 1, what);
        assert!(engine.verify_lists().unwrap(), "{what}");
        let report = engine.update_with_clock(&f.v2, T0 + 200);
        let report = report.unwrap();
        assert_eq!(report.seq, 2, "{what}");
        assert_deciding_on(&engine, 2, what);
        drop(engine);
        let engine = open(phone.path(), &f.root);
        assert!(engine.has_installed_list().unwrap(), "{what}");
        assert_deciding_on(&engine, 2, &format!("{what}, reopened"));
    }
}

#[test]
fn a_list_deleted_before_the_next_open_is_refused_and_the_next_update_reinstalls_it() {
    let f = fixture();
    for whole_lists_dir in [false, true] {
        let what = if whole_lists_dir {
            "lists/ removed"
        } else {
            "the list's directory removed"
        };
        let phone = tempfile::tempdir().unwrap();
        drop({
            let engine = open(phone.path(), &f.root);
            engine.update_with_clock(&f.v1, T0 + 10).unwrap();
            engine
        });
        let removed = if whole_lists_dir {
            phone.path().join("lists")
        } else {
            installed_dir(phone.path())
        };
        std::fs::remove_dir_all(&removed).unwrap();
        let engine = open(phone.path(), &f.root);
        assert!(!engine.has_installed_list().unwrap(), "{what}: refused");
        let problem = engine
            .status()
            .unwrap()
            .update
            .list_problem
            .unwrap_or_default();
        assert!(problem.contains("refused"), "{what}: {problem}");
        assert_eq!(
            action(&engine, &on_v1()),
            Action::Allow,
            "{what}: no list until the update"
        );
        // The same version again: reinstalled from its snapshot, not "current".
        let report = engine.update_with_clock(&f.v1, T0 + 20).unwrap();
        assert_eq!(report.installed, Some(Via::Snapshot), "{what}");
        assert_deciding_on(&engine, 1, what);
        drop(engine);
        let engine = open(phone.path(), &f.root);
        assert_deciding_on(&engine, 1, &format!("{what}, reopened"));
        assert_eq!(engine.update_with_clock(&f.v2, T0 + 200).unwrap().seq, 2);
    }
}

/// Another process holding the engine's database locked until dropped.
struct DbLock {
    child: std::process::Child,
}

impl DbLock {
    /// `mode` is `write` (other writers wait; WAL readers go on) or `exclusive` (readers
    /// wait too).
    fn hold(database: &Path, mode: &str) -> DbLock {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fault_helper"))
            .arg("lock-db")
            .arg(database)
            .arg(mode)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn the fault helper");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "held", "the helper took the lock");
        DbLock { child }
    }
}

impl Drop for DbLock {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Runs `f`, failing unless it returned within `bound`: a hang check, far above what it
/// takes, far below what waiting on the lock would.
fn within<T>(bound: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    assert!(
        started.elapsed() < bound,
        "{what} took {:?}",
        started.elapsed()
    );
    out
}

#[test]
fn a_database_locked_by_another_process_never_holds_up_a_decision_and_loses_nothing() {
    let f = fixture();
    // Only a write lock can be taken while the engine is open: its WAL connection keeps
    // a shared lock, so another process's `locking_mode = EXCLUSIVE` gets "database is
    // locked" itself (tried: the helper exits with it). Readers are never locked out.
    {
        let mode = "write";
        let phone = tempfile::tempdir().unwrap();
        let engine = open(phone.path(), &f.root);
        engine.update_with_clock(&f.v1, T0 + 10).unwrap();
        // Repeated calls read the history at every call decision.
        engine.set_setting("repeated-calls", "5").unwrap();
        engine
            .screen_call(&CallInput::number(number(5_000)))
            .unwrap();
        let recorded = engine.history(100).unwrap().len();
        let lock = DbLock::hold(&phone.path().join(DATABASE_FILE), mode);
        // 50 screened calls and SMS: each would wait 5 s (the busy timeout) if it waited.
        within(Duration::from_secs(5), mode, || {
            for i in 0..25 {
                let call = engine.screen_call(&CallInput::number(on_v1())).unwrap();
                assert_eq!(call.action, Action::Block, "{mode} {i}");
                let sms = engine.screen_sms(&SmsInput::new(on_v1(), "hello")).unwrap();
                assert_eq!(sms.action, Action::Block, "{mode} {i}");
            }
        });
        // A settings change waits the busy timeout, then fails clearly: nothing changes.
        let changed = within(Duration::from_secs(30), mode, || {
            engine.set_setting("overseas-calls", "block")
        });
        match changed {
            Err(Error::Storage(message)) => assert_eq!(message, "database is locked", "{mode}"),
            other => panic!(
                "{mode}: expected the locked error, got {:?}",
                other.map(|_| ())
            ),
        }
        assert_eq!(
            engine.settings().get("overseas-calls").as_deref(),
            Some("warn"),
            "{mode}: the default"
        );
        // An update fails at its commit, keeping the list in use.
        let update = within(Duration::from_secs(60), mode, || {
            engine.update_with_clock(&f.v2, T0 + 200)
        });
        assert!(
            matches!(&update, Err(e) if e.to_string().contains("database is locked")),
            "{mode}: {update:?}"
        );
        assert_deciding_on(&engine, 1, mode);
        drop(lock);

        // Released: the dropped records are counted, nothing else was lost, and writes,
        // updates and the history work again.
        let status = engine.status().unwrap();
        assert_eq!(status.history_dropped, 50, "{mode}");
        assert_eq!(engine.history(100).unwrap().len(), recorded, "{mode}");
        engine.set_setting("overseas-calls", "block").unwrap();
        assert_eq!(
            engine.update_with_clock(&f.v2, T0 + 300).unwrap().seq,
            2,
            "{mode}"
        );
        assert_deciding_on(&engine, 2, mode);
        engine.screen_call(&CallInput::number(on_v2())).unwrap();
        assert_eq!(engine.history(100).unwrap().len(), recorded + 1, "{mode}");
        drop(engine);
        let engine = open(phone.path(), &f.root);
        assert_deciding_on(&engine, 2, &format!("{mode}, reopened"));
        assert_eq!(
            engine.settings().get("overseas-calls").as_deref(),
            Some("block")
        );
        assert_eq!(
            list_dirs(phone.path()).len(),
            2,
            "{mode}: {:?}",
            list_dirs(phone.path())
        );
    }
}

#[test]
fn a_database_held_exclusively_before_the_engine_opens_is_a_clear_error_and_opens_later() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    drop({
        let engine = open(phone.path(), &f.root);
        engine.update_with_clock(&f.v1, T0 + 10).unwrap();
        engine
    });
    let lock = DbLock::hold(&phone.path().join(DATABASE_FILE), "exclusive");
    // The busy timeout (5 s), then the error; the bound is generous.
    let opened = within(Duration::from_secs(30), "open", || {
        Engine::open(phone.path(), config(&f.root))
    });
    match opened {
        Err(Error::Storage(message)) => assert_eq!(message, "database is locked"),
        other => panic!("expected the locked error, got {:?}", other.map(|_| ())),
    }
    drop(lock);
    let engine = open(phone.path(), &f.root);
    assert_deciding_on(&engine, 1, "opened once released");
    assert_eq!(engine.update_with_clock(&f.v2, T0 + 200).unwrap().seq, 2);
}

#[test]
fn two_processes_updating_one_data_directory_at_once_both_end_on_a_whole_list() {
    use callguard_e2e::{now, numbers, Answer, Loopback, Phone, Publisher};
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 2_000));
    let t = now();
    publisher.build(t, &[]);
    let phone = Phone::new();
    let plain = Loopback::start(&publisher.site(), |_| Answer::File);
    assert_eq!(phone.update_ok(&plain.url, &publisher.root())["seq"], 1);
    publisher.set_numbers(&numbers(1_000, 2_000));
    publisher.build(t + 1, &[]);
    // The list content comes slowly, so that the second update starts while the first
    // holds the install lock.
    let slow = Loopback::start(&publisher.site(), |path| {
        if path.starts_with("blobs/") {
            Answer::Drip {
                every: Duration::from_millis(1),
            }
        } else {
            Answer::File
        }
    });
    let update = || {
        phone
            .callguard()
            .args(["update", &slow.url, "--json", "--root"])
            .arg(publisher.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn callguard update")
    };
    let first = update();
    let started = Instant::now();
    while !slow.requests().iter().any(|p| p.starts_with("blobs/")) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first update downloads"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = update();
    let reports: Vec<serde_json::Value> = [first, second]
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    // The first installs v2 by delta; the second waited for the install lock, then
    // mapped the v2 the first had installed (its own list in memory was v1) and found
    // it current: nothing downloaded or installed twice.
    assert_eq!(reports[0]["installed"]["kind"], "delta", "{}", reports[0]);
    assert!(reports[1]["installed"].is_null(), "{}", reports[1]);
    for report in &reports {
        assert_eq!(report["seq"], 2, "{report}");
    }
    let downloads = slow
        .requests()
        .iter()
        .filter(|p| p.starts_with("blobs/"))
        .count();
    assert_eq!(
        downloads,
        1,
        "one list download in all: {:?}",
        slow.requests()
    );
    assert_whole_v2(&phone);

    // A third update killed while it holds the lock mid-download: the next one recovers.
    publisher.set_numbers(&numbers(1_500, 2_000));
    publisher.build(t + 2, &[]);
    let dripping = Loopback::start(&publisher.site(), |path| {
        if path.starts_with("blobs/") {
            Answer::Drip {
                every: Duration::from_millis(50),
            }
        } else {
            Answer::File
        }
    });
    let mut killed = phone
        .callguard()
        .args(["update", &dripping.url, "--json", "--root"])
        .arg(publisher.root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !dripping.requests().iter().any(|p| p.starts_with("blobs/")) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the update downloads"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    killed.kill().unwrap();
    killed.wait().unwrap();
    assert_eq!(
        phone.check(&number(1_200))["lists"]["default"],
        2,
        "v2 still in use"
    );
    let report = phone.update_ok(&plain.url, &publisher.root());
    assert_eq!(report["seq"], 3, "{report}");
    assert_eq!(phone.check(&number(3_400))["action"], "block");
    assert_eq!(phone.check(&number(1_200))["action"], "allow");
    assert_eq!(
        phone_list_dirs(&phone).len(),
        2,
        "{:?}",
        phone_list_dirs(&phone)
    );
}

fn phone_list_dirs(phone: &callguard_e2e::Phone) -> Vec<String> {
    list_dirs(phone.dir.path())
}

/// The CLI's phone decides on a whole v2 (numbers 1,000..3,000), and recovery left one
/// list directory and its export base.
fn assert_whole_v2(phone: &callguard_e2e::Phone) {
    assert_eq!(phone.check(&number(500))["action"], "allow");
    assert_eq!(phone.check(&number(2_500))["action"], "block");
    let status = phone.status();
    assert_eq!(status["update"]["installed"]["seq"], 2, "{status}");
    assert_eq!(status["list_entries"]["numbers"], 2_000, "{status}");
    assert_eq!(
        phone_list_dirs(phone).len(),
        2,
        "{:?}",
        phone_list_dirs(phone)
    );
}
