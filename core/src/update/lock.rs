//! The install lock: one file in the lists directory that an installer holds, so that
//! other processes sharing the data directory can tell a live install from an abandoned
//! one.
//!
//! On iOS the app and its two extensions open one App Group directory; on Android the
//! update job and the screening service may run in different processes. Opening the
//! engine cleans up what a crashed install left behind, and that cleanup must never take
//! a live install's files. So an update holds an exclusive lock on `lists/.install.lock`
//! from its first download to its last rename, and recovery cleans up only when it can
//! take that lock without waiting; when it cannot, someone is installing and nothing is
//! abandoned yet. The lock is the operating system's (`flock` on Unix, `LockFileEx` on
//! Windows), so it is released when its holder exits or crashes.
//!
//! On iOS a suspended process that holds a file lock in a shared container is killed by
//! the system (`0xdead10cc`), so the app must run updates inside a background task and
//! never keep the lock across suspension; the engine holds it only for one update.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

/// The lock file's name inside the lists directory.
pub const LOCK_FILE: &str = ".install.lock";

/// A held install lock; released on drop.
#[derive(Debug)]
pub struct InstallLock {
    file: File,
}

impl InstallLock {
    fn open(lists_dir: &Path) -> std::io::Result<File> {
        std::fs::create_dir_all(lists_dir)?;
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(lists_dir.join(LOCK_FILE))
    }

    /// Waits for the lock: an update runs once the install in progress has finished.
    pub fn acquire(lists_dir: &Path) -> std::io::Result<InstallLock> {
        let file = InstallLock::open(lists_dir)?;
        file.lock()?;
        Ok(InstallLock { file })
    }

    /// Takes the lock if nobody holds it; `None` while another install is in progress.
    pub fn try_acquire(lists_dir: &Path) -> std::io::Result<Option<InstallLock>> {
        let file = InstallLock::open(lists_dir)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(InstallLock { file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(err)) => Err(err),
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it immediate.
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_is_seen_by_another_open_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let held = InstallLock::acquire(dir.path()).unwrap();
        assert!(InstallLock::try_acquire(dir.path()).unwrap().is_none());
        drop(held);
        assert!(InstallLock::try_acquire(dir.path()).unwrap().is_some());
    }
}
