//! `build`, `verify`, `inspect` and `diff` over small sources.

mod common;

use std::fs;

use callguard_format::trust;
use common::{append, stderr, stdout, Fixture, NOW};
use signed_lists::content;
use signed_lists::site::Site;

#[test]
fn first_build_writes_the_exact_layout_and_verifies() {
    let f = Fixture::new();
    f.build(0, &[]).success();

    let site = f.site();
    let root = fs::read(site.join("root.json")).unwrap();
    assert_eq!(root, fs::read(f.keys().join("root.json")).unwrap());
    assert_eq!(root, fs::read(site.join("1.root.json")).unwrap());

    let timestamp = f.timestamp();
    assert_eq!(
        (timestamp.kind.as_str(), timestamp.version),
        ("timestamp", 1)
    );
    assert_eq!(timestamp.expires, NOW + 48 * 3600);
    assert_eq!(timestamp.manifest.path, "manifests/1.manifest.json");
    let manifest_bytes = fs::read(site.join(&timestamp.manifest.path)).unwrap();
    assert_eq!(timestamp.manifest.length, manifest_bytes.len() as u64);
    assert_eq!(
        timestamp.manifest.sha256,
        trust::sha256_hex(&manifest_bytes)
    );

    let manifest = f.manifest(1);
    assert_eq!((manifest.kind.as_str(), manifest.version), ("manifest", 1));
    assert_eq!(manifest.expires, NOW + 30 * 86_400);
    let list = &manifest.lists["default"];
    assert_eq!(list.seq, 1);
    // 3 numbers (one duplicate merged), 2 prefixes, 2 official, 3 domains, 2 SMS rules.
    assert_eq!(list.sections.as_array(), [3, 2, 2, 3, 2]);
    assert_eq!(list.count, 12);
    assert!(list.deltas.is_empty());
    let snapshot = fs::read(site.join(&list.snapshot.path)).unwrap();
    let hash = trust::sha256_hex(&snapshot);
    assert_eq!(list.snapshot.path, format!("blobs/{hash}.snapshot"));
    assert_eq!(list.snapshot.sha256, hash);
    assert_eq!(list.snapshot.length, snapshot.len() as u64);

    // Nothing else: no temporary files left behind.
    let mut names: Vec<String> = f.snapshot_of_site().into_keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "1.root.json".to_owned(),
            list.snapshot.path.clone(),
            "manifests/1.manifest.json".into(),
            "root.json".into(),
            "timestamp.json".into(),
        ]
    );

    let out = f.verify(&f.keys().join("root.json"), 60).success();
    assert!(stdout(&out).contains("OK"));
}

#[test]
fn duplicates_resolve_to_the_stronger_entry() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let out = common::cmd()
        .arg("diff")
        .arg("--site")
        .arg(f.site())
        .args(["1", "1"])
        .assert()
        .success();
    assert!(stdout(&out).contains("0 added, 0 removed, 0 changed"));
    // The block at 95 beats the warn at 99: the action is stronger.
    append(
        &f.sources().join("numbers.csv"),
        "+8617000000110,block,official_impersonation,97,x",
    );
    f.build(10, &[]).success();
    let out = common::cmd()
        .arg("diff")
        .arg("--site")
        .arg(f.site())
        .args(["1", "2"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("~ numbers   +8617000000110  block official_impersonation 95 -> block official_impersonation 97"),
        "{text}"
    );
}

#[test]
fn a_changed_source_publishes_seq_2_with_a_delta() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let first = f.manifest(1).lists["default"].clone();
    append(
        &f.sources().join("numbers.csv"),
        "+8617000000600,block,task_scam,85,demo",
    );
    append(
        &f.sources().join("domains.txt"),
        "courier-redelivery.example",
    );
    f.build(100, &[]).success();

    assert_eq!(f.timestamp().version, 2);
    let list = &f.manifest(2).lists["default"];
    assert_eq!(list.seq, 2);
    assert_eq!(list.count, first.count + 2);
    assert_ne!(list.sha256, first.sha256);
    assert_eq!(list.deltas.len(), 1);
    let delta = &list.deltas[0];
    assert_eq!(delta.from, 1);
    let bytes = fs::read(f.site().join(&delta.path)).unwrap();
    assert_eq!(
        delta.path,
        format!("blobs/{}.delta", trust::sha256_hex(&bytes))
    );
    assert!(delta.length < list.snapshot.length);
    // The old snapshot stays for phones that are mid-update.
    assert!(f.site().join(&first.snapshot.path).exists());

    let out = f.verify(&f.keys().join("root.json"), 200).success();
    assert!(
        stdout(&out).contains("delta from seq 1"),
        "{}",
        stdout(&out)
    );

    let out = common::cmd()
        .arg("diff")
        .arg("--site")
        .arg(f.site())
        .args(["1", "2"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("+ numbers   +8617000000600  block task_scam 85"),
        "{text}"
    );
    assert!(
        text.contains("+ domains   courier-redelivery.example  block account_phishing 80"),
        "{text}"
    );
    assert!(text.contains("2 added, 0 removed, 0 changed"), "{text}");

    let out = common::cmd()
        .arg("diff")
        .arg("--site")
        .arg(f.site())
        .args(["1", "7"])
        .assert()
        .failure();
    assert!(stderr(&out).contains("seq 7"), "{}", stderr(&out));

    let out = common::cmd()
        .arg("inspect")
        .arg("--site")
        .arg(f.site())
        .arg("--json")
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["lists"][0]["seq"], 2);
    assert_eq!(json["manifest"]["version"], 2);
    assert_eq!(json["lists"][0]["deltas"][0]["from"], 1);
}

#[test]
fn an_unchanged_rebuild_keeps_the_seq_and_the_blobs() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let out = f.build(3600, &[]).success();
    assert!(stdout(&out).contains("unchanged"));
    let (one, two) = (f.manifest(1), f.manifest(2));
    assert_eq!(two.version, 2);
    assert_eq!(two.lists["default"], one.lists["default"]);
    assert_eq!(two.expires, NOW + 3600 + 30 * 86_400);
    assert_eq!(f.timestamp().version, 2);
    assert_eq!(f.timestamp().manifest.path, "manifests/2.manifest.json");
    f.verify(&f.keys().join("root.json"), 3700).success();
}

#[test]
fn deltas_come_from_the_last_k_seqs() {
    let f = Fixture::new();
    for i in 0..4u64 {
        append(
            &f.sources().join("numbers.csv"),
            &format!("+861700000070{i},warn,prize,60,demo"),
        );
        f.build(i * 10, &["--deltas", "2"]).success();
    }
    let list = &f.manifest(4).lists["default"];
    assert_eq!(list.seq, 4);
    let froms: Vec<u64> = list.deltas.iter().map(|d| d.from).collect();
    assert_eq!(froms, [3, 2]);
    f.verify(&f.keys().join("root.json"), 100).success();
}

#[test]
fn bad_lines_are_all_reported_and_nothing_is_written() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let before = f.snapshot_of_site();
    append(
        &f.sources().join("numbers.csv"),
        "+86,block,spam,10,too short",
    );
    append(
        &f.sources().join("numbers.csv"),
        "+8617000000900,allow,spam,10,allow is not a list action",
    );
    append(&f.sources().join("prefixes.csv"), "85x,warn,spam,10,");
    append(&f.sources().join("official.csv"), "XX,110,");
    append(&f.sources().join("domains.txt"), "not a domain");
    append(&f.sources().join("sms_rules.tsv"), "prize\t101\ttoo heavy");
    // A model with a weight beyond what the phone stores: the whole model is refused.
    std::fs::write(
        f.sources().join("sms_model.tsv"),
        "# model\nversion\t1\nbuckets\t1024\nscale\t1000\nbias\t-10\nthreshold\t600\nw\t5\t40000\n",
    )
    .unwrap();

    let out = f.build(10, &[]).code(1);
    let text = stderr(&out);
    for at in [
        "numbers.csv:6:",
        "numbers.csv:7:",
        "prefixes.csv:4:",
        "official.csv:4:",
        "domains.txt:5:",
        "sms_rules.tsv:4:",
        "sms_model.tsv:7:",
    ] {
        assert!(text.contains(at), "{at} missing from:\n{text}");
    }
    assert!(text.contains("7 bad source line(s)"), "{text}");
    assert!(
        !text.contains("8617000000900"),
        "a number leaked into a message"
    );
    assert_eq!(f.snapshot_of_site(), before);

    // A first build that fails leaves no site at all.
    let fresh = Fixture::new();
    append(&fresh.sources().join("numbers.csv"), "+86,block,spam,10,");
    fresh.build(0, &[]).code(1);
    assert!(!fresh.site().exists());
}

#[test]
fn skip_invalid_publishes_the_good_lines_and_lists_the_bad() {
    let f = Fixture::new();
    append(
        &f.sources().join("numbers.csv"),
        "+86,block,spam,10,too short",
    );
    append(&f.sources().join("domains.txt"), "192.168.1.1");
    let out = f.build(0, &["--skip-invalid"]).success();
    let text = stderr(&out);
    assert!(text.contains("numbers.csv:6:"), "{text}");
    assert!(text.contains("domains.txt:5:"), "{text}");
    assert!(text.contains("skipped 2 bad source line(s)"), "{text}");
    assert_eq!(f.manifest(1).lists["default"].count, 12);
    f.verify(&f.keys().join("root.json"), 10).success();
}

#[test]
fn national_numbers_follow_the_region() {
    let f = Fixture::new();
    fs::write(
        f.sources().join("numbers.csv"),
        "number,action,category,confidence,note\n(202) 555-0143,warn,spam,40,demo\n",
    )
    .unwrap();
    f.build(0, &["--region", "US"]).success();
    let list = &f.manifest(1).lists["default"];
    let sections = content::load_snapshot(&Site::new(f.site()), list).unwrap();
    assert_eq!(sections[0].len(), 1);
    assert_eq!(sections[0].get(0).unwrap().0, b"12025550143");
}

#[test]
fn expired_metadata_fails_verification() {
    let f = Fixture::new();
    f.build(0, &["--timestamp-expires-hours", "1"]).success();
    f.verify(&f.keys().join("root.json"), 3000).success();
    let out = f.verify(&f.keys().join("root.json"), 3600).failure();
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
}

#[test]
fn a_model_source_is_signed_into_the_sms_section() {
    let f = Fixture::new();
    std::fs::write(
        f.sources().join("sms_model.tsv"),
        "version\t1\nbuckets\t1024\nscale\t1000\nbias\t-10\nthreshold\t600\nw\t5\t400\nw\t9\t-300\n",
    )
    .unwrap();
    f.build(0, &[]).success();
    // 2 SMS rules, then the model: bias, buckets, scale, threshold, version, 2 weights.
    assert_eq!(
        f.manifest(1).lists["default"].sections.as_array()[4],
        2 + 5 + 2
    );
    // An inconsistent model (threshold of 1000 per mille) is refused whole.
    std::fs::write(
        f.sources().join("sms_model.tsv"),
        "version\t1\nbuckets\t1024\nscale\t1000\nbias\t-10\nthreshold\t1000\n",
    )
    .unwrap();
    let text = stderr(&f.build(10, &[]).code(1));
    assert!(
        text.contains("sms_model.tsv:5: the model is malformed"),
        "{text}"
    );
}
