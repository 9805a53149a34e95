use super::*;
use crate::vocabulary::{Action, Category};

fn meta(action: Action, confidence: u8) -> EntryMeta {
    EntryMeta::new(action, Category::ReportedFraud, confidence)
}

#[test]
fn exact_numbers_resolve_duplicates_by_strength() {
    let mut b = ListSet::builder("t", 3);
    b.add_number("+8613800000001", meta(Action::Warn, 90))
        .unwrap();
    b.add_number("+8613800000001", meta(Action::Block, 10))
        .unwrap();
    b.add_number("+8613800000001", meta(Action::Warn, 99))
        .unwrap();
    let set = b.build().unwrap();
    let hit = set.number("8613800000001").unwrap();
    assert_eq!(hit.meta.action, Action::Block);
    assert_eq!(set.counts(), [1, 0, 0, 0, 0]);
    assert!(set.number("8613800000002").is_none());
}

#[test]
fn prefixes_take_the_longest_match_and_honour_wildcards() {
    let mut b = ListSet::builder("t", 1);
    b.add_prefix("+855", meta(Action::Warn, 50)).unwrap();
    b.add_prefix("85512", meta(Action::Block, 50)).unwrap();
    b.add_prefix("33162##1", meta(Action::Block, 70)).unwrap();
    let set = b.build().unwrap();
    assert_eq!(set.prefix("85512345678").unwrap().key, "85512");
    assert_eq!(set.prefix("85599345678").unwrap().meta.action, Action::Warn);
    assert_eq!(set.prefix("33162991999").unwrap().key, "33162##1");
    assert!(set.prefix("33162992999").is_none());
    assert!(set.prefix("86138").is_none());
    assert!(set.prefix("").is_none());
}

#[test]
fn official_numbers_are_keyed_by_region_and_national_number() {
    let cn: Region = "CN".parse().unwrap();
    let hk: Region = "HK".parse().unwrap();
    let mut b = ListSet::builder("t", 1);
    b.add_official(cn, "110").unwrap();
    b.add_official(cn, "010 1234 5678").unwrap();
    let set = b.build().unwrap();
    assert!(set.is_official(cn, "110"));
    assert!(set.is_official(cn, "1012345678"));
    assert!(!set.is_official(hk, "110"));
    assert!(!set.is_official(cn, "119"));
}

#[test]
fn bad_entries_are_rejected_with_a_message() {
    let mut b = ListSet::builder("t", 1);
    for bad in [
        "",
        "+",
        "8613800000001",
        "+86 138",
        "+1234567890123456",
        "+12a",
    ] {
        assert!(
            b.add_number(bad, meta(Action::Block, 1)).is_err(),
            "{bad:?}"
        );
    }
    for bad in ["", "+", "#1", "12x", "1234567890123456"] {
        assert!(
            b.add_prefix(bad, meta(Action::Block, 1)).is_err(),
            "{bad:?}"
        );
    }
    assert!(b
        .add_official("CN".parse().unwrap(), "+1 202 555 0143")
        .is_err());
}

#[test]
fn numbers_stream_in_ascending_order() {
    let mut b = ListSet::builder("t", 1);
    for n in ["+8613800000003", "+8613800000001", "+8613800000002"] {
        b.add_number(n, meta(Action::Block, 1)).unwrap();
    }
    let set = b.build().unwrap();
    let keys: Vec<String> = set.numbers().map(|(k, _)| k).collect();
    assert_eq!(keys, ["8613800000001", "8613800000002", "8613800000003"]);
}

#[test]
fn domains_cover_their_subdomains() {
    let mut b = ListSet::builder("t", 1);
    b.add_domain("Example.COM.", meta(Action::Block, 80))
        .unwrap();
    b.add_domain("login.bank-secure.cn", meta(Action::Warn, 60))
        .unwrap();
    let set = b.build().unwrap();
    assert_eq!(set.domain("example.com").unwrap().0, "example.com");
    assert_eq!(set.domain("a.b.EXAMPLE.com").unwrap().0, "example.com");
    assert!(set.domain("notexample.com").is_none());
    assert!(set.domain("bank-secure.cn").is_none());
    assert_eq!(
        set.domain("x.login.bank-secure.cn").unwrap().1.action,
        Action::Warn
    );
    assert!(set.domain("192.168.1.1").is_none());
}

#[test]
fn sections_written_to_disk_map_back_identically() {
    use crate::wire::{EntrySink, Section};
    let mut b = ListSet::builder("t", 9);
    b.add_number("+8613800000001", meta(Action::Block, 90))
        .unwrap();
    b.add_prefix("+855", meta(Action::Warn, 40)).unwrap();
    b.add_official("CN".parse().unwrap(), "110").unwrap();
    b.add_domain("scam.example", meta(Action::Block, 70))
        .unwrap();
    let (_, _, sections) = b.into_sections().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v9");
    let mut writer = files::FstDirWriter::create(&target).unwrap();
    for section in Section::ALL {
        for (key, value) in sections[section.index()].iter() {
            writer.entry(section, key, value).unwrap();
        }
    }
    writer.finish().unwrap();
    let set = ListSet::open_dir(&target, "t", 9).unwrap();
    assert_eq!(set.counts(), [1, 1, 1, 1, 0]);
    assert_eq!(
        set.number("8613800000001").unwrap().meta.action,
        Action::Block
    );
    assert!(set.is_official("CN".parse().unwrap(), "110"));
    assert!(set.domain("www.scam.example").is_some());
    // The cursor streams the canonical entries back out.
    let mut cursor = set.cursor(Section::Numbers);
    assert_eq!(
        cursor.next_entry().map(|(k, v)| (k.to_vec(), v)),
        sections[0].get(0).map(|(k, v)| (k.to_vec(), v))
    );
    assert!(cursor.next_entry().is_none());
    // A writer refuses keys out of order.
    let mut writer = files::FstDirWriter::create(&dir.path().join("bad")).unwrap();
    writer.entry(Section::Numbers, b"2", 0).unwrap();
    assert!(writer.entry(Section::Numbers, b"1", 0).is_err());
}
