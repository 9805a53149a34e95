//! Delta apply with the numbers overlay and the multiset digest (issue 14, part 1): what
//! an update costs the phone now that a keyed delta is checked from its changes alone,
//! against the alternatives measured in the same run.
//!
//! For each size in `CALLGUARD_BENCH_SIZES` (default `1000000,10000000`) of distinct
//! random Chinese mobiles (`861[3-9]` + 9 digits, seeded), and each change of 0.1%, 1% and
//! 10% (that many entries removed and as many new numbers added, deltas at zstd 19), three
//! phone paths run interleaved, 3 times each, on a list installed the way an install
//! leaves it (FST files synced in a directory, opened sealed):
//!
//! - **keyed** (what the updater does now, `CGDELT02` and a signed LtHash16): map the
//!   installed list sealed, verify its checksums, `delta::apply_changes` into an
//!   `OverlayDirWriter` (numbers: each removal and addition looked up, only the changes
//!   written; small sections whole), check the counts and `H(M) + change = H(N)`,
//!   `finish()` (fsync), rename into place, sync the directory, seal and map the result;
//! - **overlay** (what the updater did before, `CGDELT01`): the same, but `delta::apply`
//!   streams the whole old list (base and overlay merged) to find the removals by index
//!   and to compute the SHA-256 of the result;
//! - **snapshot**: the new full snapshot decoded into a `FstDirWriter` with the same tail
//!   (digest check, fsync, rename, seal, map), reading no old list: the install of a
//!   phone that has no list.
//!
//! The checksum verification of the base (`ListSet::verify`, a full read of its files)
//! is also timed on its own inside the keyed path, since it is now most of what is left.
//! The publisher's LtHash16 of each version is computed from scratch
//! (`LtHash16::of_sections`) and the result of each path is checked against the new
//! version (counts, SHA-256 or LtHash16) before anything is timed. Not included: the TUF
//! metadata checks and the SQLite commit (milliseconds, the same for all three).
//!
//! `CALLGUARD_OVERLAY_CHECKS=0` skips the `check_call` and compaction measurements below
//! (they do not depend on how a delta was checked).
//!
//! Then, at the 1% change: `check_call` on an engine whose list has that overlay, against
//! the same list compacted (no overlay), over the same probes (half listed numbers, a
//! quarter removed by the delta, a quarter never listed), interleaved, median of the
//! per-round means; and the compaction itself (stream the overlaid list, check its digest,
//! write, fsync, open), against the snapshot install.
//!
//! Run: `cargo bench -p callguard-core --bench overlay_apply 2>&1 | tee /tmp/overlay.log`,
//! then `grep OVERLAY /tmp/overlay.log`. Quick: `CALLGUARD_BENCH_SIZES=100000`.

#[allow(dead_code)]
mod common;
use common::{label, list_sizes};

use std::collections::HashSet;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use callguard_core::testing::{file_name, DirSeal, FstDirWriter, OverlayDirWriter};
use callguard_core::{
    Action, CallInput, Category, Engine, EngineConfig, EntryMeta, ListSet, ListSetBuilder,
};
use callguard_format::wire::{
    delta, snapshot, ContentSummary, EntrySink, LtHash16, Section, SortedEntries,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tempfile::TempDir;

const RUNS: usize = 3;
const CHECK_ROUNDS: usize = 7;
const CHECKS_PER_ROUND: usize = 200_000;
/// Changes as parts per 10,000 of the list.
const CHANGES: [(u64, &str); 3] = [(10, "0.1%"), (100, "1%"), (1000, "10%")];

fn main() {
    let value = block_value();
    for size in list_sizes() {
        run(size, value);
    }
}

fn block_value() -> u64 {
    let mut b = ListSetBuilder::new("v", 1);
    let meta = EntryMeta::new(Action::Block, Category::ReportedFraud, 80);
    b.add_number("+8613800138000", meta).expect("one number");
    let set = b.build().expect("a list");
    set.number("8613800138000").expect("listed").meta.pack()
}

fn random_mobile(rng: &mut StdRng) -> u64 {
    86_000_000_000_000 + rng.random_range(13_000_000_000..20_000_000_000u64)
}

fn sections(numbers: &[u64], value: u64) -> [SortedEntries; 5] {
    let mut sorted = numbers.to_vec();
    sorted.sort_unstable();
    let mut out: [SortedEntries; 5] = Default::default();
    for n in sorted {
        out[0]
            .push(n.to_string().as_bytes(), value)
            .expect("distinct sorted keys");
    }
    out
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort_unstable();
    runs[runs.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = work();
    (out, start.elapsed())
}

/// Writes `entries` whole into `dir` and syncs it, as a snapshot install does.
fn install_whole(dir: &Path, entries: &[SortedEntries; 5]) {
    let mut writer = FstDirWriter::create(dir).expect("create the list directory");
    for (section, entries) in Section::ALL.into_iter().zip(entries) {
        for (key, value) in entries.iter() {
            writer.entry(section, key, value).expect("write an entry");
        }
    }
    writer.finish().expect("finish");
}

/// Maps an installed directory the way the engine does: seal read, mapped sealed.
fn open_installed(dir: &Path) -> ListSet {
    let seal = DirSeal::read(dir).expect("seal");
    ListSet::open_sealed(dir, "bench", 1, Some(&seal)).expect("open")
}

/// The tail every path shares: digest check, fsync, rename, directory sync, seal, map.
fn install_tail(
    summary: ContentSummary,
    signed: &ContentSummary,
    finish: impl FnOnce() -> PathBuf,
    into: &Path,
) -> ListSet {
    assert_eq!(&summary, signed, "the result has the signed digest");
    let tmp = finish();
    std::fs::rename(&tmp, into).expect("rename");
    std::fs::File::open(into.parent().expect("parent"))
        .and_then(|d| d.sync_all())
        .expect("sync the directory");
    open_installed(into)
}

enum Path3 {
    Keyed,
    Overlay,
    Snapshot,
}

struct Case<'a> {
    base_dir: &'a Path,
    /// `CGDELT02`, keyed removals.
    keyed: &'a [u8],
    /// `CGDELT01`, indexed removals.
    indexed: &'a [u8],
    snapshot: &'a [u8],
    signed: ContentSummary,
    /// The signed LtHash16 of the base and of the new version.
    lthash: (&'a LtHash16, &'a LtHash16),
    scratch: &'a Path,
}

impl Case<'_> {
    /// One whole phone path into a fresh directory; returns the installed result and, for
    /// the delta paths, how long the base's checksum verification took.
    fn install(&self, path: &Path3, n: usize) -> (ListSet, Option<Duration>) {
        let tmp = self.scratch.join(format!("tmp-{n}"));
        let into = self.scratch.join(format!("list-{n}"));
        let count = self.signed.count;
        if let Path3::Snapshot = path {
            // A phone installing the snapshot reads no old list.
            let mut writer = FstDirWriter::create(&tmp).expect("writer");
            let summary = snapshot::decode(self.snapshot, count, &mut writer).expect("decode");
            let set = install_tail(
                summary,
                &self.signed,
                || writer.finish().expect("finish"),
                &into,
            );
            return (set, None);
        }
        // A delta's base is mapped sealed and checked in full first, as the updater does.
        let base = open_installed(self.base_dir);
        let (_, verify) = timed(|| base.verify().expect("the base verifies"));
        let cursor = || delta::Base {
            counts: base.counts(),
            open: Box::new(|section| base.cursor(section)),
        };
        let file = self.base_dir.join(file_name(Section::Numbers));
        let mut writer = OverlayDirWriter::create(&tmp, &base, &file).expect("writer");
        let set = match path {
            Path3::Keyed => {
                let lookup = |section: Section, key: &[u8]| base.get(section, key);
                let applied =
                    delta::apply_changes(self.keyed, 1, 2, cursor(), &lookup, count, &mut writer)
                        .expect("apply by changes");
                assert_eq!(applied.per_section, self.signed.per_section);
                assert_eq!(&applied.lthash_from(self.lthash.0), self.lthash.1, "H(N)");
                install_tail(
                    self.signed,
                    &self.signed,
                    || writer.finish().expect("finish"),
                    &into,
                )
            }
            Path3::Overlay => {
                let summary =
                    delta::apply(self.indexed, 1, 2, cursor(), count, &mut writer).expect("apply");
                install_tail(
                    summary,
                    &self.signed,
                    || writer.finish().expect("finish"),
                    &into,
                )
            }
            Path3::Snapshot => unreachable!("handled above"),
        };
        (set, Some(verify))
    }
}

fn run(size: usize, value: u64) {
    let tag = format!("[{}]", label(size));
    let mut rng = StdRng::seed_from_u64(0xCA11_0E01);
    let mut seen = HashSet::with_capacity(size * 2);
    let mut old = Vec::with_capacity(size);
    while old.len() < size {
        let n = random_mobile(&mut rng);
        if seen.insert(n) {
            old.push(n);
        }
    }
    let old_sections = sections(&old, value);
    let scratch = TempDir::new().expect("scratch dir");
    let base_dir = scratch.path().join("base");
    install_whole(&base_dir, &old_sections);
    let (old_lthash, took) = timed(|| LtHash16::of_sections(&old_sections));
    eprintln!(
        "{tag} publisher: LtHash16 of {size} entries from scratch in {}",
        ms(took)
    );

    for (parts, name) in CHANGES {
        let changed = (size as u64 * parts / 10_000) as usize;
        let mut change_rng = StdRng::seed_from_u64(0xCA11_0E02 + parts);
        let mut removed = HashSet::with_capacity(changed);
        while removed.len() < changed {
            removed.insert(old[change_rng.random_range(0..old.len())]);
        }
        let mut new: Vec<u64> = old
            .iter()
            .copied()
            .filter(|n| !removed.contains(n))
            .collect();
        let mut seen_new: HashSet<u64> = seen.clone();
        while new.len() < size {
            let n = random_mobile(&mut change_rng);
            if seen_new.insert(n) {
                new.push(n);
            }
        }
        let new_sections = sections(&new, value);
        let (snapshot_bytes, signed) = snapshot::encode(&new_sections, 19).expect("snapshot");
        let (delta_bytes, stats) =
            delta::encode(1, 2, &old_sections, &new_sections, 19).expect("delta");
        let (indexed_bytes, _) =
            delta::encode_indexed(1, 2, &old_sections, &new_sections, 19).expect("delta");
        let new_lthash = LtHash16::of_sections(&new_sections);
        let work = scratch.path().join(format!("work-{parts}"));
        std::fs::create_dir(&work).expect("work dir");
        let case = Case {
            base_dir: &base_dir,
            keyed: &delta_bytes,
            indexed: &indexed_bytes,
            snapshot: &snapshot_bytes,
            signed,
            lthash: (&old_lthash, &new_lthash),
            scratch: &work,
        };
        eprintln!(
            "{tag} {name}: {} removed + {} added, keyed delta {} B, indexed delta {} B, snapshot {} B",
            stats.removed,
            stats.added,
            delta_bytes.len(),
            indexed_bytes.len(),
            snapshot_bytes.len()
        );
        let (mut keyed, mut overlay, mut full) = (Vec::new(), Vec::new(), Vec::new());
        let mut verifies = Vec::new();
        let mut n = 0;
        for _ in 0..RUNS {
            for (path, times) in [
                (Path3::Keyed, &mut keyed),
                (Path3::Overlay, &mut overlay),
                (Path3::Snapshot, &mut full),
            ] {
                n += 1;
                let ((set, verify), took) = timed(|| case.install(&path, n));
                assert_eq!(set.counts(), signed.per_section, "the installed counts");
                if let (Path3::Keyed, Some(v)) = (&path, verify) {
                    verifies.push(v);
                }
                times.push(took);
                drop(set);
                let _ = std::fs::remove_dir_all(work.join(format!("list-{n}")));
            }
        }
        let (k, o, s) = (median(keyed), median(overlay), median(full));
        let v = median(verifies);
        eprintln!(
            "OVERLAY {tag} apply {name}: keyed {} (of which base checksum {}) | overlay {} | snapshot {} | overlay/keyed {:.2}x, snapshot/keyed {:.2}x",
            ms(k),
            ms(v),
            ms(o),
            ms(s),
            o.as_secs_f64() / k.as_secs_f64(),
            s.as_secs_f64() / k.as_secs_f64()
        );
        let checks = std::env::var("CALLGUARD_OVERLAY_CHECKS").map_or(true, |v| v != "0");
        if parts == 100 && checks {
            check_and_compact(&tag, &case, &new, &removed, size);
        }
    }
}

/// `check_call` through a 1% overlay against none, and compaction against a snapshot
/// install.
fn check_and_compact(tag: &str, case: &Case<'_>, new: &[u64], removed: &HashSet<u64>, size: usize) {
    let (overlaid, _) = case.install(&Path3::Keyed, 1_000);
    assert!(overlaid.has_overlay());
    let compacted_dir = case.scratch.join("compacted");
    let mut compact_runs = Vec::new();
    let mut snapshot_runs = Vec::new();
    for i in 0..RUNS {
        let dir = case.scratch.join(format!("compact-{i}"));
        let (set, took) = timed(|| {
            let mut writer = FstDirWriter::create(&dir).expect("writer");
            let summary = overlaid.write_into(&mut writer).expect("stream");
            install_tail(
                summary,
                &case.signed,
                || writer.finish().expect("finish"),
                &compacted_dir.with_extension(i.to_string()),
            )
        });
        assert!(!set.has_overlay());
        compact_runs.push(took);
        let (_, took) = timed(|| case.install(&Path3::Snapshot, 2_000 + i));
        snapshot_runs.push(took);
    }
    let (c, s) = (median(compact_runs), median(snapshot_runs));
    eprintln!(
        "OVERLAY {tag} compaction (1% overlay, {} entries): {} | snapshot install {} | compaction/snapshot {:.2}x",
        overlaid.overlay_entries(),
        ms(c),
        ms(s),
        c.as_secs_f64() / s.as_secs_f64()
    );

    let compacted = open_installed(&compacted_dir.with_extension("0"));
    let home: callguard_core::Region = "CN".parse().expect("region");
    let engine = |set: ListSet| {
        let engine = Engine::open_in_memory(EngineConfig::new(home)).expect("engine");
        engine.replace_lists(set);
        engine
    };
    let (with_overlay, without) = (engine(overlaid), engine(compacted));
    let mut rng = StdRng::seed_from_u64(0xCA11_0E03);
    let removed: Vec<u64> = removed.iter().copied().collect();
    let probes: Vec<CallInput> = (0..4096)
        .map(|i| {
            let n = match i % 4 {
                0 | 1 => new[rng.random_range(0..new.len())],
                2 => removed[rng.random_range(0..removed.len())],
                _ => random_mobile(&mut rng),
            };
            CallInput::number(format!("+{n}"))
        })
        .collect();
    for probe in &probes {
        assert_eq!(
            with_overlay.check_call(probe).expect("check").action,
            without.check_call(probe).expect("check").action,
            "the same decision through the overlay"
        );
    }
    let round = |engine: &Engine| {
        let start = Instant::now();
        for i in 0..CHECKS_PER_ROUND {
            black_box(engine.check_call(&probes[i % probes.len()]).expect("check"));
        }
        start.elapsed() / CHECKS_PER_ROUND as u32
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..CHECK_ROUNDS {
        a.push(round(&with_overlay));
        b.push(round(&without));
    }
    let (a, b) = (median(a), median(b));
    eprintln!(
        "OVERLAY {tag} check_call at {} numbers: 1% overlay {:.0} ns | none {:.0} ns | overlay/none {:.2}x (budget 2000 ns)",
        size,
        a.as_secs_f64() * 1e9,
        b.as_secs_f64() * 1e9,
        a.as_secs_f64() / b.as_secs_f64()
    );
}
