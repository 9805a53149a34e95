//! A catalogue of bad input for the engine's entry points: each gets a clear error or a
//! decision, never a panic.

mod common;

use callguard_core::{number, CallInput, Engine, EngineConfig, Error, RuleKind, SmsInput};
use common::{cn_engine, csv_rows, region};

fn catalogue() -> Vec<String> {
    let mut items: Vec<String> = [
        "",
        " ",
        "\t\n",
        "+",
        "00",
        "011",
        "tel:",
        "tel:junk",
        "tel:+",
        "tel:;phone-context=",
        "abc",
        "😀😀😀",
        "\u{0}\u{1}\u{7f}",
        "+-+-+",
        "((((",
        "+86",
        "++8613800138000",
        "0000000000000000000000",
        "١٢٣٤٥٦٧٨٩٠",
        "\u{200b}13800138000\u{200b}",
        "+86 138 0013 8000 ext. 99999999999999999999",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    items.push("1".repeat(10 * 1024));
    items.push("+".repeat(10 * 1024));
    items.push("😀".repeat(3000));
    items.push("a".repeat(10 * 1024));
    items
}

#[test]
fn numbers_never_panic_and_errors_are_typed() {
    let cn = region("CN");
    for input in catalogue() {
        if let Err(err) = number::parse(&input, cn) {
            assert!(!err.to_string().is_empty());
        }
        let _ = number::normalize(&input, None);
    }
    for junk in ["", " ", "+", "00", "tel:", "tel:junk", "abc", "😀😀😀"] {
        assert!(
            number::parse(junk, cn).is_err(),
            "{junk:?} must be rejected"
        );
    }
}

#[test]
fn engine_entry_points_answer_bad_input_cleanly() {
    let engine = cn_engine();
    for input in catalogue() {
        match engine.check_call(&CallInput::number(input.as_str())) {
            Ok(_) | Err(Error::InvalidNumber(_)) => {}
            Err(other) => panic!(
                "unexpected error kind for {:?}: {other}",
                input.chars().take(20).collect::<String>()
            ),
        }
        engine
            .check_sms(&SmsInput::new(input.as_str(), input.as_str()))
            .expect("sms always decides");
        assert!(engine.add_rule(RuleKind::Block, &input).is_err() || !input.trim().is_empty());
        assert!(engine.set_setting("home-region", &input).is_err());
        assert!(engine.set_setting(&input, "block").is_err());
    }
    assert_eq!(
        engine.settings().home_region,
        region("CN"),
        "failed writes changed nothing"
    );
}

/// Real messy entries from the FTC reports: every one is answered without a panic.
#[test]
fn ftc_nonconforming_raw_entries_are_handled() {
    let us = region("US");
    let (mut ok, mut err) = (0, 0);
    for row in csv_rows("numbers/ftc_dnc_nonconforming_raw.csv") {
        match number::parse(&row[0], us) {
            Ok(n) => {
                assert!(n.e164().starts_with('+'), "{:?} -> {:?}", row[0], n.e164());
                ok += 1;
            }
            Err(_) => err += 1,
        }
    }
    assert!(
        ok > 0 && err > 0,
        "the raw set holds both readable and unreadable entries ({ok} ok, {err} errors)"
    );
}

#[test]
fn a_corrupt_database_is_a_clear_error_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("callguard.sqlite");
    std::fs::write(
        &path,
        b"this is not a database, it is a text file that got in the way",
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    match Engine::open(dir.path(), EngineConfig::new(region("CN"))) {
        Err(Error::DatabaseCorrupt(message)) => assert!(!message.is_empty()),
        other => panic!("expected DatabaseCorrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}
