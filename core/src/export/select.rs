//! Which entries the export holds when there are more than the Call Directory cap.
//!
//! CallKit loads a list in a small memory and time budget, so the export is capped
//! ([`crate::Settings::call_directory_cap`]). Past the cap the least useful entries are
//! left out, by one ranking: the user's own block rules first, then the list's entries by
//! confidence, then by category (the most harmful kinds first), then blocks before
//! warnings. Within the last rank that fits only partly, the lowest numbers are kept, so
//! the choice is a pure function of the list, the rules and the cap: every page of a load,
//! and both sides of an incremental change, make the same choice.
//!
//! The choice takes two streaming passes and constant memory: one counts the entries of
//! each rank (a few thousand counters), the other finds the cut-off number inside the
//! rank that fits partly (only when there is one). [`SelectionCache`] keeps the answer
//! for the list and rules in use, so a load of many pages pays for it once.

use std::sync::{Arc, Mutex};

use super::stream::{candidates, Candidate, RuleView};
use crate::lists::{EntryMeta, ListSet};
use crate::vocabulary::{Action, Category};
use crate::wire::Section;

/// Categories from the most harmful, kept first when the cap bites, to the least.
const CATEGORY_ORDER: [Category; 15] = [
    Category::OfficialImpersonation,
    Category::FakeCustomerService,
    Category::Investment,
    Category::LoanCredit,
    Category::AcquaintanceImpersonation,
    Category::TaskScam,
    Category::AccountPhishing,
    Category::Delivery,
    Category::Romance,
    Category::Prize,
    Category::GamingTrade,
    Category::ReportedFraud,
    Category::SuspectedFraud,
    Category::Telemarketing,
    Category::Spam,
];

/// Ranks of list entries: 101 confidences × 15 categories × 2 actions; the user's block
/// rules rank above them all.
const LIST_RANKS: usize = 101 * CATEGORY_ORDER.len() * 2;
const USER_RANK: u16 = LIST_RANKS as u16;

/// An entry's rank: higher is kept first.
fn rank(candidate: &Candidate) -> u16 {
    match candidate.meta {
        None => USER_RANK,
        Some(meta) => list_rank(meta),
    }
}

fn list_rank(meta: EntryMeta) -> u16 {
    let harm = CATEGORY_ORDER
        .iter()
        .rev()
        .position(|c| *c == meta.category)
        .unwrap_or(0);
    let block = u16::from(meta.action == Action::Block);
    (u16::from(meta.confidence.min(100)) * CATEGORY_ORDER.len() as u16 + harm as u16) * 2 + block
}

/// The entries the export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// Every entry: there are `count`, no more than the cap (`None` when the list is too
    /// small for the cap to matter and they were not counted).
    Everything { count: Option<u64> },
    /// The `cap` best of `total` entries: every entry ranked above `rank`, and those of
    /// `rank` up to and including the number `last` (none of that rank when `None`).
    Capped {
        cap: u64,
        total: u64,
        rank: u16,
        last: Option<u64>,
    },
}

impl Selection {
    /// Whether the export holds this entry.
    pub(super) fn includes(&self, candidate: &Candidate) -> bool {
        match self {
            Selection::Everything { .. } => true,
            Selection::Capped {
                rank: cut, last, ..
            } => {
                let r = rank(candidate);
                r > *cut || (r == *cut && last.is_some_and(|l| candidate.number <= l))
            }
        }
    }

    /// Entries the export could hold without a cap, and the entries it holds, counted
    /// now if they were not (the engine asks [`SelectionCache::counted`], which counts
    /// once per list).
    pub(crate) fn counts(&self, lists: &ListSet, rules: &RuleView<'_>) -> (u64, u64) {
        match self {
            Selection::Everything { count: Some(n) } => (*n, *n),
            Selection::Everything { count: None } => {
                let n = candidates(lists, rules, None).count() as u64;
                (n, n)
            }
            Selection::Capped { total, cap, .. } => (*total, *cap),
        }
    }

    /// What the cap adds to the export version: a cap that leaves entries out is part of
    /// what the extension loaded, so a change of cap is a full reload.
    pub(super) fn version_suffix(&self) -> String {
        match self {
            Selection::Everything { .. } => String::new(),
            Selection::Capped { cap, .. } => format!(":cap{cap}"),
        }
    }
}

/// Chooses the entries of `lists` under `rules` and its cap.
pub(crate) fn select(lists: &ListSet, rules: &RuleView<'_>) -> Selection {
    let cap = u64::from(rules.cap());
    // Never more candidates than list numbers and block rules: no need to count them.
    if (lists.len(Section::Numbers) + rules.block_count()) as u64 <= cap {
        return Selection::Everything { count: None };
    }
    let mut per_rank = vec![0u64; LIST_RANKS + 1];
    for candidate in candidates(lists, rules, None) {
        per_rank[usize::from(rank(&candidate))] += 1;
    }
    let total: u64 = per_rank.iter().sum();
    if total <= cap {
        return Selection::Everything { count: Some(total) };
    }
    // From the top rank down, take whole ranks while they fit.
    let mut kept = 0u64;
    let mut cut = 0u16;
    for r in (0..=USER_RANK).rev() {
        let n = per_rank[usize::from(r)];
        if kept + n > cap {
            cut = r;
            break;
        }
        kept += n;
    }
    // The rank that fits partly keeps its lowest numbers: the stream is ascending.
    let room = cap - kept;
    let last = (room > 0)
        .then(|| {
            candidates(lists, rules, None)
                .filter(|c| rank(c) == cut)
                .nth(usize::try_from(room - 1).unwrap_or(usize::MAX))
                .map(|c| c.number)
        })
        .flatten();
    Selection::Capped {
        cap,
        total,
        rank: cut,
        last,
    }
}

/// What a selection was made for: the list (its name, sequence number and size), what
/// the rules and pause do, and the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Key {
    name: String,
    seq: u64,
    numbers: usize,
    bytes: u64,
    rules: u64,
    paused: bool,
    cap: u32,
}

impl Key {
    fn of(lists: &ListSet, rules: &RuleView<'_>) -> Key {
        Key {
            name: lists.name().to_owned(),
            seq: lists.version(),
            numbers: lists.len(Section::Numbers),
            bytes: lists.byte_size(),
            rules: rules.hash(),
            paused: rules.is_paused(),
            cap: rules.cap(),
        }
    }
}

/// The selections made last (for the list in use and its export base): a Call Directory
/// load asks for many pages of one list, and each must not pay for two passes over it.
#[derive(Default)]
pub(crate) struct SelectionCache {
    recent: Mutex<Vec<(Key, Arc<Selection>)>>,
}

/// Selections kept: the list in use and its export base, under the rules before and
/// after a change.
const KEPT: usize = 4;

impl SelectionCache {
    /// The selection for `lists` under `rules`, made now or earlier for the same list,
    /// rules and cap.
    pub(crate) fn get(&self, lists: &ListSet, rules: &RuleView<'_>) -> Arc<Selection> {
        let key = Key::of(lists, rules);
        let cached = self
            .recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s.clone());
        if let Some(selection) = cached {
            return selection;
        }
        // Made without the lock: two pages asked at once may both make it, never wait.
        self.keep(key, select(lists, rules))
    }

    /// [`get`](Self::get), with the entries counted where the choice did not need to
    /// count them: for the summary, which would otherwise read the list each time.
    pub(crate) fn counted(&self, lists: &ListSet, rules: &RuleView<'_>) -> Arc<Selection> {
        let selection = self.get(lists, rules);
        if *selection != (Selection::Everything { count: None }) {
            return selection;
        }
        let count = candidates(lists, rules, None).count() as u64;
        self.keep(
            Key::of(lists, rules),
            Selection::Everything { count: Some(count) },
        )
    }

    fn keep(&self, key: Key, selection: Selection) -> Arc<Selection> {
        let selection = Arc::new(selection);
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.retain(|(k, _)| *k != key);
        recent.insert(0, (key, selection.clone()));
        recent.truncate(KEPT);
        selection
    }
}
