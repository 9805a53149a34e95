//! The list compiled into the binary, so the first command works offline on a fresh
//! machine. See `default-list/README.md`.

use callguard_core::lists::source::SourceKind;
use callguard_core::{ListSet, Result};

/// The name decisions report for this list.
pub const NAME: &str = "callguard-default";
/// Bumped whenever the files change.
pub const VERSION: u64 = 1;

const SOURCES: [(SourceKind, &str, &str); 3] = [
    (
        SourceKind::Official,
        "official.csv",
        include_str!("../default-list/official.csv"),
    ),
    (
        SourceKind::Prefixes,
        "prefixes.csv",
        include_str!("../default-list/prefixes.csv"),
    ),
    (
        SourceKind::Numbers,
        "numbers.csv",
        include_str!("../default-list/numbers.csv"),
    ),
];

/// Builds the embedded list's indexes (well under a millisecond).
pub fn load() -> Result<ListSet> {
    let mut builder = ListSet::builder(NAME, VERSION);
    for (kind, name, text) in SOURCES {
        builder.add_csv(kind, name, text.as_bytes())?;
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_list_builds_with_every_section() {
        let set = super::load().expect("the embedded list is valid");
        let [numbers, prefixes, official, _, _] = set.counts();
        assert!(
            numbers >= 15 && prefixes >= 5 && official >= 20,
            "{numbers} {prefixes} {official}"
        );
    }
}
