//! Embeds the signed demo site (`signed-lists/demo/site`) in the binary, so `callguard`
//! decides on a verified signed list on a fresh machine, offline.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let site = manifest.join("../../signed-lists/demo/site");
    println!("cargo:rerun-if-changed={}", site.display());
    let mut files = Vec::new();
    collect(&site, &site, &mut files);
    assert!(
        files.iter().any(|(name, _)| name == "timestamp.json")
            && files.iter().any(|(name, _)| name == "root.json"),
        "the demo site is missing at {}: run signed-lists/demo/publish.sh",
        site.display()
    );
    files.sort();
    let mut code = String::from("/// The demo site's files: (path on the site, bytes).\npub const FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("demo_site.rs");
    std::fs::write(out, code).expect("write demo_site.rs");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, path.canonicalize().unwrap_or(path)));
        }
    }
}
