//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

pub mod demo_sources;

use callguard_core::{Engine, EngineConfig, ListSet, Region};

/// A file under the shared test data (`../shared/data` beside the checkout), or the
/// directory named by `CALLGUARD_SHARED_DATA`. Missing data fails the test loudly:
/// these tests never skip themselves.
pub fn shared_data(relative: &str) -> PathBuf {
    let base = match std::env::var_os("CALLGUARD_SHARED_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            manifest
                .ancestors()
                .map(|dir| dir.join("shared").join("data"))
                .find(|dir| dir.is_dir())
                .expect("shared/data not found beside the checkout; set CALLGUARD_SHARED_DATA")
        }
    };
    let path = base.join(relative);
    assert!(
        path.is_file(),
        "missing shared test data {}",
        path.display()
    );
    path
}

/// Reads a CSV file with a header into rows of strings.
pub fn csv_rows(relative: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .from_path(shared_data(relative))
        .expect("open csv");
    reader
        .records()
        .map(|r| r.expect("csv row").iter().map(str::to_owned).collect())
        .collect()
}

pub fn region(code: &str) -> Region {
    code.parse().expect("test region")
}

/// The engine of the examples: home CN, official numbers 110, 12110 and 12389.
pub fn cn_engine() -> Engine {
    let engine = Engine::open_in_memory(EngineConfig::new(region("CN"))).expect("engine");
    let mut lists = ListSet::builder("test", 1);
    for official in ["110", "12110", "12389"] {
        lists
            .add_official(region("CN"), official)
            .expect("official");
    }
    engine.replace_lists(lists.build().expect("lists"));
    engine
}
