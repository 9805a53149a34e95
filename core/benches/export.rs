//! The iOS Call Directory export at phone scale: time and peak memory of a full load and
//! of the changes after a 1% delta, page by page as the extension asks for them, each next
//! to an alternative measured in the same run.
//!
//! DESIGN.md's budget: a full export of 10M numbers runs in constant memory, at most
//! 16 MB beyond the open engine. The extension asks for pages of 5,000 entries and drops
//! each page once CallKit has it. For each size in `CALLGUARD_BENCH_SIZES` (default
//! `1000000,10000000`) this program:
//!
//! 1. builds list v1 (distinct random Chinese mobiles, a mix of block and warn, several
//!    categories and confidences, seeded) and v2 (1% removed, 1% added) as FST files on
//!    disk, mapped as the phone maps them, each in an engine;
//! 2. **full export, uncapped** (the cap set above the list's size): every page, in order,
//!    against **collecting the same export into one `Vec`** (what a loader without pages
//!    would hold);
//! 3. **full export under the default cap** (2,000,000 entries, when the list is larger):
//!    the two counting passes of the priority choice plus every page;
//! 4. **the changes v1 → v2**, page by page, against the full export of v2 (what an
//!    extension without incremental loads would do).
//!
//! Memory is the peak of live heap bytes above what was live before the step, from a
//! counting global allocator: what the export itself allocates. The mapped list files are
//! clean file-backed pages that the kernel (and iOS) may drop at any time; the growth of
//! the process's peak resident size (`VmHWM`, reset before each step through
//! `/proc/self/clear_refs`) is printed too, and includes them. Times are medians of 3 runs
//! on a machine shared with other work: read the ratios.
//!
//! Run: `cargo bench -p callguard-core --features testing --bench export`
//! (quick: `CALLGUARD_BENCH_SIZES=100000 …`). Results: `docs/benchmarks.md`.

#[allow(dead_code)]
mod common;
use common::{label, list_sizes, vm_hwm_kb};

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use callguard_core::testing::{export_changes, FstDirWriter};
use callguard_core::{Action, Category, Engine, EngineConfig, EntryMeta, ListSet, Region};
use callguard_format::wire::{EntrySink, Section};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The extension's page size (ios/Shared/Mapping/DirectoryLoader.swift).
const PAGE: u32 = 5_000;
const RUNS: usize = 3;
const SEED: u64 = 0xCA11_0E59;
/// DESIGN.md: the export's memory beyond the open engine.
const BUDGET_BYTES: usize = 16 << 20;

fn main() {
    let home: Region = "CN".parse().expect("a region");
    for size in list_sizes() {
        let tag = format!("export/{}", label(size));
        let scratch = tempfile::tempdir().expect("a scratch directory");
        let (v1, v2) = numbers(size);
        let lists = Lists {
            v1: scratch.path().join("v1"),
            v2: scratch.path().join("v2"),
            home,
        };
        write_list(&lists.v1, &v1);
        write_list(&lists.v2, &v2);
        Report::measure(&lists, size).print(&tag, size);
    }
}

/// v1: `size` distinct random mobiles, ascending; v2: 1% of them removed and as many new.
fn numbers(size: usize) -> (Vec<u64>, Vec<u64>) {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut draw = |n: usize| -> Vec<u64> {
        (0..n)
            .map(|_| rng.random_range(8_613_000_000_000u64..8_620_000_000_000))
            .collect()
    };
    let mut v1 = draw(size + size / 50);
    v1.sort_unstable();
    v1.dedup();
    v1.truncate(size);
    let change = (size / 100).max(1);
    let mut v2: Vec<u64> = v1
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 100 != 7)
        .map(|(_, n)| *n)
        .collect();
    v2.extend(draw(change));
    v2.sort_unstable();
    v2.dedup();
    (v1, v2)
}

/// A mix of what a real list holds: mostly blocks, some warnings, several categories and
/// confidences, so that the cap has ranks to choose between.
fn meta_for(number: u64) -> u64 {
    let h = number.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let action = if h.is_multiple_of(5) {
        Action::Warn
    } else {
        Action::Block
    };
    let category = Category::ALL[(h as usize / 5) % Category::ALL.len()];
    let confidence = 40 + ((h / 70) % 61) as u8;
    EntryMeta::new(action, category, confidence).pack()
}

fn write_list(dir: &Path, numbers: &[u64]) {
    let mut writer = FstDirWriter::create(dir).expect("create the list directory");
    for n in numbers {
        writer
            .entry(Section::Numbers, n.to_string().as_bytes(), meta_for(*n))
            .expect("ascending keys of one length");
    }
    writer.finish().expect("write the FST files");
}

/// The two lists' directories.
struct Lists {
    v1: PathBuf,
    v2: PathBuf,
    home: Region,
}

impl Lists {
    fn open(dir: &Path, seq: u64) -> ListSet {
        ListSet::open_dir(dir, "bench", seq).expect("map the list")
    }

    /// A fresh engine (nothing cached) on list `seq` with the Call Directory cap `cap`.
    fn engine(&self, seq: u64, cap: u32) -> Engine {
        let dir = if seq == 1 { &self.v1 } else { &self.v2 };
        let engine = Engine::open_in_memory(EngineConfig::new(self.home)).expect("an engine");
        engine.replace_lists(Lists::open(dir, seq));
        engine
            .set_setting("call-directory-cap", &cap.to_string())
            .expect("the cap");
        engine
    }
}

/// One measured step: its median time, peak heap and peak-resident growth.
#[derive(Clone, Copy, Default)]
struct Step {
    time: Duration,
    heap: usize,
    rss: usize,
    entries: u64,
}

/// Runs `work` RUNS times; the memory figures are the largest seen.
fn step(mut work: impl FnMut() -> u64) -> Step {
    let mut times = Vec::new();
    let mut worst = Step::default();
    for _ in 0..RUNS {
        reset_hwm();
        let rss_before = vm_hwm_kb() as usize * 1024;
        let live_before = LIVE.load(Ordering::Relaxed);
        PEAK.store(live_before, Ordering::Relaxed);
        let started = Instant::now();
        let entries = work();
        times.push(started.elapsed());
        worst.heap = worst
            .heap
            .max(PEAK.load(Ordering::Relaxed).saturating_sub(live_before));
        worst.rss = worst
            .rss
            .max((vm_hwm_kb() as usize * 1024).saturating_sub(rss_before));
        worst.entries = entries;
    }
    times.sort_unstable();
    worst.time = times[times.len() / 2];
    worst
}

/// Every page of the full export, each dropped before the next, as the extension does.
fn paged_export(engine: &Engine) -> u64 {
    let mut after = None;
    let mut count = 0;
    loop {
        let page = engine.export_page(after, PAGE).expect("a page");
        count += page.entries.len() as u64;
        std::hint::black_box(&page.entries);
        match page.next_after {
            Some(n) => after = Some(n),
            None => return count,
        }
    }
}

/// The whole export held at once.
fn collected_export(engine: &Engine) -> u64 {
    let mut all = Vec::new();
    let mut after = None;
    loop {
        let page = engine.export_page(after, PAGE).expect("a page");
        all.extend(page.entries);
        match page.next_after {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    std::hint::black_box(&all);
    all.len() as u64
}

fn paged_changes(base: &ListSet, current: &ListSet, home: Region) -> u64 {
    let mut after = None;
    let mut count = 0;
    loop {
        let page = export_changes(base, current, home, after, PAGE).expect("a page of changes");
        count += page.changes.len() as u64;
        std::hint::black_box(&page.changes);
        match page.next_after {
            Some(n) => after = Some(n),
            None => return count,
        }
    }
}

struct Report {
    stream: Step,
    paged: Step,
    collected: Step,
    capped: Option<(u32, Step)>,
    changes: Step,
    full_v2: Step,
}

impl Report {
    fn measure(lists: &Lists, size: usize) -> Report {
        let uncapped = u32::try_from(size + 1).unwrap_or(u32::MAX).min(50_000_000);
        let engine = lists.engine(1, uncapped);
        let v1 = Lists::open(&lists.v1, 1);
        let stream = step(|| v1.numbers_ascending(None).count() as u64);
        let paged = step(|| paged_export(&engine));
        let collected = step(|| collected_export(&engine));
        let default_cap = callguard_core::Settings::defaults(lists.home).call_directory_cap;
        // A fresh engine for each run, so that the priority choice is made every time.
        let capped = (size > default_cap as usize).then(|| {
            (
                default_cap,
                step(|| paged_export(&lists.engine(1, default_cap))),
            )
        });
        let v2 = Lists::open(&lists.v2, 2);
        let changes = step(|| paged_changes(&v1, &v2, lists.home));
        let full = lists.engine(2, uncapped);
        let full_v2 = step(|| paged_export(&full));
        Report {
            stream,
            paged,
            collected,
            capped,
            changes,
            full_v2,
        }
    }

    fn print(&self, tag: &str, size: usize) {
        eprintln!(
            "\n{tag} SUMMARY ({} numbers; medians of {RUNS} on a shared machine)",
            size
        );
        let line = |what: &str, s: &Step| {
            eprintln!(
                "{tag}  {what:<40} {:>10.3} s  {:>9} entries  peak heap {:>8.2} MB  peak RSS +{:.1} MB",
                s.time.as_secs_f64(),
                s.entries,
                mb(s.heap),
                mb(s.rss)
            )
        };
        line("the list's numbers streamed in order", &self.stream);
        line("full export, pages of 5,000", &self.paged);
        line("full export collected into one Vec", &self.collected);
        eprintln!(
            "{tag}  paged/collected peak heap: {:.4}x; budget {} MB: {}",
            self.paged.heap as f64 / self.collected.heap.max(1) as f64,
            BUDGET_BYTES >> 20,
            if self.paged.heap <= BUDGET_BYTES {
                "met"
            } else {
                "NOT met"
            }
        );
        if let Some((cap, s)) = &self.capped {
            line(&format!("full export, capped at {cap}"), s);
            eprintln!(
                "{tag}  capped/uncapped time: {:.2}x (the choice reads the list twice more)",
                s.time.as_secs_f64() / self.paged.time.as_secs_f64()
            );
        }
        line("changes after a 1% delta, pages", &self.changes);
        line("full export of the new list instead", &self.full_v2);
        eprintln!(
            "{tag}  changes/full time: {:.2}x",
            self.changes.time.as_secs_f64() / self.full_v2.time.as_secs_f64()
        );
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// Resets the peak resident size to the current one (Linux 4.0+; ignored elsewhere).
fn reset_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
