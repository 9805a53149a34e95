//! Keyed deltas checked by the multiset digest (issue 14, part 1): the phone applies a
//! `CGDELT02` delta from its changes alone and proves the result with the signed
//! LtHash16, so each test removes the snapshot from the site, leaving the delta as the
//! only way to v2. A delta that the arithmetic or the lookups refuse then installs
//! nothing, and v1 stays in use, also after a restart.

use callguard_core::update::{UpdateError, Via};
use callguard_core::{Action, CallInput, Error};
use callguard_e2e::{number, numbers, on_v2, Scene, T0};
use callguard_format::trust::{DeltaRef, Manifest};
use callguard_format::wire::{delta, snapshot, EntrySink, Section, SortedEntries, WireError};

#[derive(Default)]
struct Collect([SortedEntries; 5]);

impl EntrySink for Collect {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.0[section.index()].push(key, value)
    }
}

/// The content of the list as manifest `version` signs it, from its snapshot.
fn content(s: &Scene, version: u64) -> [SortedEntries; 5] {
    let manifest = s.publisher.manifest_version(version);
    let list = &manifest.lists["default"];
    let bytes = std::fs::read(s.site_file(&list.snapshot.path)).unwrap();
    let mut out = Collect::default();
    snapshot::decode(bytes.as_slice(), list.count, &mut out).unwrap();
    out.0
}

fn with_numbers(
    sections: &[SortedEntries; 5],
    edit: impl FnOnce(&mut Vec<(Vec<u8>, u64)>),
) -> [SortedEntries; 5] {
    let mut out = sections.clone();
    let mut numbers: Vec<(Vec<u8>, u64)> =
        sections[0].iter().map(|(k, v)| (k.to_vec(), v)).collect();
    edit(&mut numbers);
    out[0] = SortedEntries::from_unsorted(numbers, |_, new| new).unwrap();
    out
}

fn key(number: &str) -> Vec<u8> {
    number.trim_start_matches('+').as_bytes().to_vec()
}

/// Takes the current snapshot file off the site (returned, to put back), and publishes
/// the next version of the manifest with `deltas` (when given), re-signed with the real
/// keys.
fn only_deltas(
    s: &Scene,
    deltas: Option<Vec<DeltaRef>>,
    edit: impl FnOnce(&mut Manifest),
) -> (std::path::PathBuf, Vec<u8>) {
    let (_, mut manifest) = s.publisher.manifest();
    let list = manifest.lists.get_mut("default").unwrap();
    let snapshot = s.site_file(&list.snapshot.path);
    let taken = (snapshot.clone(), std::fs::read(&snapshot).unwrap());
    std::fs::remove_file(&snapshot).unwrap();
    if let Some(deltas) = deltas {
        list.deltas = deltas;
    }
    edit(&mut manifest);
    manifest.version += 1;
    s.publisher.republish(&manifest, T0 + 86_400);
    taken
}

/// Writes `bytes` as a delta blob from seq 1 and returns its reference.
fn delta_blob(s: &Scene, bytes: &[u8]) -> DeltaRef {
    let sha256 = callguard_format::trust::sha256_hex(bytes);
    let path = format!("blobs/{sha256}.delta");
    std::fs::write(s.site_file(&path), bytes).unwrap();
    DeltaRef {
        from: 1,
        path,
        length: bytes.len() as u64,
        sha256,
    }
}

/// v1 and v2 differ by 10 of 100 numbers: the publisher's delta from v1 is keyed.
fn scene() -> Scene {
    let v2 = [numbers(10, 90), numbers(150, 10)].concat();
    Scene::with_numbers(&numbers(0, 100), &v2)
}

fn assert_refused_and_v1_stays(mut s: Scene) {
    match s.update() {
        Err(Error::Update(UpdateError::Fetch { .. })) => {}
        other => panic!("the delta must be refused (and the snapshot is gone): {other:?}"),
    }
    s.assert_v1_in_use();
    s.reopen();
    let on_v2 = s.engine.check_call(&CallInput::number(on_v2())).unwrap();
    assert_eq!(on_v2.action, Action::Allow, "v2 was not installed");
    assert_eq!(s.engine.lists().version(), 1);
}

#[test]
fn the_publisher_signs_a_multiset_digest_and_writes_keyed_deltas() {
    let s = scene();
    let (_, manifest) = s.publisher.manifest();
    let list = &manifest.lists["default"];
    let signed = list.lthash().expect("the manifest signs an lthash16");
    assert_eq!(
        signed,
        callguard_format::wire::LtHash16::of_sections(&content(&s, 2))
    );
    let bytes = std::fs::read(s.site_file(&list.deltas[0].path)).unwrap();
    assert_eq!(&bytes[..8], delta::MAGIC);
}

#[test]
fn a_keyed_delta_installs_from_its_changes_alone() {
    let s = scene();
    let v2_counts = content(&s, 2).each_ref().map(|e| e.len() as u64);
    let (path, bytes) = only_deltas(&s, None, |_| {});
    let report = s.update().unwrap();
    assert_eq!(report.installed, Some(Via::Delta { from: 1 }));
    assert!(!report.fell_back_to_snapshot);
    let hit = s.engine.check_call(&CallInput::number(on_v2())).unwrap();
    assert_eq!(hit.action, Action::Block);
    assert_eq!(s.engine.lists().counts(), v2_counts);
    // The next delta stands on the digest stored at this install.
    std::fs::write(path, bytes).unwrap();
    s.publisher
        .set_numbers(&[numbers(10, 90), numbers(150, 20)].concat());
    s.publisher.build(T0 + 7200, &[]);
    let _ = only_deltas(&s, None, |m| {
        let list = m.lists.get_mut("default").unwrap();
        list.deltas.retain(|d| d.from == 2);
        assert_eq!(list.deltas.len(), 1, "a delta from seq 2");
    });
    let report = s.engine.update_with_clock(&s.site(), T0 + 9000).unwrap();
    assert_eq!(report.installed, Some(Via::Delta { from: 2 }));
}

#[test]
fn a_delta_whose_signed_multiset_digest_does_not_match_is_refused() {
    let s = scene();
    // The SHA-256 still matches the delta's result: only the multiset digest is wrong, so
    // this also shows that the phone checks a keyed delta by the multiset digest.
    let _ = only_deltas(&s, None, |m| {
        let list = m.lists.get_mut("default").unwrap();
        let text = list.lthash16.as_mut().unwrap();
        let flipped = if text.starts_with('0') { "1" } else { "0" };
        text.replace_range(0..1, flipped);
    });
    assert_refused_and_v1_stays(s);
}

#[test]
fn a_delta_that_removes_an_absent_number_is_refused() {
    let s = scene();
    let v1 = content(&s, 1);
    let v2 = content(&s, 2);
    let absent = key(&number(5000));
    let claimed_base = with_numbers(&v1, |n| n.push((absent, 9)));
    let (bytes, _) = delta::encode(1, 2, &claimed_base, &v2, 3).unwrap();
    let blob = delta_blob(&s, &bytes);
    let _ = only_deltas(&s, Some(vec![blob]), |_| {});
    assert_refused_and_v1_stays(s);
}

#[test]
fn a_delta_that_adds_a_present_number_is_refused() {
    let s = scene();
    let v1 = content(&s, 1);
    let v2 = content(&s, 2);
    // A number of v1 that v2 drops: the delta claims v1 lacked it and adds it back.
    let present = key(&number(1));
    let value = v1[0]
        .iter()
        .find(|(k, _)| *k == present.as_slice())
        .unwrap()
        .1;
    let claimed_base = with_numbers(&v1, |n| n.retain(|(k, _)| *k != present));
    let claimed_result = with_numbers(&v2, |n| n.push((present.clone(), value)));
    let (bytes, _) = delta::encode(1, 2, &claimed_base, &claimed_result, 3).unwrap();
    let blob = delta_blob(&s, &bytes);
    let _ = only_deltas(&s, Some(vec![blob]), |_| {});
    assert_refused_and_v1_stays(s);
}

/// The install steps through the keyed path: with the snapshot off the site, a crash
/// after any step leaves v1 or v2, whole, after a restart (the crash tests' deltas are
/// indexed: their lists change too much for a keyed delta to be the smaller one).
#[test]
fn a_crash_after_any_step_of_a_keyed_install_leaves_a_whole_list() {
    use callguard_core::update::InstallStep;
    for step in InstallStep::ALL {
        let mut s = scene();
        let v2_counts = content(&s, 2).each_ref().map(|e| e.len() as u64);
        let _ = only_deltas(&s, None, |_| {});
        s.engine.simulate_crash_after(Some(step));
        match s.update() {
            Err(Error::Update(UpdateError::SimulatedCrash(at))) => assert_eq!(at, step),
            other => panic!("{step:?}: expected the simulated crash, got {other:?}"),
        }
        s.reopen();
        let committed = matches!(
            step,
            InstallStep::Committed | InstallStep::Swapped | InstallStep::OldRemoved
        );
        let lists = s.engine.lists();
        assert_eq!(lists.version(), if committed { 2 } else { 1 }, "{step:?}");
        if committed {
            assert_eq!(lists.counts(), v2_counts, "{step:?}: whole");
        }
        let on_v2 = s.engine.check_call(&CallInput::number(on_v2())).unwrap();
        let expected = if committed {
            Action::Block
        } else {
            Action::Allow
        };
        assert_eq!(on_v2.action, expected, "{step:?}");
        // An update after the restart completes, by the keyed delta or as current.
        s.engine.simulate_crash_after(None);
        let report = s.update().unwrap();
        assert_eq!(report.seq, 2, "{step:?}");
        assert_eq!(s.engine.lists().counts(), v2_counts, "{step:?}");
    }
}
