//! Core's top-level modules form no cycle: every `crate::X` a module's source names
//! (`use crate::X…`, `crate::X::…`, outside comments) is an edge to `X`, and the graph
//! of those edges must be acyclic. Submodules of one top-level module may use each
//! other; a module's own tests count as part of it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory reads") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Top-level module → the top-level modules it names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| {
            let rel = f.strip_prefix(&src).ok()?;
            let first = rel.components().next()?.as_os_str().to_str()?;
            Some(first.trim_end_matches(".rs").to_owned())
        })
        .filter(|m| m != "lib")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let from = rel.components().next().expect("a component");
        let from = from
            .as_os_str()
            .to_str()
            .expect("UTF-8 name")
            .trim_end_matches(".rs");
        if from == "lib" {
            continue; // the crate root re-exports; it is above every module
        }
        // Test-only files (`tests.rs`, `*_tests.rs`, compiled under `#[cfg(test)]`) may
        // drive a module through the engine above it: that is no edge of the shipped code.
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if file_name == "tests.rs" || file_name.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("source reads");
        let edges = graph.entry(from.to_owned()).or_default();
        for line in text.lines() {
            let code = line.split("//").next().unwrap_or_default();
            for (at, _) in code.match_indices("crate::") {
                let rest = &code[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                // `crate::{a, b}` and root re-exports such as `crate::Region` are read
                // through the names they stand for.
                let targets: Vec<String> = if let Some(names) = rest.strip_prefix('{') {
                    names
                        .split([',', '}'])
                        .map(|n| n.trim().split("::").next().unwrap_or_default().to_owned())
                        .collect()
                } else {
                    vec![name]
                };
                for target in targets {
                    let target = root_name(&target).unwrap_or(target);
                    if modules.contains(&target) && target != from {
                        edges.insert(target);
                    }
                }
            }
        }
    }
    graph
}

/// The module a crate-root re-export comes from, read from lib.rs's `pub use` lines.
fn root_name(name: &str) -> Option<String> {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs reads");
    // Comments are dropped first: a comment above a `pub use` would hide it.
    let flat = lib
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    for stmt in flat.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt.strip_prefix("pub use ") else {
            continue;
        };
        let (module, names) = rest.split_once("::")?;
        let names = names.trim_matches(|c| c == '{' || c == '}' || c == ' ');
        if names.split(',').any(|n| n.trim() == name) {
            return Some(module.to_owned());
        }
    }
    None
}

/// A cycle of `graph`, if it has one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_reader_sees_edges_and_cycles() {
    let graph = graph();
    // The engine ties everything together, so the reader must see its edges.
    let engine = &graph["engine"];
    assert!(
        engine.contains("decide") && engine.contains("lists"),
        "{engine:?}"
    );
    let mut cyclic = BTreeMap::new();
    cyclic.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    cyclic.insert("b".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        find_cycle(&cyclic),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}

#[test]
fn core_modules_form_no_cycle() {
    let graph = graph();
    for (from, to) in &graph {
        println!("{from} -> {to:?}");
    }
    if let Some(cycle) = find_cycle(&graph) {
        panic!("module cycle: {}", cycle.join(" -> "));
    }
}
