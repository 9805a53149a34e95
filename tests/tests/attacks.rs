//! Every attack and failure of the signed-list issue, one test each. In every case the
//! last good list stays in use, and `status` records the failed attempt.

use std::io::Write;
use std::path::Path;

use callguard_core::update::{FetchError, FileMap, UpdateError};
use callguard_core::{Action, CallInput, Error};
use callguard_e2e::{number, numbers, on_v2, Publisher, Scene, T0};
use callguard_format::trust::TrustError;
use callguard_format::wire::WireError;

fn site(publisher: &Publisher) -> FileMap {
    FileMap::from_dir(&publisher.site()).unwrap()
}

fn flip_byte(path: &Path, at: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x20;
    std::fs::write(path, bytes).unwrap();
}

fn trust_error(result: Result<impl std::fmt::Debug, Error>) -> TrustError {
    match result {
        Err(Error::Update(UpdateError::Trust(e))) => e,
        other => panic!("expected a trust error, got {other:?}"),
    }
}

#[test]
fn tampered_timestamp_is_refused() {
    let s = Scene::new();
    flip_byte(&s.site_file("timestamp.json"), 40);
    assert!(matches!(
        s.update(),
        Err(Error::Update(UpdateError::Trust(_)))
    ));
    s.assert_v1_in_use();
}

#[test]
fn tampered_manifest_is_refused() {
    let s = Scene::new();
    let (path, _) = s.publisher.manifest();
    flip_byte(&s.site_file(&path), 60);
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Mismatch { what: "manifest" }
    ));
    s.assert_v1_in_use();
}

#[test]
fn tampered_snapshot_is_refused() {
    let s = Scene::new();
    let (_, manifest) = s.publisher.manifest();
    let list = &manifest.lists["default"];
    // Remove the delta so the snapshot is the only path.
    for d in &list.deltas {
        std::fs::remove_file(s.site_file(&d.path)).unwrap();
    }
    flip_byte(&s.site_file(&list.snapshot.path), 30);
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Mismatch { what: "snapshot" }
    ));
    s.assert_v1_in_use();
}

#[test]
fn tampered_delta_falls_back_to_the_snapshot() {
    let s = Scene::new();
    let (_, manifest) = s.publisher.manifest();
    let delta = manifest.lists["default"]
        .deltas
        .iter()
        .find(|d| d.from == 1)
        .expect("a delta from v1");
    flip_byte(&s.site_file(&delta.path), 20);
    let report = s.update().unwrap();
    assert!(report.fell_back_to_snapshot);
    assert_eq!(report.seq, 2);
    assert_eq!(
        s.engine
            .check_call(&CallInput::number(on_v2()))
            .unwrap()
            .action,
        Action::Block
    );
}

#[test]
fn manifest_signed_with_a_wrong_key_is_refused() {
    let s = Scene::new();
    let stranger = Publisher::new();
    let (_, manifest) = s.publisher.manifest();
    let forged = callguard_e2e::sign(
        &serde_json::to_vec(&manifest).unwrap(),
        &stranger.key("manifest"),
    );
    // The timestamp is re-signed with the real key to name the forged manifest.
    let (path, _) = s.publisher.manifest();
    s.publisher
        .republish_raw(&path, manifest.version, &forged, T0 + 86_400);
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Signatures {
            role: "manifest",
            ..
        }
    ));
    s.assert_v1_in_use();
}

#[test]
fn root_rotation_with_too_few_root_signatures_is_not_followed() {
    let s = Scene::with_keygen(|_| Publisher::with_root_keys(2, 2));
    // A version 2 root signed by only one of the two root keys, naming an attacker's
    // timestamp key, and a timestamp signed by that key.
    let root: callguard_format::trust::Root =
        callguard_e2e::payload(&std::fs::read(s.publisher.root()).unwrap());
    let attacker = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let attacker_id = callguard_format::trust::key_id(&attacker.verifying_key().to_bytes());
    let mut next = root.clone();
    next.version = 2;
    next.keys.insert(
        attacker_id.clone(),
        hex::encode(attacker.verifying_key().to_bytes()),
    );
    next.roles.timestamp = callguard_format::trust::RoleKeys {
        keyids: vec![attacker_id],
        threshold: 1,
    };
    let file = callguard_e2e::sign(
        &serde_json::to_vec(&next).unwrap(),
        &s.publisher.key("root-1"),
    );
    std::fs::write(s.site_file("2.root.json"), file).unwrap();
    let real_timestamp = std::fs::read(s.site_file("timestamp.json")).unwrap();
    let forged: callguard_format::trust::Timestamp = callguard_e2e::payload(&real_timestamp);
    std::fs::write(
        s.site_file("timestamp.json"),
        callguard_e2e::sign(&serde_json::to_vec(&forged).unwrap(), &attacker),
    )
    .unwrap();
    // The root is not followed, so the attacker's timestamp is not trusted.
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Signatures {
            role: "timestamp",
            valid: 0,
            threshold: 1
        }
    ));
    s.assert_v1_in_use();

    // With the real timestamp the update goes ahead on the old root, and says why the
    // next root was not used.
    std::fs::write(s.site_file("timestamp.json"), real_timestamp).unwrap();
    let report = s.update().unwrap();
    assert_eq!(report.seq, 2);
    let why = "2.root.json ignored (root metadata has 1 valid signature(s), 2 required)";
    assert_eq!(report.ignored_root.as_deref(), Some(why));
    let attempt = s.engine.status().unwrap().update.last_attempt.unwrap();
    assert!(attempt.ok);
    assert!(attempt.message.ends_with(why), "{}", attempt.message);
}

#[test]
fn rollback_to_an_older_version_is_refused() {
    let s = Scene::new();
    // Keep v2's metadata aside, install v3, then serve v2's metadata again.
    let old_timestamp = std::fs::read(s.site_file("timestamp.json")).unwrap();
    s.engine
        .update_with_clock(&site(&s.publisher), T0 + 7200)
        .unwrap();
    s.publisher.set_numbers(&numbers(200, 100));
    s.publisher.build(T0 + 7300, &[]);
    s.engine
        .update_with_clock(&site(&s.publisher), T0 + 7400)
        .unwrap();
    std::fs::write(s.site_file("timestamp.json"), old_timestamp).unwrap();
    let err = trust_error(s.engine.update_with_clock(&site(&s.publisher), T0 + 7500));
    assert!(
        matches!(
            err,
            TrustError::Rollback {
                role: "timestamp",
                ..
            }
        ),
        "{err:?}"
    );
    let status = s.engine.status().unwrap();
    assert_eq!(status.update.installed.map(|i| i.seq), Some(3), "v3 stays");
}

#[test]
fn frozen_timestamp_is_refused() {
    let s = Scene::new();
    let expires = s.publisher.timestamp().expires;
    let err = trust_error(s.engine.update_with_clock(&site(&s.publisher), expires + 1));
    assert!(matches!(err, TrustError::Expired { role: "timestamp" }));
    s.assert_v1_in_use();
}

#[test]
fn frozen_manifest_is_refused() {
    let s = Scene::new();
    let (_, mut manifest) = s.publisher.manifest();
    manifest.expires = T0 + 3700;
    manifest.version += 1;
    s.publisher.republish(&manifest, T0 + 86_400);
    let err = trust_error(s.update());
    assert!(
        matches!(err, TrustError::Expired { role: "manifest" }),
        "{err:?}"
    );
    s.assert_v1_in_use();
}

#[test]
fn mix_and_match_of_versions_is_refused() {
    let s = Scene::new();
    // A validly signed manifest of another version, named by a validly signed timestamp
    // that claims this version.
    let (_, mut manifest) = s.publisher.manifest();
    manifest.version += 5;
    let bytes = callguard_e2e::sign(
        &serde_json::to_vec(&manifest).unwrap(),
        &s.publisher.key("manifest"),
    );
    let mut ts = s.publisher.timestamp();
    ts.version += 1;
    ts.manifest.length = bytes.len() as u64;
    ts.manifest.sha256 = callguard_format::trust::sha256_hex(&bytes);
    std::fs::write(s.site_file(&ts.manifest.path), &bytes).unwrap();
    let ts_bytes = callguard_e2e::sign(
        &serde_json::to_vec(&ts).unwrap(),
        &s.publisher.key("timestamp"),
    );
    std::fs::write(s.site_file("timestamp.json"), ts_bytes).unwrap();
    assert!(matches!(
        trust_error(s.update()),
        TrustError::MixAndMatch(_)
    ));
    s.assert_v1_in_use();
}

#[test]
fn decompression_bomb_stops_at_the_cap() {
    let s = Scene::new();
    let (_, mut manifest) = s.publisher.manifest();
    let zeros = vec![0u8; 256 << 20];
    let mut bomb = callguard_format::wire::snapshot::MAGIC.to_vec();
    bomb.extend(zstd::encode_all(zeros.as_slice(), 3).unwrap());
    let sha = callguard_format::trust::sha256_hex(&bomb);
    let path = format!("blobs/{sha}.snapshot");
    std::fs::write(s.site_file(&path), &bomb).unwrap();
    let list = manifest.lists.get_mut("default").unwrap();
    list.snapshot = callguard_format::trust::BlobRef {
        path,
        length: bomb.len() as u64,
        sha256: sha,
    };
    list.deltas.clear();
    manifest.version += 1;
    s.publisher.republish(&manifest, T0 + 86_400);
    match s.update() {
        Err(Error::Update(UpdateError::Content(WireError::TooLarge | WireError::Malformed(_)))) => {
        }
        other => panic!("expected the cap to stop the bomb, got {other:?}"),
    }
    s.assert_v1_in_use();
}

#[test]
fn delta_that_does_not_reproduce_the_digest_is_thrown_away() {
    let s = Scene::new();
    // Sign a manifest whose delta from v1 is a real delta, but to other content.
    let other = Publisher::new();
    other.set_official();
    other.set_numbers(&numbers(0, 100));
    other.build(T0, &[]);
    other.set_numbers(&numbers(5000, 100));
    other.build(T0 + 10, &[]);
    let (_, other_manifest) = other.manifest();
    let wrong = other_manifest.lists["default"]
        .deltas
        .iter()
        .find(|d| d.from == 1)
        .expect("delta")
        .clone();
    std::fs::copy(other.site().join(&wrong.path), s.site_file(&wrong.path)).unwrap();
    let (_, mut manifest) = s.publisher.manifest();
    let list = manifest.lists.get_mut("default").unwrap();
    list.deltas = vec![wrong];
    manifest.version += 1;
    s.publisher.republish(&manifest, T0 + 86_400);
    let report = s.update().unwrap();
    assert!(
        report.fell_back_to_snapshot,
        "the delta's result failed the digest"
    );
    assert_eq!(
        report.installed,
        Some(callguard_core::update::Via::Snapshot)
    );
    assert_eq!(
        s.engine
            .check_call(&CallInput::number(on_v2()))
            .unwrap()
            .action,
        Action::Block
    );
    assert_eq!(
        s.engine
            .check_call(&CallInput::number(number(5001)))
            .unwrap()
            .action,
        Action::Allow
    );
}

#[test]
fn a_clock_stepped_backwards_is_not_believed() {
    let s = Scene::new();
    let expires = s.publisher.timestamp().expires;
    // v2 verified with the clock just before its timestamp expires...
    assert_eq!(
        s.engine
            .update_with_clock(&s.site(), expires - 10)
            .unwrap()
            .seq,
        2
    );
    // ...then a newer timestamp that had expired by that time is refused, even with the
    // device clock set back to when it was still valid.
    let (path, manifest) = s.publisher.manifest();
    let bytes = std::fs::read(s.site_file(&path)).unwrap();
    s.publisher
        .republish_raw(&path, manifest.version, &bytes, expires - 100);
    let err = trust_error(s.engine.update_with_clock(&s.site(), T0 + 7200));
    assert!(
        matches!(err, TrustError::Expired { role: "timestamp" }),
        "{err:?}"
    );
    assert_eq!(s.engine.status().unwrap().update.installed.unwrap().seq, 2);
}

#[test]
fn an_attempt_with_the_clock_far_ahead_blocks_no_later_update() {
    let mut s = Scene::new();
    let ten_years_ahead = T0 + 10 * 365 * 86_400;
    let err = trust_error(s.engine.update_with_clock(&s.site(), ten_years_ahead));
    assert!(
        matches!(err, TrustError::Expired { role: "timestamp" }),
        "{err:?}"
    );
    s.assert_v1_in_use();
    // After a restart, with the clock right, the newer publication installs.
    s.reopen();
    let report = s.update().unwrap();
    assert_eq!((report.seq, report.clock_behind), (2, false));
}

#[test]
fn no_failed_attempt_at_any_clock_blocks_a_later_update() {
    use proptest::test_runner::{Config, TestRunner};
    let s = std::cell::RefCell::new(Scene::new());
    let expires = s.borrow().publisher.timestamp().expires;
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    // Every clock from the timestamp's expiry on, up to u64::MAX: the attempt fails, and
    // a later update at the right clock (after a restart) succeeds.
    let clocks = proptest::prop_oneof![
        proptest::strategy::Just(u64::MAX),
        expires..expires + 100 * 365 * 86_400,
        expires..=u64::MAX,
    ];
    runner
        .run(&clocks, |clock| {
            let mut s = s.borrow_mut();
            let site = s.site();
            proptest::prop_assert!(s.engine.update_with_clock(&site, clock).is_err());
            s.reopen();
            let report = s.update().map_err(|e| {
                proptest::test_runner::TestCaseError::fail(format!("after clock {clock}: {e}"))
            })?;
            proptest::prop_assert_eq!(report.seq, 2);
            Ok(())
        })
        .unwrap();
}

#[test]
fn control_characters_from_the_server_never_reach_status_raw() {
    let s = Scene::new();
    // A timestamp signed by the real key, with a field named with ESC, NUL, a newline
    // (a forged status line) and a bidi override.
    let field = "\u{1b}[2J\u{0}\nlast attempt   ok: all fine\u{202e}";
    let mut ts: serde_json::Value =
        callguard_e2e::payload(&std::fs::read(s.site_file("timestamp.json")).unwrap());
    ts[field] = 1.into();
    std::fs::write(
        s.site_file("timestamp.json"),
        callguard_e2e::sign(
            &serde_json::to_vec(&ts).unwrap(),
            &s.publisher.key("timestamp"),
        ),
    )
    .unwrap();
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Malformed {
            role: "timestamp",
            ..
        }
    ));
    s.assert_v1_in_use();
    let raw = |c: char| c.is_control() || c == '\u{202e}';
    let message = s
        .engine
        .status()
        .unwrap()
        .update
        .last_attempt
        .unwrap()
        .message;
    assert!(message.contains("unknown field"), "{message}");
    assert!(
        message.contains("\\u{1b}[2J"),
        "escaped, not dropped: {message}"
    );
    assert!(!message.chars().any(raw), "{message:?}");
    // The CLI's text status, from the same data directory.
    let out = callguard_e2e::run_ok(
        std::process::Command::new(callguard_e2e::bin("callguard"))
            .arg("--data-dir")
            .arg(s.phone.path())
            .env_remove("CALLGUARD_DATA_DIR")
            .arg("status"),
    );
    assert!(out.contains("unknown field"), "{out}");
    assert!(!out.chars().any(|c| c != '\n' && raw(c)), "{out:?}");
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("last attempt"))
            .count(),
        1,
        "no forged line: {out}"
    );
}

/// A loopback server that answers every request with `respond`, for a bounded time.
fn misbehaving_server(respond: fn(tiny_http::Request)) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", server.server_addr().to_ip().unwrap());
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(request)) = server.recv_timeout(std::time::Duration::from_millis(200)) {
                respond(request);
            }
        }
    });
    url
}

fn fetch_error(result: Result<impl std::fmt::Debug, Error>) -> FetchError {
    match result {
        Err(Error::Update(UpdateError::Fetch { error, .. })) => error,
        other => panic!("expected a fetch error, got {other:?}"),
    }
}

#[test]
fn endless_data_stops_at_the_size_cap() {
    let s = Scene::new();
    let url = misbehaving_server(|request| {
        // A body that never ends: 4 GB in chunks, until the client hangs up.
        struct Endless(u64);
        impl std::io::Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Ok(0);
                }
                let n = buf.len().min(self.0 as usize);
                buf[..n].fill(b'{');
                self.0 -= n as u64;
                Ok(n)
            }
        }
        let response = tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![],
            Endless(4 << 30),
            None,
            None,
        );
        let _ = request.respond(response);
    });
    assert!(matches!(
        fetch_error(s.engine.update(&url)),
        FetchError::TooLarge(_)
    ));
    s.assert_v1_in_use();
}

#[test]
fn server_down_404_500_and_garbage_leave_the_list_alone() {
    let s = Scene::new();
    // Down: a port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    assert!(matches!(
        fetch_error(s.engine.update(&down)),
        FetchError::Failed(_)
    ));
    s.assert_v1_in_use();

    let not_found = misbehaving_server(|r| {
        let _ = r.respond(tiny_http::Response::empty(404));
    });
    assert!(matches!(
        fetch_error(s.engine.update(&not_found)),
        FetchError::NotFound
    ));

    let error = misbehaving_server(|r| {
        let _ = r.respond(tiny_http::Response::empty(500));
    });
    assert!(
        matches!(fetch_error(s.engine.update(&error)), FetchError::Failed(m) if m.contains("500"))
    );

    let garbage = misbehaving_server(|r| {
        let _ = r.respond(tiny_http::Response::from_data(
            b"\x00\xffnot metadata at all".to_vec(),
        ));
    });
    assert!(matches!(
        s.engine.update(&garbage),
        Err(Error::Update(UpdateError::Trust(
            TrustError::Malformed { .. }
        )))
    ));
    s.assert_v1_in_use();
    let _ = std::io::stderr().flush();
}
