//! The iOS Call Directory export.
//!
//! CallKit does not ask an extension about each call: it is handed blocking and
//! identification entries in advance, in strictly ascending 64-bit order, either as a
//! full load or incrementally (additions and removals). This module produces both in
//! pages, in constant memory, from the list's FST stream; the bindings only convert the
//! records.
//!
//! - **entries**: the list's exact numbers (`block` → [`ExportKind::Block`], `warn` →
//!   [`ExportKind::Identify`] with the label a decision on that entry shows), plus the
//!   user's exact-number block rules, minus every number a user allow rule covers
//!   (number, prefix or country), matched by the decisions' own rule index. Prefix
//!   ranges, `#` patterns and the overseas switch cannot be enumerated and are not
//!   exported.
//! - **order**: [`ListSet::numbers_ascending`] streams one key length at a time, since FST
//!   byte order is not numeric order across lengths.
//! - **cap**: at most [`crate::Settings::call_directory_cap`] entries; past it the least
//!   certain are left out, by confidence, then category ([`select`]), the same way on
//!   every page and on both sides of a change, and [`ExportSummary`] says how many. A cap
//!   that leaves entries out is part of the version (`:capN`).
//! - **pause**: while protection is paused (by the engine's clock, so a timed pause that
//!   has passed counts as resumed) the export holds nothing and its version ends in
//!   `:paused`; the changes into or out of a pause are a full reload.
//! - **versions**: an export version is `list:seq:rules-hash`. The changes since a version
//!   are computed when it is the current one (nothing to do) or the installed list's
//!   predecessor, whose files each install keeps as the list's export base ([`base`]);
//!   anything else answers `full_reload`.

pub(crate) mod base;
pub(crate) mod select;
mod stream;
#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::lists::ListSet;

pub(crate) use select::{Selection, SelectionCache};
pub(crate) use stream::RuleView;

/// The most entries one page holds, whatever the caller asks: bounds the memory a page
/// takes in the extension (about 100 bytes each).
pub const MAX_PAGE: u32 = 50_000;

/// What the Call Directory does with a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// Blocked: `addBlockingEntry`.
    Block,
    /// Shown with a label: `addIdentificationEntry`.
    Identify,
}

/// One Call Directory entry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExportEntry {
    /// E.164 digits as an integer (CallKit's `Int64` phone number), e.g. 8613800138000.
    pub number: i64,
    /// Block or identify.
    pub kind: ExportKind,
    /// The caller-ID label for `Identify`; empty for `Block`.
    pub label: String,
}

/// One page of a full load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportPage {
    /// Entries in strictly ascending `number` order, all greater than the `after` asked.
    pub entries: Vec<ExportEntry>,
    /// Pass this as `after` for the next page; `None` when the export is complete.
    pub next_after: Option<i64>,
    /// The export version these entries belong to: if it differs between pages, the list
    /// changed mid-load and the load must start again.
    pub version: String,
}

/// Whether a change adds or removes its entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// Add the entry.
    Add,
    /// Remove the entry (as it was).
    Remove,
}

/// One incremental change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChange {
    /// Add or remove.
    pub op: ChangeOp,
    /// The entry added or removed.
    pub entry: ExportEntry,
}

/// A page of the changes since an export version the extension already loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportChanges {
    /// The changes cannot be computed from that version: reload everything with pages.
    /// `changes` is then empty.
    pub full_reload: bool,
    /// Changes in ascending number order (a removal before an addition of one number).
    pub changes: Vec<ExportChange>,
    /// Pass this as `after` for the next page; `None` when complete.
    pub next_after: Option<i64>,
    /// The export version the extension has once every page is applied.
    pub version: String,
}

/// How much of the list the Call Directory holds: what the app's status shows when the
/// cap leaves numbers out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    /// The export version these counts belong to.
    pub version: String,
    /// The cap in force ([`crate::Settings::call_directory_cap`]).
    pub cap: u32,
    /// Entries the export would hold without the cap.
    pub total: u64,
    /// Entries it holds: at most `cap`.
    pub exported: u64,
    /// Entries left out by the cap (the least certain ones): `total - exported`.
    pub omitted: u64,
}

/// The export version of a list set under these rules: `list:seq:rules-hash`, then
/// `:capN` when the cap leaves entries out, and `:paused` while protection is paused (the
/// export is then empty).
pub(crate) fn version(name: &str, seq: u64, rules: &RuleView<'_>, selection: &Selection) -> String {
    let paused = if rules.is_paused() { ":paused" } else { "" };
    let cap = selection.version_suffix();
    format!("{name}:{seq}:{:016x}{cap}{paused}", rules.hash())
}

/// The counts of an export.
pub(crate) fn summary(
    lists: &ListSet,
    rules: &RuleView<'_>,
    selection: &Selection,
) -> ExportSummary {
    let (total, exported) = selection.counts(lists, rules);
    ExportSummary {
        version: version(lists.name(), lists.version(), rules, selection),
        cap: rules.cap(),
        total,
        exported,
        omitted: total - exported,
    }
}

/// The caller's `after` as a stream start: negative means from the start.
fn start(after: Option<i64>) -> Option<u64> {
    after.and_then(|a| u64::try_from(a).ok())
}

fn page_size(limit: u32) -> Result<usize> {
    if limit == 0 {
        return Err(Error::InvalidInput(
            "the page limit must be at least 1".into(),
        ));
    }
    Ok(limit.min(MAX_PAGE) as usize)
}

/// One page of a full load.
pub(crate) fn page(
    lists: &ListSet,
    rules: &RuleView<'_>,
    selection: &Selection,
    after: Option<i64>,
    limit: u32,
) -> Result<ExportPage> {
    let size = page_size(limit)?;
    let mut stream = stream::entries(lists, rules, selection, start(after));
    let entries: Vec<ExportEntry> = stream.by_ref().take(size).collect();
    let more = entries.len() == size && stream.next().is_some();
    Ok(ExportPage {
        next_after: if more {
            entries.last().map(|e| e.number)
        } else {
            None
        },
        entries,
        version: version(lists.name(), lists.version(), rules, selection),
    })
}

/// A list with the entries the export holds of it.
pub(crate) struct Selected<'a> {
    pub(crate) lists: &'a ListSet,
    pub(crate) selection: &'a Selection,
}

/// One page of the changes from `base` (the list the extension loaded) to `current`,
/// each with the entries the cap keeps of it.
pub(crate) fn changes(
    base: Selected<'_>,
    current: Selected<'_>,
    rules: &RuleView<'_>,
    after: Option<i64>,
    limit: u32,
) -> Result<ExportChanges> {
    let size = page_size(limit)?;
    let from = start(after);
    // Candidates are compared first and made into entries (labels) only where they
    // differ: most of a list is the same in both.
    let mut old = stream::selected(base.lists, rules, base.selection, from).peekable();
    let mut new = stream::selected(current.lists, rules, current.selection, from).peekable();
    let mut changes = Vec::new();
    let mut last = None;
    let complete = loop {
        if changes.len() >= size {
            break old.peek().is_none() && new.peek().is_none();
        }
        let number = match (old.peek(), new.peek()) {
            (None, None) => break true,
            (Some(o), None) => o.number,
            (None, Some(n)) => n.number,
            (Some(o), Some(n)) => o.number.min(n.number),
        };
        let before = old.next_if(|c| c.number == number);
        let now = new.next_if(|c| c.number == number);
        if before != now {
            let (before, now) = (before.and_then(|c| c.entry()), now.and_then(|c| c.entry()));
            if before != now {
                if let Some(entry) = before {
                    changes.push(ExportChange {
                        op: ChangeOp::Remove,
                        entry,
                    });
                }
                if let Some(entry) = now {
                    changes.push(ExportChange {
                        op: ChangeOp::Add,
                        entry,
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
        version: version(
            current.lists.name(),
            current.lists.version(),
            rules,
            current.selection,
        ),
    })
}

/// The answer when the extension is already at the current version.
pub(crate) fn nothing_to_do(
    current: Selected<'_>,
    rules: &RuleView<'_>,
    limit: u32,
) -> Result<ExportChanges> {
    without_changes(current, rules, limit, false)
}

/// The answer that tells the extension to reload everything.
pub(crate) fn full_reload(
    current: Selected<'_>,
    rules: &RuleView<'_>,
    limit: u32,
) -> Result<ExportChanges> {
    without_changes(current, rules, limit, true)
}

/// An answer with no changes listed: up to date, or reload everything.
fn without_changes(
    current: Selected<'_>,
    rules: &RuleView<'_>,
    limit: u32,
    full_reload: bool,
) -> Result<ExportChanges> {
    // The limit is validated the same way whatever the answer.
    page_size(limit)?;
    Ok(ExportChanges {
        full_reload,
        changes: Vec::new(),
        next_after: None,
        version: version(
            current.lists.name(),
            current.lists.version(),
            rules,
            current.selection,
        ),
    })
}
