//! The SMS index file: written at install time, read by a cold engine instead of
//! compiling the SMS section, and never trusted over the list. A missing, damaged, cut,
//! stale or foreign file gives the same decisions as the file would have (the engine
//! compiles in memory), a read-only engine writes nothing, and a writable engine writes
//! the file anew.

mod common;

use std::path::{Path, PathBuf};

use callguard_core::sms::index_file::{IndexFileError, INDEX_FILE};
use callguard_core::update::FileMap;
use callguard_core::{Decision, Engine, EngineConfig, ListSet, SmsInput};
use common::shared_data;

fn demo_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../signed-lists/demo/site")
}

fn config() -> EngineConfig {
    let root = std::fs::read(demo_site().join("root.json")).expect("the demo root");
    EngineConfig::new("CN".parse().expect("a region")).with_pinned_root(root)
}

/// A data directory with the demo list installed, and the installed list's directory.
fn installed() -> (tempfile::TempDir, PathBuf) {
    let data = tempfile::tempdir().expect("a scratch directory");
    let engine = Engine::open(data.path(), config()).expect("open");
    let files = FileMap::from_dir(&demo_site()).expect("the demo site");
    engine
        .install_bundled(&files)
        .expect("install")
        .expect("a first install");
    let list_dir = std::fs::read_dir(data.path().join("lists"))
        .expect("lists")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .expect("the installed list's directory");
    (data, list_dir)
}

/// Some real messages of both languages, spam and not.
fn messages() -> Vec<SmsInput> {
    let mut out = Vec::new();
    for (file, column) in [
        ("sms/mudou_spam_zh.train.tsv", 1),
        ("sms/uci_sms_spam.tsv", 1),
    ] {
        let text = std::fs::read_to_string(shared_data(file)).expect("tsv");
        out.extend(
            text.lines()
                .filter_map(|l| l.split('\t').nth(column))
                .take(400)
                .map(|t| SmsInput::new("+8613800138000", t)),
        );
    }
    out.push(SmsInput::new(
        "10690000",
        "【客服】您购买的商品质量有问题，我们将为您办理双倍退款，请点击链接 http://tk-refund.example.top 办理",
    ));
    out
}

fn decisions(data: &Path, read_only: bool) -> Vec<Decision> {
    let engine = if read_only {
        Engine::open_read_only(data, config()).expect("open read-only")
    } else {
        Engine::open(data, config()).expect("open")
    };
    messages()
        .iter()
        .map(|m| engine.check_sms(m).expect("a decision"))
        .collect()
}

fn index_state(list_dir: &Path) -> Result<(), IndexFileError> {
    let set = ListSet::open_dir(list_dir, "default", 1).expect("the list maps");
    callguard_core::testing::sms_index_for(&set).1
}

#[test]
fn the_install_writes_it_and_a_cold_engine_decides_from_it_as_from_the_list() {
    let (data, list_dir) = installed();
    assert!(
        list_dir.join(INDEX_FILE).is_file(),
        "the install wrote the index file"
    );
    assert_eq!(index_state(&list_dir), Ok(()), "and it reads");
    let from_file = decisions(data.path(), true);
    assert!(
        from_file
            .iter()
            .any(|d| d.action != callguard_core::Action::Allow),
        "the messages exercise the rules"
    );
    std::fs::remove_file(list_dir.join(INDEX_FILE)).expect("remove");
    assert!(matches!(
        index_state(&list_dir),
        Err(IndexFileError::Unreadable(_))
    ));
    assert_eq!(
        decisions(data.path(), true),
        from_file,
        "compiled in memory: the same"
    );
}

#[test]
fn a_damaged_or_foreign_file_is_never_used_and_a_writable_engine_writes_it_anew() {
    let (data, list_dir) = installed();
    let path = list_dir.join(INDEX_FILE);
    let good = std::fs::read(&path).expect("the index file");
    let expected = decisions(data.path(), true);
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let mut foreign = good.clone();
    foreign[24] ^= 1; // built from another SMS section
    let mut version = good.clone();
    version[8] = 99;
    let damages: [(&str, Vec<u8>); 6] = [
        ("a flipped byte", flipped),
        ("cut in half", good[..good.len() / 2].to_vec()),
        ("cut to its header", good[..64].to_vec()),
        ("empty", Vec::new()),
        ("from another SMS section", foreign),
        ("another layout version", version),
    ];
    for (what, bytes) in damages {
        std::fs::write(&path, &bytes).expect("damage");
        assert!(index_state(&list_dir).is_err(), "{what}: refused");
        assert_eq!(
            decisions(data.path(), true),
            expected,
            "{what}: same decisions"
        );
        assert_eq!(
            std::fs::read(&path).expect("still there"),
            bytes,
            "{what}: a read-only engine writes nothing"
        );
        assert_eq!(
            decisions(data.path(), false),
            expected,
            "{what}: read-write"
        );
        assert_eq!(index_state(&list_dir), Ok(()), "{what}: written anew");
        assert_eq!(
            std::fs::read(&path).expect("rewritten"),
            good,
            "{what}: the same bytes"
        );
    }
}
