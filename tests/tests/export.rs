//! The iOS export's changes come from the base each install keeps: they survive a
//! restart, and any base that cannot be proven to be the installed list's predecessor
//! (missing, damaged, made from a damaged list) answers `full_reload`.

use std::path::{Path, PathBuf};

use callguard_core::export::ExportEntry;
use callguard_core::{Engine, EngineConfig};
use callguard_e2e::{TwoVersions, T0};

fn open(dir: &Path, root: &[u8]) -> Engine {
    Engine::open(
        dir,
        EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec()),
    )
    .unwrap()
}

fn full(engine: &Engine) -> (Vec<ExportEntry>, String) {
    let (mut all, mut after) = (Vec::new(), None);
    loop {
        let page = engine.export_page(after, 100).unwrap();
        all.extend(page.entries);
        match page.next_after {
            Some(n) => after = Some(n),
            None => return (all, page.version),
        }
    }
}

/// The export base directory beside the installed list.
fn base_dir(phone: &Path) -> PathBuf {
    std::fs::read_dir(phone.join("lists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".export-base"))
        .expect("an export base")
}

type Fixture = TwoVersions;

fn fixture() -> Fixture {
    TwoVersions::new((0, 200), (20, 200))
}

/// Installs v1 then v2 in a fresh data directory; returns v1's export.
fn two_installs(f: &Fixture, phone: &Path) -> String {
    let engine = open(phone, &f.root);
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let v1 = full(&engine).1;
    engine.update_with_clock(&f.v2, T0 + 200).unwrap();
    v1
}

#[test]
fn the_changes_survive_a_restart_and_a_first_install_has_none() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let engine = open(phone.path(), &f.root);
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let v1 = full(&engine).1;
    // A first install replaced nothing: no base, and only the current version is known.
    assert!(!base_dir_exists(phone.path()));
    assert!(
        engine
            .export_changes("default:0:0", None, 10)
            .unwrap()
            .full_reload
    );
    engine.update_with_clock(&f.v2, T0 + 200).unwrap();
    drop(engine);
    let engine = open(phone.path(), &f.root);
    let changes = engine.export_changes(&v1, None, 1000).unwrap();
    assert!(!changes.full_reload);
    assert_eq!(changes.changes.len(), 40, "20 removed, 20 added");
    assert_eq!(changes.version, full(&engine).1);
}

fn base_dir_exists(phone: &Path) -> bool {
    std::fs::read_dir(phone.join("lists")).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".export-base")
    })
}

#[test]
fn a_base_that_fails_its_checks_means_a_full_reload() {
    let f = fixture();
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 4] = [
        ("truncated file", |base| {
            let file = base.join("numbers.fst");
            let len = std::fs::metadata(&file).unwrap().len();
            // A copy, so the installed list sharing the inode stays whole.
            let bytes = std::fs::read(&file).unwrap();
            std::fs::remove_file(&file).unwrap();
            std::fs::write(&file, &bytes[..(len / 2) as usize]).unwrap();
        }),
        ("missing file", |base| {
            std::fs::remove_file(base.join("official.fst")).unwrap();
        }),
        ("missing description", |base| {
            std::fs::remove_file(base.join("BASE")).unwrap();
        }),
        ("garbled description", |base| {
            std::fs::write(base.join("BASE"), "callguard export base 1\nx\n").unwrap();
        }),
    ];
    for (what, damage) in damages {
        let phone = tempfile::tempdir().unwrap();
        let v1 = two_installs(&f, phone.path());
        damage(&base_dir(phone.path()));
        let engine = open(phone.path(), &f.root);
        let changes = engine.export_changes(&v1, None, 100).unwrap();
        assert!(changes.full_reload, "{what}");
        assert!(changes.changes.is_empty(), "{what}");
        // The list itself is untouched and exports in full.
        assert_eq!(full(&engine).0.len(), 200, "{what}");
    }
}

#[test]
fn a_damaged_list_is_never_kept_as_a_base() {
    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let engine = open(phone.path(), &f.root);
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let v1 = full(&engine).1;
    drop(engine);
    // v1's files change on disk (a copy, truncated): it is refused at open, and the
    // update reinstalls from the snapshot without keeping it.
    let list = std::fs::read_dir(phone.path().join("lists"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let file = list.join("numbers.fst");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 8]).unwrap();
    let engine = open(phone.path(), &f.root);
    engine.update_with_clock(&f.v2, T0 + 200).unwrap();
    assert!(!base_dir_exists(phone.path()));
    assert!(engine.export_changes(&v1, None, 100).unwrap().full_reload);
}

#[test]
fn under_a_cap_the_changes_lead_from_one_capped_export_to_the_next_in_a_read_only_engine() {
    use callguard_core::export::ChangeOp;
    use std::collections::BTreeMap;

    let f = fixture();
    let phone = tempfile::tempdir().unwrap();
    let engine = open(phone.path(), &f.root);
    engine.set_setting("call-directory-cap", "150").unwrap();
    engine.update_with_clock(&f.v1, T0 + 10).unwrap();
    let (before, v1) = full(&engine);
    assert_eq!(before.len(), 150, "the cap holds");
    assert!(v1.ends_with(":cap150"), "{v1}");
    engine.update_with_clock(&f.v2, T0 + 200).unwrap();
    let (after, v2) = full(&engine);
    assert_eq!(after.len(), 150);
    assert_eq!(engine.export_summary().omitted, 50);

    // The extension's engine: read-only, as the Call Directory opens it.
    let extension = Engine::open_read_only(
        phone.path(),
        EngineConfig::new("CN".parse().unwrap()).with_pinned_root(f.root.clone()),
    )
    .unwrap();
    let mut directory: BTreeMap<i64, ExportEntry> =
        before.into_iter().map(|e| (e.number, e)).collect();
    let mut next = None;
    loop {
        let page = extension.export_changes(&v1, next, 7).unwrap();
        assert!(!page.full_reload, "the base and the cap give the changes");
        assert_eq!(page.version, v2);
        for change in page.changes {
            match change.op {
                ChangeOp::Remove => {
                    assert_eq!(directory.remove(&change.entry.number), Some(change.entry))
                }
                ChangeOp::Add => assert!(directory
                    .insert(change.entry.number, change.entry)
                    .is_none()),
            }
        }
        match page.next_after {
            Some(n) => next = Some(n),
            None => break,
        }
    }
    assert_eq!(directory.into_values().collect::<Vec<_>>(), after);
}
