//! Two published versions of one list, as the phone downloads them: what tests of
//! updates between versions (read-only engines, the iOS export's changes) start from.

use callguard_core::update::FileMap;

use crate::numbers::{numbers, T0};
use crate::publisher::Publisher;

/// A publisher (kept alive: its directory holds the site), its root, and the site's
/// files after the first and after the second build.
pub struct TwoVersions {
    /// The publisher whose temporary directory holds the keys, sources and site.
    pub publisher: Publisher,
    /// The publisher's `root.json`, to pin.
    pub root: Vec<u8>,
    /// The site built at `T0` with `numbers(first.0, first.1)` listed.
    pub v1: FileMap,
    /// The site built at `T0 + 100` with `numbers(second.0, second.1)` listed.
    pub v2: FileMap,
}

impl TwoVersions {
    /// The official numbers and `numbers(start, count)` in v1, then in v2; each range
    /// is `(start, count)`.
    pub fn new(first: (u64, u64), second: (u64, u64)) -> TwoVersions {
        let publisher = Publisher::new();
        publisher.set_official();
        publisher.set_numbers(&numbers(first.0, first.1));
        publisher.build(T0, &[]);
        let v1 = FileMap::from_dir(&publisher.site()).expect("the first site");
        publisher.set_numbers(&numbers(second.0, second.1));
        publisher.build(T0 + 100, &[]);
        let v2 = FileMap::from_dir(&publisher.site()).expect("the second site");
        let root = std::fs::read(publisher.root()).expect("the root");
        TwoVersions {
            publisher,
            root,
            v1,
            v2,
        }
    }
}
