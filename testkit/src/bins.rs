//! The workspace binaries, as built next to the running test executable.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The path of a workspace binary (`signed-lists`, `callguard`) in the target directory
/// of this test executable: one place that knows the layout, so every crate's tests run
/// the binaries `cargo test --workspace` just built. A missing binary fails the test.
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

/// Runs a command and returns its stdout, failing the test with its stderr if it fails.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("spawn");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}
