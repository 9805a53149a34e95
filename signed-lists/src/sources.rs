//! A source directory read into canonical sections.
//!
//! The file formats are those of [`callguard_sources::lists`] (specified in
//! FORMAT.md); each file is optional. Entries are normalised, duplicates removed and
//! conflicts resolved by the core's builder: the stronger action wins, then the higher
//! confidence (for SMS rules, the higher weight).

use std::fs::File;
use std::path::Path;

use callguard_core::{ListSetBuilder, Region};
use callguard_sources::lists::{add_source, SourceKind, SourceOptions, SourceProblem};

use crate::content::Sections;
use crate::progress::Progress;
use crate::{Error, Result};

/// What a source directory holds, after normalisation.
#[derive(Debug)]
pub struct SourceSet {
    /// The canonical sections.
    pub sections: Sections,
    /// Each file read, with the entries it added (before duplicates were merged).
    pub files: Vec<(String, usize)>,
    /// Every bad line, file by file.
    pub problems: Vec<SourceProblem>,
}

impl SourceSet {
    /// Entries read from all files, before duplicates were merged.
    pub fn rows(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }

    /// Entries in the canonical sections.
    pub fn entries(&self) -> usize {
        self.sections.iter().map(|s| s.len()).sum()
    }
}

/// The source files present in `dir`, with their kinds, names and sizes.
///
/// Besides the fixed names, every `reports*.csv` is read as numbers: that is what
/// `callguard reports --export` and the apps' "share reports" write, so a publisher
/// drops users' exports into the source directory as they are.
pub fn present(dir: &Path) -> Vec<(SourceKind, String, u64)> {
    let mut found: Vec<(SourceKind, String, u64)> = SourceKind::ALL
        .into_iter()
        .filter_map(|kind| {
            let meta = dir.join(kind.file_name()).metadata().ok()?;
            meta.is_file()
                .then(|| (kind, kind.file_name().to_owned(), meta.len()))
        })
        .collect();
    let mut reports: Vec<(SourceKind, String, u64)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            let meta = entry.metadata().ok()?;
            (name.starts_with("reports") && name.ends_with(".csv") && meta.is_file())
                .then(|| (SourceKind::Numbers, name, meta.len()))
        })
        .collect();
    reports.sort_by(|a, b| a.1.cmp(&b.1));
    found.extend(reports);
    found
}

/// Reads every source file of `dir`; national numbers are read in `region`. Bad lines
/// are collected, not fatal: the caller decides whether to publish without them.
pub fn read_dir(dir: &Path, region: Region) -> Result<SourceSet> {
    read_dir_with(dir, region, &Progress::hidden())
}

pub(crate) fn read_dir_with(dir: &Path, region: Region, progress: &Progress) -> Result<SourceSet> {
    let files = present(dir);
    if files.is_empty() {
        return Err(Error::NoSources(dir.to_owned()));
    }
    progress.bytes(
        "reading sources",
        files.iter().map(|(_, _, size)| size).sum(),
    );
    let options = SourceOptions {
        region: Some(region),
    };
    let mut builder = ListSetBuilder::new("sources", 0);
    let mut set = SourceSet {
        sections: Default::default(),
        files: Vec::new(),
        problems: Vec::new(),
    };
    for (kind, name, _) in files {
        let path = dir.join(&name);
        let file = File::open(&path).map_err(|e| Error::io(&path, e))?;
        let report = add_source(&mut builder, kind, &name, progress.reader(file), &options)
            .map_err(|e| match e {
                callguard_core::Error::Io(io) => Error::io(&path, io),
                other => Error::List(other),
            })?;
        set.files.push((name, report.added));
        set.problems.extend(report.problems);
    }
    progress.spinner("sorting and merging entries");
    let (_, _, sections) = builder.into_sections()?;
    set.sections = sections;
    Ok(set)
}
