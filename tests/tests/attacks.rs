//! Every attack and failure of the signed-list issue, one test each. In every case the
//! last good list stays in use, and `status` records the failed attempt.

use std::io::Write;
use std::path::Path;

use callguard_core::trust::TrustError;
use callguard_core::update::{FetchError, FileMap, UpdateError};
use callguard_core::wire::WireError;
use callguard_core::{Action, CallInput, Engine, EngineConfig, Error};
use callguard_e2e::{number, numbers, Publisher, T0};

/// A number on v1 of the list and not on v2.
fn on_v1() -> String {
    number(1)
}

/// A number on v2 and not on v1.
fn on_v2() -> String {
    number(150)
}

/// A publisher at v1, a phone with v1 installed, and v2 published (not installed).
struct Scene {
    publisher: Publisher,
    engine: Engine,
    _phone: tempfile::TempDir,
}

impl Scene {
    fn new() -> Scene {
        Scene::with_keygen(|p| p)
    }

    fn with_keygen(prepare: impl FnOnce(Publisher) -> Publisher) -> Scene {
        let publisher = prepare(Publisher::new());
        publisher.set_official();
        publisher.set_numbers(&numbers(0, 100));
        publisher.build(T0, &[]);
        let phone = tempfile::tempdir().unwrap();
        let root = std::fs::read(publisher.root()).unwrap();
        let config = EngineConfig::new("CN".parse().unwrap()).with_pinned_root(root);
        let engine = Engine::open(phone.path(), config).unwrap();
        let report = engine
            .update_with_clock(&site(&publisher), T0 + 60)
            .unwrap();
        assert_eq!(report.seq, 1);
        publisher.set_numbers(&numbers(100, 100));
        publisher.build(T0 + 3600, &[]);
        Scene {
            publisher,
            engine,
            _phone: phone,
        }
    }

    fn update(&self) -> Result<callguard_core::update::UpdateReport, Error> {
        self.engine
            .update_with_clock(&site(&self.publisher), T0 + 7200)
    }

    /// The phone still decides on v1, and the failure is recorded.
    fn assert_v1_in_use(&self) {
        let on_v1 = self.engine.check_call(&CallInput::number(on_v1())).unwrap();
        assert_eq!(on_v1.action, Action::Block, "v1 still protects");
        assert_eq!(on_v1.lists.get("default"), Some(&1));
        assert_eq!(
            self.engine
                .check_call(&CallInput::number(on_v2()))
                .unwrap()
                .action,
            Action::Allow
        );
        let status = self.engine.status().unwrap();
        assert_eq!(status.update.installed.map(|i| i.seq), Some(1));
        assert_eq!(
            status.update.last_attempt.map(|a| a.ok),
            Some(false),
            "the failure is recorded"
        );
    }

    fn site_file(&self, path: &str) -> std::path::PathBuf {
        self.publisher.site().join(path)
    }
}

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
fn root_rotation_with_too_few_root_signatures_is_refused() {
    let s = Scene::with_keygen(|_| Publisher::with_root_keys(2, 2));
    // A version 2 root signed by only one of the two root keys.
    let root: callguard_core::trust::Root =
        callguard_e2e::payload(&std::fs::read(s.publisher.root()).unwrap());
    let mut next = root.clone();
    next.version = 2;
    let file = callguard_e2e::sign(
        &serde_json::to_vec(&next).unwrap(),
        &s.publisher.key("root-1"),
    );
    std::fs::write(s.site_file("2.root.json"), file).unwrap();
    assert!(matches!(
        trust_error(s.update()),
        TrustError::Signatures {
            role: "root",
            valid: 1,
            threshold: 2
        }
    ));
    s.assert_v1_in_use();
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
    ts.manifest.sha256 = callguard_core::trust::sha256_hex(&bytes);
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
    let mut bomb = callguard_core::wire::snapshot::MAGIC.to_vec();
    bomb.extend(zstd::encode_all(zeros.as_slice(), 3).unwrap());
    let sha = callguard_core::trust::sha256_hex(&bomb);
    let path = format!("blobs/{sha}.snapshot");
    std::fs::write(s.site_file(&path), &bomb).unwrap();
    let list = manifest.lists.get_mut("default").unwrap();
    list.snapshot = callguard_core::trust::BlobRef {
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
    // Seen once after the expiry...
    assert!(s
        .engine
        .update_with_clock(&site(&s.publisher), expires + 10)
        .is_err());
    // ...the metadata stays expired even when the device clock is set back.
    let err = trust_error(s.engine.update_with_clock(&site(&s.publisher), T0 + 7200));
    assert!(
        matches!(err, TrustError::Expired { role: "timestamp" }),
        "{err:?}"
    );
    s.assert_v1_in_use();
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
