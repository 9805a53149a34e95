//! Keyed deltas (`CGDELT02`): the streaming apply, the apply by lookups and the multiset
//! digest, against the indexed layout and digests computed from scratch.

use super::delta::{self, Base};
use super::*;
use proptest::prelude::*;

#[derive(Default, Debug, PartialEq)]
struct Collect {
    entries: [Vec<(Vec<u8>, u64)>; 5],
    removed: [Vec<(Vec<u8>, u64)>; 5],
    added: [Vec<(Vec<u8>, u64)>; 5],
}

impl EntrySink for Collect {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.entries[section.index()].push((key.to_vec(), value));
        Ok(())
    }

    fn change(
        &mut self,
        section: Section,
        change: Change,
        key: &[u8],
        value: u64,
    ) -> Result<(), WireError> {
        let list = match change {
            Change::Removed => &mut self.removed,
            Change::Added => &mut self.added,
        };
        list[section.index()].push((key.to_vec(), value));
        Ok(())
    }

    fn unstreamed(&mut self, _: Section, _: u64) -> Result<(), WireError> {
        Ok(())
    }
}

fn sections(raw: [Vec<(Vec<u8>, u64)>; 5]) -> [SortedEntries; 5] {
    raw.map(|entries| SortedEntries::from_unsorted(entries, |_, new| new).expect("valid entries"))
}

fn base(old: &[SortedEntries; 5]) -> Base<'_> {
    Base {
        counts: std::array::from_fn(|i| old[i].len() as u64),
        open: Box::new(move |section| Box::new(old[section.index()].cursor())),
    }
}

fn lookup(old: &[SortedEntries; 5]) -> impl Fn(Section, &[u8]) -> Option<u64> + '_ {
    move |section, key| {
        old[section.index()]
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

fn sample() -> [SortedEntries; 5] {
    sections([
        vec![
            (b"8613800000001".to_vec(), 7),
            (b"8613800000002".to_vec(), 7),
            (b"12025550143".to_vec(), 9),
        ],
        vec![(b"855".to_vec(), 5)],
        vec![(b"CN110".to_vec(), 0)],
        vec![(b"com.example".to_vec(), 3)],
        vec![],
    ])
}

/// The raw body of a keyed delta, compressed: for tests that write what the encoder
/// never would. `removed` and `added` are per section, keys sorted.
fn handmade(removed: [&[&[u8]]; 5], added: [&[(&[u8], u64)]; 5]) -> Vec<u8> {
    let mut body = Vec::new();
    varint::put(&mut body, 1);
    varint::put(&mut body, 2);
    for i in 0..5 {
        varint::put(&mut body, removed[i].len() as u64);
        let mut previous: &[u8] = &[];
        for key in removed[i] {
            keys::put(&mut body, previous, key);
            previous = key;
        }
        varint::put(&mut body, added[i].len() as u64);
        let mut previous: &[u8] = &[];
        for (key, value) in added[i] {
            keys::put(&mut body, previous, key);
            varint::put(&mut body, *value);
            previous = key;
        }
    }
    let mut out = delta::MAGIC.to_vec();
    out.extend(zstd::encode_all(body.as_slice(), 1).unwrap());
    out
}

#[test]
fn the_publisher_writes_keyed_deltas_and_indexed_ones_still_apply() {
    let old = sample();
    let mut raw: [Vec<(Vec<u8>, u64)>; 5] =
        std::array::from_fn(|i| old[i].iter().map(|(k, v)| (k.to_vec(), v)).collect());
    raw[0].retain(|(k, _)| k != b"8613800000002");
    raw[0].push((b"8613800000009".to_vec(), 8));
    raw[3].push((b"com.example.login".to_vec(), 3));
    let new = sections(raw);
    let (_, target) = snapshot::encode(&new, 1).unwrap();
    let (keyed, _) = delta::encode(1, 2, &old, &new, 1).unwrap();
    let (indexed, _) = delta::encode_indexed(1, 2, &old, &new, 1).unwrap();
    assert_eq!(&keyed[..8], delta::MAGIC);
    assert_eq!(&indexed[..8], delta::MAGIC_V1);
    for bytes in [&keyed, &indexed] {
        let summary = delta::apply(
            bytes.as_slice(),
            1,
            2,
            base(&old),
            target.count,
            &mut Collect::default(),
        )
        .unwrap();
        assert_eq!(summary, target);
    }
    // The apply by lookups refuses the indexed layout: it needs the base's ranks.
    let look = lookup(&old);
    assert!(matches!(
        delta::apply_changes(
            indexed.as_slice(),
            1,
            2,
            base(&old),
            &look,
            target.count,
            &mut Collect::default()
        ),
        Err(WireError::Malformed(_))
    ));
}

#[test]
fn a_removal_of_an_absent_key_is_refused_by_both_applies() {
    let old = sample();
    let look = lookup(&old);
    // Numbers: the key is not in the base. Domains: likewise, in a streamed section.
    for bytes in [
        handmade(
            [&[b"8613800000005"], &[], &[], &[], &[]],
            [&[], &[], &[], &[], &[]],
        ),
        handmade(
            [&[], &[], &[], &[b"com.absent"], &[]],
            [&[], &[], &[], &[], &[]],
        ),
    ] {
        let streamed = delta::apply(
            bytes.as_slice(),
            1,
            2,
            base(&old),
            6,
            &mut Collect::default(),
        );
        assert!(
            matches!(streamed, Err(WireError::WrongBase(_))),
            "{streamed:?}"
        );
        let looked = delta::apply_changes(
            bytes.as_slice(),
            1,
            2,
            base(&old),
            &look,
            6,
            &mut Collect::default(),
        );
        assert!(matches!(looked, Err(WireError::WrongBase(_))), "{looked:?}");
    }
}

#[test]
fn an_addition_of_a_present_key_is_refused_unless_it_is_removed_too() {
    let old = sample();
    let look = lookup(&old);
    let present = handmade(
        [&[], &[], &[], &[], &[]],
        [&[(b"8613800000001", 9)], &[], &[], &[], &[]],
    );
    let streamed = delta::apply(
        present.as_slice(),
        1,
        2,
        base(&old),
        7,
        &mut Collect::default(),
    );
    assert!(
        matches!(streamed, Err(WireError::Malformed(_))),
        "{streamed:?}"
    );
    let looked = delta::apply_changes(
        present.as_slice(),
        1,
        2,
        base(&old),
        &look,
        7,
        &mut Collect::default(),
    );
    assert!(matches!(looked, Err(WireError::Malformed(_))), "{looked:?}");

    // The same key removed and added is a changed value.
    let changed = handmade(
        [&[b"8613800000001"], &[], &[], &[], &[]],
        [&[(b"8613800000001", 9)], &[], &[], &[], &[]],
    );
    let mut sink = Collect::default();
    let applied =
        delta::apply_changes(changed.as_slice(), 1, 2, base(&old), &look, 6, &mut sink).unwrap();
    assert_eq!(applied.per_section, [3, 1, 1, 1, 0]);
    assert_eq!(sink.removed[0], vec![(b"8613800000001".to_vec(), 7)]);
    assert_eq!(sink.added[0], vec![(b"8613800000001".to_vec(), 9)]);
    assert!(sink.entries[0].is_empty(), "numbers are not streamed");
    assert_eq!(sink.entries[3], vec![(b"com.example".to_vec(), 3)]);
}

fn entries_strategy() -> impl Strategy<Value = Vec<(Vec<u8>, u64)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "[0-9]{11}".prop_map(String::into_bytes),
                "[0-9]{3,15}".prop_map(String::into_bytes),
                "[a-z.#0-9]{1,20}".prop_map(String::into_bytes),
            ],
            0u64..4,
        ),
        0..60,
    )
}

proptest! {
    /// For any two versions: the apply by lookups reports exactly the changes the
    /// streaming apply reports, the counts of the new version, and a digest change that
    /// takes the base's LtHash16 (from scratch) to the new version's (from scratch).
    #[test]
    fn apply_by_lookups_proves_the_new_version(
        a in prop::array::uniform5(entries_strategy()),
        b in prop::array::uniform5(entries_strategy()),
    ) {
        let old = sections(a);
        let new = sections(b);
        let (_, target) = snapshot::encode(&new, 1).unwrap();
        let (bytes, _) = delta::encode(1, 2, &old, &new, 1).unwrap();
        let mut streamed = Collect::default();
        prop_assert_eq!(delta::apply(bytes.as_slice(), 1, 2, base(&old), target.count, &mut streamed).unwrap(), target);
        let look = lookup(&old);
        let mut looked = Collect::default();
        let applied = delta::apply_changes(bytes.as_slice(), 1, 2, base(&old), &look, target.count, &mut looked).unwrap();
        prop_assert_eq!(applied.per_section, target.per_section);
        prop_assert_eq!(&looked.removed, &streamed.removed);
        prop_assert_eq!(&looked.added, &streamed.added);
        prop_assert_eq!(&looked.entries[1..], &streamed.entries[1..]);
        prop_assert_eq!(applied.lthash_from(&LtHash16::of_sections(&old)), LtHash16::of_sections(&new));
    }

    #[test]
    fn random_keyed_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..200), count in 0u64..50) {
        let old = sample();
        let look = lookup(&old);
        let mut with_magic = delta::MAGIC.to_vec();
        with_magic.extend(&data);
        let _ = delta::apply_changes(with_magic.as_slice(), 0, 1, base(&old), &look, count, &mut Collect::default());
    }
}
