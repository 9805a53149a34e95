//! Root and key rotation, and tampering: what a phone pinned to an old root accepts.

mod common;

use std::fs;

use callguard_format::trust;
use common::{append, stderr, stdout, Fixture};

#[test]
fn a_rotation_followed_by_a_build_verifies_from_the_old_root() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let pinned = f.dir().join("pinned-root-v1.json");
    fs::copy(f.keys().join("root.json"), &pinned).unwrap();
    let old_timestamp_key = fs::read(f.keys().join("timestamp.key")).unwrap();

    let out = f
        .rotate(&[
            "--root-keys",
            "3",
            "--threshold",
            "2",
            "--timestamp",
            "--manifest",
        ])
        .success();
    assert!(stdout(&out).contains("root version 1 -> 2"));

    // The old keys are kept under new names; the new ones are private.
    for name in ["root-1.key", "timestamp.key", "manifest.key"] {
        assert!(
            f.keys().join(format!("{name}.retired-v1")).exists(),
            "{name}"
        );
    }
    assert_eq!(
        fs::read(f.keys().join("timestamp.key.retired-v1")).unwrap(),
        old_timestamp_key
    );
    assert_ne!(
        fs::read(f.keys().join("timestamp.key")).unwrap(),
        old_timestamp_key
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(f.keys().join("root-3.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The new root is on the site, and follows the old one by the core's own check.
    let old_root = trust::verify_pinned_root(&fs::read(&pinned).unwrap()).unwrap();
    let new_bytes = fs::read(f.site().join("2.root.json")).unwrap();
    let new_root = trust::verify_root_update(&old_root, &new_bytes).unwrap();
    assert_eq!(new_root.roles.root.threshold, 2);
    assert_eq!(fs::read(f.site().join("root.json")).unwrap(), new_bytes);

    // The published timestamp is still signed by the retired key: a phone refuses it.
    let out = f.verify(&pinned, 10).failure();
    assert!(stderr(&out).contains("timestamp"), "{}", stderr(&out));

    // The next build signs with the new keys, content unchanged.
    let out = f.build(20, &[]).success();
    assert!(stdout(&out).contains("unchanged"));
    let out = f.verify(&pinned, 30).success();
    assert!(stdout(&out).contains("root version 2"), "{}", stdout(&out));

    // A second rotation that changes only the manifest key, then new content.
    f.rotate(&["--manifest"]).success();
    append(
        &f.sources().join("numbers.csv"),
        "+8617100000500,block,reported_fraud,99,demo",
    );
    f.build(40, &[]).success();
    let out = f.verify(&pinned, 50).success();
    assert!(stdout(&out).contains("root version 3"), "{}", stdout(&out));
    assert!(f.site().join("3.root.json").exists());
}

#[test]
fn a_rotation_needs_the_old_root_threshold() {
    let f = Fixture::new();
    fs::rename(f.keys().join("root-1.key"), f.dir().join("offline.key")).unwrap();
    let out = f.rotate(&["--timestamp"]).failure();
    assert!(stderr(&out).contains("required"), "{}", stderr(&out));
    assert!(!f.keys().join("2.root.json").exists());
    assert!(!f.keys().join("timestamp.key.retired-v1").exists());
}

#[test]
fn tampering_with_one_byte_fails_verification() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    append(
        &f.sources().join("numbers.csv"),
        "+8617000000800,warn,delivery,60,demo",
    );
    f.build(10, &[]).success();
    let root = f.keys().join("root.json");
    f.verify(&root, 20).success();

    let list = f.manifest(2).lists["default"].clone();
    let targets = [
        list.snapshot.path.clone(),
        list.deltas[0].path.clone(),
        "manifests/2.manifest.json".to_owned(),
        "timestamp.json".to_owned(),
    ];
    for target in targets {
        let path = f.site().join(&target);
        let original = fs::read(&path).unwrap();
        let mut bytes = original.clone();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x01;
        fs::write(&path, &bytes).unwrap();
        let out = f.verify(&root, 20).code(1);
        assert!(!stderr(&out).is_empty(), "{target}");
        fs::write(&path, original).unwrap();
    }
    f.verify(&root, 20).success();
}
