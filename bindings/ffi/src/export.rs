//! The iOS Call Directory export.
//!
//! CallKit does not ask an extension about each call: it is handed blocking and
//! identification entries in advance, in strictly ascending 64-bit order, either as a
//! full load or incrementally (additions and removals). This module produces both in
//! pages, in constant memory, from the list's FST stream:
//!
//! - **entries**: the list's exact numbers (`block` → [`ExportKind::Block`], `warn` →
//!   [`ExportKind::Identify`] with a label), plus the user's exact-number block rules,
//!   minus every number a user allow rule covers (number, prefix or country). Prefix
//!   ranges, `#` patterns and the overseas switch cannot be enumerated and are not
//!   exported (README: what iOS can and cannot do).
//! - **order**: [`ListSet::numbers_ascending`] streams one key length at a time, since FST
//!   byte order is not numeric order across lengths.
//! - **versions**: an export version is `list:seq:rules-hash`. The changes since a version
//!   can be computed when it is the current one (nothing to do) or the one just before:
//!   each update keeps hard links to the replaced list's files in
//!   `<data_dir>/export-base/base`, and the changes are a merge of the two ascending
//!   streams. Anything else (an older version, changed rules, an in-memory engine) says
//!   `full_reload`.

use std::collections::BTreeSet;
use std::iter::Peekable;
use std::path::{Path, PathBuf};

use callguard_core as core;
use callguard_core::lists::EntryMeta;
use callguard_core::{ListSet, Region};

use crate::error::{CallguardError, Result};
use crate::types::{ChangeOp, ExportChange, ExportChanges, ExportEntry, ExportKind, ExportPage};

/// The most entries one page holds, whatever the caller asks: bounds the memory a page
/// takes in the extension (about 100 bytes each).
pub const MAX_PAGE: u32 = 50_000;

/// The directory under the data directory that keeps the previous list for changes.
pub const EXPORT_BASE_DIR: &str = "export-base";
const BASE: &str = "base";
const BASE_META: &str = "BASE";

/// What the user's rules do to the export.
pub(crate) struct RuleView {
    home: Region,
    /// Allow rules: these numbers are never exported.
    allow: Vec<core::RuleTarget>,
    /// Whether any allow rule is a country (each number is then parsed for its region).
    allow_needs_region: bool,
    /// Exact-number block rules, exported as blocks.
    block: BTreeSet<u64>,
    /// A fingerprint of everything above, part of the export version.
    hash: u64,
}

impl RuleView {
    pub(crate) fn new(rules: &[core::UserRule], home: Region) -> RuleView {
        let mut allow = Vec::new();
        let mut block = BTreeSet::new();
        let mut canonical: Vec<String> = Vec::new();
        for rule in rules {
            match (rule.kind, &rule.target) {
                (core::RuleKind::Allow, target) => {
                    allow.push(target.clone());
                    canonical.push(format!("allow {target}"));
                }
                (core::RuleKind::Block, core::RuleTarget::Number(key)) => {
                    if let Ok(n) = key.parse::<u64>() {
                        if i64::try_from(n).is_ok() {
                            block.insert(n);
                            canonical.push(format!("block {n}"));
                        }
                    }
                }
                // Prefix and country blocks cannot be enumerated for CallKit.
                (core::RuleKind::Block, _) => {}
            }
        }
        canonical.sort();
        canonical.dedup();
        let allow_needs_region = allow
            .iter()
            .any(|t| matches!(t, core::RuleTarget::Country(_)));
        // The region matters only to country rules.
        if allow_needs_region {
            canonical.push(format!("home {home}"));
        }
        RuleView {
            home,
            allow,
            allow_needs_region,
            block,
            hash: fnv1a(canonical.join("\n").as_bytes()),
        }
    }

    fn allowed(&self, number: u64) -> bool {
        if self.allow.is_empty() {
            return false;
        }
        let key = number.to_string();
        let region = if self.allow_needs_region {
            core::number::parse(&format!("+{key}"), self.home)
                .ok()
                .and_then(|n| n.region())
        } else {
            None
        };
        self.allow.iter().any(|t| t.matches(&key, region))
    }
}

/// FNV-1a, 64 bits: a stable fingerprint across processes and builds.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The export version of a list set under these rules.
pub(crate) fn version(name: &str, seq: u64, rules: &RuleView) -> String {
    format!("{name}:{seq}:{:016x}", rules.hash)
}

/// What a list entry becomes in the Call Directory; `None` for entries with nothing to do.
fn entry_for(meta: EntryMeta) -> Option<(ExportKind, String)> {
    match meta.action {
        core::Action::Block => Some((ExportKind::Block, String::new())),
        core::Action::Warn => Some((
            ExportKind::Identify,
            format!("Warning: {}", meta.category.describe()),
        )),
        core::Action::Allow => None,
    }
}

/// Every exported entry after `after`, ascending: the list merged with the user's block
/// numbers, without allowed numbers. Constant memory beyond the rules.
pub(crate) fn entries<'a>(
    lists: &'a ListSet,
    rules: &'a RuleView,
    after: Option<u64>,
) -> impl Iterator<Item = (u64, ExportKind, String)> + 'a {
    let list = lists
        .numbers_ascending(after)
        .filter_map(|(n, meta)| entry_for(meta).map(|(kind, label)| (n, kind, label)))
        .filter(|(n, _, _)| i64::try_from(*n).is_ok());
    let user = rules
        .block
        .range((
            after.map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded),
            std::ops::Bound::Unbounded,
        ))
        .map(|n| (*n, ExportKind::Block, String::new()));
    Merge {
        list: list.peekable(),
        user: user.peekable(),
    }
    .filter(move |(n, _, _)| !rules.allowed(*n))
}

/// Merges two ascending streams; on the same number the user's block wins.
struct Merge<A: Iterator, B: Iterator> {
    list: Peekable<A>,
    user: Peekable<B>,
}

impl<A, B> Iterator for Merge<A, B>
where
    A: Iterator<Item = (u64, ExportKind, String)>,
    B: Iterator<Item = (u64, ExportKind, String)>,
{
    type Item = (u64, ExportKind, String);

    fn next(&mut self) -> Option<Self::Item> {
        match (self.list.peek(), self.user.peek()) {
            (Some(l), Some(u)) if l.0 < u.0 => self.list.next(),
            (Some(l), Some(u)) if l.0 == u.0 => {
                self.list.next();
                self.user.next()
            }
            (_, Some(_)) => self.user.next(),
            (Some(_), None) => self.list.next(),
            (None, None) => None,
        }
    }
}

/// The caller's `after` as a stream start: negative means from the start.
fn start(after: Option<i64>) -> Option<u64> {
    after.and_then(|a| u64::try_from(a).ok())
}

fn page_size(limit: u32) -> Result<usize> {
    if limit == 0 {
        return Err(CallguardError::invalid("the page limit must be at least 1"));
    }
    Ok(limit.min(MAX_PAGE) as usize)
}

fn entry(number: u64, kind: ExportKind, label: String) -> ExportEntry {
    ExportEntry {
        // Checked when streamed: every exported number fits an i64.
        number: i64::try_from(number).unwrap_or(i64::MAX),
        kind,
        label,
    }
}

/// One page of a full load.
pub(crate) fn page(
    lists: &ListSet,
    rules: &RuleView,
    after: Option<i64>,
    limit: u32,
) -> Result<ExportPage> {
    let size = page_size(limit)?;
    let mut stream = entries(lists, rules, start(after));
    let entries: Vec<ExportEntry> = stream
        .by_ref()
        .take(size)
        .map(|(n, kind, label)| entry(n, kind, label))
        .collect();
    let more = entries.len() == size && stream.next().is_some();
    Ok(ExportPage {
        next_after: if more {
            entries.last().map(|e| e.number)
        } else {
            None
        },
        entries,
        version: version(lists.name(), lists.version(), rules),
    })
}

/// One page of the changes from `base` to `current`.
pub(crate) fn changes(
    base: &ListSet,
    current: &ListSet,
    rules: &RuleView,
    after: Option<i64>,
    limit: u32,
) -> Result<ExportChanges> {
    let size = page_size(limit)?;
    let from = start(after);
    let mut old = entries(base, rules, from).peekable();
    let mut new = entries(current, rules, from).peekable();
    let mut changes = Vec::new();
    let mut last = None;
    let complete = loop {
        if changes.len() >= size {
            break old.peek().is_none() && new.peek().is_none();
        }
        let (o, n) = (old.peek(), new.peek());
        let number = match (o, n) {
            (None, None) => break true,
            (Some(o), None) => o.0,
            (None, Some(n)) => n.0,
            (Some(o), Some(n)) => o.0.min(n.0),
        };
        let before = old.next_if(|e| e.0 == number);
        let after_entry = new.next_if(|e| e.0 == number);
        match (before, after_entry) {
            (Some(b), Some(a)) if b.1 == a.1 && b.2 == a.2 => {}
            (before, after_entry) => {
                if let Some((n, kind, label)) = before {
                    changes.push(ExportChange {
                        op: ChangeOp::Remove,
                        entry: entry(n, kind, label),
                    });
                }
                if let Some((n, kind, label)) = after_entry {
                    changes.push(ExportChange {
                        op: ChangeOp::Add,
                        entry: entry(n, kind, label),
                    });
                }
            }
        }
        last = Some(number);
    };
    Ok(ExportChanges {
        full_reload: false,
        changes,
        next_after: if complete {
            None
        } else {
            last.and_then(|n| i64::try_from(n).ok())
        },
        version: version(current.name(), current.version(), rules),
    })
}

/// The changes page that tells the app to reload everything.
pub(crate) fn full_reload(current: &ListSet, rules: &RuleView) -> ExportChanges {
    ExportChanges {
        full_reload: true,
        changes: Vec::new(),
        next_after: None,
        version: version(current.name(), current.version(), rules),
    }
}

/// The previous list kept for changes, if any: (name, seq, set).
pub(crate) fn open_base(data_dir: &Path) -> Option<(String, u64, ListSet)> {
    let dir = data_dir.join(EXPORT_BASE_DIR).join(BASE);
    let meta = std::fs::read_to_string(dir.join(BASE_META)).ok()?;
    let mut lines = meta.lines();
    let name = lines.next()?.to_owned();
    let seq = lines.next()?.trim().parse().ok()?;
    let set = ListSet::open_dir(&dir, &name, seq).ok()?;
    Some((name, seq, set))
}

/// The installed list's files, linked aside before an update replaces them.
pub(crate) struct StagedBase {
    dir: PathBuf,
    root: PathBuf,
}

/// Links the installed list's files into a staging directory (best effort: an error
/// here only means the next changes will say `full_reload`).
pub(crate) fn stage_base(data_dir: &Path, engine: &core::Engine) -> Option<StagedBase> {
    let installed = engine.status().ok()?.update.installed?;
    let source = engine.installed_list_dir().ok()??;
    let root = data_dir.join(EXPORT_BASE_DIR);
    std::fs::create_dir_all(&root).ok()?;
    // Leftovers of an update that crashed.
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with("staging-") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = root.join(format!("staging-{}-{nanos}", std::process::id()));
    let staged = StagedBase {
        dir: dir.clone(),
        root,
    };
    let linked = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        for file in std::fs::read_dir(&source)? {
            let file = file?;
            if file.file_type()?.is_file() {
                let target = dir.join(file.file_name());
                // A hard link costs nothing; the core replaces list files, never edits them.
                if std::fs::hard_link(file.path(), &target).is_err() {
                    std::fs::copy(file.path(), &target)?;
                }
            }
        }
        std::fs::write(
            dir.join(BASE_META),
            format!("{}\n{}\n", installed.name, installed.seq),
        )
    })();
    match linked {
        Ok(()) => Some(staged),
        Err(_) => {
            staged.discard();
            None
        }
    }
}

impl StagedBase {
    /// The update replaced the list: the staged files become the base for changes.
    pub(crate) fn promote(self) {
        let base = self.root.join(BASE);
        let _ = std::fs::remove_dir_all(&base);
        if std::fs::rename(&self.dir, &base).is_err() {
            self.discard();
        }
    }

    /// The update failed or changed nothing: the base stays as it was.
    pub(crate) fn discard(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_stable() {
        // Known FNV-1a 64 vectors: a version written by one build is read by the next.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
