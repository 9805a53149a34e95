//! Shared helpers of the command-line tests: a key directory, small sources, and runs of
//! the `signed-lists` binary at a fixed time.

#![allow(dead_code)] // each test file uses its own subset

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use callguard_core::trust::{Manifest, Timestamp};
use tempfile::TempDir;

/// The fixed publication time of the tests.
pub const NOW: u64 = 1_795_000_000;

/// The binary under test.
pub fn cmd() -> Command {
    cargo_bin_cmd!("signed-lists")
}

/// A scratch directory with `keys/`, `sources/` and `site/`.
pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    /// Keys made by `keygen` and the small sources of [`write_sources`].
    pub fn new() -> Fixture {
        let fixture = Fixture {
            dir: tempfile::tempdir().expect("a temporary directory"),
        };
        cmd()
            .args(["keygen", "--out"])
            .arg(fixture.keys())
            .args(["--publisher", "Test publisher", "--now", &NOW.to_string()])
            .assert()
            .success();
        write_sources(&fixture.sources());
        fixture
    }

    pub fn keys(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    pub fn sources(&self) -> PathBuf {
        self.dir.path().join("sources")
    }

    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// `build` at `NOW + offset` with extra arguments.
    pub fn build(&self, offset: u64, extra: &[&str]) -> assert_cmd::assert::Assert {
        cmd()
            .arg("build")
            .arg("--sources")
            .arg(self.sources())
            .arg("--keys")
            .arg(self.keys())
            .arg("--site")
            .arg(self.site())
            .args(["--now", &(NOW + offset).to_string(), "--level", "3"])
            .args(extra)
            .assert()
    }

    /// `verify` from `root` at `NOW + offset`.
    pub fn verify(&self, root: &Path, offset: u64) -> assert_cmd::assert::Assert {
        cmd()
            .arg("verify")
            .arg("--site")
            .arg(self.site())
            .arg("--root")
            .arg(root)
            .args(["--now", &(NOW + offset).to_string()])
            .assert()
    }

    /// The payload of the current timestamp, unverified.
    pub fn timestamp(&self) -> Timestamp {
        payload(&self.site().join("timestamp.json"))
    }

    /// The payload of manifest `version`, unverified.
    pub fn manifest(&self, version: u64) -> Manifest {
        payload(
            &self
                .site()
                .join(format!("manifests/{version}.manifest.json")),
        )
    }

    /// Every file under the site with its bytes, for before/after comparisons.
    pub fn snapshot_of_site(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        collect(&self.site(), &mut files);
        files.sort();
        files
    }
}

fn collect(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            let bytes = fs::read(&path).expect("readable");
            out.push((path, bytes));
        }
    }
}

/// The payload of an envelope file, unverified.
pub fn payload<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    signed_lists::site::unverified_payload(&fs::read(path).expect("file"), "test")
        .expect("a payload")
}

/// Small sources in every format.
pub fn write_sources(dir: &Path) {
    fs::create_dir_all(dir).expect("sources dir");
    fs::write(
        dir.join("numbers.csv"),
        "number,action,category,confidence,note\n\
         +8617000000110,block,official_impersonation,95,demo\n\
         17000000300,block,loan_credit,85,demo: national form\n\
         +8617000000110,warn,official_impersonation,99,demo: weaker duplicate\n\
         +12025550143,warn,spam,40,demo\n",
    )
    .expect("numbers");
    fs::write(
        dir.join("prefixes.csv"),
        "number,action,category,confidence,note\n\
         +855,warn,reported_fraud,40,Cambodia\n\
         33162####,block,spam,70,pattern\n",
    )
    .expect("prefixes");
    fs::write(
        dir.join("official.csv"),
        "region,number,note\nCN,110,police\nCN,96110,anti-fraud centre\n",
    )
    .expect("official");
    fs::write(
        dir.join("domains.txt"),
        "# demo\nbank-login.example\n0.0.0.0 parcel-fee.example\n||prize-claim.example^\n",
    )
    .expect("domains");
    fs::write(
        dir.join("sms_rules.tsv"),
        "# category\tweight\tphrase\nloan_credit\t60\t无抵押贷款\nprize\t50\tYou have WON\n",
    )
    .expect("sms rules");
}

/// Appends a line to a source file.
pub fn append(path: &Path, line: &str) {
    let mut text = fs::read_to_string(path).expect("source");
    text.push_str(line);
    text.push('\n');
    fs::write(path, text).expect("source");
}

/// The stdout of a finished command.
pub fn stdout(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// The stderr of a finished command.
pub fn stderr(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}
