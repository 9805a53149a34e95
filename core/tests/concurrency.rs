//! Many threads check while another changes settings, rules and lists.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use callguard_core::{Action, CallInput, Category, EntryMeta, ListSet, ReasonCode, RuleKind};
use common::cn_engine;

#[test]
fn readers_see_whole_snapshots_while_a_writer_changes_state() {
    let engine = Arc::new(cn_engine());
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let engine = Arc::clone(&engine);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut checks = 0u64;
                while !stop.load(Ordering::Relaxed) || checks < 1000 {
                    // The police number is allowed in every state the writer produces.
                    let police = engine.check_call(&CallInput::number("110")).unwrap();
                    assert_eq!(police.action, Action::Allow);
                    // The spoof is blocked in every state, whatever the overseas setting.
                    let spoof = engine.check_call(&CallInput::number("+852 12110")).unwrap();
                    assert_eq!(spoof.action, Action::Block);
                    assert_eq!(spoof.reasons[0].code, ReasonCode::SpoofedOfficial);
                    checks += 1;
                }
                checks
            })
        })
        .collect();

    for round in 0..200u64 {
        let policy = ["allow", "warn", "block"][(round % 3) as usize];
        engine.set_setting("overseas-calls", policy).unwrap();
        engine
            .add_rule(RuleKind::Block, &format!("+8613{:09}", round))
            .unwrap();
        let mut lists = ListSet::builder("test", round + 2);
        lists.add_official("CN".parse().unwrap(), "110").unwrap();
        lists.add_official("CN".parse().unwrap(), "12110").unwrap();
        lists
            .add_number(
                "+85512345678",
                EntryMeta::new(Action::Warn, Category::Investment, 50),
            )
            .unwrap();
        engine.replace_lists(lists.build().unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    let total: u64 = readers
        .into_iter()
        .map(|r| r.join().expect("reader thread"))
        .sum();
    assert!(total >= 6000);
    assert_eq!(engine.rules().len(), 200);
    assert_eq!(engine.lists().version(), 201);
}
