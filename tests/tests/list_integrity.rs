//! The installed list is checked whenever the engine opens, and a damaged one never
//! leaves the phone unprotected or reporting itself healthy (issue: "never unprotected").
//!
//! For each section file and each way a file can go wrong (missing, truncated, one byte
//! longer, a flipped byte, another version's file in its place), the engine refuses the
//! installed list at open, decides on the bundled list, says so in `status` and in every
//! decision's list versions, and the next update reinstalls from the snapshot. A file
//! truncated under a running engine does not kill the process.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use callguard_core::update::{FileMap, Via};
use callguard_core::{Action, CallInput, Engine, EngineConfig, ReasonCode};
use callguard_e2e::{number, numbers, Publisher, T0};

const SECTIONS: [&str; 5] = ["numbers", "prefixes", "official", "domains", "sms_rules"];

struct Fixture {
    publisher: Publisher,
    v1: FileMap,
    v2: FileMap,
    root: Vec<u8>,
}

/// Two published versions whose every section has entries (numbers differ between them).
fn fixture() -> Fixture {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 2_000));
    let sources = publisher.sources();
    std::fs::write(
        sources.join("prefixes.csv"),
        "number,action,category,confidence,note\n+8617000,warn,spam,60,test\n",
    )
    .unwrap();
    std::fs::write(sources.join("domains.txt"), "evil-bank.example\n").unwrap();
    std::fs::write(
        sources.join("sms_rules.tsv"),
        "account_phishing\t30\tsecurity account\n",
    )
    .unwrap();
    publisher.build(T0, &[]);
    let v1 = FileMap::from_dir(&publisher.site()).unwrap();
    publisher.set_numbers(&numbers(500, 2_000));
    publisher.build(T0 + 100, &[]);
    let v2 = FileMap::from_dir(&publisher.site()).unwrap();
    let root = std::fs::read(publisher.root()).unwrap();
    Fixture {
        publisher,
        v1,
        v2,
        root,
    }
}

fn open(dir: &Path, root: &[u8]) -> Engine {
    Engine::open(
        dir,
        EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root.to_vec()),
    )
    .unwrap()
}

fn installed_dir(phone: &Path) -> PathBuf {
    std::fs::read_dir(phone.join("lists"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        // Not the export base that a second install keeps beside the list.
        .find(|p| p.is_dir() && !p.to_string_lossy().ends_with(".export-base"))
        .expect("an installed list directory")
}

/// Installs `files` into a new data directory and returns it with the list directory.
fn phone_with(files: &FileMap, root: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let phone = tempfile::tempdir().unwrap();
    let engine = open(phone.path(), root);
    engine.update_with_clock(files, T0 + 10).unwrap();
    assert!(engine.has_installed_list().unwrap());
    drop(engine);
    let dir = installed_dir(phone.path());
    (phone, dir)
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    Removed,
    Truncated,
    Extended,
    ByteFlipped,
    OtherVersion,
}

const DAMAGES: [Damage; 5] = [
    Damage::Removed,
    Damage::Truncated,
    Damage::Extended,
    Damage::ByteFlipped,
    Damage::OtherVersion,
];

fn damage(file: &Path, how: Damage, other_version: &Path) {
    match how {
        Damage::Removed => std::fs::remove_file(file).unwrap(),
        Damage::Truncated => {
            let len = std::fs::metadata(file).unwrap().len();
            OpenOptions::new()
                .write(true)
                .open(file)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }
        Damage::Extended => {
            OpenOptions::new()
                .append(true)
                .open(file)
                .unwrap()
                .write_all(&[0])
                .unwrap();
        }
        Damage::ByteFlipped => {
            let mut bytes = std::fs::read(file).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle] ^= 0x40;
            let mut f = OpenOptions::new().write(true).open(file).unwrap();
            f.seek(SeekFrom::Start(0)).unwrap();
            f.write_all(&bytes).unwrap();
        }
        Damage::OtherVersion => {
            let name = file.file_name().unwrap();
            std::fs::copy(other_version.join(name), file).unwrap();
        }
    }
}

fn listed_number_blocked(engine: &Engine, n: &str) -> bool {
    engine.check_call(&CallInput::number(n)).unwrap().action == Action::Block
}

#[test]
fn every_kind_of_damage_to_every_file_is_refused_at_open_and_repaired_by_the_next_update() {
    let f = fixture();
    let (_other_phone, other_dir) = phone_with(&f.v2, &f.root);
    for section in SECTIONS {
        for how in DAMAGES {
            let what = format!("{section}.fst {how:?}");
            if matches!(how, Damage::OtherVersion) && section != "numbers" {
                // Only the numbers differ between the two versions: other files are the
                // same bytes, so swapping them is no damage at all.
                continue;
            }
            let (phone, dir) = phone_with(&f.v1, &f.root);
            damage(&dir.join(format!("{section}.fst")), how, &other_dir);

            let engine = open(phone.path(), &f.root);
            assert!(
                !engine.has_installed_list().unwrap(),
                "{what}: refused at open"
            );
            let status = engine.status().unwrap();
            let problem = status.update.list_problem.clone().unwrap_or_default();
            assert!(
                problem.contains("refused"),
                "{what}: status says why: {problem:?}"
            );
            assert!(status.update.stale, "{what}: a refused list is not fresh");

            // Until the update, the bundled list decides (the CLI's embedded list, an
            // app's shipped one), and each decision names the refused list.
            engine.load_bundled(&f.v1, &f.root).unwrap();
            assert!(
                listed_number_blocked(&engine, &number(1)),
                "{what}: bundled list decides"
            );
            let spoof = engine.check_call(&CallInput::number("+852 12110")).unwrap();
            assert_eq!(spoof.action, Action::Block, "{what}");
            assert!(spoof.has_reason(ReasonCode::SpoofedOfficial), "{what}");
            assert_eq!(
                spoof.lists.get("damaged:default"),
                Some(&1),
                "{what}: {:?}",
                spoof.lists
            );

            // The next update reinstalls from the snapshot, even at the same version.
            let report = engine.update_with_clock(&f.v1, T0 + 20).unwrap();
            assert_eq!(report.installed, Some(Via::Snapshot), "{what}: reinstalled");
            assert!(engine.has_installed_list().unwrap(), "{what}");
            assert_eq!(engine.status().unwrap().update.list_problem, None, "{what}");
            drop(engine);
            let reopened = open(phone.path(), &f.root);
            assert!(
                reopened.has_installed_list().unwrap(),
                "{what}: whole after reopening"
            );
            assert!(listed_number_blocked(&reopened, &number(1)), "{what}");
            let decision = reopened.check_call(&CallInput::number(number(1))).unwrap();
            assert!(
                !decision.lists.keys().any(|k| k.starts_with("damaged:")),
                "{what}"
            );
        }
    }
}

#[test]
fn a_damaged_list_is_not_current_so_update_does_not_answer_is_current() {
    let f = fixture();
    let (phone, dir) = phone_with(&f.v2, &f.root);
    std::fs::remove_file(dir.join("official.fst")).unwrap();
    let engine = open(phone.path(), &f.root);
    // The same site again: before, "default seq 2 is current" left the phone without
    // official numbers; now the snapshot is installed again.
    let report = engine.update_with_clock(&f.v2, T0 + 200).unwrap();
    assert_eq!(report.installed, Some(Via::Snapshot));
    let spoof = engine.check_call(&CallInput::number("+852 12110")).unwrap();
    assert_eq!(spoof.action, Action::Block);
    let _ = &f.publisher;
}

#[test]
fn a_byte_flipped_under_a_running_engine_is_found_by_verify_lists() {
    let f = fixture();
    let (phone, dir) = phone_with(&f.v1, &f.root);
    let engine = open(phone.path(), &f.root);
    assert!(engine.verify_lists().unwrap());
    damage(&dir.join("numbers.fst"), Damage::ByteFlipped, &dir);
    assert!(!engine.verify_lists().unwrap(), "the flipped byte is found");
    assert!(engine.status().unwrap().update.list_problem.is_some());
    let decision = engine.check_call(&CallInput::number(number(1))).unwrap();
    assert!(
        decision.lists.contains_key("damaged:default"),
        "{:?}",
        decision.lists
    );
}

#[test]
fn a_file_truncated_under_a_running_engine_does_not_kill_the_process() {
    let f = fixture();
    let (phone, dir) = phone_with(&f.v1, &f.root);
    let engine = open(phone.path(), &f.root);
    engine.load_bundled(&f.v1, &f.root).ok();
    // load_bundled replaced the installed list in use; reopen so the mapped one decides.
    drop(engine);
    let engine = open(phone.path(), &f.root);
    assert!(engine.has_installed_list().unwrap());
    assert!(listed_number_blocked(&engine, &number(1)));
    for section in SECTIONS {
        OpenOptions::new()
            .write(true)
            .open(dir.join(format!("{section}.fst")))
            .unwrap()
            .set_len(0)
            .unwrap();
    }
    // Reading the mapped pages now raises SIGBUS; the guard absorbs it, the engine drops
    // the damaged list and decides again on what remains (here: no list at all).
    for n in 0..50 {
        let decision = engine.check_call(&CallInput::number(number(n))).unwrap();
        assert!(
            decision.lists.contains_key("damaged:default"),
            "{:?}",
            decision.lists
        );
    }
    let sms = engine
        .check_sms(&callguard_core::SmsInput::new(
            "10690000",
            "your security account",
        ))
        .unwrap();
    assert!(sms.lists.contains_key("damaged:default"));
    let status = engine.status().unwrap();
    assert!(status.update.list_problem.is_some());
    assert!(!engine.has_installed_list().unwrap());
    // And the next update repairs it.
    let report = engine.update_with_clock(&f.v1, T0 + 20).unwrap();
    assert_eq!(report.installed, Some(Via::Snapshot));
    assert!(listed_number_blocked(&engine, &number(1)));
}
