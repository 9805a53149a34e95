//! The export base: the list an installed list replaced, kept so that the iOS export can
//! say what changed between the two.
//!
//! It is one step of the install ([`crate::update::InstallStep::ExportBaseStaged`]), under
//! the install's lock: before the commit, the replaced list's files are hard-linked (they
//! are never changed in place, only replaced) into a fresh directory with a `BASE` file
//! that names that list and its seal, and the directory is renamed to
//! `<new list dir>.export-base`. The base of a list thus belongs to that list's directory
//! name: the commit that makes a list installed also makes its base current, a crash
//! before the commit leaves the old list with its old base (recovery deletes the new
//! ones), and a crash after it leaves the new list with its new base. The old list's base
//! goes with the old list. A base is used only if its `BASE` file parses and its files
//! open through the same sealed, counted and checked path as an installed list.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::lists::files::{sync_dir, write_atomically, DirSeal};
use crate::lists::ListSet;
use crate::store::InstalledList;

/// What follows an installed list's directory name to name its export base.
pub(crate) const BASE_SUFFIX: &str = ".export-base";
const META: &str = "BASE";
const MAGIC: &str = "callguard export base 1";

/// The export base directory of the list installed in `dir`.
pub(crate) fn dir_of(lists_dir: &Path, dir: &str) -> PathBuf {
    lists_dir.join(format!("{dir}{BASE_SUFFIX}"))
}

/// Whether a lists-directory entry is the export base of the list installed in `dir`.
pub(crate) fn is_base_of(entry: &str, dir: &str) -> bool {
    !dir.is_empty() && entry.strip_suffix(BASE_SUFFIX) == Some(dir)
}

/// Keeps `previous`'s files as the export base of the list about to be installed in
/// `next_dir`. Returns whether a base was staged: nothing is staged when there is no
/// usable previous list on disk, and staging is never a reason to fail the install
/// (without a base the export answers `full_reload`), so an error here removes what it
/// wrote.
pub(crate) fn stage(
    lists_dir: &Path,
    previous: &InstalledList,
    next_dir: &str,
    tmp: &Path,
) -> bool {
    if previous.dir.is_empty() || previous.dir == next_dir || previous.name.contains(['\n', '\r']) {
        return false;
    }
    let source = lists_dir.join(&previous.dir);
    // Only the files that were installed, unchanged since: a damaged list is no base.
    match (DirSeal::read(&source), DirSeal::from_text(&previous.files)) {
        (Ok(found), Some(sealed)) if found == sealed => {}
        _ => return false,
    }
    let target = dir_of(lists_dir, next_dir);
    let staged = (|| -> Result<()> {
        if target.exists() {
            // Left by an install of `next_dir` that crashed before its commit: never the
            // live base, which belongs to another directory name.
            std::fs::remove_dir_all(&target)?;
        }
        link_files(&source, tmp)?;
        let meta = format!(
            "{MAGIC}\n{}\n{}\n{}\n{}\n{}\n",
            previous.seq, previous.count, previous.sha256, previous.files, previous.name
        );
        write_atomically(&tmp.join(META), meta.as_bytes())?;
        sync_dir(tmp)?;
        std::fs::rename(tmp, &target)?;
        sync_dir(lists_dir)
    })();
    match staged {
        Ok(()) => true,
        Err(_) => {
            let _ = std::fs::remove_dir_all(tmp);
            false
        }
    }
}

/// Gives the list compacted from directory `from` into `to` the export base of `from`
/// (hard links, or copies where there are none), staged in `tmp` and renamed, before the
/// commit that makes `to` installed. Returns whether a base was carried; like
/// [`stage`], it never fails the compaction (without a base the export reloads).
pub(crate) fn carry(lists_dir: &Path, from: &str, to: &str, tmp: &Path) -> bool {
    let source = dir_of(lists_dir, from);
    if from.is_empty() || to.is_empty() || from == to || !source.is_dir() {
        return false;
    }
    let target = dir_of(lists_dir, to);
    let carried = (|| -> Result<()> {
        if target.exists() {
            // Left by a compaction that crashed before its commit: never the live base.
            std::fs::remove_dir_all(&target)?;
        }
        link_files(&source, tmp)?;
        sync_dir(tmp)?;
        std::fs::rename(tmp, &target)?;
        sync_dir(lists_dir)
    })();
    match carried {
        Ok(()) => true,
        Err(_) => {
            let _ = std::fs::remove_dir_all(tmp);
            false
        }
    }
}

/// Creates `tmp` with a link to every file of `source` (list files are never changed in
/// place, only replaced): a hard link costs nothing; a copy where the file system has none.
fn link_files(source: &Path, tmp: &Path) -> Result<()> {
    std::fs::create_dir(tmp)?;
    for file in std::fs::read_dir(source)? {
        let file = file?;
        if !file.file_type()?.is_file() {
            continue;
        }
        let to = tmp.join(file.file_name());
        if std::fs::hard_link(file.path(), &to).is_err() {
            std::fs::copy(file.path(), &to)?;
            std::fs::File::open(&to)?.sync_all()?;
        }
    }
    Ok(())
}

/// The export base of the list installed as `installed`: the name and sequence number
/// of the list it replaced, and that list mapped. `None` when there is none or it fails
/// any check.
pub(crate) fn open(lists_dir: &Path, installed: &InstalledList) -> Option<(String, u64, ListSet)> {
    if installed.dir.is_empty() {
        return None;
    }
    let dir = dir_of(lists_dir, &installed.dir);
    let list = read_meta(&dir).ok()?;
    let set = crate::lists::open_installed(lists_dir, &list).ok()?;
    Some((list.name, list.seq, set))
}

/// Reads a base's `BASE` file as the installed-list record of the list it keeps, with
/// `dir` relative to the lists directory.
fn read_meta(dir: &Path) -> Result<InstalledList> {
    let text = std::fs::read_to_string(dir.join(META))?;
    let bad = || Error::InvalidList("the export base's description is unreadable".into());
    let mut lines = text.lines();
    if lines.next() != Some(MAGIC) {
        return Err(bad());
    }
    let mut next = || lines.next().ok_or_else(bad);
    let seq = next()?.parse().map_err(|_| bad())?;
    let count = next()?.parse().map_err(|_| bad())?;
    let sha256 = next()?.to_owned();
    let files = next()?.to_owned();
    let name = next()?.to_owned();
    // Without a seal the files could be anything: the base is refused.
    DirSeal::from_text(&files).ok_or_else(bad)?;
    let dir_name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(bad)?;
    Ok(InstalledList {
        name,
        seq,
        count,
        sha256,
        dir: dir_name,
        manifest_version: 0,
        installed_at: 0,
        files,
        lthash16: String::new(),
    })
}
