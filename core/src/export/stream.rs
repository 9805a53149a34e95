//! The exported entries as one ascending stream: the list's exact numbers merged with
//! the user's exact-number block rules, without the numbers the user allows.

use std::collections::BTreeSet;
use std::iter::Peekable;
use std::ops::Bound;

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
        }
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

/// What a list entry becomes in the Call Directory, with the label a decision on that
/// entry shows; `None` for entries with nothing to do.
fn entry_for(number: i64, meta: EntryMeta) -> Option<ExportEntry> {
    let kind = match meta.action {
        Action::Block => ExportKind::Block,
        Action::Warn => ExportKind::Identify,
        Action::Allow => return None,
    };
    Some(ExportEntry {
        number,
        kind,
        label: match kind {
            ExportKind::Block => String::new(),
            ExportKind::Identify => verdict::list_entry_label(meta),
        },
    })
}

/// Every exported entry after `after`, ascending. Constant memory beyond the rules.
pub(super) fn entries<'a>(
    lists: &'a ListSet,
    rules: &'a RuleView<'_>,
    after: Option<u64>,
) -> impl Iterator<Item = ExportEntry> + 'a {
    let list = lists
        .numbers_ascending(after)
        .filter_map(|(n, meta)| entry_for(i64::try_from(n).ok()?, meta));
    let user = rules
        .block
        .range((
            after.map_or(Bound::Unbounded, Bound::Excluded),
            Bound::Unbounded,
        ))
        .filter_map(|n| {
            Some(ExportEntry {
                number: i64::try_from(*n).ok()?,
                kind: ExportKind::Block,
                label: String::new(),
            })
        });
    Merge {
        list: list.peekable(),
        user: user.peekable(),
    }
    .take_while(move |_| !rules.paused)
    .filter(move |e| u64::try_from(e.number).is_ok_and(|n| !rules.allowed(n)))
}

/// Merges two ascending streams; on the same number the user's block wins, as it does
/// in a check.
struct Merge<A: Iterator, B: Iterator> {
    list: Peekable<A>,
    user: Peekable<B>,
}

impl<A, B> Iterator for Merge<A, B>
where
    A: Iterator<Item = ExportEntry>,
    B: Iterator<Item = ExportEntry>,
{
    type Item = ExportEntry;

    fn next(&mut self) -> Option<ExportEntry> {
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
