//! The exported entries as one ascending stream: the list's exact numbers merged with
//! the user's exact-number block rules, without the numbers the user allows.

use std::collections::BTreeSet;
use std::iter::Peekable;
use std::ops::Bound;

use super::select::Selection;
use super::{ExportEntry, ExportKind};
use crate::decide::rule_index::RuleIndex;
use crate::decide::verdict;
use crate::lists::{EntryMeta, ListSet};
use crate::region::Region;
use crate::store::{RuleKind, RuleTarget};
use crate::vocabulary::Action;

/// What the user's rules do to the export, read from the decisions' rule index.
pub(crate) struct RuleView<'a> {
    home: Region,
    rules: &'a RuleIndex,
    /// Whether any allow rule is a country (each number is then parsed for its region,
    /// as a check of that number would).
    allow_needs_region: bool,
    any_allow: bool,
    /// Exact-number block rules, exported as blocks.
    block: BTreeSet<u64>,
    /// A fingerprint of what the rules do to the export, part of the export version.
    hash: u64,
    /// Protection is paused: nothing is exported (see [`RuleView::paused`]).
    paused: bool,
    /// The most entries exported (see [`super::select`]).
    cap: u32,
}

impl<'a> RuleView<'a> {
    pub(crate) fn new(rules: &'a RuleIndex, home: Region) -> RuleView<'a> {
        let mut block = BTreeSet::new();
        let mut canonical: Vec<String> = Vec::new();
        let (mut any_allow, mut allow_needs_region) = (false, false);
        for rule in rules.rules() {
            match (rule.kind, &rule.target) {
                (RuleKind::Allow, target) => {
                    any_allow = true;
                    allow_needs_region |= matches!(target, RuleTarget::Country(_));
                    canonical.push(format!("allow {target}"));
                }
                (RuleKind::Block, RuleTarget::Number(key)) => {
                    if let Some(n) = key
                        .parse::<u64>()
                        .ok()
                        .filter(|n| i64::try_from(*n).is_ok())
                    {
                        block.insert(n);
                        canonical.push(format!("block {n}"));
                    }
                }
                // Prefix and country blocks cannot be enumerated for CallKit.
                (RuleKind::Block, _) => {}
            }
        }
        canonical.sort();
        canonical.dedup();
        // The region matters only to country rules.
        if allow_needs_region {
            canonical.push(format!("home {home}"));
        }
        RuleView {
            home,
            rules,
            allow_needs_region,
            any_allow,
            block,
            hash: fnv1a(canonical.join("\n").as_bytes()),
            paused: false,
            cap: u32::MAX,
        }
    }

    /// Sets the most entries exported; past it the least certain are left out.
    pub(crate) fn capped(mut self, cap: u32) -> Self {
        self.cap = cap.max(1);
        self
    }

    pub(crate) fn cap(&self) -> u32 {
        self.cap
    }

    /// How many exact-number block rules the export adds.
    pub(crate) fn block_count(&self) -> usize {
        self.block.len()
    }

    /// Marks protection as paused: the export then holds no entry, so the Call Directory
    /// blocks and labels nothing while every decision allows, and its version differs
    /// from the unpaused one (a pause and a resume each make the extension reload).
    pub(crate) fn paused(mut self, paused: bool) -> Self {
        self.paused = paused;
        self
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused
    }

    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }

    /// Whether an allow rule covers the number, as it would in a check of that number.
    fn allowed(&self, number: u64) -> bool {
        if !self.any_allow {
            return false;
        }
        let key = number.to_string();
        let region = if self.allow_needs_region {
            crate::number::parse(&format!("+{key}"), self.home)
                .ok()
                .and_then(|n| n.region())
        } else {
            None
        };
        self.rules
            .first_match(RuleKind::Allow, &key, region)
            .is_some()
    }
}

/// FNV-1a, 64 bits: a stable fingerprint across processes and builds.
pub(super) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An entry the export may hold: a list entry that blocks or warns (`meta`), or the
/// user's exact-number block rule (`meta` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Candidate {
    pub(super) number: u64,
    pub(super) meta: Option<EntryMeta>,
}

impl Candidate {
    /// The Call Directory entry, with the label a decision on that entry shows.
    pub(super) fn entry(self) -> Option<ExportEntry> {
        let number = i64::try_from(self.number).ok()?;
        let kind = match self.meta.map(|m| m.action) {
            None | Some(Action::Block) => ExportKind::Block,
            Some(Action::Warn) => ExportKind::Identify,
            Some(Action::Allow) => return None,
        };
        let label = match (kind, self.meta) {
            (ExportKind::Identify, Some(meta)) => verdict::list_entry_label(meta),
            _ => String::new(),
        };
        Some(ExportEntry {
            number,
            kind,
            label,
        })
    }
}

/// Every entry the export may hold after `after`, ascending, before any cap: the list's
/// blocks and warnings merged with the user's block rules, without what the user allows
/// or anything while paused. Constant memory beyond the rules.
pub(super) fn candidates<'a>(
    lists: &'a ListSet,
    rules: &'a RuleView<'_>,
    after: Option<u64>,
) -> impl Iterator<Item = Candidate> + 'a {
    let list = lists
        .numbers_ascending(after)
        .filter(|(n, meta)| meta.action != Action::Allow && i64::try_from(*n).is_ok())
        .map(|(number, meta)| Candidate {
            number,
            meta: Some(meta),
        });
    let user = rules
        .block
        .range((
            after.map_or(Bound::Unbounded, Bound::Excluded),
            Bound::Unbounded,
        ))
        .map(|n| Candidate {
            number: *n,
            meta: None,
        });
    Merge {
        list: list.peekable(),
        user: user.peekable(),
    }
    .take_while(move |_| !rules.paused)
    .filter(move |c| !rules.allowed(c.number))
}

/// The candidates after `after` that `selection` keeps, ascending.
pub(super) fn selected<'a>(
    lists: &'a ListSet,
    rules: &'a RuleView<'_>,
    selection: &'a Selection,
    after: Option<u64>,
) -> impl Iterator<Item = Candidate> + 'a {
    candidates(lists, rules, after).filter(move |c| selection.includes(c))
}

/// The exported entries after `after`, ascending: the candidates `selection` keeps.
pub(super) fn entries<'a>(
    lists: &'a ListSet,
    rules: &'a RuleView<'_>,
    selection: &'a Selection,
    after: Option<u64>,
) -> impl Iterator<Item = ExportEntry> + 'a {
    selected(lists, rules, selection, after).filter_map(Candidate::entry)
}

/// Merges two ascending streams; on the same number the user's block wins, as it does
/// in a check.
struct Merge<A: Iterator, B: Iterator> {
    list: Peekable<A>,
    user: Peekable<B>,
}

impl<A, B> Iterator for Merge<A, B>
where
    A: Iterator<Item = Candidate>,
    B: Iterator<Item = Candidate>,
{
    type Item = Candidate;

    fn next(&mut self) -> Option<Candidate> {
        match (self.list.peek(), self.user.peek()) {
            (Some(l), Some(u)) if l.number < u.number => self.list.next(),
            (Some(l), Some(u)) if l.number == u.number => {
                self.list.next();
                self.user.next()
            }
            (_, Some(_)) => self.user.next(),
            (Some(_), None) => self.list.next(),
            (None, None) => None,
        }
    }
}
