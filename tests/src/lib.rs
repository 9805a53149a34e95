//! Harness for the end-to-end tests: a publisher with its keys and sources, the
//! `signed-lists serve` loopback server, and a phone's data directory driven through the
//! `callguard` command line or the engine API.
//!
//! The binaries are the ones `cargo test --workspace` builds into the target directory;
//! a missing binary fails the test with a message, never skips it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use callguard_core::trust::{Envelope, Manifest, Signature, Timestamp};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;

/// A fixed clock for publications: 2026-11-18, so expiry tests do not depend on today.
pub const T0: u64 = 1_795_000_000;

/// The real clock, Unix seconds: publications driven through `callguard` use it, since
/// the CLI checks expiry against the real clock.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(T0)
}

/// The path of a workspace binary built next to this test executable.
pub fn bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target directory");
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} not built: run `cargo test --workspace` (see README)",
        path.display()
    );
    path
}

/// A file of the shared test data (`../shared/data` beside the checkout, or the directory
/// named by `CALLGUARD_SHARED_DATA`); missing data fails the test, never skips it.
pub fn shared_data(relative: &str) -> PathBuf {
    let base = std::env::var_os("CALLGUARD_SHARED_DATA")
        .map(PathBuf::from)
        .or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .ancestors()
                .map(|dir| dir.join("shared").join("data"))
                .find(|dir| dir.is_dir())
        })
        .expect("shared/data not found beside the checkout; set CALLGUARD_SHARED_DATA");
    let path = base.join(relative);
    assert!(
        path.is_file(),
        "missing shared test data {}",
        path.display()
    );
    path
}

/// Runs a command and returns its output, failing with its stderr if it fails.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// A list publisher: keys, sources and a site in a temporary directory.
pub struct Publisher {
    pub dir: tempfile::TempDir,
}

impl Publisher {
    /// New keys (`keygen`) and an empty source directory.
    pub fn new() -> Publisher {
        Publisher::with_root_keys(1, 1)
    }

    pub fn keys(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn sources(&self) -> PathBuf {
        self.dir.path().join("sources")
    }

    /// The pinned root file the phone trusts.
    pub fn root(&self) -> PathBuf {
        self.keys().join("root.json")
    }

    /// Writes `numbers.csv` with these E.164 numbers, all blocked as reported fraud.
    pub fn set_numbers(&self, numbers: &[String]) {
        let mut text = String::from("number,action,category,confidence,note\n");
        for n in numbers {
            text.push_str(&format!("{n},block,reported_fraud,90,test\n"));
        }
        std::fs::write(self.sources().join("numbers.csv"), text).expect("write numbers.csv");
    }

    /// Writes `official.csv` with CN's police numbers.
    pub fn set_official(&self) {
        std::fs::write(
            self.sources().join("official.csv"),
            "region,number,note\nCN,110,police\nCN,12110,police SMS\n",
        )
        .expect("write official.csv");
    }

    /// Publishes the next version at clock `now` with `extra` arguments.
    pub fn build(&self, now: u64, extra: &[&str]) -> String {
        let mut cmd = Command::new(bin("signed-lists"));
        cmd.arg("build")
            .arg("--sources")
            .arg(self.sources())
            .arg("--keys")
            .arg(self.keys())
            .arg("--site")
            .arg(self.site())
            .arg("--now")
            .arg(now.to_string())
            .arg("--level")
            .arg("3")
            .args(extra);
        run_ok(&mut cmd)
    }

    /// The current manifest of the site (unverified: the test reads what it published).
    pub fn manifest(&self) -> (String, Manifest) {
        let ts = self.timestamp();
        let path = ts.manifest.path.clone();
        (
            path.clone(),
            payload(&std::fs::read(self.site().join(&path)).expect("manifest file")),
        )
    }

    pub fn timestamp(&self) -> Timestamp {
        payload(&std::fs::read(self.site().join("timestamp.json")).expect("timestamp.json"))
    }

    /// A role's signing key from the key directory.
    pub fn key(&self, role: &str) -> SigningKey {
        let text =
            std::fs::read_to_string(self.keys().join(format!("{role}.key"))).expect("key file");
        let seed: [u8; 32] = hex::decode(text.trim())
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        SigningKey::from_bytes(&seed)
    }

    /// Replaces the manifest with `manifest`, signed by the real manifest key, and the
    /// timestamp with one that names it: what a compromised publisher could serve.
    pub fn republish(&self, manifest: &Manifest, timestamp_expires: u64) {
        let bytes = sign(
            &serde_json::to_vec(manifest).expect("json"),
            &self.key("manifest"),
        );
        let path = format!("manifests/{}.manifest.json", manifest.version);
        self.republish_raw(&path, manifest.version, &bytes, timestamp_expires);
    }

    /// Writes manifest file bytes at `path` and a timestamp (signed by the real timestamp
    /// key) that names them as manifest `version`.
    pub fn republish_raw(
        &self,
        path: &str,
        version: u64,
        manifest_bytes: &[u8],
        timestamp_expires: u64,
    ) {
        std::fs::write(self.site().join(path), manifest_bytes).expect("write manifest");
        let mut ts = self.timestamp();
        ts.version += 1;
        ts.expires = timestamp_expires;
        ts.manifest.version = version;
        ts.manifest.path = path.to_owned();
        ts.manifest.length = manifest_bytes.len() as u64;
        ts.manifest.sha256 = callguard_core::trust::sha256_hex(manifest_bytes);
        let ts_bytes = sign(
            &serde_json::to_vec(&ts).expect("json"),
            &self.key("timestamp"),
        );
        std::fs::write(self.site().join("timestamp.json"), ts_bytes).expect("write timestamp");
    }

    /// A publisher whose root role has `n` keys and needs `threshold` signatures.
    pub fn with_root_keys(n: u32, threshold: u32) -> Publisher {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("sources")).expect("sources dir");
        run_ok(
            Command::new(bin("signed-lists"))
                .arg("keygen")
                .arg("--out")
                .arg(dir.path().join("keys"))
                .args([
                    "--root-keys",
                    &n.to_string(),
                    "--threshold",
                    &threshold.to_string(),
                ]),
        );
        Publisher { dir }
    }
}

impl Default for Publisher {
    fn default() -> Self {
        Self::new()
    }
}

/// Signs a payload into an envelope file.
pub fn sign(payload: &[u8], key: &SigningKey) -> Vec<u8> {
    let mut envelope = Envelope::new(payload);
    envelope.signatures.push(Signature {
        keyid: callguard_core::trust::key_id(&key.verifying_key().to_bytes()),
        sig: Envelope::encode_signature(&key.sign(payload).to_bytes()),
    });
    envelope.to_bytes()
}

/// The payload of an envelope file, parsed.
pub fn payload<T: serde::de::DeserializeOwned>(file: &[u8]) -> T {
    let envelope = Envelope::parse(file, "test").expect("envelope");
    serde_json::from_slice(&envelope.payload("test").expect("payload")).expect("payload json")
}

/// `signed-lists serve` on a free loopback port, with a request log.
pub struct Server {
    child: Child,
    pub url: String,
    pub log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    pub fn start(site: &Path) -> Server {
        let log_dir = tempfile::tempdir().expect("tempdir");
        let log = log_dir.path().join("requests.jsonl");
        let mut child = Command::new(bin("signed-lists"))
            .arg("serve")
            .arg("--site")
            .arg(site)
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--request-log")
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).expect("server address line");
        // Keep draining: a closed pipe would kill the server at its next line of output.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let addr = first
            .split_whitespace()
            .find(|w| w.contains("127.0.0.1:"))
            .map(|w| {
                w.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_owned()
            })
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        Server {
            child,
            url: format!("http://{addr}/"),
            log,
            _log_dir: log_dir,
        }
    }

    /// Every request the server received, as logged.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("request log line is JSON"))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A phone: a data directory driven through `callguard`.
pub struct Phone {
    pub dir: tempfile::TempDir,
}

impl Phone {
    pub fn new() -> Phone {
        Phone {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn callguard(&self) -> Command {
        let mut cmd = Command::new(bin("callguard"));
        cmd.arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("CALLGUARD_DATA_DIR");
        cmd
    }

    /// `callguard update URL --root ROOT --json`.
    pub fn update(&self, url: &str, root: &Path) -> Output {
        self.callguard()
            .args(["update", url, "--json", "--root"])
            .arg(root)
            .output()
            .expect("run callguard update")
    }

    /// The update report, failing the test if the update failed.
    pub fn update_ok(&self, url: &str, root: &Path) -> Value {
        let out = self.update(url, root);
        assert!(
            out.status.success(),
            "update failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("update report JSON")
    }

    /// The decision for a call, as JSON.
    pub fn check(&self, number: &str) -> Value {
        let out = run_ok(self.callguard().args(["check", "call", number, "--json"]));
        serde_json::from_str(&out).expect("decision JSON")
    }

    pub fn status(&self) -> Value {
        serde_json::from_str(&run_ok(self.callguard().args(["status", "--json"])))
            .expect("status JSON")
    }
}

impl Default for Phone {
    fn default() -> Self {
        Self::new()
    }
}

/// The `i`-th test number: a CN mobile number spread over the whole range, so lists
/// compress like real ones (the multiplier is coprime with 10^8, so no two collide).
pub fn number(i: u64) -> String {
    format!("+86139{:08}", (i * 7_919_993) % 100_000_000)
}

/// Test numbers `start..start + n`.
pub fn numbers(start: u64, n: u64) -> Vec<String> {
    (start..start + n).map(number).collect()
}
