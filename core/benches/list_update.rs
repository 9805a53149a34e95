//! Signed lists: download sizes, build times, delta apply and engine open, each measured
//! next to the alternative it was chosen over, against DESIGN.md's performance budget.
//!
//! DESIGN.md ("Lists", "Performance budget") ships the canonical sorted entries,
//! key-coded and zstd-compressed (`wire::snapshot`, `wire::delta`), rather than the FST
//! bytes the phone queries, and lets the phone rebuild its FSTs from them. The budget at
//! 10M numbers: snapshot ≤ 2.0 B/number, delta ≤ 3 B per changed number, applying a 1%
//! delta ≤ 1 s, opening the engine ≤ 10 ms. For every data set this bench measures:
//!
//! 1. Snapshot size: `snapshot::encode` at zstd 19 (the publisher's level), B/number;
//!    against the FST of the same entries (`fst::MapBuilder`), raw and at zstd 19.
//! 2. Delta size for a 1% change: `delta::encode` at zstd 19, B per changed number;
//!    against the new full snapshot (the delta/snapshot ratio).
//! 3. Publisher build time: `snapshot::encode` at zstd 19 and at zstd 3; against
//!    building the FST in memory.
//! 4. Applying the delta on the phone: `delta::apply` with a `delta::Base` over the
//!    installed `ListSet` (FST files mapped by `ListSet::open_dir`) into a fresh
//!    `OverlayDirWriter` (what the updater does: the numbers as an overlay over the
//!    installed `numbers.fst`), and into a fresh `FstDirWriter` (the numbers FST rebuilt,
//!    as before overlays), `finish()` (fsync) included; against `snapshot::decode` of the
//!    new full snapshot into a fresh `FstDirWriter`. `benches/overlay_apply.rs` measures
//!    the overlay at more change sizes, with the rest of the phone's path.
//! 5. Opening the engine: `Engine::open` on a data dir holding the committed list (FSTs in
//!    `lists/<dir>`, an `InstalledList` row in SQLite), plus a first `check_call`; and,
//!    for the way the files are loaded, `std::fs::read` of `numbers.fst` + `fst::Map::new`
//!    against `ListSet::open_dir` (mmap), each with one lookup.
//!
//! Item 4 also runs the apply and the rebuild into a sink that discards everything, reads
//! the old FSTs alone and hashes the new entries alone, so the total splits into: read the
//! old FST stream, digest, zstd decode + merge, FST build + write, and fsync.
//!
//! Data sets:
//! - for each size in `CALLGUARD_BENCH_SIZES` (default `1000000,10000000`), distinct
//!   random Chinese mobiles `861[3-9]` + 9 digits from a seeded `StdRng`;
//! - the FTC Do-Not-Call numbers, `shared/data/numbers/ftc_dnc_unique.csv` (column `e164`,
//!   about 296k US numbers), found by walking up from the crate; the bench panics if the
//!   file is missing.
//!
//! Every entry carries the same value, Block / ReportedFraud / 80, packed as the engine
//! packs it (read back from a one-entry `ListSetBuilder`). Version 2 of each list removes
//! N/100 random entries of version 1 and adds N/100 new numbers (research §6.5): new
//! random mobiles, or for FTC a random subscriber number in the area code of a listed one.
//!
//! Times: a step is run 3 times (5 if one run takes under 1 s) with `Instant`, the
//! variants of item 4 interleaved, and the median is printed. Steps that take under 1 s
//! are also run under criterion (group `list_update/<data set>`, sample size 10). The
//! summary block printed to stderr after each data set (`grep -A18 SUMMARY`) holds every
//! figure, ratio and verdict. Scratch files go to the system temporary directory, which
//! must be a real disk for the fsync to mean anything.
//!
//! Run: `cargo bench -p callguard-core --bench list_update` (quick:
//! `CALLGUARD_BENCH_SIZES=100000 cargo bench -p callguard-core --bench list_update`).
//! Results and their reading: `docs/benchmarks.md`.

#[allow(dead_code)]
mod common;
use common::{label, list_sizes};

use std::collections::HashSet;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use callguard_core::testing::{file_name, FstDirWriter, OverlayDirWriter, Store, TrustRecord};
use callguard_core::InstalledList;
use callguard_core::{Action, CallInput, Category, Engine, EngineConfig, EntryMeta, ListSet};
use callguard_format::wire::{
    delta, snapshot, ContentDigest, ContentSummary, EntrySink, Section, SortedEntries, WireError,
};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tempfile::TempDir;

/// The publisher's default zstd level, and a fast one for comparison.
const PUBLISH_LEVEL: i32 = 19;
const FAST_LEVEL: i32 = 3;
const LIST_SEED: u64 = 0xCA11_0101;
const CHANGE_SEED: u64 = 0xCA11_0102;
const LIST_NAME: &str = "bench";
const FROM_SEQ: u64 = 1;
const TO_SEQ: u64 = 2;
/// The engine's file names inside its data directory (`engine::DATABASE_FILE` and
/// `engine::LISTS_DIR`, which the crate does not export).
const DATABASE_FILE: &str = "callguard.sqlite";
const LISTS_DIR: &str = "lists";
/// A step quicker than this per run gets 5 manual runs instead of 3, and criterion too.
const QUICK: Duration = Duration::from_secs(1);
const SLOW_RUNS: usize = 3;
const QUICK_RUNS: usize = 5;
/// Manual runs of each engine-open variant.
const OPEN_RUNS: usize = 21;
/// The budget (DESIGN.md, "Performance budget").
const BUDGET_SNAPSHOT_B: f64 = 2.0;
const BUDGET_DELTA_B: f64 = 3.0;
const BUDGET_APPLY: Duration = Duration::from_secs(1);
const BUDGET_OPEN: Duration = Duration::from_millis(10);

fn main() {
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let value = block_value();
    for size in list_sizes() {
        run(&mut criterion, &Dataset::synthetic(size), value);
    }
    run(&mut criterion, &Dataset::ftc(), value);
    criterion.final_summary();
}

/// Every measurement of one data set, then its summary.
fn run(criterion: &mut Criterion, data: &Dataset, value: u64) {
    let tag = format!("[{}]", data.label);
    eprintln!(
        "\n{tag} {} numbers; version 2 removes {} and adds {}",
        data.old.len(),
        data.removed,
        data.added
    );
    let old = sections(&data.old, value);
    let new = sections(&data.new, value);
    let wire = Wire::measure(&tag, &old, &new, data.old.len());
    let installed = Installed::create(&old, &wire.old_summary);
    let set = installed.list_set();
    let apply = ApplyTimes::measure(&tag, &wire, &set, &installed.list_dir, &new);
    let key = installed.listed_probe(&data.new);
    let probe = CallInput::number(format!("+{key}"));
    let open = OpenTimes::measure(&tag, &installed, &probe, key);

    let mut group = criterion.benchmark_group(format!("list_update/{}", data.label));
    if wire.level3.median() < QUICK {
        group.bench_function("snapshot_encode_level3", |b| {
            b.iter(|| snapshot::encode(&old, FAST_LEVEL).expect("encode"))
        });
    }
    if apply.apply.median() < QUICK {
        bench_apply(&mut group, &wire, &set);
    }
    bench_open(&mut group, &installed, &probe, key);
    group.finish();

    summarise(&tag, data, &wire, &apply, &open);
}

// ---------------------------------------------------------------------------------------
// Data sets

/// Versions 1 and 2 of one list of numbers.
struct Dataset {
    label: String,
    /// Version 1: sorted, distinct, every number with the same count of digits (so numeric
    /// order is key order).
    old: Vec<u64>,
    /// Version 2: `old` less `removed` entries, plus `added` new numbers; sorted.
    new: Vec<u64>,
    removed: usize,
    added: usize,
}

impl Dataset {
    fn synthetic(size: usize) -> Dataset {
        let mut rng = StdRng::seed_from_u64(LIST_SEED);
        let mut old = Vec::with_capacity(size);
        while old.len() < size {
            while old.len() < size {
                old.push(random_mobile(&mut rng));
            }
            old.sort_unstable();
            old.dedup();
        }
        Dataset::with_change(label(size), old, |rng, _| random_mobile(rng))
    }

    fn ftc() -> Dataset {
        let old = ftc_numbers();
        // A new number in the area code of a listed one: `1 NPA`, then `[2-9]XX XXXX`.
        Dataset::with_change("FTC".to_owned(), old, |rng, old| {
            let area = old[rng.random_range(0..old.len())] / 10_000_000;
            area * 10_000_000
                + rng.random_range(2..=9u64) * 1_000_000
                + rng.random_range(0..1_000_000)
        })
    }

    /// Version 2: N/100 random entries removed and N/100 new numbers from `fresh` added.
    fn with_change(
        label: String,
        old: Vec<u64>,
        mut fresh: impl FnMut(&mut StdRng, &[u64]) -> u64,
    ) -> Dataset {
        let width = digit_count(old[0]);
        assert!(
            old.iter().all(|&n| digit_count(n) == width),
            "{label}: every number must have {width} digits"
        );
        let changes = old.len() / 100;
        let mut rng = StdRng::seed_from_u64(CHANGE_SEED);
        let mut gone = vec![false; old.len()];
        for index in rand::seq::index::sample(&mut rng, old.len(), changes) {
            gone[index] = true;
        }
        let mut added = HashSet::with_capacity(changes);
        while added.len() < changes {
            let n = fresh(&mut rng, &old);
            if digit_count(n) == width && old.binary_search(&n).is_err() {
                added.insert(n);
            }
        }
        let mut new: Vec<u64> = old
            .iter()
            .zip(&gone)
            .filter(|(_, gone)| !**gone)
            .map(|(n, _)| *n)
            .chain(added.iter().copied())
            .collect();
        new.sort_unstable();
        Dataset {
            label,
            old,
            new,
            removed: changes,
            added: changes,
        }
    }
}

/// `861[3-9]` and 9 random digits, as an integer.
fn random_mobile(rng: &mut StdRng) -> u64 {
    8_610_000_000_000
        + rng.random_range(3..=9u64) * 1_000_000_000
        + rng.random_range(0..1_000_000_000)
}

/// The FTC numbers as E.164 digits, sorted and distinct.
fn ftc_numbers() -> Vec<u64> {
    let path = shared_data_dir().join("numbers/ftc_dnc_unique.csv");
    let mut reader = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let column = reader
        .headers()
        .expect("the FTC CSV header")
        .iter()
        .position(|h| h == "e164")
        .expect("an e164 column in the FTC CSV");
    let mut numbers: Vec<u64> = reader
        .records()
        .map(|record| {
            let record = record.expect("an FTC CSV record");
            record[column]
                .trim()
                .trim_start_matches('+')
                .parse()
                .expect("e164 is + and digits")
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert!(numbers.len() > 100_000, "the FTC file looks truncated");
    numbers
}

/// The first `shared/data` directory above this crate.
fn shared_data_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared/data"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "no shared/data directory above {}: the FTC numbers are required",
                manifest.display()
            )
        })
}

fn digit_count(n: u64) -> u32 {
    n.checked_ilog10().map_or(1, |log| log + 1)
}

// ---------------------------------------------------------------------------------------
// Entries and FSTs

/// The engine's packed value for Block / ReportedFraud / 80 (`EntryMeta::pack` is private
/// to the crate, so it is read back from a one-entry builder).
fn block_value() -> u64 {
    let mut builder = ListSet::builder("value", 1);
    builder
        .add_number(
            "+8613800138000",
            EntryMeta::new(Action::Block, Category::ReportedFraud, 80),
        )
        .expect("a valid number");
    let (_, _, sections) = builder.into_sections().expect("one entry");
    sections[Section::Numbers.index()]
        .get(0)
        .expect("the entry")
        .1
}

/// The decimal digits of `n`, in `buf`.
fn key(n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    let mut rest = n;
    loop {
        start -= 1;
        buf[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            return &buf[start..];
        }
    }
}

/// Canonical sections holding `numbers`, all with `value`, and nothing else.
fn sections(numbers: &[u64], value: u64) -> [SortedEntries; 5] {
    let mut sections: [SortedEntries; 5] = Default::default();
    let target = &mut sections[Section::Numbers.index()];
    let mut buf = [0u8; 20];
    for &n in numbers {
        target.push(key(n, &mut buf), value).expect("sorted keys");
    }
    sections
}

/// The numbers section as the phone indexes it: an `fst::Map` built in memory.
fn fst_bytes(entries: &[SortedEntries; 5]) -> Vec<u8> {
    let mut builder = fst::MapBuilder::memory();
    for (key, value) in entries[Section::Numbers.index()].iter() {
        builder.insert(key, value).expect("sorted keys");
    }
    builder.into_inner().expect("finish the FST")
}

fn total(entries: &[SortedEntries; 5]) -> u64 {
    entries.iter().map(|e| e.len() as u64).sum()
}

/// Streams `entries` into FST files in `dir` and syncs them, as an install does.
fn write_fst_dir(dir: &Path, entries: &[SortedEntries; 5]) {
    let mut writer = FstDirWriter::create(dir).expect("create the list directory");
    for (section, entries) in Section::ALL.into_iter().zip(entries) {
        for (key, value) in entries.iter() {
            writer.entry(section, key, value).expect("write an entry");
        }
    }
    writer.finish().expect("finish the FST files");
}

/// A sink that drops every entry: what is left is decoding, merging and hashing.
struct Discard;

impl EntrySink for Discard {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        black_box((section, key, value));
        Ok(())
    }
}

/// The installed list as the base a delta applies to, as the updater builds it.
fn base(set: &ListSet) -> delta::Base<'_> {
    delta::Base {
        counts: set.counts(),
        open: Box::new(move |section| set.cursor(section)),
    }
}

// ---------------------------------------------------------------------------------------
// Timing

/// The runs of one manually timed step.
struct Timing(Vec<Duration>);

impl Timing {
    fn median(&self) -> Duration {
        let mut runs = self.0.clone();
        runs.sort_unstable();
        runs[runs.len() / 2]
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let min = self.0.iter().min().copied().unwrap_or_default();
        let max = self.0.iter().max().copied().unwrap_or_default();
        write!(
            f,
            "{} (min {}, max {}, {} runs)",
            secs(self.median()),
            secs(min),
            secs(max),
            self.0.len()
        )
    }
}

/// `0.412 s`, `12.3 ms`, `85 µs`.
fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = work();
    (out, started.elapsed())
}

/// Runs `run` `runs` times; each run reports `K` durations (interleaved variants).
fn repeat_n<const K: usize>(runs: usize, mut run: impl FnMut() -> [Duration; K]) -> [Timing; K] {
    let mut all: [Vec<Duration>; K] = std::array::from_fn(|_| Vec::with_capacity(runs));
    for _ in 0..runs {
        for (list, d) in all.iter_mut().zip(run()) {
            list.push(d);
        }
    }
    all.map(Timing)
}

/// Like [`repeat_n`], 3 runs, or 5 when the first one takes under [`QUICK`] in all.
fn repeat<const K: usize>(mut run: impl FnMut() -> [Duration; K]) -> [Timing; K] {
    let first = run();
    let runs = if first.iter().sum::<Duration>() < QUICK {
        QUICK_RUNS
    } else {
        SLOW_RUNS
    };
    let mut timings = repeat_n(runs - 1, run);
    for (timing, d) in timings.iter_mut().zip(first) {
        timing.0.insert(0, d);
    }
    timings
}

// ---------------------------------------------------------------------------------------
// 1–3: sizes and build times

/// The publisher's side: blobs, their sizes and how long they take to make.
struct Wire {
    count: usize,
    snapshot: Vec<u8>,
    old_summary: ContentSummary,
    new_snapshot: Vec<u8>,
    new_summary: ContentSummary,
    delta: Vec<u8>,
    changed: u64,
    fst_raw: usize,
    fst_zstd: usize,
    level19: Timing,
    level3: Timing,
    fst_build: Timing,
    /// Single runs, for context.
    level3_len: usize,
    fst_zstd_time: Duration,
    delta_time: Duration,
    new_snapshot_time: Duration,
}

impl Wire {
    fn measure(
        tag: &str,
        old: &[SortedEntries; 5],
        new: &[SortedEntries; 5],
        count: usize,
    ) -> Wire {
        eprintln!("{tag} encoding snapshots at level {PUBLISH_LEVEL} (the slow part)");
        let mut encoded = None;
        let [level19] = repeat(|| {
            let (out, d) = timed(|| snapshot::encode(old, PUBLISH_LEVEL).expect("encode"));
            encoded = Some(out);
            [d]
        });
        let (snapshot, old_summary) = encoded.expect("one run at least");
        let mut level3_len = 0;
        let [level3] = repeat(|| {
            let (out, d) = timed(|| snapshot::encode(old, FAST_LEVEL).expect("encode"));
            level3_len = out.0.len();
            [d]
        });
        let mut fst = Vec::new();
        let [fst_build] = repeat(|| {
            let (out, d) = timed(|| fst_bytes(old));
            fst = out;
            [d]
        });
        eprintln!("{tag} compressing the FST at level {PUBLISH_LEVEL} (one run)");
        let (fst_zstd, fst_zstd_time) =
            timed(|| zstd::encode_all(fst.as_slice(), PUBLISH_LEVEL).expect("zstd"));
        let ((delta, stats), delta_time) = timed(|| {
            delta::encode(FROM_SEQ, TO_SEQ, old, new, PUBLISH_LEVEL).expect("encode the delta")
        });
        let ((new_snapshot, new_summary), new_snapshot_time) =
            timed(|| snapshot::encode(new, PUBLISH_LEVEL).expect("encode"));
        Wire {
            count,
            snapshot,
            old_summary,
            new_snapshot,
            new_summary,
            delta,
            changed: stats.removed + stats.added,
            fst_raw: fst.len(),
            fst_zstd: fst_zstd.len(),
            level19,
            level3,
            fst_build,
            level3_len,
            fst_zstd_time,
            delta_time,
            new_snapshot_time,
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4: applying the delta on the phone

/// How long the phone takes to turn version 1 into version 2, and where the time goes.
struct ApplyTimes {
    /// `delta::apply` into a fresh `OverlayDirWriter` (the numbers as an overlay over the
    /// installed `numbers.fst`, what the updater does now), then `finish()`.
    overlay: Timing,
    /// `delta::apply` into a fresh `FstDirWriter`, then `finish()`.
    apply: Timing,
    apply_stream: Timing,
    apply_finish: Timing,
    /// The same into a sink that drops everything.
    apply_discard: Timing,
    /// `snapshot::decode` of the new snapshot into a fresh `FstDirWriter`, then `finish()`.
    rebuild: Timing,
    rebuild_stream: Timing,
    rebuild_finish: Timing,
    rebuild_discard: Timing,
    /// Streaming every old entry out of the mapped FSTs, nothing else.
    read_old: Timing,
    /// Hashing every new entry from memory, nothing else.
    digest: Timing,
}

impl ApplyTimes {
    fn measure(
        tag: &str,
        wire: &Wire,
        set: &ListSet,
        list_dir: &Path,
        new: &[SortedEntries; 5],
    ) -> ApplyTimes {
        verify_apply(wire, set);
        let base_file = list_dir.join(file_name(Section::Numbers));
        verify_overlay(wire, set, &base_file);
        eprintln!("{tag} timing delta apply and rebuild, interleaved");
        let [overlay, apply, apply_stream, apply_finish, apply_discard, rebuild, rebuild_stream, rebuild_finish, rebuild_discard, read_old, digest] =
            repeat(|| {
                let o = timed(|| to_overlay_dir(wire, set, &base_file)).1;
                let [a_stream, a_finish] = to_fresh_dir(|sink| apply_delta(wire, set, sink)).1;
                let a_discard = timed(|| apply_delta(wire, set, &mut Discard)).1;
                let [r_stream, r_finish] = to_fresh_dir(|sink| decode_snapshot(wire, sink)).1;
                let r_discard = timed(|| decode_snapshot(wire, &mut Discard)).1;
                [
                    o,
                    a_stream + a_finish,
                    a_stream,
                    a_finish,
                    a_discard,
                    r_stream + r_finish,
                    r_stream,
                    r_finish,
                    r_discard,
                    read_all(set),
                    digest_all(new),
                ]
            });
        ApplyTimes {
            overlay,
            apply,
            apply_stream,
            apply_finish,
            apply_discard,
            rebuild,
            rebuild_stream,
            rebuild_finish,
            rebuild_discard,
            read_old,
            digest,
        }
    }
}

fn apply_delta(wire: &Wire, set: &ListSet, sink: &mut dyn EntrySink) -> ContentSummary {
    let count = wire.new_summary.count;
    delta::apply(
        wire.delta.as_slice(),
        FROM_SEQ,
        TO_SEQ,
        base(set),
        count,
        sink,
    )
    .expect("apply the delta")
}

fn decode_snapshot(wire: &Wire, sink: &mut dyn EntrySink) -> ContentSummary {
    snapshot::decode(wire.new_snapshot.as_slice(), wire.new_summary.count, sink)
        .expect("decode the snapshot")
}

/// Streams into a new `FstDirWriter` in a fresh temporary directory, then `finish()`es
/// it; returns the directory (deleted on drop, outside the timing) and the two times.
fn to_fresh_dir(
    fill: impl FnOnce(&mut dyn EntrySink) -> ContentSummary,
) -> (TempDir, [Duration; 2]) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("list");
    let started = Instant::now();
    let mut writer = FstDirWriter::create(&out).expect("create the list directory");
    black_box(fill(&mut writer));
    let streamed = started.elapsed();
    let (result, finished) = timed(|| writer.finish());
    result.expect("finish the FST files");
    (dir, [streamed, finished])
}

/// Applies the delta as the updater now does: small sections whole, numbers as an
/// overlay over the installed `base_file`, `finish()` (fsync) included. Returns the
/// directory (deleted on drop, outside the timing) and the digest.
fn to_overlay_dir(wire: &Wire, set: &ListSet, base_file: &Path) -> (TempDir, ContentSummary) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("list");
    let mut writer = OverlayDirWriter::create(&out, set, base_file).expect("an overlay writer");
    let summary = apply_delta(wire, set, &mut writer);
    writer.finish().expect("finish the overlay");
    (dir, summary)
}

/// The overlay route gives version 2 exactly, before anything is timed.
fn verify_overlay(wire: &Wire, set: &ListSet, base_file: &Path) {
    let (dir, summary) = to_overlay_dir(wire, set, base_file);
    assert_eq!(
        summary, wire.new_summary,
        "version 2's digest, as an overlay"
    );
    let files = ListSet::open_dir(&dir.path().join("list"), LIST_NAME, TO_SEQ)
        .expect("open the overlaid list");
    assert!(files.has_overlay());
    assert_eq!(files.counts(), wire.new_summary.per_section);
}

/// Both routes give version 2 exactly, before anything is timed.
fn verify_apply(wire: &Wire, set: &ListSet) {
    let mut applied = None;
    let (dir, _) = to_fresh_dir(|sink| *applied.insert(apply_delta(wire, set, sink)));
    let decoded = decode_snapshot(wire, &mut Discard);
    assert_eq!(
        applied,
        Some(wire.new_summary),
        "version 2's digest, applied"
    );
    assert_eq!(decoded, wire.new_summary, "version 2's digest, decoded");
    let files = ListSet::open_dir(&dir.path().join("list"), LIST_NAME, TO_SEQ)
        .expect("open the applied list");
    assert_eq!(files.counts(), wire.new_summary.per_section);
}

fn read_all(set: &ListSet) -> Duration {
    timed(|| {
        for section in Section::ALL {
            let mut cursor = set.cursor(section);
            while let Some(entry) = cursor.next_entry() {
                black_box(entry);
            }
        }
    })
    .1
}

fn digest_all(entries: &[SortedEntries; 5]) -> Duration {
    timed(|| {
        let mut digest = ContentDigest::new();
        for (section, entries) in Section::ALL.into_iter().zip(entries) {
            for (key, value) in entries.iter() {
                digest.add(section, key, value);
            }
        }
        black_box(digest.finish())
    })
    .1
}

fn bench_apply(group: &mut BenchmarkGroup<'_, WallTime>, wire: &Wire, set: &ListSet) {
    group.bench_function("apply_delta_to_fst_dir", |b| {
        b.iter_batched(
            || (),
            |()| to_fresh_dir(|sink| apply_delta(wire, set, sink)).0,
            BatchSize::PerIteration,
        )
    });
    group.bench_function("rebuild_from_snapshot_to_fst_dir", |b| {
        b.iter_batched(
            || (),
            |()| to_fresh_dir(|sink| decode_snapshot(wire, sink)).0,
            BatchSize::PerIteration,
        )
    });
}

// ---------------------------------------------------------------------------------------
// 5: opening the engine

/// A data directory with version 1 installed and committed, as an update leaves it.
struct Installed {
    data_dir: TempDir,
    list_dir: PathBuf,
    count: u64,
}

impl Installed {
    fn create(entries: &[SortedEntries; 5], summary: &ContentSummary) -> Installed {
        let data_dir = tempfile::tempdir().expect("a temporary directory");
        let lists = data_dir.path().join(LISTS_DIR);
        std::fs::create_dir(&lists).expect("create lists/");
        let hex = summary.sha256_hex();
        let dir = format!("{LIST_NAME}-{FROM_SEQ}-{}", &hex[..12]);
        let list_dir = lists.join(&dir);
        write_fst_dir(&list_dir, entries);
        let installed = InstalledList {
            name: LIST_NAME.to_owned(),
            seq: FROM_SEQ,
            count: total(entries),
            sha256: hex,
            dir,
            manifest_version: 1,
            installed_at: 1_700_000_000,
            // Sealed as an install seals it, so opening checks the seal as on a phone.
            files: callguard_core::testing::DirSeal::read(&list_dir)
                .expect("seal the list files")
                .to_text(),
            lthash16: String::new(),
        };
        let mut store = Store::open(&data_dir.path().join(DATABASE_FILE)).expect("open the store");
        store
            .commit_update(&TrustRecord::default(), Some(&installed))
            .expect("commit the installed list");
        drop(store);
        Installed {
            data_dir,
            list_dir,
            count: installed.count,
        }
    }

    fn path(&self) -> &Path {
        self.data_dir.path()
    }

    fn list_set(&self) -> ListSet {
        ListSet::open_dir(&self.list_dir, LIST_NAME, FROM_SEQ).expect("open the installed list")
    }

    /// Checks that the engine opens with the whole list, and returns a number on both
    /// versions that it blocks (the first from the middle of `new` that libphonenumber
    /// accepts: some FTC numbers are in unassigned ranges).
    fn listed_probe(&self, new: &[u64]) -> u64 {
        let engine = open_engine(self.path());
        let counts = engine.lists().counts();
        assert_eq!(counts.iter().sum::<u64>(), self.count, "the engine's list");
        let lists = engine.lists();
        new[new.len() / 2..]
            .iter()
            .copied()
            .filter(|n| lists.number(&n.to_string()).is_some())
            .take(1000)
            .find(|n| {
                let call = CallInput::number(format!("+{n}"));
                engine
                    .check_call(&call)
                    .is_ok_and(|decision| decision.action == Action::Block)
            })
            .expect("a listed number that the engine blocks")
    }
}

fn open_engine(data_dir: &Path) -> Engine {
    let config = EngineConfig::new("CN".parse().expect("CN is a region"));
    Engine::open(data_dir, config).expect("open the engine")
}

fn open_and_check(data_dir: &Path, probe: &CallInput) -> Action {
    let engine = open_engine(data_dir);
    engine.check_call(probe).expect("check_call").action
}

/// The engine's way: map the files.
fn mmap_and_lookup(list_dir: &Path, key: &str) -> bool {
    let set = ListSet::open_dir(list_dir, LIST_NAME, FROM_SEQ).expect("open the list");
    set.number(key).is_some()
}

/// The alternative: read the numbers FST into memory.
fn read_and_lookup(list_dir: &Path, key: &str) -> bool {
    let path = list_dir.join(file_name(Section::Numbers));
    let bytes = std::fs::read(path).expect("read numbers.fst");
    let map = fst::Map::new(bytes).expect("a valid FST");
    map.get(key).is_some()
}

/// Opening the engine, and mapping against reading the FST.
struct OpenTimes {
    open_and_check: Timing,
    open: Timing,
    mmap: Timing,
    read: Timing,
}

impl OpenTimes {
    fn measure(tag: &str, installed: &Installed, probe: &CallInput, key: u64) -> OpenTimes {
        eprintln!("{tag} timing engine open, {OPEN_RUNS} runs per variant, interleaved");
        let key = key.to_string();
        let (data_dir, list_dir) = (installed.path(), installed.list_dir.as_path());
        let [open_and_check, open, mmap, read] = repeat_n(OPEN_RUNS, || {
            [
                timed(|| black_box(open_and_check(data_dir, probe))).1,
                timed(|| black_box(open_engine(data_dir))).1,
                timed(|| assert!(mmap_and_lookup(list_dir, &key))).1,
                timed(|| assert!(read_and_lookup(list_dir, &key))).1,
            ]
        });
        OpenTimes {
            open_and_check,
            open,
            mmap,
            read,
        }
    }
}

fn bench_open(
    group: &mut BenchmarkGroup<'_, WallTime>,
    installed: &Installed,
    probe: &CallInput,
    key: u64,
) {
    let key = key.to_string();
    let (data_dir, list_dir) = (installed.path(), installed.list_dir.as_path());
    group.bench_function("engine_open_first_check", |b| {
        b.iter(|| open_and_check(data_dir, probe))
    });
    group.bench_function("engine_open", |b| b.iter(|| open_engine(data_dir)));
    group.bench_function("listset_mmap_open_lookup", |b| {
        b.iter(|| mmap_and_lookup(list_dir, &key))
    });
    group.bench_function("fst_read_open_lookup", |b| {
        b.iter(|| read_and_lookup(list_dir, &key))
    });
}

// ---------------------------------------------------------------------------------------
// Summary

fn verdict(met: bool) -> &'static str {
    if met {
        "MET"
    } else {
        "MISSED"
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn summarise(tag: &str, data: &Dataset, wire: &Wire, apply: &ApplyTimes, open: &OpenTimes) {
    eprintln!(
        "\n{tag} ===== SUMMARY: {} numbers, 1% change = {} removed + {} added =====",
        wire.count, data.removed, data.added
    );
    eprintln!("{tag} (DESIGN.md sets the budget at 10M numbers; other verdicts are indicative)");
    summarise_sizes(tag, wire);
    summarise_build(tag, wire);
    summarise_apply(tag, apply);
    summarise_open(tag, open);
}

fn summarise_sizes(tag: &str, wire: &Wire) {
    let n = wire.count as f64;
    let per = |bytes: usize| bytes as f64 / n;
    let snap = per(wire.snapshot.len());
    eprintln!(
        "{tag} 1. snapshot zstd {PUBLISH_LEVEL}: {} B = {snap:.3} B/number (budget ≤ {BUDGET_SNAPSHOT_B}: {}); \
         at level {FAST_LEVEL}: {:.3} B/number",
        wire.snapshot.len(),
        verdict(snap <= BUDGET_SNAPSHOT_B),
        per(wire.level3_len),
    );
    eprintln!(
        "{tag}    FST raw: {} B = {:.3} B/number ({:.2}x the snapshot); FST zstd {PUBLISH_LEVEL}: {} B = {:.3} B/number ({:.2}x)",
        wire.fst_raw,
        per(wire.fst_raw),
        wire.fst_raw as f64 / wire.snapshot.len() as f64,
        wire.fst_zstd,
        per(wire.fst_zstd),
        wire.fst_zstd as f64 / wire.snapshot.len() as f64,
    );
    let delta = wire.delta.len() as f64 / wire.changed as f64;
    eprintln!(
        "{tag} 2. delta zstd {PUBLISH_LEVEL}: {} B for {} changed = {delta:.3} B/changed number (budget ≤ {BUDGET_DELTA_B}: {}); \
         new full snapshot {} B; delta/snapshot = {:.2}%",
        wire.delta.len(),
        wire.changed,
        verdict(delta <= BUDGET_DELTA_B),
        wire.new_snapshot.len(),
        100.0 * wire.delta.len() as f64 / wire.new_snapshot.len() as f64,
    );
}

fn summarise_build(tag: &str, wire: &Wire) {
    eprintln!(
        "{tag} 3. snapshot encode level {PUBLISH_LEVEL}: {}",
        wire.level19
    );
    eprintln!(
        "{tag}    snapshot encode level {FAST_LEVEL}: {}",
        wire.level3
    );
    eprintln!("{tag}    FST build in memory: {}", wire.fst_build);
    eprintln!(
        "{tag}    ratios: level {PUBLISH_LEVEL} / FST build = {:.2}x, level {FAST_LEVEL} / FST build = {:.2}x; \
         single runs: FST zstd {PUBLISH_LEVEL} {}, delta encode {}, new snapshot encode {}",
        ratio(wire.level19.median(), wire.fst_build.median()),
        ratio(wire.level3.median(), wire.fst_build.median()),
        secs(wire.fst_zstd_time),
        secs(wire.delta_time),
        secs(wire.new_snapshot_time),
    );
}

fn summarise_apply(tag: &str, t: &ApplyTimes) {
    let m = |timing: &Timing| timing.median();
    eprintln!(
        "{tag} 4. apply 1% delta → overlay dir + fsync (the updater now): {} (budget ≤ {}: {}); \
         rebuild / overlay = {:.2}x",
        t.overlay,
        secs(BUDGET_APPLY),
        verdict(m(&t.overlay) <= BUDGET_APPLY),
        ratio(m(&t.apply), m(&t.overlay))
    );
    eprintln!(
        "{tag}    apply 1% delta → FST dir + fsync (numbers FST rebuilt, before overlays): {}",
        t.apply,
    );
    eprintln!(
        "{tag}    rebuild from full snapshot → FST dir + fsync: {}; apply / rebuild = {:.2}x",
        t.rebuild,
        ratio(m(&t.apply), m(&t.rebuild))
    );
    let merge = m(&t.apply_discard).saturating_sub(m(&t.read_old) + m(&t.digest));
    let build = m(&t.apply_stream).saturating_sub(m(&t.apply_discard));
    let apply = m(&t.apply).as_secs_f64();
    let share = |d: Duration| 100.0 * d.as_secs_f64() / apply;
    eprintln!(
        "{tag}    apply breakdown (medians): read old FSTs {} ({:.0}%), digest {} ({:.0}%), \
         zstd decode + merge {} ({:.0}%), FST build + write {} ({:.0}%), finish/fsync {} ({:.0}%)",
        secs(m(&t.read_old)),
        share(m(&t.read_old)),
        secs(m(&t.digest)),
        share(m(&t.digest)),
        secs(merge),
        share(merge),
        secs(build),
        share(build),
        secs(m(&t.apply_finish)),
        share(m(&t.apply_finish)),
    );
    eprintln!(
        "{tag}    apply into a discarding sink {}; streaming part {}; rebuild: into a discarding sink {}, \
         streaming part {}, finish/fsync {}",
        secs(m(&t.apply_discard)),
        secs(m(&t.apply_stream)),
        secs(m(&t.rebuild_discard)),
        secs(m(&t.rebuild_stream)),
        secs(m(&t.rebuild_finish)),
    );
}

fn summarise_open(tag: &str, t: &OpenTimes) {
    eprintln!(
        "{tag} 5. Engine::open + first check_call: {} (budget ≤ {}: {})",
        t.open_and_check,
        secs(BUDGET_OPEN),
        verdict(t.open_and_check.median() <= BUDGET_OPEN)
    );
    eprintln!("{tag}    Engine::open alone: {}", t.open);
    eprintln!("{tag}    ListSet::open_dir (mmap) + lookup: {}", t.mmap);
    eprintln!(
        "{tag}    fs::read numbers.fst + Map::new + lookup: {}; read / mmap = {:.1}x",
        t.read,
        ratio(t.read.median(), t.mmap.median())
    );
}
