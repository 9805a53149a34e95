//! Every rule lives in the core: the bindings (`bindings/`: the FFI, the CLI, the Swift
//! and Kotlin sources) translate and print, and never decide. This scans their
//! non-test sources for the signs of a decision made outside the core: label text,
//! list-file lifecycles, user-rule matching, and mapping an action to anything but the
//! same action of another enum.

use std::path::{Path, PathBuf};

use callguard_core::Category;

fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Source files outside build output, dependencies and tests.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let skipped = name.starts_with('.')
                || ["target", "node_modules", "tests", "test", "Tests", "build"]
                    .contains(&name.as_str());
            if !skipped {
                sources(&path, out);
            }
        } else if ["rs", "kt", "swift", "java", "sh"]
            .iter()
            .any(|ext| path.extension().is_some_and(|e| e == *ext))
        {
            out.push(path);
        }
    }
}

/// The code lines of a file: comments and Rust unit-test modules left out.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") || trimmed.starts_with('*') || trimmed.starts_with("/*") {
            continue;
        }
        lines.push((i + 1, line.to_owned()));
    }
    lines
}

/// A line that mentions an action only to convert it: `a::Action::Warn => b::Action::Warn`.
fn is_action_conversion(line: &str) -> bool {
    let Some((left, right)) = line.trim().trim_end_matches(',').split_once("=>") else {
        return false;
    };
    let variant = |side: &str| {
        let side = side.trim();
        side.rsplit_once("Action::")
            .filter(|(path, v)| {
                path.chars()
                    .all(|c| c.is_alphanumeric() || c == ':' || c == '_')
                    && v.chars().all(char::is_alphanumeric)
            })
            .map(|(_, v)| v.to_owned())
    };
    matches!((variant(left), variant(right)), (Some(l), Some(r)) if l == r)
}

fn findings(files: &[PathBuf]) -> Vec<String> {
    let mut forbidden: Vec<(String, &str)> = [
        ("hard_link", "a list-file lifecycle"),
        ("remove_dir_all", "a list-file lifecycle"),
        ("remove_file", "a list-file lifecycle"),
        ("fs::rename", "a list-file lifecycle"),
        ("export-base", "a list-file lifecycle"),
        (".install.lock", "a list-file lifecycle"),
        ("RuleTarget", "user-rule matching"),
        ("first_match", "user-rule matching"),
        ("numbers_ascending", "reading list entries"),
        ("EntryMeta", "reading list entries"),
        ("\"Warning: ", "label text"),
        ("\"Blocked: ", "label text"),
        ("\"Allowed: ", "label text"),
    ]
    .into_iter()
    .map(|(s, why)| (s.to_owned(), why))
    .collect();
    // The words of every category belong to the core's decision vocabulary (one-word
    // ones such as "spam" are also ordinary identifiers, so only phrases count).
    forbidden.extend(
        Category::ALL
            .iter()
            .map(|c| c.describe())
            .filter(|words| words.contains(' '))
            .map(|words| (words.to_owned(), "label text")),
    );
    let mut found = Vec::new();
    for file in files {
        let shown = file
            .strip_prefix(bindings_dir())
            .unwrap_or(file)
            .display()
            .to_string();
        // The CLI prints decisions and scores an evaluation by them; the app-facing
        // layers only convert.
        let app_facing = !shown.starts_with("cli");
        for (n, line) in code_lines(file) {
            for (needle, why) in &forbidden {
                if line.contains(needle.as_str()) {
                    found.push(format!("{shown}:{n}: {why} ({needle}): {}", line.trim()));
                }
            }
            let mentions_action = ["Action::Block", "Action::Warn", "Action::Allow"]
                .iter()
                .any(|a| line.contains(a));
            if app_facing && mentions_action && !is_action_conversion(&line) {
                found.push(format!(
                    "{shown}:{n}: action mapped to something else: {}",
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn the_bindings_hold_no_decision_label_or_file_lifecycle() {
    let mut files = Vec::new();
    sources(&bindings_dir(), &mut files);
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    // The scan sees the layers it is about.
    for expected in [
        "ffi/src/engine.rs",
        "ffi/src/convert.rs",
        "cli/src/main.rs",
        "CallDirectory.swift",
    ] {
        assert!(
            names.iter().any(|n| n.ends_with(expected)),
            "{expected} not scanned: {names:?}"
        );
    }
    let found = findings(&files);
    assert!(
        found.is_empty(),
        "decisions outside the core:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_what_the_old_ffi_export_did() {
    // The shapes of the code that lived in bindings/ffi/src/export.rs before the export
    // moved into the core: each must be found.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.rs");
    std::fs::write(
        &file,
        r#"
        core::Action::Warn => Some((ExportKind::Identify, format!("Warning: {}", c))),
        let _ = std::fs::remove_dir_all(&base);
        if std::fs::hard_link(file.path(), &target).is_err() {}
        self.allow.iter().any(|t: &core::RuleTarget| t.matches(&key, region))
        lists.numbers_ascending(after)
        let label = "loan or credit scam";
        core::Action::Block => Action::Block,
"#,
    )
    .unwrap();
    let found = findings(&[file]);
    assert_eq!(found.len(), 7, "{found:#?}");
    assert!(found
        .iter()
        .all(|f| !f.contains("Action::Block => Action::Block")));
    assert!(is_action_conversion("core::Action::Warn => Action::Warn,"));
    assert!(!is_action_conversion(
        "core::Action::Warn => ExportKind::Identify,"
    ));
    assert!(!is_action_conversion("(Action::Block, _) => \"block\","));
}
