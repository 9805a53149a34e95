//! Where update files come from. The engine asks for static paths with a byte limit;
//! nothing else about the user or device is ever part of a request.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::error::FetchError;

/// Fetches a file by its path relative to the site root, reading at most `max_len` bytes.
pub trait Fetcher {
    /// The file's bytes, or why not. Implementations must stop reading past `max_len`.
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError>;

    /// [`fetch`](Self::fetch), given up on at `deadline` (the end of the update's time).
    /// Fetchers that cannot be slow (a [`FileMap`]) need not override it.
    fn fetch_until(
        &self,
        path: &str,
        max_len: u64,
        deadline: Instant,
    ) -> Result<Vec<u8>, FetchError> {
        let _ = deadline;
        self.fetch(path, max_len)
    }

    /// How long one update from this fetcher may take in all, if it is limited.
    fn update_deadline(&self) -> Option<Duration> {
        None
    }
}

/// One update's view of a fetcher: every fetch shares the update's deadline, and none
/// starts once it has passed.
pub(crate) struct WithDeadline<'a> {
    inner: &'a dyn Fetcher,
    until: Option<(Instant, Duration)>,
}

impl<'a> WithDeadline<'a> {
    /// Starts the clock of one update now.
    pub(crate) fn start(inner: &'a dyn Fetcher) -> Self {
        let until = inner
            .update_deadline()
            .and_then(|limit| Some((Instant::now().checked_add(limit)?, limit)));
        WithDeadline { inner, until }
    }
}

impl Fetcher for WithDeadline<'_> {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError> {
        match self.until {
            Some((until, limit)) if Instant::now() >= until => Err(FetchError::TimedOut {
                secs: limit.as_secs(),
                why: "the update as a whole took too long",
            }),
            Some((until, _)) => self.inner.fetch_until(path, max_len, until),
            None => self.inner.fetch(path, max_len),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts fetches; its updates may take `limit`.
    struct Limited(Option<Duration>, std::cell::Cell<u32>);

    impl Fetcher for Limited {
        fn fetch(&self, _: &str, _: u64) -> Result<Vec<u8>, FetchError> {
            self.1.set(self.1.get() + 1);
            Ok(vec![1])
        }
        fn update_deadline(&self) -> Option<Duration> {
            self.0
        }
    }

    #[test]
    fn no_fetch_starts_after_the_update_deadline() {
        let spent = Limited(Some(Duration::ZERO), Default::default());
        assert_eq!(
            WithDeadline::start(&spent).fetch("timestamp.json", 10),
            Err(FetchError::TimedOut {
                secs: 0,
                why: "the update as a whole took too long"
            })
        );
        assert_eq!(spent.1.get(), 0);
        for limit in [None, Some(Duration::from_secs(3600)), Some(Duration::MAX)] {
            let open = Limited(limit, Default::default());
            assert_eq!(WithDeadline::start(&open).fetch("a", 10), Ok(vec![1]));
            assert_eq!(open.1.get(), 1);
        }
    }
}
