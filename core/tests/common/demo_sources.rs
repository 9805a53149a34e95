//! The demo list built from the publisher's sources (`signed-lists/demo/sources`), for the
//! tests and benchmarks that need the real rules rather than random ones. Shared by
//! `tests/common` and, through a `#[path]`, by `benches/common`.

use callguard_core::{ListSet, Section};
use callguard_sources::lists::{add_source, SourceKind, SourceOptions};

/// A list of the demo sources of `kinds` (the SMS rules, the model, …), read as
/// `signed-lists build` reads them.
pub fn demo_list(kinds: &[SourceKind]) -> ListSet {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../signed-lists/demo/sources");
    let mut b = ListSet::builder("demo", 1);
    for &kind in kinds {
        let file = std::fs::File::open(dir.join(kind.file_name())).expect("demo source");
        add_source(
            &mut b,
            kind,
            kind.file_name(),
            file,
            &SourceOptions::default(),
        )
        .expect("demo source reads");
    }
    b.build().expect("lists")
}

/// Every entry of one section of `lists`, in key order.
pub fn section_entries(lists: &ListSet, section: Section) -> Vec<(Vec<u8>, u64)> {
    let mut cursor = lists.cursor(section);
    let mut entries = Vec::new();
    while let Some((key, value)) = cursor.next_entry() {
        entries.push((key.to_vec(), value));
    }
    entries
}
