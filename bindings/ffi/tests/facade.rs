//! The facade as the apps use it, from Rust: conversions, errors, threads, updates and
//! the iOS export. The Kotlin tests (bindings/kotlin) run the same paths through JNA.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use callguard_core::EntryMeta;
use callguard_core::ListSet;
use callguard_ffi::*;

fn demo_site() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../signed-lists/demo/site")
}

/// A site's files as the app hands them over after downloading them itself.
fn site_files(dir: &std::path::Path) -> Vec<UpdateFile> {
    callguard_testkit::site_files(dir)
        .into_iter()
        .map(|(path, bytes)| UpdateFile { path, bytes })
        .collect()
}

fn demo_root() -> Vec<u8> {
    std::fs::read(demo_site().join("root.json")).unwrap()
}

fn call(number: &str) -> CallInput {
    CallInput {
        number: Some(number.to_owned()),
        presentation: Presentation::Allowed,
        verification: Verification::NotVerified,
        is_contact: false,
    }
}

/// An in-memory engine with CN's police numbers as official numbers.
fn engine_with_official() -> Arc<Engine> {
    let engine = Engine::open_in_memory("CN".into()).unwrap();
    let mut lists = ListSet::builder("test", 7);
    lists.add_official("CN".parse().unwrap(), "110").unwrap();
    lists.add_official("CN".parse().unwrap(), "12110").unwrap();
    engine.core().replace_lists(lists.build().unwrap());
    engine
}

fn codes(d: &Decision) -> Vec<ReasonCode> {
    d.reasons.iter().map(|r| r.code).collect()
}

#[test]
fn design_examples_decide_through_the_facade() {
    let engine = engine_with_official();

    let d = engine.check_call(call("+852 12110")).unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.category, Some(Category::OfficialImpersonation));
    assert_eq!(d.reasons[0].code, ReasonCode::SpoofedOfficial);
    assert_eq!(d.reasons[0].code_name, "spoofed_official");
    assert_eq!(d.lists.get("test"), Some(&7));

    let d = engine.check_call(call("110")).unwrap();
    assert_eq!(d.action, Action::Allow);

    engine
        .set_setting("overseas-calls".into(), "block".into())
        .unwrap();
    let d = engine.check_call(call("+855 12 345 678")).unwrap();
    assert_eq!(d.action, Action::Block);
    assert!(codes(&d).contains(&ReasonCode::OverseasCall));

    let mut contact = call("+855 12 345 678");
    contact.is_contact = true;
    let d = engine.check_call(contact).unwrap();
    assert_eq!(d.action, Action::Allow);
    assert_eq!(d.reasons[0].code, ReasonCode::Contact);

    engine
        .set_setting("allowed-countries".into(), "KH".into())
        .unwrap();
    assert_eq!(
        engine.check_call(call("+855 12 345 678")).unwrap().action,
        Action::Allow
    );
    engine
        .set_setting("allowed-countries".into(), "none".into())
        .unwrap();

    let rule = engine
        .add_rule(RuleKind::Allow, "+855 12 345 678".into())
        .unwrap();
    assert_eq!(rule.target, "+85512345678");
    assert_eq!(rule.kind, RuleKind::Allow);
    let d = engine.check_call(call("+855 12 345 678")).unwrap();
    assert_eq!(d.action, Action::Allow);
    assert_eq!(d.reasons[0].code, ReasonCode::UserAllow);

    // Hidden numbers and STIR/SHAKEN arrive as enums.
    let hidden = CallInput {
        number: None,
        presentation: Presentation::Restricted,
        verification: Verification::NotVerified,
        is_contact: false,
    };
    engine
        .set_setting("hidden-numbers".into(), "block".into())
        .unwrap();
    let d = engine.check_call(hidden).unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.reasons[0].code, ReasonCode::HiddenNumber);
    let mut failed = call("110");
    failed.verification = Verification::Failed;
    assert_eq!(
        engine.check_call(failed).unwrap().reasons[0].code,
        ReasonCode::SpoofedOfficial
    );
}

#[test]
fn settings_rules_history_and_status_round_trip() {
    let engine = engine_with_official();
    let settings = engine.setting_entries();
    assert_eq!(settings[0].key, "home-region");
    assert_eq!(settings[0].value, "CN");
    let after = engine
        .set_setting("overseas-sms".into(), "block".into())
        .unwrap();
    assert!(after
        .iter()
        .any(|s| s.key == "overseas-sms" && s.value == "block"));
    assert_eq!(engine.setting_entries(), after);
    assert_eq!(engine.settings().overseas_sms, Action::Block);

    engine.add_rule(RuleKind::Block, "+855*".into()).unwrap();
    engine
        .add_rule(RuleKind::Allow, "country:+63".into())
        .unwrap();
    let rules = engine.rules();
    assert_eq!(
        rules.iter().map(|r| r.target.as_str()).collect::<Vec<_>>(),
        ["+855*", "country:PH"]
    );
    assert_eq!(
        engine
            .remove_rule(Some(RuleKind::Block), "+855*".into())
            .unwrap(),
        1
    );
    assert_eq!(engine.remove_rule(None, "country:PH".into()).unwrap(), 1);
    assert!(engine.rules().is_empty());

    engine.screen_call(call("+852 12110")).unwrap();
    engine
        .screen_sms(SmsInput {
            sender: "+85212345678".into(),
            text: "secret text that is never stored".into(),
        })
        .unwrap();
    let history = engine.history(10).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].channel, Channel::Sms);
    assert_eq!(history[1].channel, Channel::Call);
    assert_eq!(history[1].subject, "+85212110");
    assert_eq!(history[1].decision.action, Action::Block);
    assert!(!format!("{history:?}").contains("secret"));

    let status = engine.status().unwrap();
    assert_eq!(status.home_region, "CN");
    assert_eq!(status.history_entries, 2);
    assert_eq!(status.list_entries.get("official"), Some(&2));
    assert_eq!(status.lists.get("test"), Some(&7));
    assert_eq!(status.database, None);
    assert_eq!(status.update.installed, None);

    assert_eq!(engine.clear_history().unwrap(), 2);
    assert!(engine.history(10).unwrap().is_empty());
    // The diagnostic timing runs the same check inside Rust.
    assert!(engine.measure_check_call(call("+852 12110"), 100).unwrap() > 0);
    is_invalid(engine.measure_check_call(call("hello"), 1));
    // check_* record nothing.
    engine.check_call(call("+852 12110")).unwrap();
    assert_eq!(engine.status().unwrap().history_entries, 0);
}

fn is_invalid(result: Result<impl std::fmt::Debug, CallguardError>) -> String {
    match result {
        Err(CallguardError::InvalidInput { reason }) => reason,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn bad_input_gives_typed_errors_without_the_number() {
    assert!(is_invalid(Engine::open_in_memory("XX".into())).contains("region"));
    is_invalid(Engine::open_in_memory("".into()));
    is_invalid(Engine::open("".into(), "CN".into(), None));
    let engine = engine_with_official();
    for bad in ["12345678901234567890123", "hello", "+999 1234", ""] {
        let reason = is_invalid(engine.add_rule(RuleKind::Block, bad.into()));
        assert!(!reason.contains("1234"), "{reason}");
    }
    is_invalid(engine.set_setting("overseas-calls".into(), "maybe".into()));
    is_invalid(engine.set_setting("no-such-key".into(), "1".into()));
    is_invalid(engine.export_page(None, 0));
    // A 10 KB string, emoji and control characters: a decision or a clean error.
    let long = "9".repeat(10_000);
    for weird in [
        long.as_str(),
        "📞📞📞",
        "\u{0}\u{1b}[2J",
        "+86 １３８ ００１３ ８０００",
    ] {
        match engine.check_call(call(weird)) {
            Ok(_) => {}
            Err(CallguardError::InvalidInput { reason }) => {
                assert!(!reason.contains("9999"), "{reason}")
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    // Updates: no pinned root → refused; a bad path → invalid input.
    match engine.install_update(site_files(&demo_site())) {
        Err(CallguardError::Update { reason }) => assert!(reason.contains("root"), "{reason}"),
        other => panic!("{other:?}"),
    }
    is_invalid(engine.install_update(vec![UpdateFile {
        path: "../etc/passwd".into(),
        bytes: vec![],
    }]));
    let twice = vec![
        UpdateFile {
            path: "timestamp.json".into(),
            bytes: vec![1],
        },
        UpdateFile {
            path: "timestamp.json".into(),
            bytes: vec![2],
        },
    ];
    is_invalid(engine.install_update(twice));
}

#[test]
fn an_unreachable_site_is_a_network_error_and_the_list_stays() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(
        dir.path().to_string_lossy().into_owned(),
        "CN".into(),
        Some(demo_root()),
    )
    .unwrap();
    engine.install_update(site_files(&demo_site())).unwrap();
    // Port 1 on loopback: nothing listens there.
    match engine.update("http://127.0.0.1:1/".into()) {
        Err(CallguardError::Network { reason }) => assert!(!reason.is_empty()),
        other => panic!("expected Network, got {other:?}"),
    }
    let status = engine.status().unwrap();
    assert_eq!(status.update.installed.unwrap().seq, 1);
    assert!(!status.update.last_attempt.unwrap().ok);
    // A tampered timestamp is refused as an update error.
    let mut files = site_files(&demo_site());
    for f in &mut files {
        if f.path == "timestamp.json" {
            let i = f.bytes.len() / 2;
            f.bytes[i] ^= 1;
        }
    }
    assert!(matches!(
        engine.install_update(files),
        Err(CallguardError::Update { .. })
    ));
}

#[test]
fn the_demo_list_installs_from_files_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let engine = Engine::open(path.clone(), "CN".into(), Some(demo_root())).unwrap();
    let report = engine.install_update(site_files(&demo_site())).unwrap();
    assert_eq!(report.seq, 1);
    assert_eq!(report.installed, Some(UpdateVia::Snapshot));
    assert_eq!(report.previous_seq, None);
    let again = engine.install_update(site_files(&demo_site())).unwrap();
    assert_eq!(again.installed, None);
    // A listed number from the demo sources.
    let d = engine.check_call(call("+8617000945041")).unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.reasons[0].code, ReasonCode::ListNumber);
    drop(engine);

    let reopened = Engine::open(path, "CN".into(), None).unwrap();
    let status = reopened.status().unwrap();
    assert_eq!(status.update.installed.as_ref().unwrap().seq, 1);
    assert!(status.database.is_some());
    assert_eq!(
        reopened.check_call(call("+8617000945041")).unwrap().action,
        Action::Block
    );
    // install_bundled is a no-op once a list is installed.
    assert_eq!(
        reopened.install_bundled(site_files(&demo_site())).unwrap(),
        None
    );
}

#[test]
fn eight_threads_check_while_another_updates_and_changes_settings() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(
        dir.path().to_string_lossy().into_owned(),
        "CN".into(),
        Some(demo_root()),
    )
    .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let mut checkers = Vec::new();
    for t in 0..8 {
        let engine = Arc::clone(&engine);
        let stop = Arc::clone(&stop);
        checkers.push(std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) || n < 100 {
                let d = engine.check_call(call("+852 12110")).unwrap();
                // Before the list is installed, +852 is merely overseas; after, spoofed.
                assert_ne!(d.action, Action::Allow, "thread {t}");
                engine.check_call(call("110")).unwrap();
                n += 1;
            }
            n
        }));
    }
    let files = site_files(&demo_site());
    for i in 0..20 {
        engine
            .set_setting(
                "overseas-calls".into(),
                if i % 2 == 0 { "block" } else { "warn" }.into(),
            )
            .unwrap();
        engine.install_update(files.clone()).unwrap();
        engine.add_rule(RuleKind::Block, "+855*".into()).unwrap();
        engine.remove_rule(None, "+855*".into()).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let total: u64 = checkers.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(total >= 800);
    assert_eq!(
        engine.check_call(call("+852 12110")).unwrap().reasons[0].code,
        ReasonCode::SpoofedOfficial
    );
}

fn full_export(engine: &Engine, limit: u32) -> (Vec<ExportEntry>, String) {
    let mut all = Vec::new();
    let mut after = None;
    let mut version = None;
    loop {
        let page = engine.export_page(after, limit).unwrap();
        assert!(page.entries.len() <= limit as usize);
        if let Some(v) = &version {
            assert_eq!(&page.version, v, "the version is the same on every page");
        }
        version = Some(page.version.clone());
        all.extend(page.entries);
        match page.next_after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    (all, version.unwrap())
}

fn strictly_ascending(entries: &[ExportEntry]) -> bool {
    entries.windows(2).all(|w| w[0].number < w[1].number)
}

#[test]
fn the_export_is_strictly_ascending_across_lengths_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(
        dir.path().to_string_lossy().into_owned(),
        "CN".into(),
        Some(demo_root()),
    )
    .unwrap();
    engine.install_update(site_files(&demo_site())).unwrap();
    let (all, version) = full_export(&engine, 1000);
    assert!(strictly_ascending(&all));
    assert_eq!(version, engine.export_version());
    assert!(version.starts_with("default:1:"), "{version}");
    // Every listed block or warn number, once: the demo list has 11- to 15-digit keys.
    let listed = engine.core().lists().numbers().count();
    assert_eq!(all.len(), listed);
    let lengths: std::collections::BTreeSet<usize> =
        all.iter().map(|e| e.number.to_string().len()).collect();
    assert!(lengths.len() >= 3, "{lengths:?}");
    assert!(all
        .iter()
        .all(|e| (e.kind == ExportKind::Block) == e.label.is_empty()));
    let warned = all.iter().find(|e| e.kind == ExportKind::Identify).unwrap();
    assert!(warned.label.starts_with("Warning: "), "{}", warned.label);

    // Small pages give exactly the same sequence.
    for limit in [1, 7, 64] {
        assert_eq!(full_export(&engine, limit).0, all, "limit {limit}");
    }
    // Resuming after any number, listed or not, gives the rest.
    let middle = all[all.len() / 2].number;
    let rest = engine.export_page(Some(middle), 50_000).unwrap();
    assert_eq!(rest.entries[..], all[all.len() / 2 + 1..]);
    assert_eq!(rest.next_after, None);
    let first = engine.export_page(Some(-5), 1).unwrap();
    assert_eq!(first.entries[0], all[0]);

    // User rules: an allow removes a listed number, an exact block adds one.
    let allowed = all[3].number;
    engine
        .add_rule(RuleKind::Allow, format!("+{allowed}"))
        .unwrap();
    engine
        .add_rule(RuleKind::Block, "+855 12 345 678".into())
        .unwrap();
    // Prefix and country blocks cannot be enumerated: not exported.
    engine.add_rule(RuleKind::Block, "+856*".into()).unwrap();
    let (with_rules, v2) = full_export(&engine, 100);
    assert_ne!(v2, version, "rules change the export version");
    assert!(strictly_ascending(&with_rules));
    assert!(!with_rules.iter().any(|e| e.number == allowed));
    let added = with_rules.iter().find(|e| e.number == 85512345678).unwrap();
    assert_eq!((added.kind, added.label.as_str()), (ExportKind::Block, ""));
    assert_eq!(with_rules.len(), all.len());
}

#[test]
fn an_in_memory_list_exports_in_numeric_not_byte_order() {
    let engine = Engine::open_in_memory("CN".into()).unwrap();
    let mut lists = ListSet::builder("t", 2);
    let meta = EntryMeta::new(
        callguard_core::Action::Warn,
        callguard_core::Category::LoanCredit,
        80,
    );
    for n in [
        "+8613800138000",
        "+6834002",
        "+861380013800",
        "+12025550143",
    ] {
        lists.add_number(n, meta).unwrap();
    }
    engine.core().replace_lists(lists.build().unwrap());
    let page = engine.export_page(None, 10).unwrap();
    let numbers: Vec<i64> = page.entries.iter().map(|e| e.number).collect();
    assert_eq!(numbers, [6834002, 12025550143, 861380013800, 8613800138000]);
    assert_eq!(page.entries[0].label, "Warning: loan or credit scam");
    assert_eq!(page.next_after, None);
    // In memory there is no previous list: anything but the current version reloads.
    let changes = engine.export_changes("t:1:0".into(), None, 100).unwrap();
    assert!(changes.full_reload);
    let none = engine
        .export_changes(page.version.clone(), None, 100)
        .unwrap();
    assert!(!none.full_reload);
    assert!(none.changes.is_empty());
}

fn apply(
    mut set: std::collections::BTreeMap<i64, ExportEntry>,
    changes: &[ExportChange],
) -> std::collections::BTreeMap<i64, ExportEntry> {
    for c in changes {
        match c.op {
            ChangeOp::Remove => {
                assert_eq!(set.remove(&c.entry.number).as_ref(), Some(&c.entry));
            }
            ChangeOp::Add => {
                assert!(set.insert(c.entry.number, c.entry.clone()).is_none());
            }
        }
    }
    set
}

#[test]
fn changes_since_the_previous_version_turn_it_into_the_current_one() {
    use callguard_testkit::{now, number, Publisher};
    let publisher = Publisher::new();
    publisher.set_official();
    // Numbers of several lengths, some warned.
    let mut rows: Vec<(String, &str)> = (0..300).map(|i| (number(i), "block")).collect();
    rows.push(("+6834002".into(), "warn"));
    rows.push(("+12025550143".into(), "block"));
    rows.push(("+447946012345".into(), "warn"));
    publisher.set_rows(&rows);
    let t = now();
    publisher.build(t, &[]);

    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::read(publisher.root()).unwrap();
    let engine = Engine::open(
        dir.path().to_string_lossy().into_owned(),
        "CN".into(),
        Some(root),
    )
    .unwrap();
    engine
        .install_update(site_files(&publisher.site()))
        .unwrap();
    let (v1_entries, v1) = full_export(&engine, 128);
    assert!(strictly_ascending(&v1_entries));

    // v2: 50 removed, 50 added, one block turned into a warning, one warning into a block.
    let mut rows2: Vec<(String, &str)> = (50..350).map(|i| (number(i), "block")).collect();
    rows2[0].1 = "warn";
    rows2.push(("+6834002".into(), "block"));
    rows2.push(("+12025550143".into(), "block"));
    rows2.push(("+447946012345".into(), "warn"));
    publisher.set_rows(&rows2);
    publisher.build(t + 1, &[]);
    let report = engine
        .install_update(site_files(&publisher.site()))
        .unwrap();
    assert_eq!(report.seq, 2);
    let (v2_entries, v2) = full_export(&engine, 128);

    // The changes, in small pages, turn v1 into v2.
    let mut changes = Vec::new();
    let mut after = None;
    loop {
        let page = engine.export_changes(v1.clone(), after, 9).unwrap();
        assert!(!page.full_reload);
        assert_eq!(page.version, v2);
        changes.extend(page.changes);
        match page.next_after {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert!(changes
        .windows(2)
        .all(|w| w[0].entry.number <= w[1].entry.number));
    let removed = changes.iter().filter(|c| c.op == ChangeOp::Remove).count();
    let added = changes.iter().filter(|c| c.op == ChangeOp::Add).count();
    assert_eq!((removed, added), (50 + 2, 50 + 2), "{changes:?}");
    let start = v1_entries.iter().map(|e| (e.number, e.clone())).collect();
    let end = apply(start, &changes);
    assert_eq!(end.into_values().collect::<Vec<_>>(), v2_entries);

    // Up to date: nothing to do. Unknown or older versions: a full reload.
    let none = engine.export_changes(v2.clone(), None, 10).unwrap();
    assert!(!none.full_reload && none.changes.is_empty());
    assert!(
        engine
            .export_changes("default:0:0".into(), None, 10)
            .unwrap()
            .full_reload
    );
    assert!(
        engine
            .export_changes("garbage".into(), None, 10)
            .unwrap()
            .full_reload
    );

    // The base survives a restart (the iOS extension is another process).
    drop(engine);
    let reopened =
        Engine::open(dir.path().to_string_lossy().into_owned(), "CN".into(), None).unwrap();
    let again = reopened.export_changes(v1.clone(), None, 1000).unwrap();
    assert!(!again.full_reload);
    assert_eq!(again.changes, changes);

    // A rule change since v1 means the diff no longer applies: reload.
    reopened
        .add_rule(RuleKind::Allow, "country:GB".into())
        .unwrap();
    assert!(reopened.export_changes(v1, None, 10).unwrap().full_reload);
}

/// A database from a newer app (the user went back a version) is its own error, so the
/// app can say "update the app"; the file is left as it was.
#[test]
fn a_database_from_a_newer_app_is_database_too_new() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    drop(Engine::open(path.clone(), "CN".into(), None).unwrap());
    let db = dir.path().join("callguard.sqlite");
    let mut bytes = std::fs::read(&db).unwrap();
    // SQLite's header holds user_version, the schema version, at offset 60 (big-endian).
    bytes[60..64].copy_from_slice(&999u32.to_be_bytes());
    std::fs::write(&db, &bytes).unwrap();
    match Engine::open(path, "CN".into(), None) {
        Err(CallguardError::DatabaseTooNew { reason }) => {
            assert!(reason.contains("999"), "{reason}")
        }
        Err(other) => panic!("expected DatabaseTooNew, got {other:?}"),
        Ok(_) => panic!("expected DatabaseTooNew, got an engine"),
    }
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

/// The settings screen's path: typed settings in, typed settings out, the text form
/// agreeing; a bad region or calling code is InvalidInput, names no value, changes nothing.
#[test]
fn typed_settings_round_trip_and_bad_ones_change_nothing() {
    let engine = engine_with_official();
    let mut settings = engine.settings();
    assert_eq!(settings.home_region, "CN");
    assert_eq!(settings.overseas_calls, Action::Warn);
    settings.overseas_calls = Action::Block;
    settings.allowed_countries = vec!["kh".into(), "MM".into()];
    settings.allowed_calling_codes = vec![63];
    settings.history_retention_days = 7;
    let after = engine.update_settings(settings.clone()).unwrap();
    assert_eq!(after.allowed_countries, vec!["KH", "MM"]);
    assert_eq!(after.allowed_calling_codes, vec![63]);
    assert_eq!(after.overseas_calls, Action::Block);
    assert_eq!(engine.settings(), after);
    let text = engine.setting_entries();
    let value = |key: &str| text.iter().find(|e| e.key == key).unwrap().value.clone();
    assert_eq!(value("allowed-countries"), "KH,MM,+63");
    assert_eq!(value("history-retention-days"), "7");
    // A Cambodian number now rings; overseas calls from elsewhere are blocked.
    let d = engine.check_call(call("+855 12 345 678")).unwrap();
    assert_eq!(d.action, Action::Allow);
    let d = engine.check_call(call("+44 20 7946 0000")).unwrap();
    assert_eq!(d.action, Action::Block);

    for bad in [
        Settings {
            home_region: "13800138000".into(),
            ..after.clone()
        },
        Settings {
            allowed_countries: vec!["KH".into(), "8613800138000".into()],
            ..after.clone()
        },
        Settings {
            allowed_calling_codes: vec![999],
            ..after.clone()
        },
        Settings {
            history_retention_days: 4000,
            ..after.clone()
        },
        Settings {
            repeated_calls_minutes: 61,
            ..after.clone()
        },
    ] {
        let reason = is_invalid(engine.update_settings(bad));
        assert!(!reason.contains("138"), "{reason}");
        assert_eq!(engine.settings(), after);
    }
}
