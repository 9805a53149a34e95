//! File systems that fail on purpose, for the fault tests: a small tmpfs that fills up or
//! turns read-only, and a directory made immutable (`chattr +i`, which binds root too,
//! unlike permission bits). The tests run as root (as CI does); when the kernel refuses
//! the mount or the attribute, the test fails and says so, it never skips.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs of a fixed size mounted on a temporary directory; unmounted on drop.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `bytes` (rounded up to pages by the kernel).
    pub fn mount(bytes: u64) -> Tmpfs {
        let dir = tempfile::tempdir().expect("tempdir");
        run(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
                .arg(dir.path()),
            "mounting a tmpfs (the fault tests need root, or CAP_SYS_ADMIN, as on CI)",
        );
        Tmpfs { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remounts it read-only: every write fails with EROFS, root's included. The
    /// kernel refuses while a file on it is open for writing.
    pub fn remount_read_only(&self) {
        self.remount("ro");
    }

    /// Remounts it writable again.
    pub fn remount_writable(&self) {
        self.remount("rw");
    }

    fn remount(&self, mode: &str) {
        run(
            Command::new("mount")
                .args(["-o", &format!("remount,{mode}")])
                .arg(self.path()),
            "remounting the tmpfs",
        );
    }

    /// Fills the file system up to `free` bytes from full with one file, removed on drop.
    pub fn fill_leaving(&self, free: u64) -> Filler {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("create the filler");
        let block = vec![0xa5u8; 64 * 1024];
        let mut written = 0u64;
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the tmpfs: {e}"),
            }
        }
        file.set_len(written.saturating_sub(free))
            .expect("leave room");
        file.sync_all().ok();
        Filler { path }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: a file still mapped by a leaked engine must not keep the mount.
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

/// The file that fills a [`Tmpfs`]; removing it frees the space.
pub struct Filler {
    path: PathBuf,
}

impl Drop for Filler {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `chattr +i` on a directory: no entry can be created, removed or renamed in it, by
/// root either. Cleared on drop.
pub struct Immutable {
    path: PathBuf,
}

impl Immutable {
    pub fn set(path: &Path) -> Immutable {
        run(
            Command::new("chattr").arg("+i").arg(path),
            "chattr +i (the fault tests need root and a file system with attributes)",
        );
        Immutable {
            path: path.to_path_buf(),
        }
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.path).status();
    }
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what}: {cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
