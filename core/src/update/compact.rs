//! Compaction: folding the numbers overlay into a new base, crash-safe like an install.
//!
//! A delta writes the numbers section as an overlay over the installed base FST
//! ([`crate::lists::overlay`]), which keeps an update's work in proportion to what
//! changed. The overlay grows with every update until compaction rewrites the list whole:
//! at the end of an update once the overlay passes a quarter of the base, or whenever the
//! app calls `Engine::compact_lists` (from a background job, off the call path).
//!
//! The steps are those of an install, under the same lock, and a crash after any of them
//! leaves a whole list: the list in use is streamed (through its overlay) into new FST
//! files, whose digest must equal the installed one; they are synced and renamed to
//! `<dir>-c`; the export base moves along (hard links); one SQLite transaction points
//! the installed list at the new directory (the commit point); the new set is swapped in
//! and the old directory deleted. Before the commit, recovery deletes the new directory
//! and the old list stays; after it, recovery deletes the old one.

use super::lock::InstallLock;
use super::run::{io, list_dir_name, storage, unique};
use super::{InstallStep, UpdateError, Updater};
use crate::export;
use crate::lists::files::{file_name, sync_dir, DirSeal, FstDirWriter};
use crate::lists::ListSet;
use crate::store::InstalledList;
use crate::wire::{Section, WireError};

impl Updater<'_> {
    /// Compacts the installed list if it has an overlay; `false` when there was nothing
    /// to do (no list on disk, no overlay, or the list in use is not the installed one).
    pub fn compact(&self) -> Result<bool, UpdateError> {
        let Some(dir) = &self.lists_dir else {
            return Ok(false);
        };
        let _install_lock = InstallLock::acquire(dir).map_err(io)?;
        self.compact_locked()
    }

    /// [`compact`](Self::compact) with the install lock already held.
    pub(super) fn compact_locked(&self) -> Result<bool, UpdateError> {
        let Some(lists_dir) = self.lists_dir.as_deref() else {
            return Ok(false);
        };
        let Some(installed) = self
            .store()
            .installed_list(self.list_name)
            .map_err(storage)?
            .filter(|i| !i.dir.is_empty())
        else {
            return Ok(false);
        };
        let current = self.lists.current();
        let in_use = current.name() == installed.name
            && current.version() == installed.seq
            && current.stands_in_for().is_none();
        let target_dir = format!(
            "{}-c",
            list_dir_name(&installed.name, installed.seq, &installed.sha256)
        );
        if !in_use || !current.has_overlay() || installed.dir == target_dir {
            return Ok(false);
        }
        current.verify().map_err(storage)?;

        let tmp = lists_dir.join(format!("tmp-{}-{}", std::process::id(), unique()));
        let mut writer = FstDirWriter::create(&tmp).map_err(storage)?;
        let written = current.write_into(&mut writer).and_then(|summary| {
            if summary.count == installed.count && summary.sha256_hex() == installed.sha256 {
                Ok(())
            } else {
                Err(WireError::DigestMismatch)
            }
        });
        if let Err(err) = written {
            drop(writer);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(err.into());
        }
        self.step(InstallStep::FilesWritten)?;
        let tmp = writer.finish().map_err(storage)?;
        // The SMS section is unchanged, so its index file is carried over (or compiled).
        let _ = crate::sms::index_file::write_into_new_dir(
            &tmp,
            &file_name(Section::SmsRules),
            current.dir(),
        );
        self.step(InstallStep::FilesSynced)?;

        let target = lists_dir.join(&target_dir);
        if target.exists() {
            // Left by a compaction that crashed before its commit: never the live one.
            std::fs::remove_dir_all(&target).map_err(io)?;
        }
        std::fs::rename(&tmp, &target).map_err(io)?;
        sync_dir(lists_dir).map_err(storage)?;
        self.step(InstallStep::Renamed)?;
        let seal = DirSeal::read(&target).map_err(storage)?;
        let set = ListSet::open_sealed(&target, &installed.name, installed.seq, Some(&seal))
            .map_err(storage)?;
        let staging = lists_dir.join(format!("tmp-{}-{}", std::process::id(), unique()));
        export::base::carry(lists_dir, &installed.dir, &target_dir, &staging);
        self.step(InstallStep::ExportBaseStaged)?;

        let compacted = InstalledList {
            dir: target_dir,
            files: seal.to_text(),
            ..installed.clone()
        };
        {
            let mut store = self.store();
            let record = store.trust_record().map_err(storage)?;
            store
                .commit_update(&record, Some(&compacted))
                .map_err(storage)?;
        }
        self.step(InstallStep::Committed)?;
        self.lists.install(set);
        self.step(InstallStep::Swapped)?;
        // Checks still running on the old set keep their mapping (Unix semantics).
        let _ = std::fs::remove_dir_all(lists_dir.join(&installed.dir));
        let _ = std::fs::remove_dir_all(export::base::dir_of(lists_dir, &installed.dir));
        self.step(InstallStep::OldRemoved)?;
        Ok(true)
    }
}
