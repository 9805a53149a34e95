//! A list publisher: keys, sources and a site in a temporary directory, driven through
//! the `signed-lists` binary.

use std::path::PathBuf;
use std::process::Command;

use callguard_format::trust::{Envelope, Manifest, Signature, Timestamp};
use ed25519_dalek::{Signer, SigningKey};

use crate::bins::{bin, run_ok};

/// A publisher in a temporary directory with `keys/`, `sources/` and `site/`: the one
/// fixture behind the publisher's own tests, the end-to-end tests and the FFI's.
pub struct Publisher {
    pub dir: tempfile::TempDir,
}

impl Publisher {
    /// New keys (one root key) and an empty source directory.
    pub fn new() -> Publisher {
        Publisher::with_root_keys(1, 1)
    }

    /// A publisher whose root role has `n` keys and needs `threshold` signatures.
    pub fn with_root_keys(n: u32, threshold: u32) -> Publisher {
        Publisher::keygen(&[
            "--root-keys",
            &n.to_string(),
            "--threshold",
            &threshold.to_string(),
        ])
    }

    /// `signed-lists keygen --out KEYS` with `extra` arguments, and an empty source
    /// directory.
    pub fn keygen(extra: &[&str]) -> Publisher {
        let publisher = Publisher {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        std::fs::create_dir_all(publisher.sources()).expect("sources dir");
        run_ok(
            Command::new(bin("signed-lists"))
                .arg("keygen")
                .arg("--out")
                .arg(publisher.keys())
                .args(extra),
        );
        publisher
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
        let rows: Vec<(String, &str)> = numbers.iter().map(|n| (n.clone(), "block")).collect();
        self.set_rows(&rows);
    }

    /// Writes `numbers.csv` with these (E.164 number, action) rows as reported fraud.
    pub fn set_rows(&self, rows: &[(String, &str)]) {
        let mut text = String::from("number,action,category,confidence,note\n");
        for (n, action) in rows {
            text.push_str(&format!("{n},{action},reported_fraud,90,test\n"));
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

    /// `signed-lists SUBCOMMAND --keys KEYS --site SITE`, for more arguments to follow.
    pub fn command(&self, subcommand: &str) -> Command {
        let mut cmd = Command::new(bin("signed-lists"));
        cmd.arg(subcommand)
            .arg("--keys")
            .arg(self.keys())
            .arg("--site")
            .arg(self.site());
        cmd
    }

    /// `signed-lists build` of the sources at clock `now`, level 3, with `extra`
    /// arguments, not yet run: for tests that expect it to fail.
    pub fn build_command(&self, now: u64, extra: &[&str]) -> Command {
        let mut cmd = self.command("build");
        cmd.arg("--sources")
            .arg(self.sources())
            .arg("--now")
            .arg(now.to_string())
            .arg("--level")
            .arg("3")
            .args(extra);
        cmd
    }

    /// Publishes the next version at clock `now` with `extra` arguments.
    pub fn build(&self, now: u64, extra: &[&str]) -> String {
        run_ok(&mut self.build_command(now, extra))
    }

    /// `signed-lists rotate` at clock `now` with `extra` arguments (`--timestamp`, ...).
    pub fn rotate(&self, now: u64, extra: &[&str]) -> String {
        run_ok(
            self.command("rotate")
                .arg("--now")
                .arg(now.to_string())
                .args(extra),
        )
    }

    /// The current manifest of the site with its path (unverified: the test reads what
    /// it published).
    pub fn manifest(&self) -> (String, Manifest) {
        let path = self.timestamp().manifest.path;
        let manifest = payload(&std::fs::read(self.site().join(&path)).expect("manifest file"));
        (path, manifest)
    }

    /// Manifest `version` of the site, unverified.
    pub fn manifest_version(&self, version: u64) -> Manifest {
        let path = format!("manifests/{version}.manifest.json");
        payload(&std::fs::read(self.site().join(path)).expect("manifest file"))
    }

    /// The current timestamp of the site, unverified.
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
        ts.manifest.sha256 = callguard_format::trust::sha256_hex(manifest_bytes);
        let ts_bytes = sign(
            &serde_json::to_vec(&ts).expect("json"),
            &self.key("timestamp"),
        );
        std::fs::write(self.site().join("timestamp.json"), ts_bytes).expect("write timestamp");
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
        keyid: callguard_format::trust::key_id(&key.verifying_key().to_bytes()),
        sig: Envelope::encode_signature(&key.sign(payload).to_bytes()),
    });
    envelope.to_bytes()
}

/// The payload of an envelope file, parsed and unverified.
pub fn payload<T: serde::de::DeserializeOwned>(file: &[u8]) -> T {
    let envelope = Envelope::parse(file, "test").expect("envelope");
    serde_json::from_slice(&envelope.payload("test").expect("payload")).expect("payload json")
}
