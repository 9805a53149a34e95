//! Applying a delta from list M to list N gives exactly N as built from scratch: the same
//! entries in every section, in order, and the same content summary (count and digest)
//! as N's own snapshot. For random lists and random changes: small edits (removals,
//! value changes, additions), lists that change completely, and empty lists on either
//! side. Only the format's public API is used (the publisher's encoders, the phone's
//! decoders), so the property holds whatever on-device layout reads the result.

use callguard_format::wire::delta::{self, Base};
use callguard_format::wire::{snapshot, EntrySink, Section, SortedEntries, WireError};
use proptest::prelude::*;

type Raw = [Vec<(Vec<u8>, u64)>; 5];

/// Collects decoded entries per section.
#[derive(Default, Debug, PartialEq)]
struct Collect(Raw);

impl EntrySink for Collect {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.0[section.index()].push((key.to_vec(), value));
        Ok(())
    }
}

fn sections(raw: Raw) -> [SortedEntries; 5] {
    raw.map(|entries| SortedEntries::from_unsorted(entries, |_, new| new).expect("valid entries"))
}

fn base(old: &[SortedEntries; 5]) -> Base<'_> {
    Base {
        counts: std::array::from_fn(|i| old[i].len() as u64),
        open: Box::new(move |section| Box::new(old[section.index()].cursor())),
    }
}

/// Keys shaped like each section's (numbers, prefixes with `#`, official numbers,
/// domains, SMS keys), drawn from small alphabets so that two lists share keys.
fn section_entries() -> impl Strategy<Value = Vec<(Vec<u8>, u64)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "86138[0-3]{2,6}".prop_map(String::into_bytes),
                "[1-9][0-9#]{1,14}".prop_map(String::into_bytes),
                "[a-c.]{1,8}".prop_map(String::into_bytes),
            ],
            0u64..u64::from(u32::MAX),
        ),
        0..40,
    )
}

fn list() -> impl Strategy<Value = Raw> {
    prop::array::uniform5(section_entries())
}

/// One section changed: some entries removed, some given new values, some added.
fn edit_section(old: Vec<(Vec<u8>, u64)>) -> impl Strategy<Value = Vec<(Vec<u8>, u64)>> {
    let n = old.len();
    (
        prop::collection::vec(0u8..4, n),
        prop::collection::vec(0u64..1000, n),
        section_entries(),
    )
        .prop_map(move |(fate, values, added)| {
            let mut new: Vec<(Vec<u8>, u64)> = old
                .iter()
                .zip(fate.iter().zip(values))
                .filter_map(|((key, value), (fate, fresh))| match fate {
                    0 => None,                        // removed
                    1 => Some((key.clone(), fresh)),  // a new value
                    _ => Some((key.clone(), *value)), // kept
                })
                .collect();
            new.extend(added.into_iter().take(5));
            new
        })
}

/// A pair (M, N): N an edit of M, a different list altogether, M or N empty, or equal.
fn versions() -> impl Strategy<Value = (Raw, Raw)> {
    let edited = list().prop_flat_map(|old| {
        let [a, b, c, d, e] = old.clone();
        (
            Just(old),
            (
                edit_section(a),
                edit_section(b),
                edit_section(c),
                edit_section(d),
                edit_section(e),
            )
                .prop_map(|(a, b, c, d, e)| [a, b, c, d, e]),
        )
    });
    prop_oneof![
        4 => edited,
        2 => (list(), list()),
        1 => list().prop_map(|new| (Raw::default(), new)),
        1 => list().prop_map(|old| (old, Raw::default())),
        1 => list().prop_map(|same| (same.clone(), same)),
        1 => Just((Raw::default(), Raw::default())),
    ]
}

proptest! {
    // 256 cases: about 10 s in a debug build on a shared 2-core machine.
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_delta_applied_to_m_gives_n_as_built_from_scratch((m, n) in versions()) {
        let (old, new) = (sections(m), sections(n));
        let (scratch, summary) = snapshot::encode(&new, 1).expect("N encodes");
        let mut built = Collect::default();
        let scratch_summary = snapshot::decode(scratch.as_slice(), summary.count, &mut built)
            .expect("N's snapshot decodes");

        let (bytes, _) = delta::encode(7, 8, &old, &new, 1).expect("the delta encodes");
        let mut applied = Collect::default();
        let applied_summary = delta::apply(bytes.as_slice(), 7, 8, base(&old), summary.count, &mut applied)
            .expect("the delta applies to M");

        prop_assert_eq!(&applied, &built);
        prop_assert_eq!(applied_summary, scratch_summary);
        prop_assert_eq!(scratch_summary, summary);
    }

    /// The same delta refuses any other base: one entry fewer in a non-empty M is caught.
    #[test]
    fn a_delta_refuses_a_base_it_was_not_made_from((m, n) in versions(), pick in any::<prop::sample::Index>()) {
        let (old, new) = (sections(m), sections(n));
        let mut other: Raw = std::array::from_fn(|i| {
            old[i].iter().map(|(k, v)| (k.to_vec(), v)).collect()
        });
        let non_empty: Vec<usize> = (0..5).filter(|i| !other[*i].is_empty()).collect();
        prop_assume!(!non_empty.is_empty());
        let (bytes, _) = delta::encode(7, 8, &old, &new, 1).expect("the delta encodes");
        let (_, summary) = snapshot::encode(&new, 1).expect("N encodes");
        let section = non_empty[pick.index(non_empty.len())];
        let gone = pick.index(other[section].len());
        other[section].remove(gone);
        let other = sections(other);
        let result = delta::apply(bytes.as_slice(), 7, 8, base(&other), summary.count, &mut Collect::default());
        prop_assert!(result.is_err());
    }
}
