use super::delta::{self, Base};
use super::*;
use proptest::prelude::*;

/// Collects decoded entries per section.
#[derive(Default, Debug, PartialEq)]
struct Collect([Vec<(Vec<u8>, u64)>; 5]);

impl EntrySink for Collect {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.0[section.index()].push((key.to_vec(), value));
        Ok(())
    }
}

fn sections(raw: [Vec<(Vec<u8>, u64)>; 5]) -> [SortedEntries; 5] {
    raw.map(|entries| SortedEntries::from_unsorted(entries, |_, new| new).expect("valid entries"))
}

fn sample() -> [SortedEntries; 5] {
    sections([
        vec![
            (b"8613800000001".to_vec(), 7),
            (b"8613800000002".to_vec(), 7),
            (b"12025550143".to_vec(), 9),
            (b"8613899999999".to_vec(), 7),
        ],
        vec![(b"855".to_vec(), 5), (b"33162####".to_vec(), 6)],
        vec![(b"CN110".to_vec(), 0), (b"CN12110".to_vec(), 0)],
        vec![(b"com.example".to_vec(), 3), (b"cn.scam".to_vec(), 3)],
        vec![],
    ])
}

fn as_raw(s: &[SortedEntries; 5]) -> [Vec<(Vec<u8>, u64)>; 5] {
    std::array::from_fn(|i| s[i].iter().map(|(k, v)| (k.to_vec(), v)).collect())
}

fn base(old: &[SortedEntries; 5]) -> Base<'_> {
    Base {
        counts: std::array::from_fn(|i| old[i].len() as u64),
        open: Box::new(move |section| Box::new(old[section.index()].cursor())),
    }
}

#[test]
fn snapshot_round_trips_and_digest_matches() {
    let original = sample();
    let (bytes, summary) = snapshot::encode(&original, 3).unwrap();
    let mut out = Collect::default();
    let decoded = snapshot::decode(bytes.as_slice(), summary.count, &mut out).unwrap();
    assert_eq!(decoded, summary);
    assert_eq!(out.0, as_raw(&original));
    assert_eq!(summary.count, 10);
}

#[test]
fn snapshot_rejects_every_corruption() {
    let (bytes, summary) = snapshot::encode(&sample(), 3).unwrap();
    // Wrong count claimed by the manifest.
    assert!(
        snapshot::decode(bytes.as_slice(), summary.count - 1, &mut Collect::default()).is_err()
    );
    assert!(
        snapshot::decode(bytes.as_slice(), summary.count + 1, &mut Collect::default()).is_err()
    );
    // Bad magic, truncation, flipped bytes: an error, never a panic.
    let mut bad = bytes.clone();
    bad[0] ^= 1;
    assert!(matches!(
        snapshot::decode(bad.as_slice(), summary.count, &mut Collect::default()),
        Err(WireError::BadMagic(_))
    ));
    for cut in [0, 4, 8, 9, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            snapshot::decode(&bytes[..cut], summary.count, &mut Collect::default()).is_err(),
            "cut at {cut}"
        );
    }
    for i in 8..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[i] ^= 0x55;
        if let Ok(s) = snapshot::decode(flipped.as_slice(), summary.count, &mut Collect::default())
        {
            assert_ne!(
                s.sha256, summary.sha256,
                "a flip at {i} must change the digest or fail"
            );
        }
    }
}

#[test]
fn decompression_bombs_stop_at_the_cap() {
    // A valid zstd frame of 64 MB of zeros claiming one entry.
    let zeros = vec![0u8; 64 << 20];
    let mut bomb = snapshot::MAGIC.to_vec();
    bomb.extend(zstd::encode_all(zeros.as_slice(), 3).unwrap());
    assert!(bomb.len() < 1 << 20);
    let err = snapshot::decode(bomb.as_slice(), 1, &mut Collect::default()).unwrap_err();
    assert!(
        matches!(err, WireError::TooLarge | WireError::Malformed(_)),
        "{err:?}"
    );
}

#[test]
fn delta_applies_to_its_base_and_reproduces_the_target() {
    let old = sample();
    let mut new_raw = as_raw(&old);
    new_raw[0].retain(|(k, _)| k != b"8613800000002");
    new_raw[0].push((b"8613800000003".to_vec(), 7));
    new_raw[0]
        .iter_mut()
        .filter(|(k, _)| k == b"12025550143")
        .for_each(|(_, v)| *v = 10);
    new_raw[3].push((b"com.example.phish".to_vec(), 3));
    new_raw[2].clear();
    let new = sections(new_raw);
    let (_, target) = snapshot::encode(&new, 3).unwrap();

    let (bytes, stats) = delta::encode(4, 5, &old, &new, 3).unwrap();
    assert_eq!(
        stats,
        delta::DeltaStats {
            removed: 4,
            added: 3
        }
    );
    let mut out = Collect::default();
    let summary = delta::apply(bytes.as_slice(), 4, 5, base(&old), target.count, &mut out).unwrap();
    assert_eq!(summary, target);
    assert_eq!(out.0, as_raw(&new));

    // The wrong versions, the wrong base, or a wrong count are refused.
    assert!(matches!(
        delta::apply(
            bytes.as_slice(),
            3,
            5,
            base(&old),
            target.count,
            &mut Collect::default()
        ),
        Err(WireError::WrongBase(_))
    ));
    assert!(matches!(
        delta::apply(
            bytes.as_slice(),
            4,
            6,
            base(&old),
            target.count,
            &mut Collect::default()
        ),
        Err(WireError::WrongBase(_))
    ));
    assert!(
        delta::apply(
            bytes.as_slice(),
            4,
            5,
            base(&new),
            target.count,
            &mut Collect::default()
        )
        .ok()
        .map(|s| s.sha256)
            != Some(target.sha256)
    );
    assert!(delta::apply(
        bytes.as_slice(),
        4,
        5,
        base(&old),
        target.count + 1,
        &mut Collect::default()
    )
    .is_err());
}

fn entries_strategy() -> impl Strategy<Value = Vec<(Vec<u8>, u64)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "[0-9]{11}".prop_map(String::into_bytes),
                "[0-9]{3,15}".prop_map(String::into_bytes),
                "[a-z.#0-9]{1,20}".prop_map(String::into_bytes),
            ],
            0u64..1000,
        ),
        0..60,
    )
}

proptest! {
    #[test]
    fn any_two_versions_round_trip_through_snapshot_and_delta(
        a in prop::array::uniform5(entries_strategy()),
        b in prop::array::uniform5(entries_strategy()),
    ) {
        let old = sections(a);
        let new = sections(b);
        let (snap, target) = snapshot::encode(&new, 1).unwrap();
        let mut out = Collect::default();
        prop_assert_eq!(snapshot::decode(snap.as_slice(), target.count, &mut out).unwrap(), target);
        prop_assert_eq!(&out.0, &as_raw(&new));

        let (bytes, _) = delta::encode(1, 2, &old, &new, 1).unwrap();
        let mut out = Collect::default();
        prop_assert_eq!(delta::apply(bytes.as_slice(), 1, 2, base(&old), target.count, &mut out).unwrap(), target);
        prop_assert_eq!(&out.0, &as_raw(&new));
    }

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..200), count in 0u64..50) {
        let mut with_magic = snapshot::MAGIC.to_vec();
        with_magic.extend(&data);
        let _ = snapshot::decode(with_magic.as_slice(), count, &mut Collect::default());
        let mut with_magic = delta::MAGIC.to_vec();
        with_magic.extend(&data);
        let old = sample();
        let _ = delta::apply(with_magic.as_slice(), 0, 1, base(&old), count, &mut Collect::default());
    }
}

/// The cap is recognised by its type: an I/O error from elsewhere that happens to carry
/// the same words is an I/O error, and the cap itself is `TooLarge` whatever its text.
#[test]
fn the_cap_is_detected_by_type_not_by_message() {
    let lookalike = io::Error::other("callguard: decompressed size cap exceeded");
    assert!(matches!(WireError::from_io(lookalike), WireError::Io(_)));

    let mut capped = Capped::new(&[0u8; 10][..], 4);
    let mut sink = Vec::new();
    let err = io::Read::read_to_end(&mut capped, &mut sink).unwrap_err();
    assert!(matches!(WireError::from_io(err), WireError::TooLarge));
    // Through a BufReader, as the decoders read it.
    let mut buffered = io::BufReader::new(Capped::new(&[0u8; 10][..], 4));
    let err = io::Read::read_to_end(&mut buffered, &mut Vec::new()).unwrap_err();
    assert!(matches!(WireError::from_io(err), WireError::TooLarge));
}
