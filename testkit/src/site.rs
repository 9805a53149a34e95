//! A site directory read into memory.

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes, keyed by its relative path with `/`
/// separators (the site's own paths): to hand a site to an engine as downloaded files,
/// or to compare a site before and after a command. A missing `dir` is an empty site.
pub fn site_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable directory entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let key = path
                .strip_prefix(dir)
                .expect("under the site")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&path).expect("a readable site file");
            files.insert(key, bytes);
        }
    }
    files
}
