use super::*;
use crate::vocabulary::Action;
use std::collections::BTreeMap;

fn decision(action: Action) -> Decision {
    Decision {
        action,
        category: None,
        label: "x".into(),
        reasons: vec![],
        lists: BTreeMap::new(),
    }
}

#[test]
fn settings_persist_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.sqlite");
    let cn: Region = "CN".parse().unwrap();
    {
        let store = Store::open(&path).unwrap();
        store.save_setting("overseas-calls", "block").unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.load_settings(cn).unwrap().0.overseas_calls,
        Action::Block
    );
    assert_eq!(store.schema_version().unwrap(), schema::LATEST);
}

#[test]
fn garbage_file_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.sqlite");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    match Store::open(&path) {
        Err(Error::DatabaseCorrupt(_)) => {}
        other => panic!("expected DatabaseCorrupt, got {:?}", other.err()),
    }
    // The file is left as it was, for the user or support to inspect.
    assert_eq!(std::fs::read(&path).unwrap(), vec![0x5a; 8192]);
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cg.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    match Store::open(&path) {
        Err(Error::DatabaseTooNew {
            found: 99,
            supported,
        }) => assert_eq!(supported, schema::LATEST),
        other => panic!("expected DatabaseTooNew, got {:?}", other.err()),
    }
}

#[test]
fn rules_add_list_remove() {
    let store = Store::open_in_memory().unwrap();
    let target = RuleTarget::Prefix("855".into());
    let first = store
        .add_rule(RuleKind::Block, &target, 1_700_000_000)
        .unwrap();
    let again = store
        .add_rule(RuleKind::Block, &target, 1_700_000_000)
        .unwrap();
    assert_eq!(first.id, again.id);
    store
        .add_rule(
            RuleKind::Allow,
            &RuleTarget::Number("85512345678".into()),
            1_700_000_000,
        )
        .unwrap();
    assert_eq!(store.rules().unwrap().0.len(), 2);
    assert_eq!(store.remove_rule(None, &target).unwrap(), 1);
    assert_eq!(store.remove_rule(None, &target).unwrap(), 0);
    assert_eq!(store.rules().unwrap().0.len(), 1);
}

#[test]
fn history_keeps_decisions_and_honours_retention() {
    let mut store = Store::open_in_memory().unwrap();
    store
        .add_history(Channel::Call, "+85512345678", &decision(Action::Block), 30)
        .unwrap();
    store
        .add_history(Channel::Sms, "10086", &decision(Action::Allow), 30)
        .unwrap();
    let entries = store.history(10).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].channel, Channel::Sms);
    assert_eq!(entries[1].decision.action, Action::Block);
    // Retention 0 records nothing.
    store
        .add_history(Channel::Call, "+8613800138000", &decision(Action::Allow), 0)
        .unwrap();
    assert_eq!(store.history_count().unwrap(), 2);
    // Entries older than the period are pruned on the next insert.
    store
        .conn
        .execute("UPDATE history SET at_ms = at_ms - 40 * 86400000", [])
        .unwrap();
    store
        .add_history(
            Channel::Call,
            "+8613800138000",
            &decision(Action::Allow),
            30,
        )
        .unwrap();
    assert_eq!(store.history_count().unwrap(), 1);
    assert_eq!(store.clear_history().unwrap(), 1);
}

#[test]
fn history_is_capped() {
    let mut store = Store::open_in_memory().unwrap();
    store.conn.execute_batch("BEGIN").unwrap();
    for i in 0..MAX_ENTRIES + 5 {
        store.conn.execute(
            "INSERT INTO history (at_ms, channel, subject, action, decision) VALUES (?1, 'call', 'x', 'allow', '{}')",
            params![now_ms() + i],
        ).unwrap();
    }
    store.conn.execute_batch("COMMIT").unwrap();
    store
        .add_history(
            Channel::Call,
            "+8613800138000",
            &decision(Action::Allow),
            30,
        )
        .unwrap();
    assert_eq!(store.history_count().unwrap(), MAX_ENTRIES);
}

#[test]
fn the_latest_known_time_only_moves_forward() {
    let mut store = Store::open_in_memory().unwrap();
    assert_eq!(store.trust_record().unwrap().latest_known_time, None);
    let at = |t| TrustRecord {
        latest_known_time: Some(t),
        ..TrustRecord::default()
    };
    store.commit_update(&at(2_000), None).unwrap();
    store.commit_update(&at(1_000), None).unwrap();
    assert_eq!(store.trust_record().unwrap().latest_known_time, Some(2_000));
    store.commit_update(&at(3_000), None).unwrap();
    assert_eq!(store.trust_record().unwrap().latest_known_time, Some(3_000));
}
