//! The export on lists in memory: order, pages, user rules, labels and the changes
//! between two lists. The base kept on disk by installs is tested end to end in
//! `tests/tests/export.rs` and `tests/tests/crash.rs`.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::decide::rule_index::RuleIndex;
use crate::decide::CallInput;
use crate::lists::EntryMeta;
use crate::store::{RuleKind, RuleTarget, UserRule};
use crate::vocabulary::{Action, Category};
use crate::{Engine, EngineConfig, Region};

/// A selection that leaves nothing out, for tests of the version's other parts.
const UNCAPPED: Selection = Selection::Everything { count: None };

fn cn() -> Region {
    "CN".parse().unwrap()
}

fn set(version: u64, entries: &[(&str, Action)]) -> ListSet {
    let mut b = ListSet::builder("t", version);
    for (n, action) in entries {
        b.add_number(n, EntryMeta::new(*action, Category::LoanCredit, 80))
            .unwrap();
    }
    b.build().unwrap()
}

fn rules(list: &[(RuleKind, RuleTarget)]) -> RuleIndex {
    RuleIndex::new(
        list.iter()
            .enumerate()
            .map(|(i, (kind, target))| UserRule {
                id: i as i64 + 1,
                kind: *kind,
                target: target.clone(),
                created_at: 0,
            })
            .collect(),
    )
}

fn all(lists: &ListSet, view: &RuleView<'_>, limit: u32) -> Vec<ExportEntry> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = page(lists, view, &select::select(lists, view), after, limit).unwrap();
        assert!(p.entries.len() <= limit as usize);
        out.extend(p.entries);
        match p.next_after {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

#[test]
fn entries_are_numeric_ascending_with_block_and_identify() {
    let lists = set(
        1,
        &[
            ("+8613800138000", Action::Block),
            ("+6834002", Action::Warn),
            ("+861380013800", Action::Allow),
            ("+12025550143", Action::Block),
        ],
    );
    let index = rules(&[]);
    let view = RuleView::new(&index, cn());
    let got = all(&lists, &view, 1);
    let numbers: Vec<i64> = got.iter().map(|e| e.number).collect();
    // An allowed list entry has nothing to do in the Call Directory.
    assert_eq!(numbers, [6834002, 12025550143, 8613800138000]);
    assert_eq!(got[0].kind, ExportKind::Identify);
    assert_eq!(got[0].label, "Warning: loan or credit scam");
    assert_eq!(
        (got[1].kind, got[1].label.as_str()),
        (ExportKind::Block, "")
    );
    assert_eq!(all(&lists, &view, 50_000), got);
    assert!(matches!(
        page(&lists, &view, &select::select(&lists, &view), None, 0),
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(
        page(&lists, &view, &select::select(&lists, &view), Some(-7), 1)
            .unwrap()
            .entries[0]
            .number,
        6834002
    );
}

#[test]
fn the_label_is_the_one_a_check_of_that_number_shows() {
    let engine = Engine::open_in_memory(EngineConfig::new(cn())).unwrap();
    let mut b = ListSet::builder("t", 1);
    for (i, category) in [Category::LoanCredit, Category::Spam, Category::Investment]
        .into_iter()
        .enumerate()
    {
        b.add_number(
            &format!("+861380013800{i}"),
            EntryMeta::new(Action::Warn, category, 80),
        )
        .unwrap();
    }
    engine.replace_lists(b.build().unwrap());
    let page = engine.export_page(None, 10).unwrap();
    assert_eq!(page.entries.len(), 3);
    for entry in page.entries {
        let decision = engine
            .check_call(&CallInput::number(format!("+{}", entry.number)))
            .unwrap();
        assert_eq!(decision.action, Action::Warn);
        assert_eq!(entry.label, decision.label);
    }
}

#[test]
fn user_rules_apply_as_they_do_in_checks() {
    let lists = set(
        1,
        &[
            ("+8613800138000", Action::Block),
            ("+85512345678", Action::Block),
            ("+447946012345", Action::Warn),
            ("+12025550143", Action::Block),
        ],
    );
    let index = rules(&[
        (RuleKind::Allow, RuleTarget::Number("8613800138000".into())),
        (RuleKind::Allow, RuleTarget::Prefix("855".into())),
        (RuleKind::Allow, RuleTarget::Country("GB".parse().unwrap())),
        (RuleKind::Block, RuleTarget::Number("6834002".into())),
        // An exact block on a listed warning blocks it.
        (RuleKind::Block, RuleTarget::Number("12025550143".into())),
        // Allow beats block, as in a check.
        (RuleKind::Block, RuleTarget::Number("85598765432".into())),
        // Prefix and country blocks cannot be enumerated.
        (RuleKind::Block, RuleTarget::Prefix("856".into())),
        (RuleKind::Block, RuleTarget::Country("KH".parse().unwrap())),
    ]);
    let view = RuleView::new(&index, cn());
    let got: Vec<(i64, ExportKind)> = all(&lists, &view, 2)
        .into_iter()
        .map(|e| (e.number, e.kind))
        .collect();
    assert_eq!(
        got,
        [
            (6834002, ExportKind::Block),
            (12025550143, ExportKind::Block)
        ]
    );
    let none = rules(&[]);
    assert_ne!(
        version("t", 1, &view, &UNCAPPED),
        version("t", 1, &RuleView::new(&none, cn()), &UNCAPPED),
        "rules are part of the version"
    );
    // Only what the rules do to the export counts: a prefix block changes nothing.
    let prefix_only = rules(&[(RuleKind::Block, RuleTarget::Prefix("856".into()))]);
    assert_eq!(
        version("t", 1, &RuleView::new(&prefix_only, cn()), &UNCAPPED),
        version("t", 1, &RuleView::new(&none, cn()), &UNCAPPED)
    );
}

#[test]
fn an_in_memory_engine_answers_current_or_full_reload() {
    let engine = Engine::open_in_memory(EngineConfig::new(cn())).unwrap();
    engine.replace_lists(set(2, &[("+8613800138000", Action::Block)]));
    let current = engine.export_version();
    let none = engine.export_changes(&current, None, 10).unwrap();
    assert!(!none.full_reload && none.changes.is_empty());
    assert_eq!(none.version, current);
    // There is no base in memory: anything else reloads.
    for since in ["t:1:0", "garbage", ""] {
        let changes = engine.export_changes(since, None, 10).unwrap();
        assert!(changes.full_reload, "{since}");
        assert!(changes.changes.is_empty());
        assert_eq!(changes.version, current);
    }
    assert!(engine.export_changes(&current, None, 0).is_err());
    assert!(engine.export_changes("t:1:0", None, 0).is_err());
}

fn apply(start: &[ExportEntry], changes: &[ExportChange]) -> Vec<ExportEntry> {
    let mut map: BTreeMap<i64, ExportEntry> = start.iter().map(|e| (e.number, e.clone())).collect();
    for c in changes {
        match c.op {
            ChangeOp::Remove => assert_eq!(map.remove(&c.entry.number).as_ref(), Some(&c.entry)),
            ChangeOp::Add => assert!(map.insert(c.entry.number, c.entry.clone()).is_none()),
        }
    }
    map.into_values().collect()
}

fn action() -> impl Strategy<Value = Action> {
    prop::sample::select(vec![Action::Allow, Action::Warn, Action::Block])
}

/// A list entry's value, with few confidences and categories so that ranks collide.
fn meta() -> impl Strategy<Value = EntryMeta> {
    (
        action(),
        prop::sample::select(vec![
            Category::OfficialImpersonation,
            Category::LoanCredit,
            Category::Spam,
        ]),
        prop::sample::select(vec![40u8, 80, 100]),
    )
        .prop_map(|(a, c, n)| EntryMeta::new(a, c, n))
}

/// Numbers of several lengths that collide between the two lists.
fn entries() -> impl Strategy<Value = BTreeMap<String, EntryMeta>> {
    prop::collection::btree_map("\\+(86|1|855|44)[1-3]{4,9}", meta(), 0..40)
}

fn set_of(version: u64, entries: &BTreeMap<String, EntryMeta>) -> ListSet {
    let mut b = ListSet::builder("t", version);
    for (n, meta) in entries {
        b.add_number(n, *meta).unwrap();
    }
    b.build().unwrap()
}

/// The capped export as a sort would choose it: every entry the uncapped export holds,
/// ranked by the user's blocks first, then confidence, category (by harm) and action,
/// the lowest numbers first within a rank, cut at the cap, in ascending order.
fn oracle(
    entries: &BTreeMap<String, EntryMeta>,
    user_blocks: &[String],
    uncapped: &[ExportEntry],
    cap: usize,
) -> Vec<ExportEntry> {
    let harm = |c: Category| match c {
        Category::OfficialImpersonation => 2,
        Category::LoanCredit => 1,
        _ => 0,
    };
    let key_of = |e: &ExportEntry| {
        // A user's block rule on a number the list also has wins, as in a check.
        if user_blocks.contains(&e.number.to_string()) {
            return (1, 0, 0, true);
        }
        let m = entries[&format!("+{}", e.number)];
        (0, m.confidence, harm(m.category), m.action == Action::Block)
    };
    let mut ranked: Vec<&ExportEntry> = uncapped.iter().collect();
    ranked.sort_by(|a, b| key_of(b).cmp(&key_of(a)).then(a.number.cmp(&b.number)));
    let mut kept: Vec<ExportEntry> = ranked.into_iter().take(cap).cloned().collect();
    kept.sort_by_key(|e| e.number);
    kept
}

proptest! {
    #[test]
    fn changes_in_any_pages_turn_the_old_export_into_the_new(
        old in entries(),
        new in entries(),
        allow in prop::option::of("(86|1|855|44)[1-3]{0,3}"),
        block in prop::collection::vec("(86|1)[1-3]{4,9}", 0..4),
        limit in 1u32..7,
        cap in prop::option::of(1u32..30),
    ) {
        let (base, current) = (set_of(1, &old), set_of(2, &new));
        let mut list: Vec<(RuleKind, RuleTarget)> =
            block.into_iter().map(|n| (RuleKind::Block, RuleTarget::Number(n))).collect();
        if let Some(p) = allow {
            list.push((RuleKind::Allow, RuleTarget::Prefix(p)));
        }
        let index = rules(&list);
        let view = RuleView::new(&index, cn()).capped(cap.unwrap_or(u32::MAX));
        let before = all(&base, &view, 1000);
        let after_all = all(&current, &view, 1000);
        // The Call Directory takes numbers strictly ascending, across pages: the export
        // read in pages of `limit` is the one-page export, and ascends strictly.
        prop_assert_eq!(&all(&current, &view, limit), &after_all);
        prop_assert!(before.windows(2).all(|w| w[0].number < w[1].number));
        prop_assert!(after_all.windows(2).all(|w| w[0].number < w[1].number));
        let mut changes = Vec::new();
        let mut after = None;
        loop {
            let p = changes_page(&base, &current, &view, after, limit);
            prop_assert!(!p.full_reload);
            prop_assert_eq!(&p.version, &version("t", 2, &view, &select::select(&current, &view)));
            prop_assert!(p.changes.len() <= limit as usize + 1);
            changes.extend(p.changes);
            match p.next_after {
                Some(n) => after = Some(n),
                None => break,
            }
        }
        prop_assert!(changes.windows(2).all(|w| w[0].entry.number <= w[1].entry.number));
        prop_assert_eq!(apply(&before, &changes), after_all);
    }
}

fn changes_page(
    base: &ListSet,
    current: &ListSet,
    view: &RuleView<'_>,
    after: Option<i64>,
    limit: u32,
) -> ExportChanges {
    let (b, c) = (select::select(base, view), select::select(current, view));
    changes(
        Selected {
            lists: base,
            selection: &b,
        },
        Selected {
            lists: current,
            selection: &c,
        },
        view,
        after,
        limit,
    )
    .unwrap()
}

#[test]
fn a_pause_empties_the_export_and_pausing_resuming_or_a_pause_ending_changes_its_version() {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    let now_ms = Arc::new(AtomicU64::new(1_800_000_000_000));
    let clock = now_ms.clone();
    let mut config = EngineConfig::new(cn());
    config.clock = crate::time::Clock::from_fn(move || clock.load(Ordering::SeqCst));
    let engine = Engine::open_in_memory(config).unwrap();
    engine.replace_lists(set(
        1,
        &[
            ("+8613800138000", Action::Block),
            ("+8613900139000", Action::Warn),
        ],
    ));
    let protecting = engine.export_version();
    assert_eq!(engine.export_page(None, 10).unwrap().entries.len(), 2);

    engine.pause(Some(1_800_000_060)).unwrap();
    let paused = engine.export_version();
    assert_ne!(paused, protecting);
    let page = engine.export_page(None, 10).unwrap();
    assert!(page.entries.is_empty() && page.next_after.is_none());
    assert_eq!(page.version, paused);
    let into = engine.export_changes(&protecting, None, 10).unwrap();
    assert!(into.full_reload, "into a pause: reload (to nothing)");
    assert_eq!(into.version, paused);
    let still = engine.export_changes(&paused, None, 10).unwrap();
    assert!(!still.full_reload && still.changes.is_empty());

    // The timed pause passes by the engine's clock: protecting again, nothing written.
    now_ms.store(1_800_000_060_000, Ordering::SeqCst);
    assert_eq!(engine.export_version(), protecting);
    assert_eq!(engine.export_page(None, 10).unwrap().entries.len(), 2);
    let out = engine.export_changes(&paused, None, 10).unwrap();
    assert!(out.full_reload, "out of a pause: reload everything");
    assert_eq!(out.version, protecting);

    engine.pause(None).unwrap();
    assert_eq!(engine.export_version(), paused, "the same list paused");
    assert!(engine.export_page(None, 10).unwrap().entries.is_empty());
    engine.resume().unwrap();
    assert_eq!(engine.export_version(), protecting);
}

proptest! {
    #[test]
    fn the_cap_keeps_the_most_certain_entries_the_same_way_on_any_pages(
        list in entries(),
        block in prop::collection::vec("(86|1)[1-3]{4,9}", 0..4),
        cap in 1u32..45,
        limit in 1u32..9,
    ) {
        let lists = set_of(1, &list);
        let targets: Vec<(RuleKind, RuleTarget)> =
            block.iter().map(|n| (RuleKind::Block, RuleTarget::Number(n.clone()))).collect();
        let index = rules(&targets);
        let uncapped = all(&lists, &RuleView::new(&index, cn()), 1000);
        let view = RuleView::new(&index, cn()).capped(cap);
        let got = all(&lists, &view, limit);
        prop_assert_eq!(&got, &oracle(&list, &block, &uncapped, cap as usize));
        let selection = select::select(&lists, &view);
        let s = summary(&lists, &view, &selection);
        prop_assert_eq!(s.total, uncapped.len() as u64);
        prop_assert_eq!(s.exported, got.len() as u64);
        prop_assert_eq!(s.omitted, s.total - s.exported);
        // The cap is in the version only when it leaves something out.
        prop_assert_eq!(s.version.contains(":cap"), s.omitted > 0);
    }
}

#[test]
fn past_the_cap_the_least_certain_then_least_harmful_are_left_out() {
    let mut b = ListSet::builder("t", 1);
    let add = |b: &mut crate::lists::ListSetBuilder, n: &str, c: Category, conf: u8| {
        b.add_number(n, EntryMeta::new(Action::Block, c, conf))
            .unwrap();
    };
    add(&mut b, "+8613800000001", Category::Spam, 100);
    add(
        &mut b,
        "+8613800000002",
        Category::OfficialImpersonation,
        60,
    );
    add(&mut b, "+8613800000003", Category::Telemarketing, 60);
    add(&mut b, "+8613800000004", Category::Investment, 90);
    add(
        &mut b,
        "+8613800000005",
        Category::OfficialImpersonation,
        60,
    );
    let lists = b.build().unwrap();
    let index = rules(&[(RuleKind::Block, RuleTarget::Number("8613900000009".into()))]);
    let view = RuleView::new(&index, cn()).capped(4);
    let kept: Vec<i64> = all(&lists, &view, 2).iter().map(|e| e.number).collect();
    // The user's own rule first; then confidence 100 and 90; then, of the three at 60,
    // an official impersonation before telemarketing, the lower number first.
    assert_eq!(
        kept,
        [8613800000001, 8613800000002, 8613800000004, 8613900000009]
    );
    let s = summary(&lists, &view, &select::select(&lists, &view));
    assert_eq!((s.total, s.exported, s.omitted, s.cap), (6, 4, 2, 4));
    assert!(s.version.ends_with(":cap4"), "{}", s.version);
}

#[test]
fn the_cap_is_a_setting_that_changes_the_export_and_its_summary() {
    let engine = Engine::open_in_memory(EngineConfig::new(cn())).unwrap();
    engine.replace_lists(set(
        1,
        &[
            ("+8613800138000", Action::Block),
            ("+8613800138001", Action::Warn),
            ("+8613800138002", Action::Block),
        ],
    ));
    let whole = engine.export_version();
    assert_eq!(engine.export_summary().omitted, 0);
    engine.set_setting("call-directory-cap", "2").unwrap();
    let capped = engine.export_version();
    assert_ne!(capped, whole, "a cap that bites is a full reload");
    let summary = engine.export_summary();
    assert_eq!((summary.exported, summary.omitted, summary.cap), (2, 1, 2));
    assert_eq!(summary.version, capped);
    // Blocks rank above warnings of the same confidence and category.
    let numbers: Vec<i64> = engine
        .export_page(None, 10)
        .unwrap()
        .entries
        .iter()
        .map(|e| e.number)
        .collect();
    assert_eq!(numbers, [8613800138000, 8613800138002]);
    let changes = engine.export_changes(&whole, None, 10).unwrap();
    assert!(changes.full_reload);
    assert_eq!(changes.version, capped);
    // A cap that leaves nothing out is no change at all.
    engine.set_setting("call-directory-cap", "3").unwrap();
    assert_eq!(engine.export_version(), whole);
}
