//! A crash at any write step of an install leaves the old list or the new one, never a
//! broken one, and the next start recovers. The crash is simulated by stopping the
//! install right after each step and dropping the engine without any cleanup. The iOS
//! export's base (the replaced list, kept by the install) follows the same rule: after
//! the restart it is the old list's or the new list's, and the changes it gives are right.
//! Compaction (folding a delta's numbers overlay into a new base) runs the same steps and
//! is held to the same rule: a crash after any of them leaves the same list, whole,
//! verifiable and with its export base, overlaid or compacted.

use std::collections::BTreeMap;

use callguard_core::export::{ChangeOp, ExportEntry};
use callguard_core::update::{FileMap, InstallStep, UpdateError, Via};
use callguard_core::{Action, CallInput, Engine, EngineConfig, Error};
use callguard_e2e::{number, numbers, Publisher, T0};

fn open(dir: &std::path::Path, root: &[u8]) -> Engine {
    Engine::open(
        dir,
        EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec()),
    )
    .unwrap()
}

/// Every page of the full export, and its version.
fn full_export(engine: &Engine) -> (Vec<ExportEntry>, String) {
    let (mut all, mut after) = (Vec::new(), None);
    loop {
        let page = engine.export_page(after, 64).unwrap();
        all.extend(page.entries);
        match page.next_after {
            Some(n) => after = Some(n),
            None => return (all, page.version),
        }
    }
}

/// The export at `since` with every page of the changes since it applied, or `None` when
/// the engine says a full reload is needed.
fn changed(engine: &Engine, since: &(Vec<ExportEntry>, String)) -> Option<Vec<ExportEntry>> {
    let mut map: BTreeMap<i64, ExportEntry> =
        since.0.iter().map(|e| (e.number, e.clone())).collect();
    let mut after = None;
    loop {
        let page = engine.export_changes(&since.1, after, 50).unwrap();
        if page.full_reload {
            return None;
        }
        for c in page.changes {
            match c.op {
                ChangeOp::Remove => assert_eq!(map.remove(&c.entry.number), Some(c.entry)),
                ChangeOp::Add => assert!(map.insert(c.entry.number, c.entry).is_none()),
            }
        }
        match page.next_after {
            Some(n) => after = Some(n),
            None => return Some(map.into_values().collect()),
        }
    }
}

#[test]
fn a_crash_after_any_install_step_leaves_a_whole_list() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 300));
    publisher.build(T0, &[]);
    let v0 = FileMap::from_dir(&publisher.site()).unwrap();
    publisher.set_numbers(&numbers(50, 300));
    publisher.build(T0 + 50, &[]);
    let v1 = FileMap::from_dir(&publisher.site()).unwrap();
    publisher.set_numbers(&numbers(100, 300));
    publisher.build(T0 + 100, &[]);
    let v2 = FileMap::from_dir(&publisher.site()).unwrap();
    let root = std::fs::read(publisher.root()).unwrap();

    for step in InstallStep::ALL {
        let phone = tempfile::tempdir().unwrap();
        let (export0, export1) = {
            let engine = open(phone.path(), &root);
            engine.update_with_clock(&v0, T0 + 5).unwrap();
            let export0 = full_export(&engine);
            engine.update_with_clock(&v1, T0 + 10).unwrap();
            let export1 = full_export(&engine);
            engine.simulate_crash_after(Some(step));
            match engine.update_with_clock(&v2, T0 + 200) {
                Err(Error::Update(UpdateError::SimulatedCrash(at))) => assert_eq!(at, step),
                other => panic!("{step:?}: expected the simulated crash, got {other:?}"),
            }
            (export0, export1)
        }; // the process "dies": no cleanup runs

        let engine = open(phone.path(), &root);
        let committed = matches!(
            step,
            InstallStep::Committed | InstallStep::Swapped | InstallStep::OldRemoved
        );
        let expected_seq = if committed { 3 } else { 2 };
        let lists = engine.lists();
        assert_eq!(
            lists.version(),
            expected_seq,
            "{step:?}: the list in use after restart"
        );
        assert_eq!(
            lists.counts()[0],
            300,
            "{step:?}: a whole list, not a partial one"
        );
        let on_v1_only = engine
            .check_call(&CallInput::number(number(51)))
            .unwrap()
            .action;
        assert_eq!(
            on_v1_only,
            if committed {
                Action::Allow
            } else {
                Action::Block
            },
            "{step:?}"
        );
        // Exactly one list directory and its export base are left: recovery removed
        // the others.
        let mut dirs: Vec<String> = std::fs::read_dir(phone.path().join("lists"))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        assert_eq!(dirs.len(), 2, "{step:?}: leftover directories {dirs:?}");
        assert_eq!(
            dirs[1],
            format!("{}.export-base", dirs[0]),
            "{step:?}: {dirs:?}"
        );
        // The export base is the one of the list in use: the changes since its
        // predecessor are right, and anything older reloads.
        let current = full_export(&engine);
        if committed {
            assert_eq!(
                changed(&engine, &export1),
                Some(current.0.clone()),
                "{step:?}"
            );
            assert_eq!(changed(&engine, &export0), None, "{step:?}");
        } else {
            assert_eq!(current, export1, "{step:?}");
            assert_eq!(
                changed(&engine, &export0),
                Some(export1.0.clone()),
                "{step:?}"
            );
        }
        // And the next update completes.
        let report = engine.update_with_clock(&v2, T0 + 300).unwrap();
        assert_eq!(report.seq, 3, "{step:?}");
        assert_eq!(
            changed(&engine, &export1),
            Some(full_export(&engine).0),
            "{step:?}"
        );
        assert_eq!(
            engine
                .check_call(&CallInput::number(number(350)))
                .unwrap()
                .action,
            Action::Block
        );
    }
}

/// The list directories left in the phone's data directory.
fn list_dirs(phone: &std::path::Path) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(phone.join("lists"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn a_crash_after_any_compaction_step_leaves_a_whole_list() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 400));
    publisher.build(T0, &[]);
    let v0 = FileMap::from_dir(&publisher.site()).unwrap();
    // 10 removed and 10 added: an overlay of 20 entries, well under a quarter of the base,
    // so the update leaves compaction to `compact_lists`.
    publisher.set_numbers(&numbers(10, 400));
    publisher.build(T0 + 50, &[]);
    let v1 = FileMap::from_dir(&publisher.site()).unwrap();
    publisher.set_numbers(&numbers(20, 400));
    publisher.build(T0 + 100, &[]);
    let v2 = FileMap::from_dir(&publisher.site()).unwrap();
    let root = std::fs::read(publisher.root()).unwrap();

    for step in InstallStep::ALL {
        let phone = tempfile::tempdir().unwrap();
        let (export0, export1) = {
            let engine = open(phone.path(), &root);
            engine.update_with_clock(&v0, T0 + 5).unwrap();
            let export0 = full_export(&engine);
            let report = engine.update_with_clock(&v1, T0 + 10).unwrap();
            assert_eq!(report.installed, Some(Via::Delta { from: 1 }), "{step:?}");
            assert!(
                engine.lists().has_overlay(),
                "{step:?}: a delta installs an overlay"
            );
            let export1 = full_export(&engine);
            engine.simulate_crash_after(Some(step));
            match engine.compact_lists() {
                Err(Error::Update(UpdateError::SimulatedCrash(at))) => assert_eq!(at, step),
                other => panic!("{step:?}: expected the simulated crash, got {other:?}"),
            }
            (export0, export1)
        }; // the process "dies": no cleanup runs

        let engine = open(phone.path(), &root);
        let committed = matches!(
            step,
            InstallStep::Committed | InstallStep::Swapped | InstallStep::OldRemoved
        );
        let lists = engine.lists();
        assert_eq!(
            lists.version(),
            2,
            "{step:?}: the list in use after restart"
        );
        assert_eq!(lists.counts()[0], 400, "{step:?}: a whole list");
        assert_eq!(lists.has_overlay(), !committed, "{step:?}");
        assert!(
            engine.verify_lists().unwrap(),
            "{step:?}: the list verifies"
        );
        for (i, expected) in [
            (5, Action::Allow),
            (15, Action::Block),
            (405, Action::Block),
        ] {
            let action = engine
                .check_call(&CallInput::number(number(i)))
                .unwrap()
                .action;
            assert_eq!(action, expected, "{step:?}: number {i}");
        }
        let dirs = list_dirs(phone.path());
        assert_eq!(dirs.len(), 2, "{step:?}: leftover directories {dirs:?}");
        assert_eq!(dirs[0].ends_with("-c"), committed, "{step:?}: {dirs:?}");
        assert_eq!(dirs[1], format!("{}.export-base", dirs[0]), "{step:?}");
        // Same content, same export, and the export base came along.
        assert_eq!(full_export(&engine), export1, "{step:?}");
        assert_eq!(
            changed(&engine, &export0),
            Some(export1.0.clone()),
            "{step:?}"
        );

        // The interrupted compaction can be run again, and then the next update applies
        // to the compacted base.
        assert_eq!(engine.compact_lists().unwrap(), !committed, "{step:?}");
        assert!(!engine.lists().has_overlay(), "{step:?}");
        assert_eq!(
            changed(&engine, &export0),
            Some(export1.0.clone()),
            "{step:?}"
        );
        let report = engine.update_with_clock(&v2, T0 + 300).unwrap();
        assert_eq!(report.installed, Some(Via::Delta { from: 2 }), "{step:?}");
        assert_eq!(
            changed(&engine, &export1),
            Some(full_export(&engine).0),
            "{step:?}"
        );
        assert_eq!(engine.lists().counts()[0], 400, "{step:?}");
        assert!(engine.verify_lists().unwrap(), "{step:?}");
    }
}
