//! A crash at any write step of an install leaves the old list or the new one, never a
//! broken one, and the next start recovers. The crash is simulated by stopping the
//! install right after each step and dropping the engine without any cleanup.

use callguard_core::update::{FileMap, InstallStep, UpdateError};
use callguard_core::{Action, CallInput, Engine, EngineConfig, Error};
use callguard_e2e::{number, numbers, Publisher, T0};

const STEPS: [InstallStep; 6] = [
    InstallStep::FilesWritten,
    InstallStep::FilesSynced,
    InstallStep::Renamed,
    InstallStep::Committed,
    InstallStep::Swapped,
    InstallStep::OldRemoved,
];

fn open(dir: &std::path::Path, root: &[u8]) -> Engine {
    Engine::open(
        dir,
        EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec()),
    )
    .unwrap()
}

#[test]
fn a_crash_after_any_install_step_leaves_a_whole_list() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 300));
    publisher.build(T0, &[]);
    let v1 = FileMap::from_dir(&publisher.site()).unwrap();
    publisher.set_numbers(&numbers(100, 300));
    publisher.build(T0 + 100, &[]);
    let v2 = FileMap::from_dir(&publisher.site()).unwrap();
    let root = std::fs::read(publisher.root()).unwrap();

    for step in STEPS {
        let phone = tempfile::tempdir().unwrap();
        {
            let engine = open(phone.path(), &root);
            engine.update_with_clock(&v1, T0 + 10).unwrap();
            engine.simulate_crash_after(Some(step));
            match engine.update_with_clock(&v2, T0 + 200) {
                Err(Error::Update(UpdateError::SimulatedCrash(at))) => assert_eq!(at, step),
                other => panic!("{step:?}: expected the simulated crash, got {other:?}"),
            }
        } // the process "dies": no cleanup runs

        let engine = open(phone.path(), &root);
        let committed = matches!(
            step,
            InstallStep::Committed | InstallStep::Swapped | InstallStep::OldRemoved
        );
        let expected_seq = if committed { 2 } else { 1 };
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
            .check_call(&CallInput::number(number(1)))
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
        // Exactly one list directory is left: recovery removed the other.
        let dirs = std::fs::read_dir(phone.path().join("lists"))
            .unwrap()
            .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
            .count();
        assert_eq!(dirs, 1, "{step:?}: leftover directories");
        // And the next update completes.
        let report = engine.update_with_clock(&v2, T0 + 300).unwrap();
        assert_eq!(report.seq, 2, "{step:?}");
        assert_eq!(
            engine
                .check_call(&CallInput::number(number(350)))
                .unwrap()
                .action,
            Action::Block
        );
    }
}
