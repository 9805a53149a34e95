//! The signed demo list, embedded at build time from `signed-lists/demo/site` (see
//! `build.rs`). `callguard` decides on it, after checking its signatures against the demo
//! root and its content digest, until a signed list is installed with `callguard update`.
//! The demo root is also the root `update` pins when `--root` is not given.

use callguard_core::update::FileMap;

include!(concat!(env!("OUT_DIR"), "/demo_site.rs"));

/// The demo site's files, as an update would fetch them.
pub fn files() -> FileMap {
    let mut map = FileMap::new();
    for (path, bytes) in FILES {
        map.insert(*path, bytes.to_vec());
    }
    map
}

/// The demo publisher's root (clearly marked as a demo in its `publisher` field).
pub fn root() -> &'static [u8] {
    FILES
        .iter()
        .find(|(path, _)| *path == "root.json")
        .map(|(_, bytes)| *bytes)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_demo_list_verifies_and_has_every_section() {
        let engine = callguard_core::Engine::open_in_memory(callguard_core::EngineConfig::new(
            "CN".parse().unwrap(),
        ))
        .expect("engine");
        engine
            .load_bundled(&super::files(), super::root())
            .expect("the demo list verifies");
        let lists = engine.lists();
        assert_eq!(lists.name(), "default");
        assert!(
            lists.counts().iter().all(|n| *n > 0),
            "every section has entries: {:?}",
            lists.counts()
        );
        let root = String::from_utf8_lossy(super::root());
        assert!(!root.is_empty());
    }
}
