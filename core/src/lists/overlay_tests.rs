//! The overlay layout gives exactly the list a whole rebuild gives: lookups, streams,
//! counts, the numeric export order and the content digest, for random lists and random
//! deltas (empty lists and complete changes included), over one overlay and over an
//! overlay on an overlay, and after compaction.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::files::FstDirWriter;
use super::*;
use crate::vocabulary::{Action, Category};
use crate::wire::{delta, snapshot, ContentSummary, SortedEntries, WireError};

/// The keys a version may hold: numbers of 3 to 5 digits, so versions share many keys
/// and the numeric order crosses key lengths.
const UNIVERSE: usize = 48;

fn universe_key(i: usize) -> String {
    // Spread over three lengths; every key starts with a non-zero digit.
    match i % 3 {
        0 => format!("{}", 100 + i * 7),
        1 => format!("{}", 1000 + i * 131),
        _ => format!("{}", 10000 + i * 1777),
    }
}

fn value(choice: u8) -> u64 {
    let confidence = [10, 50, 90][usize::from(choice % 3)];
    EntryMeta::new(Action::Block, Category::Spam, confidence).pack()
}

/// A version: which universe keys it holds and with which value, plus a few domains (a
/// section that is rebuilt whole) so the two kinds of section travel together.
fn sections(picks: &[Option<u8>], domains: &[bool]) -> [SortedEntries; 5] {
    let mut numbers: Vec<(Vec<u8>, u64)> = picks
        .iter()
        .enumerate()
        .filter_map(|(i, pick)| pick.map(|c| (universe_key(i).into_bytes(), value(c))))
        .collect();
    numbers.sort();
    let mut out: [SortedEntries; 5] = Default::default();
    out[Section::Numbers.index()] = SortedEntries::from_unsorted(numbers, |a, _| a).unwrap();
    let names: Vec<(Vec<u8>, u64)> = domains
        .iter()
        .enumerate()
        .filter(|(_, on)| **on)
        .map(|(i, _)| (format!("com.d{i:02}").into_bytes(), value(1)))
        .collect();
    out[Section::Domains.index()] = SortedEntries::from_unsorted(names, |a, _| a).unwrap();
    out
}

fn total(sections: &[SortedEntries; 5]) -> u64 {
    sections.iter().map(|s| s.len() as u64).sum()
}

/// Installs `sections` whole into `dir`, as a snapshot install does.
fn write_whole(dir: &Path, sections: &[SortedEntries; 5]) -> ListSet {
    let mut writer = FstDirWriter::create(dir).unwrap();
    let set = ListSet::from_sections("t", 1, sections).unwrap();
    set.write_into(&mut writer).unwrap();
    writer.finish().unwrap();
    ListSet::open_dir(dir, "t", 1).unwrap()
}

/// Applies the delta from `from` to `to` onto `base` (installed in `base_dir`) as an
/// overlay in `dir`; returns the opened result and the digest the apply computed.
fn apply_as_overlay(
    base: &ListSet,
    base_dir: &Path,
    dir: &Path,
    from: &[SortedEntries; 5],
    to: &[SortedEntries; 5],
) -> (ListSet, ContentSummary) {
    let (bytes, _) = delta::encode(1, 2, from, to, 3).unwrap();
    let mut writer = OverlayDirWriter::create(
        dir,
        base,
        &base_dir.join(files::file_name(Section::Numbers)),
    )
    .unwrap();
    let summary = delta::apply(
        bytes.as_slice(),
        1,
        2,
        delta::Base {
            counts: base.counts(),
            open: Box::new(|section| base.cursor(section)),
        },
        total(to),
        &mut writer,
    )
    .unwrap();
    writer.finish().unwrap();
    (ListSet::open_dir(dir, "t", 2).unwrap(), summary)
}

fn stream(set: &ListSet, section: Section) -> Vec<(Vec<u8>, u64)> {
    let mut cursor = set.cursor(section);
    let mut out = Vec::new();
    while let Some((key, value)) = cursor.next_entry() {
        out.push((key.to_vec(), value));
    }
    out
}

/// Everything a caller can ask of the two sets agrees.
fn assert_same(layered: &ListSet, whole: &ListSet, probe: u64) {
    assert_eq!(layered.counts(), whole.counts());
    for section in Section::ALL {
        assert_eq!(
            stream(layered, section),
            stream(whole, section),
            "{section:?}"
        );
    }
    for i in 0..UNIVERSE {
        let key = universe_key(i);
        assert_eq!(layered.number(&key), whole.number(&key), "{key}");
    }
    assert_eq!(layered.number("999999"), None);
    assert_eq!(
        layered.numbers_ascending(None).collect::<Vec<_>>(),
        whole.numbers_ascending(None).collect::<Vec<_>>()
    );
    assert_eq!(
        layered.numbers_ascending(Some(probe)).collect::<Vec<_>>(),
        whole.numbers_ascending(Some(probe)).collect::<Vec<_>>()
    );
    assert_eq!(
        layered.numbers().collect::<Vec<_>>(),
        whole.numbers().collect::<Vec<_>>()
    );
    assert_eq!(
        layered.domain("x.d03.com"),
        whole.domain("x.d03.com"),
        "a whole section beside the overlay"
    );
    layered.verify().unwrap();
}

/// The digest a from-scratch build of `sections` has (what the publisher signs).
fn signed(sections: &[SortedEntries; 5]) -> ContentSummary {
    snapshot::encode(sections, 3).unwrap().1
}

fn digest_of(set: &ListSet) -> ContentSummary {
    struct Discard;
    impl crate::wire::EntrySink for Discard {
        fn entry(&mut self, _: Section, _: &[u8], _: u64) -> std::result::Result<(), WireError> {
            Ok(())
        }
    }
    set.write_into(&mut Discard).unwrap()
}

fn version() -> impl Strategy<Value = (Vec<Option<u8>>, Vec<bool>)> {
    (
        prop::collection::vec(prop::option::weighted(0.5, 0u8..3), UNIVERSE),
        prop::collection::vec(any::<bool>(), 6),
    )
}

fn check_chain(versions: &[(Vec<Option<u8>>, Vec<bool>)], probe: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let lists: Vec<[SortedEntries; 5]> = versions.iter().map(|(p, d)| sections(p, d)).collect();
    let mut dir: PathBuf = tmp.path().join("v0");
    let mut set = write_whole(&dir, &lists[0]);
    for (i, pair) in lists.windows(2).enumerate() {
        let next_dir = tmp.path().join(format!("v{}", i + 1));
        let (next, summary) = apply_as_overlay(&set, &dir, &next_dir, &pair[0], &pair[1]);
        assert!(next.has_overlay());
        let whole = ListSet::from_sections("t", 2, &pair[1]).unwrap();
        assert_same(&next, &whole, probe);
        // The digest of the overlay layout is the digest of a from-scratch build.
        assert_eq!(summary, signed(&pair[1]));
        assert_eq!(digest_of(&next), signed(&pair[1]));
        // Compaction gives the same list with no overlay.
        let compacted_dir = tmp.path().join(format!("v{}-c", i + 1));
        let compacted = write_whole(&compacted_dir, &lists[i + 1]);
        let mut writer = FstDirWriter::create(&tmp.path().join(format!("c{}", i + 1))).unwrap();
        assert_eq!(next.write_into(&mut writer).unwrap(), signed(&pair[1]));
        let folded = ListSet::open_dir(&writer.finish().unwrap(), "t", 2).unwrap();
        assert!(!folded.has_overlay());
        assert_same(&folded, &compacted, probe);
        (set, dir) = (next, next_dir);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn lookups_through_overlays_equal_the_rebuilt_list(
        v0 in version(),
        v1 in version(),
        v2 in version(),
        probe in 0u64..30_000,
    ) {
        check_chain(&[v0, v1, v2], probe);
    }

    #[test]
    fn small_deltas_over_overlays_equal_the_rebuilt_list(
        v0 in version(),
        edits in prop::collection::vec(prop::collection::vec((0..UNIVERSE, prop::option::of(0u8..3)), 0..6), 1..5),
        probe in 0u64..30_000,
    ) {
        // A chain of small changes, each a few keys set, changed or removed.
        let mut versions = vec![v0.clone()];
        let mut current = v0;
        for step in edits {
            for (at, pick) in step {
                current.0[at] = pick;
            }
            versions.push(current.clone());
        }
        check_chain(&versions, probe);
    }
}

#[test]
fn empty_lists_and_complete_changes_go_through_overlays() {
    let all = (vec![Some(1); UNIVERSE], vec![true; 6]);
    let none = (vec![None; UNIVERSE], vec![false; 6]);
    let evens: Vec<Option<u8>> = (0..UNIVERSE).map(|i| (i % 2 == 0).then_some(2)).collect();
    let odds: Vec<Option<u8>> = (0..UNIVERSE).map(|i| (i % 2 == 1).then_some(0)).collect();
    check_chain(
        &[
            none.clone(),
            all.clone(),
            none.clone(),
            none.clone(),
            (evens.clone(), vec![true; 6]),
            (odds, vec![false; 6]),
            (evens, vec![true; 6]),
            all,
        ],
        1000,
    );
}

#[test]
fn an_overlay_over_another_numbers_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let a = sections(&[Some(0), None, Some(1)], &[true]);
    let b = sections(&[None, Some(0), Some(2)], &[false]);
    let set_a = write_whole(&tmp.path().join("a"), &a);
    write_whole(&tmp.path().join("b"), &b);
    let wrong = tmp
        .path()
        .join("b")
        .join(files::file_name(Section::Numbers));
    let refused = OverlayDirWriter::create(&tmp.path().join("out"), &set_a, &wrong);
    assert!(refused.is_err());
    assert!(!tmp.path().join("out").exists());
}
