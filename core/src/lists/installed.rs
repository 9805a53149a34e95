//! Opening the installed list's files, as recorded in the database: sealed, counted and,
//! where cheap, verified whole. The update (recovery, reinstall) and the export base
//! both open lists this way.

use std::path::Path;

use crate::lists::files::DirSeal;
use crate::lists::ListSet;
use crate::store::InstalledList;

/// Lists whose files together are at most this large are checksummed in full at every
/// open (a fraction of a millisecond for the demo list); larger ones are checked by their
/// seal at open and in full by `Engine::verify_lists` and before each update.
pub(crate) const FULL_VERIFY_AT_OPEN: u64 = 8 << 20;

/// Maps an installed list if its files match their seal, count and (when small enough,
/// or when no seal was recorded) their checksums. The export base opens the same way.
pub(crate) fn open_installed(lists_dir: &Path, list: &InstalledList) -> Result<ListSet, String> {
    let seal = DirSeal::from_text(&list.files);
    let set = ListSet::open_sealed(
        &lists_dir.join(&list.dir),
        &list.name,
        list.seq,
        seal.as_ref(),
    )
    .map_err(|e| e.to_string())?;
    if set.counts().iter().sum::<u64>() != list.count {
        return Err("the list files hold another number of entries than were installed".into());
    }
    if seal.is_none() || set.byte_size() <= FULL_VERIFY_AT_OPEN {
        set.verify().map_err(|e| e.to_string())?;
    }
    Ok(set)
}
