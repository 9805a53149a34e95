//! Storage integrity: what the engine accepts reads back as itself, unreadable rows are
//! skipped and counted, decisions never wait on the history, and a database that must
//! not be touched is left byte for byte as it was.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use callguard_core::{
    Action, CallInput, Engine, EngineConfig, Error, ReasonCode, RuleKind, RuleTarget, Settings,
};
use common::region;
use proptest::prelude::*;

const DB: &str = "callguard.sqlite";

fn open(dir: &Path) -> Engine {
    Engine::open(dir, EngineConfig::new(region("CN"))).expect("the engine opens")
}

fn open_in(dir: &Path, home: &str) -> Engine {
    let engine = open(dir);
    engine
        .set_setting("home-region", home)
        .expect("home region");
    engine
}

fn is_user_block(engine: &Engine, typed: &str) -> bool {
    let decision = engine
        .check_call(&CallInput::number(typed))
        .expect("a decision");
    decision.action == Action::Block
        && decision
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::UserBlock)
}

/// Issue 9 item 1: a rule the engine accepted made every later open fail.
#[test]
fn an_accepted_rule_reads_back_and_the_engine_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let printed = {
        let engine = open_in(dir.path(), "CN");
        engine
            .add_rule(RuleKind::Block, "01272700000000")
            .expect("accepted")
            .target
            .to_string()
    };
    let engine = open(dir.path());
    assert_eq!(engine.rules().len(), 1);
    assert_eq!(engine.rules()[0].target.to_string(), printed);
    assert!(is_user_block(&engine, "01272700000000"));
    engine
        .check_call(&CallInput::number("110"))
        .expect("check call 110");
    assert_eq!(engine.remove_rule(None, &printed).unwrap(), 1);
    assert_eq!(engine.status().unwrap().unreadable_rows, 0);
}

/// Issue 9 item 10: stored as one number, read back as another.
#[test]
fn a_rule_matches_what_its_printed_form_means() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open_in(dir.path(), "KH");
    let rule = engine.add_rule(RuleKind::Block, "00252 12110").unwrap();
    let printed = rule.target.to_string();
    drop(engine);
    let engine = open(dir.path());
    assert_eq!(engine.rules()[0].target.to_string(), printed);
    assert!(is_user_block(&engine, "00252 12110"));
    assert_eq!(
        engine.remove_rule(Some(RuleKind::Block), &printed).unwrap(),
        1
    );
    assert!(engine.rules().is_empty());
}

/// Rows this build cannot read are skipped and counted; the engine opens and decides.
#[test]
fn unreadable_rows_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = open(dir.path());
        engine.add_rule(RuleKind::Block, "+85512345678").unwrap();
        engine
            .screen_call(&CallInput::number("+85512345678"))
            .unwrap();
        let conn = rusqlite::Connection::open(dir.path().join(DB)).unwrap();
        conn.execute_batch(
            "INSERT INTO rules (kind, target, created_at) VALUES ('block', 'nonsense', 0);
             INSERT INTO settings (key, value) VALUES ('overseas-calls', 'sometimes');
             INSERT INTO history (at_ms, channel, subject, action, decision)
                 VALUES (1, 'call', 'x', 'block', 'not json');",
        )
        .unwrap();
    }
    let engine = open(dir.path());
    let status = engine.status().unwrap();
    assert_eq!(status.unreadable_rows, 3);
    assert_eq!(engine.rules().len(), 1);
    assert_eq!(
        engine.settings().overseas_calls,
        Action::Warn,
        "the default"
    );
    assert_eq!(engine.history(10).unwrap().len(), 1);
    assert!(is_user_block(&engine, "+85512345678"));
    assert_eq!(engine.remove_rule(None, "+85512345678").unwrap(), 1);
}

fn typed_number() -> impl Strategy<Value = (String, String)> {
    let home = prop::sample::select(vec![
        "CN", "KH", "US", "GB", "JM", "DE", "IN", "FR", "JP", "SO",
    ]);
    let lead = prop::sample::select(vec!["", "+", "00", "0", "011", "+0", "00 0"]);
    let sep = prop::sample::select(vec!["", " ", "-", "(", ")", "."]);
    (home, lead, prop::collection::vec(("[0-9]{1,4}", sep), 1..5)).prop_map(
        |(home, lead, parts)| {
            let mut text = lead.to_owned();
            for (digits, sep) in parts {
                text.push_str(&digits);
                text.push_str(sep);
            }
            (home.to_owned(), text)
        },
    )
}

fn typed_target() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        4 => typed_number(),
        1 => ("[0-9 ]{1,8}").prop_map(|d| ("CN".to_owned(), format!("+{d}*"))),
        1 => prop::sample::select(vec!["KH", "us", "+855", "+1", "+44", "XX", "+999", ""])
            .prop_map(|c| ("KH".to_owned(), format!("country:{c}"))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever `rules add` accepts reads back equal after a reopen, a number rule
    /// blocks the same typed text, and the printed form removes it.
    #[test]
    fn accepted_rules_read_back_block_and_remove(
        cases in prop::collection::vec((typed_target(), any::<bool>()), 1..6)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut added = Vec::new();
        for ((home, text), allow) in &cases {
            let engine = open_in(dir.path(), home);
            let kind = if *allow { RuleKind::Allow } else { RuleKind::Block };
            if let Ok(rule) = engine.add_rule(kind, text) {
                if kind == RuleKind::Block && matches!(rule.target, RuleTarget::Number(_))
                    && !engine.rules().iter().any(|r| r.kind == RuleKind::Allow)
                {
                    prop_assert!(is_user_block(&engine, text), "{} in {}", text, home);
                }
                added.push((home.clone(), text.clone(), rule));
            }
        }
        let before = open(dir.path()).rules();
        let engine = open(dir.path());
        prop_assert_eq!(engine.rules(), before.clone());
        prop_assert_eq!(engine.status().unwrap().unreadable_rows, 0);
        for (home, text, rule) in &added {
            prop_assert!(engine.rules().contains(rule), "{} in {}", text, home);
        }
        for rule in &before {
            let printed = rule.target.to_string();
            prop_assert_eq!(engine.remove_rule(Some(rule.kind), &printed).unwrap(), 1, "{}", printed);
        }
        drop(engine);
        prop_assert!(open(dir.path()).rules().is_empty());
    }

    /// Whatever `settings set` accepts loads back equal after a reopen.
    #[test]
    fn accepted_settings_read_back(
        values in prop::collection::vec((0..Settings::KEYS.len(), setting_value()), 1..8)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let engine = open(dir.path());
        for (key, value) in &values {
            let _ = engine.set_setting(Settings::KEYS[*key], value);
        }
        let expected = engine.settings();
        drop(engine);
        let engine = open(dir.path());
        prop_assert_eq!(engine.settings(), expected);
        prop_assert_eq!(engine.status().unwrap().unreadable_rows, 0);
    }
}

fn setting_value() -> impl Strategy<Value = String> {
    let item = prop::sample::select(vec![
        "KH", "mm", "+1", "+44", "+855", "US", "gb", "+999", "XX", "none", "", "+0", "+001",
    ]);
    let sep = prop::sample::select(vec![",", " ", ";", ", "]);
    prop_oneof![
        prop::sample::select(vec![
            "allow", "warn", "block", "maybe", " Warn ", "0", "3650", "3651", "-1", "007", "KH",
            "cn", "AC", "001"
        ])
        .prop_map(str::to_owned),
        prop::collection::vec((item, sep), 0..5)
            .prop_map(|items| { items.into_iter().map(|(i, s)| format!("{i}{s}")).collect() }),
        "\\PC{0,12}",
    ]
}

/// Item 4: the decision comes first; a locked database drops the record, promptly.
#[test]
fn a_locked_database_does_not_delay_or_fail_a_decision() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path());
    engine.add_rule(RuleKind::Block, "+85512345678").unwrap();
    let locker = rusqlite::Connection::open(dir.path().join(DB)).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let decision = engine
        .screen_call(&CallInput::number("+85512345678"))
        .expect("a decision despite the lock");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(decision.action, Action::Block);
    locker.execute_batch("ROLLBACK").unwrap();
    let status = engine.status().unwrap();
    assert_eq!(status.history_dropped, 1);
    assert_eq!(status.history_entries, 0);
    // Once the lock is gone, decisions are recorded again.
    engine
        .screen_call(&CallInput::number("+85512345678"))
        .unwrap();
    let status = engine.status().unwrap();
    assert_eq!((status.history_entries, status.history_dropped), (1, 1));
}

/// Item 4: a read-only database still decides, and every record is dropped and counted.
#[test]
fn a_read_only_database_still_decides() {
    let dir = tempfile::tempdir().unwrap();
    drop({
        let engine = open(dir.path());
        engine.add_rule(RuleKind::Block, "+85512345678").unwrap();
        engine
    });
    let path = dir.path().join(DB);
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    let before = std::fs::read(&path).unwrap();

    let engine = open(dir.path());
    let decision = engine
        .screen_call(&CallInput::number("+85512345678"))
        .expect("a decision from a read-only database");
    assert_eq!(decision.action, Action::Block);
    let sms = engine
        .screen_sms(&callguard_core::SmsInput::new("+85512345678", "hello"))
        .expect("an SMS decision too");
    assert_eq!(sms.action, Action::Block);
    let status = engine.status().unwrap();
    assert_eq!(status.history_dropped, 2);
    assert!(engine.add_rule(RuleKind::Block, "+85500000000").is_err());
    drop(engine);
    assert!(std::fs::read(&path).unwrap() == before, "the file changed");
}

/// Item 12: a newer schema in rollback-journal mode is refused byte for byte untouched
/// (it used to be switched to WAL first).
#[test]
fn a_newer_schema_is_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = DELETE;
             CREATE TABLE future (x);
             INSERT INTO future VALUES (1);
             PRAGMA user_version = 99;",
        )
        .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match Engine::open(dir.path(), EngineConfig::new(region("CN"))) {
        Err(Error::DatabaseTooNew { found: 99, .. }) => {}
        other => panic!("expected DatabaseTooNew, got {other:?}"),
    }
    assert!(std::fs::read(&path).unwrap() == before, "the file changed");
    assert!(!dir.path().join(format!("{DB}-wal")).exists());
}

/// Item 12: a 0-byte database beside other state is refused, and nothing is deleted.
#[test]
fn an_empty_database_beside_other_state_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("lists").join("default-7");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::write(lists.join("numbers.fst"), b"list bytes").unwrap();
    std::fs::write(dir.path().join(DB), b"").unwrap();
    match Engine::open(dir.path(), EngineConfig::new(region("CN"))) {
        Err(Error::DatabaseEmpty) => {}
        other => panic!("expected DatabaseEmpty, got {other:?}"),
    }
    assert_eq!(std::fs::read(dir.path().join(DB)).unwrap(), b"");
    assert_eq!(
        std::fs::read(lists.join("numbers.fst")).unwrap(),
        b"list bytes"
    );
}

/// A 0-byte database alone (or beside an empty lists directory) is a new database.
#[test]
fn an_empty_database_alone_is_new() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lists")).unwrap();
    std::fs::write(dir.path().join(DB), b"").unwrap();
    let engine = open(dir.path());
    engine.add_rule(RuleKind::Block, "+85512345678").unwrap();
    assert_eq!(engine.rules().len(), 1);
}

/// A calling code in allowed-countries covers every region that shares it.
#[test]
fn an_allowed_calling_code_covers_its_whole_plan() {
    let engine = Engine::open_in_memory(EngineConfig::new(region("CN"))).unwrap();
    let jamaica = CallInput::number("+1 876 927 1234");
    let overseas = |engine: &Engine| {
        engine
            .check_call(&jamaica)
            .unwrap()
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::OverseasCall)
    };
    assert!(overseas(&engine));
    engine.set_setting("allowed-countries", "US").unwrap();
    assert!(overseas(&engine), "US alone does not cover Jamaica");
    let settings = engine.set_setting("allowed-countries", "+1,+44").unwrap();
    assert_eq!(settings.get("allowed-countries").unwrap(), "+1,+44");
    assert!(!overseas(&engine), "+1 covers Jamaica");
}

/// History rows are read one by one: an old row (the JSON of `Decision`, as earlier
/// builds stored it) and a row from a newer build (an unknown reason code, extra fields)
/// read; a corrupt row is skipped and counted, and the two counts agree.
#[test]
fn history_reads_old_and_newer_rows_and_skips_corrupt_ones() {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = open(dir.path());
        engine
            .screen_call(&CallInput::number("+85512345678"))
            .unwrap();
        let conn = rusqlite::Connection::open(dir.path().join(DB)).unwrap();
        conn.execute_batch(
            r#"INSERT INTO history (at_ms, channel, subject, action, decision) VALUES
                 (2, 'call', '+85511111111', 'block', '{"action":"block","category":"official_impersonation","label":"old","reasons":[{"code":"spoofed_official","detail":"d"}],"lists":{"official":3}}'),
                 (3, 'sms', 'BANK', 'warn', '{"v":9,"action":"warn","label":"newer","reasons":[{"code":"a_code_from_the_future","detail":"x"},{"code":"sms_phrase","detail":"y"}],"more":{}}'),
                 (4, 'call', 'x', 'block', 'not json'),
                 ('not a time', 'call', 'y', 'block', '{}');"#,
        )
        .unwrap();
    }
    let engine = open(dir.path());
    let history = engine.history(10).unwrap();
    let labels: Vec<&str> = history.iter().map(|e| e.decision.label.as_str()).collect();
    assert_eq!(history.len(), 3, "{labels:?}");
    assert!(
        labels.contains(&"old") && labels.contains(&"newer"),
        "{labels:?}"
    );
    let old = history.iter().find(|e| e.decision.label == "old").unwrap();
    assert_eq!(old.decision.action, Action::Block);
    assert_eq!(old.decision.reasons[0].code, ReasonCode::SpoofedOfficial);
    let newer = history
        .iter()
        .find(|e| e.decision.label == "newer")
        .unwrap();
    assert_eq!(newer.decision.reasons.len(), 1);
    assert_eq!(newer.decision.reasons[0].code, ReasonCode::SmsPhrase);
    assert_eq!(engine.status().unwrap().unreadable_rows, 2);
}

/// Typed settings: checked, stored in one go (only what changed), read back as
/// themselves after reopening; a bad value changes nothing.
#[test]
fn typed_settings_are_validated_stored_and_reloaded() {
    let dir = tempfile::tempdir().unwrap();
    let mut wanted = {
        let engine = open(dir.path());
        let mut wanted = engine.settings();
        wanted.overseas_calls = Action::Block;
        wanted.allowed_countries.insert(region("KH"));
        wanted.allowed_calling_codes.insert(1);
        wanted.history_retention_days = 7;
        wanted.repeated_calls_minutes = 5;
        assert_eq!(engine.update_settings(&wanted).unwrap(), wanted);
        assert_eq!(engine.settings(), wanted);

        let mut bad = wanted.clone();
        bad.overseas_sms = Action::Block;
        bad.allowed_calling_codes.insert(999);
        assert!(matches!(
            engine.update_settings(&bad),
            Err(Error::InvalidSetting(_))
        ));
        assert_eq!(engine.settings(), wanted, "nothing changed");
        wanted
    };
    let engine = open(dir.path());
    assert_eq!(engine.settings(), wanted);
    assert_eq!(engine.settings().get("allowed-countries").unwrap(), "KH,+1");
    // Only changed keys are stored: an untouched default stays a default.
    let conn = rusqlite::Connection::open(dir.path().join(DB)).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT count(*) FROM settings WHERE key = 'sms-spam'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);
    wanted.sms_spam = Action::Warn;
    assert_eq!(
        engine.update_settings(&wanted).unwrap().sms_spam,
        Action::Warn
    );
}
