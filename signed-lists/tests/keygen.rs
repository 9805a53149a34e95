//! `keygen`: private key files, a valid root, and no overwriting.

mod common;

use std::fs;

use callguard_format::trust;
use common::cmd;

#[test]
fn creates_private_key_files_and_a_signed_root() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let out = cmd()
        .args(["keygen", "--root-keys", "3", "--threshold", "2", "--out"])
        .arg(&keys)
        .assert()
        .success();
    let printed = common::stdout(&out);

    for name in [
        "root-1.key",
        "root-2.key",
        "root-3.key",
        "timestamp.key",
        "manifest.key",
    ] {
        let path = keys.join(name);
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.len(), 65, "{name}");
        assert!(text.ends_with('\n'));
        assert!(text[..64]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert!(!printed.contains(&text[..64]), "a key was printed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{name}");
        }
    }
    let root = trust::verify_pinned_root(&fs::read(keys.join("root.json")).unwrap()).unwrap();
    assert_eq!(root.version, 1);
    assert_eq!(root.roles.root.keyids.len(), 3);
    assert_eq!(root.roles.root.threshold, 2);
    assert_eq!(root.keys.len(), 5);
}

#[test]
fn refuses_to_overwrite_existing_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    cmd()
        .args(["keygen", "--out"])
        .arg(&keys)
        .assert()
        .success();
    let before = fs::read(keys.join("root-1.key")).unwrap();

    let again = cmd()
        .args(["keygen", "--out"])
        .arg(&keys)
        .assert()
        .failure();
    assert!(common::stderr(&again).contains("refusing to overwrite"));
    assert_eq!(fs::read(keys.join("root-1.key")).unwrap(), before);

    // One existing file is enough to refuse, and nothing else is created.
    let other = dir.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("manifest.key"), "x").unwrap();
    cmd()
        .args(["keygen", "--out"])
        .arg(&other)
        .assert()
        .failure();
    assert!(!other.join("root-1.key").exists());
}

#[test]
fn refuses_an_impossible_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let out = cmd()
        .args(["keygen", "--root-keys", "2", "--threshold", "3", "--out"])
        .arg(&keys)
        .assert()
        .failure();
    assert!(common::stderr(&out).contains("--threshold"));
    assert!(!keys.join("root-1.key").exists());
}
