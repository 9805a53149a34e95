//! Shared helpers of the command-line tests: the test kit's publisher with small sources,
//! and runs of the `signed-lists` binary at a fixed time.

#![allow(dead_code)] // each test file uses its own subset

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;
use assert_cmd::Command;
use callguard_format::trust::{Manifest, Timestamp};
use callguard_testkit::{site_files, Publisher};

/// The fixed publication time of the tests: the kit's clock.
pub const NOW: u64 = callguard_testkit::T0;

/// The binary under test.
pub fn cmd() -> Command {
    cargo_bin_cmd!("signed-lists")
}

/// The kit's publisher with keys made at [`NOW`] and the small sources of
/// [`write_sources`], its commands run through `assert_cmd` to check how they end.
pub struct Fixture {
    publisher: Publisher,
}

impl Fixture {
    /// Keys made by `keygen` and the small sources of [`write_sources`].
    pub fn new() -> Fixture {
        let publisher =
            Publisher::keygen(&["--publisher", "Test publisher", "--now", &NOW.to_string()]);
        write_sources(&publisher.sources());
        Fixture { publisher }
    }

    /// The scratch directory holding `keys/`, `sources/` and `site/`.
    pub fn dir(&self) -> &Path {
        self.publisher.dir.path()
    }

    pub fn keys(&self) -> PathBuf {
        self.publisher.keys()
    }

    pub fn sources(&self) -> PathBuf {
        self.publisher.sources()
    }

    pub fn site(&self) -> PathBuf {
        self.publisher.site()
    }

    /// `build` at `NOW + offset` with extra arguments.
    pub fn build(&self, offset: u64, extra: &[&str]) -> assert_cmd::assert::Assert {
        Command::from_std(self.publisher.build_command(NOW + offset, extra)).assert()
    }

    /// `rotate` with extra arguments.
    pub fn rotate(&self, extra: &[&str]) -> assert_cmd::assert::Assert {
        Command::from_std(self.publisher.command("rotate"))
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
        self.publisher.timestamp()
    }

    /// The payload of manifest `version`, unverified.
    pub fn manifest(&self, version: u64) -> Manifest {
        self.publisher.manifest_version(version)
    }

    /// Every file under the site with its bytes, by site path, for before/after
    /// comparisons.
    pub fn snapshot_of_site(&self) -> BTreeMap<String, Vec<u8>> {
        site_files(&self.site())
    }
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
