//! The committed demo site verifies, and is exactly what `demo/publish.sh` rebuilds
//! from the committed sources and keys.

mod common;

use std::path::Path;

use common::cmd;

const DEMO_NOW: &str = "1795000000";

#[test]
fn the_demo_site_verifies_and_is_reproducible() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    cmd()
        .arg("verify")
        .arg("--site")
        .arg(demo.join("site"))
        .arg("--root")
        .arg(demo.join("keys/root.json"))
        .args(["--now", DEMO_NOW])
        .assert()
        .success();

    let scratch = tempfile::tempdir().unwrap();
    let site = scratch.path().join("site");
    cmd()
        .arg("build")
        .arg("--sources")
        .arg(demo.join("sources"))
        .arg("--keys")
        .arg(demo.join("keys"))
        .arg("--site")
        .arg(&site)
        .args(["--region", "CN", "--now", DEMO_NOW])
        .args([
            "--manifest-expires-days",
            "3650",
            "--timestamp-expires-hours",
            "87600",
        ])
        .assert()
        .success();
    for file in [
        "root.json",
        "1.root.json",
        "timestamp.json",
        "manifests/1.manifest.json",
    ] {
        assert_eq!(
            std::fs::read(site.join(file)).unwrap(),
            std::fs::read(demo.join("site").join(file)).unwrap(),
            "{file} differs: run signed-lists/demo/publish.sh"
        );
    }
}
