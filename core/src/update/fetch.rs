//! Where update files come from. The engine asks for static paths with a byte limit;
//! nothing else about the user or device is ever part of a request.

use std::collections::BTreeMap;

/// Why a file could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The server has no such file (HTTP 404), or the file map lacks it.
    #[error("not found")]
    NotFound,
    /// The file is longer than its signed (or fixed) limit; the download stopped there.
    #[error("longer than its limit of {0} bytes")]
    TooLarge(u64),
    /// Anything else: connection refused, timeout, an HTTP error status.
    #[error("{0}")]
    Failed(String),
}

/// Fetches a file by its path relative to the site root, reading at most `max_len` bytes.
pub trait Fetcher {
    /// The file's bytes, or why not. Implementations must stop reading past `max_len`.
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError>;
}

/// Files the app downloaded itself (for example with an iOS background session), keyed
/// by their site path: `timestamp.json`, `manifests/3.manifest.json`, `blobs/….delta`.
#[derive(Debug, Clone, Default)]
pub struct FileMap {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file.
    pub fn insert(&mut self, path: impl Into<String>, bytes: Vec<u8>) {
        self.files.insert(path.into(), bytes);
    }

    /// Every file under `dir`, keyed by its relative path with `/` separators.
    pub fn from_dir(dir: &std::path::Path) -> std::io::Result<FileMap> {
        let mut map = FileMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(&current)? {
                let path = entry?.path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(relative) = path.strip_prefix(dir) {
                    let key = relative
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    map.insert(key, std::fs::read(&path)?);
                }
            }
        }
        Ok(map)
    }
}

impl Fetcher for FileMap {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError> {
        let bytes = self.files.get(path).ok_or(FetchError::NotFound)?;
        if bytes.len() as u64 > max_len {
            return Err(FetchError::TooLarge(max_len));
        }
        Ok(bytes.clone())
    }
}
