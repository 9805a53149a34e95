//! Verification against each TUF attack, with a minimal signing fixture.

use std::collections::BTreeMap;

use ed25519_dalek::{Signer, SigningKey};

use super::*;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn id(k: &SigningKey) -> String {
    key_id(&k.verifying_key().to_bytes())
}

fn sign(payload: &[u8], keys: &[&SigningKey]) -> Vec<u8> {
    let mut envelope = Envelope::new(payload);
    for k in keys {
        let sig = k.sign(payload).to_bytes();
        envelope.signatures.push(Signature {
            keyid: id(k),
            sig: Envelope::encode_signature(&sig),
        });
    }
    envelope.to_bytes()
}

fn role(keys: &[&SigningKey], threshold: u32) -> RoleKeys {
    RoleKeys {
        keyids: keys.iter().map(|k| id(k)).collect(),
        threshold,
    }
}

fn root(
    version: u64,
    root_keys: &[&SigningKey],
    threshold: u32,
    ts: &SigningKey,
    mf: &SigningKey,
) -> Root {
    let mut keys = BTreeMap::new();
    for k in root_keys.iter().copied().chain([ts, mf]) {
        keys.insert(id(k), hex::encode(k.verifying_key().to_bytes()));
    }
    Root {
        kind: "root".into(),
        version,
        expires: 2_000_000_000,
        publisher: "test".into(),
        keys,
        roles: Roles {
            root: role(root_keys, threshold),
            timestamp: role(&[ts], 1),
            manifest: role(&[mf], 1),
        },
    }
}

fn bytes(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

struct Fixture {
    r1: SigningKey,
    r2: SigningKey,
    ts: SigningKey,
    mf: SigningKey,
    root: Root,
}

fn fixture() -> Fixture {
    let (r1, r2, ts, mf) = (key(1), key(2), key(3), key(4));
    let root = root(1, &[&r1, &r2], 2, &ts, &mf);
    Fixture {
        r1,
        r2,
        ts,
        mf,
        root,
    }
}

fn state(f: &Fixture) -> TrustedState {
    TrustedState {
        root: f.root.clone(),
        timestamp_version: Some(5),
        manifest_version: Some(5),
    }
}

fn manifest(version: u64, seq: u64) -> Manifest {
    let blob = BlobRef {
        path: "blobs/aa.snapshot".into(),
        length: 10,
        sha256: "00".into(),
    };
    let list = ListEntry {
        seq,
        count: 0,
        sha256: "00".into(),
        lthash16: None,
        sections: SectionCounts::default(),
        snapshot: blob,
        deltas: vec![],
    };
    Manifest {
        kind: "manifest".into(),
        version,
        expires: 2_000_000_000,
        lists: BTreeMap::from([("default".into(), list)]),
    }
}

fn timestamp_for(manifest_file: &[u8], version: u64, manifest_version: u64) -> Timestamp {
    Timestamp {
        kind: "timestamp".into(),
        version,
        expires: 2_000_000_000,
        manifest: ManifestRef {
            version: manifest_version,
            path: format!("manifests/{manifest_version}.manifest.json"),
            length: manifest_file.len() as u64,
            sha256: sha256_hex(manifest_file),
        },
    }
}

#[test]
fn a_pinned_root_needs_its_own_threshold() {
    let f = fixture();
    let payload = bytes(&f.root);
    assert!(verify_pinned_root(&sign(&payload, &[&f.r1, &f.r2])).is_ok());
    let one = verify_pinned_root(&sign(&payload, &[&f.r1])).unwrap_err();
    assert!(
        matches!(
            one,
            TrustError::Signatures {
                valid: 1,
                threshold: 2,
                ..
            }
        ),
        "{one:?}"
    );
    // The same key twice counts once.
    assert!(verify_pinned_root(&sign(&payload, &[&f.r1, &f.r1])).is_err());
    // A key outside the role counts for nothing.
    assert!(verify_pinned_root(&sign(&payload, &[&f.r1, &f.ts])).is_err());
}

#[test]
fn tampered_payloads_and_signatures_fail() {
    let f = fixture();
    let good = sign(&bytes(&f.root), &[&f.r1, &f.r2]);
    let mut envelope: Envelope = serde_json::from_slice(&good).unwrap();
    let mut payload = envelope.payload("root").unwrap();
    let last = payload.len() - 2;
    payload[last] ^= 1;
    envelope.signed = Envelope::new(&payload).signed;
    assert!(verify_pinned_root(&envelope.to_bytes()).is_err());
    assert!(verify_pinned_root(b"{not json").is_err());
    assert!(verify_pinned_root(b"").is_err());
}

#[test]
fn root_rotation_needs_old_and_new_thresholds_and_the_next_version() {
    let f = fixture();
    let r3 = key(9);
    let new = root(2, &[&f.r2, &r3], 2, &f.ts, &f.mf);
    let payload = bytes(&new);
    assert_eq!(
        verify_root_update(&f.root, &sign(&payload, &[&f.r1, &f.r2, &r3]))
            .unwrap()
            .version,
        2
    );
    // Only the new keys: the old threshold is not met.
    assert!(verify_root_update(&f.root, &sign(&payload, &[&r3, &f.r2])).is_err());
    // Only the old keys: the new threshold is not met.
    assert!(verify_root_update(&f.root, &sign(&payload, &[&f.r1, &f.r2])).is_err());
    // Skipping a version.
    let skip = root(3, &[&f.r1, &f.r2], 2, &f.ts, &f.mf);
    let err = verify_root_update(&f.root, &sign(&bytes(&skip), &[&f.r1, &f.r2])).unwrap_err();
    assert!(matches!(
        err,
        TrustError::RootVersion {
            found: 3,
            trusted: 1
        }
    ));
}

#[test]
fn timestamps_are_checked_for_key_rollback_and_expiry() {
    let f = fixture();
    let s = state(&f);
    let ts = timestamp_for(b"m", 6, 6);
    assert!(verify_timestamp(&s, &sign(&bytes(&ts), &[&f.ts]), 1_900_000_000).is_ok());
    assert!(matches!(
        verify_timestamp(&s, &sign(&bytes(&ts), &[&f.mf]), 1_900_000_000),
        Err(TrustError::Signatures { .. })
    ));
    let old = timestamp_for(b"m", 4, 6);
    assert!(matches!(
        verify_timestamp(&s, &sign(&bytes(&old), &[&f.ts]), 0),
        Err(TrustError::Rollback { .. })
    ));
    let old_manifest = timestamp_for(b"m", 7, 4);
    assert!(matches!(
        verify_timestamp(&s, &sign(&bytes(&old_manifest), &[&f.ts]), 0),
        Err(TrustError::Rollback { .. })
    ));
    assert!(matches!(
        verify_timestamp(&s, &sign(&bytes(&ts), &[&f.ts]), 2_000_000_000),
        Err(TrustError::Expired { role: "timestamp" })
    ));
}

#[test]
fn manifests_must_be_exactly_what_the_timestamp_names() {
    let f = fixture();
    let s = state(&f);
    let file = sign(&bytes(&manifest(6, 3)), &[&f.mf]);
    let ts = timestamp_for(&file, 6, 6);
    let none = |_: &str| None;
    assert_eq!(
        verify_manifest(&s, &ts, &file, none, 1_900_000_000)
            .unwrap()
            .version,
        6
    );

    let mut tampered = file.clone();
    tampered[10] ^= 1;
    assert!(matches!(
        verify_manifest(&s, &ts, &tampered, none, 0),
        Err(TrustError::Mismatch { .. })
    ));

    // Mix-and-match: a validly signed manifest of another version under this timestamp.
    let other = sign(&bytes(&manifest(7, 3)), &[&f.mf]);
    let wrong_ts = timestamp_for(&other, 6, 6);
    assert!(matches!(
        verify_manifest(&s, &wrong_ts, &other, none, 0),
        Err(TrustError::MixAndMatch(_))
    ));

    // A list going back in sequence.
    let installed = |name: &str| (name == "default").then_some(4);
    assert!(matches!(
        verify_manifest(&s, &ts, &file, installed, 0),
        Err(TrustError::Rollback { role: "list", .. })
    ));

    // Signed by the wrong role.
    let by_timestamp_key = sign(&bytes(&manifest(6, 3)), &[&f.ts]);
    let ts2 = timestamp_for(&by_timestamp_key, 6, 6);
    assert!(matches!(
        verify_manifest(&s, &ts2, &by_timestamp_key, none, 0),
        Err(TrustError::Signatures { .. })
    ));

    // Unsafe paths are refused.
    let mut evil = manifest(6, 3);
    evil.lists.get_mut("default").unwrap().snapshot.path = "../../etc/passwd".into();
    let evil_file = sign(&bytes(&evil), &[&f.mf]);
    let ts3 = timestamp_for(&evil_file, 6, 6);
    assert!(matches!(
        verify_manifest(&s, &ts3, &evil_file, none, 0),
        Err(TrustError::Malformed { .. })
    ));
}

mod server_text {
    //! Whatever a server puts in a file, the refusal's message shows it escaped and short.

    use proptest::prelude::*;

    use super::super::printable::{is_unsafe, MAX_CHARS};
    use super::*;

    /// Text rich in what must not reach a terminal: controls, bidi and zero-width marks.
    fn hostile() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            any::<char>(),
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('\0')),
            Just('\u{7f}'),
            Just('\u{202e}'),
            Just('\u{200b}'),
            Just('\u{2028}'),
            Just('\u{feff}'),
        ];
        prop::collection::vec(c, 0..400).prop_map(String::from_iter)
    }

    fn assert_safe(err: &TrustError) -> Result<(), TestCaseError> {
        let text = err.to_string();
        prop_assert!(!text.chars().any(is_unsafe), "{text:?}");
        prop_assert!(
            text.chars().count() <= 100 + MAX_CHARS * 10,
            "{}",
            text.len()
        );
        Ok(())
    }

    proptest! {
        #[test]
        fn printable_escapes_and_caps(text in hostile()) {
            let shown = printable(&text);
            prop_assert!(!shown.chars().any(is_unsafe));
            prop_assert!(shown.chars().count() <= MAX_CHARS * 10 + 1);
            if !text.chars().any(is_unsafe) && text.chars().count() <= MAX_CHARS {
                prop_assert_eq!(shown, text);
            }
        }

        #[test]
        fn refusals_show_server_text_escaped(text in hostile()) {
            let f = fixture();
            let s = state(&f);
            let ts = timestamp_for(b"x", 6, 6);
            let mut value = serde_json::to_value(&ts).unwrap();
            // An unknown field, a string where a number goes, an odd type.
            let mut extra = value.clone();
            extra[text.as_str()] = 1.into();
            let mut wrong_type = value.clone();
            wrong_type["version"] = text.clone().into();
            value["type"] = text.clone().into();
            for payload in [extra, wrong_type, value] {
                let file = sign(&serde_json::to_vec(&payload).unwrap(), &[&f.ts]);
                if let Err(err) = verify_timestamp(&s, &file, 0) {
                    assert_safe(&err)?;
                }
            }
            // The envelope itself, and a root's key ids and list names in a manifest.
            let envelope = serde_json::json!({ "signed": "", "signatures": [], text.as_str(): 0 });
            let err = Envelope::parse(&serde_json::to_vec(&envelope).unwrap(), "root").unwrap_err();
            assert_safe(&err)?;
            let mut bad_root = f.root.clone();
            bad_root.keys.insert(text.clone(), text.clone());
            let root_file = sign(&bytes(&bad_root), &[&f.r1, &f.r2]);
            if let Err(err) = verify_pinned_root(&root_file) {
                assert_safe(&err)?;
            }
            let mut m = manifest(6, 3);
            let mut list = m.lists.remove("default").unwrap();
            list.count = 1;
            m.lists.insert(text.clone(), list);
            let file = sign(&bytes(&m), &[&f.mf]);
            let ts = timestamp_for(&file, 6, 6);
            if let Err(err) = verify_manifest(&s, &ts, &file, |_: &str| None, 0) {
                assert_safe(&err)?;
            }
        }
    }
}
