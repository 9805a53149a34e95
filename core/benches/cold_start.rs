//! Cold starts of the app extensions' path: a fresh process opens the engine read-only on
//! an installed list and decides one item, as the iOS Message Filter extension does for a
//! single message and Android's SMS receiver or screening service does in a cold process.
//!
//! DESIGN.md and the performance issue's targets: one call ≤ 10 ms, one SMS ≤ 20 ms and
//! ≤ 12 MB peak resident beyond an empty process. This program installs the signed demo
//! list (`signed-lists/demo/site`) in a scratch data directory, then starts itself again
//! as a child, 15 times per variant, interleaved:
//!
//! - `empty`: the same binary, doing nothing: the baseline for time and memory;
//! - `call`: `Engine::open_read_only` + one `check_call`;
//! - `sms`: `Engine::open_read_only` + one `check_sms` (the Message Filter's path), which
//!   reads the SMS index file the install wrote beside the list;
//! - `sms-trad`: the same with the message in Traditional Chinese (OpenCC's `t2s` loads);
//! - `sms-rw`: `Engine::open` (recovery, migration and a lock, what the app does) + one
//!   `check_sms`, the alternative the read-only open replaced in the extensions;
//! - `sms-compiled`: `sms` on a copy of the data directory without the index file, so the
//!   SMS section is compiled in memory (what a damaged or missing file costs);
//! - `sms-before`: with `CALLGUARD_COLD_START_BEFORE` naming an earlier build of this
//!   benchmark, that build's `sms` child on the same data directory: the path before the
//!   index file (an Aho-Corasick automaton compiled at the first SMS), in the same run;
//! - `big-sms` and `big-compiled`: `sms` and `sms-compiled` with a list of 100k phrase
//!   rules, 1M domains and a 2^18-bucket model (`common::big_sms`), mapped from a
//!   directory and put in use with `Engine::replace_lists`.
//!
//! It reports the median wall time of the whole child (spawn to exit), the median time
//! inside the child from before the open to after the decision, and the median peak
//! resident size (`VmHWM`, which includes the mapped list pages the decision touched),
//! each also beyond the empty child. The machine is shared: read the ratios.
//!
//! Run: `cargo bench -p callguard-core --bench cold_start`. Results: `docs/benchmarks.md`.

#[allow(dead_code)]
mod common;
use common::vm_hwm_kb;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use callguard_core::update::FileMap;
use callguard_core::{CallInput, Engine, EngineConfig, SmsInput};

const RUNS: usize = 15;
const CHILD: &str = "CALLGUARD_COLD_START_CHILD";
const DIR: &str = "CALLGUARD_COLD_START_DIR";
const BIG_DIR: &str = "CALLGUARD_COLD_START_BIG_DIR";
const BEFORE: &str = "CALLGUARD_COLD_START_BEFORE";
const VARIANTS: [&str; 9] = [
    "empty",
    "call",
    "sms",
    "sms-trad",
    "sms-rw",
    "sms-compiled",
    "sms-before",
    "big-sms",
    "big-compiled",
];
/// A fake-customer-service refund lure, as the extension would be handed one.
const SMS_TEXT: &str = "【客服】您购买的商品质量有问题，我们将为您办理双倍退款，请添加客服QQ并点击链接 http://tk-refund.example.top 办理";
/// The same lure in Traditional Chinese.
const SMS_TRADITIONAL: &str = "【客服】您購買的商品質量有問題，我們將為您辦理雙倍退款，請添加客服QQ並點擊鏈接 http://tk-refund.example.top 辦理";

fn main() {
    if let Ok(variant) = std::env::var(CHILD) {
        let dir = PathBuf::from(std::env::var(DIR).expect("the data directory"));
        if variant == "parts" {
            parts_child(&dir);
        } else {
            child(&variant, &dir);
        }
        return;
    }
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let (with_file, without_file) = (scratch.path().join("demo"), scratch.path().join("bare"));
    install_demo(&with_file);
    copy_without_index(&with_file, &without_file);
    let (big, big_bare) = (scratch.path().join("big"), scratch.path().join("big-bare"));
    install_big(&big);
    copy_without_index(&big, &big_bare);
    let before = std::env::var_os(BEFORE).map(PathBuf::from);
    let mut results: Vec<Vec<Sample>> = vec![Vec::new(); VARIANTS.len()];
    for _ in 0..RUNS {
        for (i, variant) in VARIANTS.iter().enumerate() {
            let sample = match *variant {
                "sms-compiled" => run_child(None, "sms", &without_file, None),
                "sms-before" => match &before {
                    Some(exe) => run_child(Some(exe), "sms", &with_file, None),
                    None => continue,
                },
                "big-sms" => run_child(None, variant, &with_file, Some(&big)),
                "big-compiled" => run_child(None, "big-sms", &with_file, Some(&big_bare)),
                _ => run_child(None, variant, &with_file, None),
            };
            results[i].push(sample);
        }
    }
    report(&results);
    parts(&with_file);
}

/// Copies a data directory (the database and the list files) without the SMS index
/// files, so that an engine on the copy compiles the SMS section in memory.
fn copy_without_index(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory");
    for entry in std::fs::read_dir(from).expect("a directory").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_without_index(&path, &target);
        } else if entry.file_name() != callguard_core::sms::index_file::INDEX_FILE {
            std::fs::copy(&path, &target).expect("a copy");
        }
    }
}

/// Writes the large SMS list into `dir` as an install does: its FST files, then its SMS
/// index file.
fn install_big(dir: &Path) {
    use callguard_core::testing::FstDirWriter;
    let lists = common::big_sms::big_sms_list();
    let mut writer = FstDirWriter::create(dir).expect("a list directory");
    lists.write_into(&mut writer).expect("the list streams");
    writer.finish().expect("the files");
    callguard_core::sms::index_file::write_into_new_dir(
        dir,
        &callguard_core::testing::file_name(callguard_core::Section::SmsRules),
        None,
    )
    .expect("the index file");
}

/// The steps of the first SMS in a fresh process, one after another, each timed with
/// the peak resident size after it: where the cold start's time and memory go.
const PARTS: [&str; 8] = [
    "region (libphonenumber's metadata init)",
    "open read-only",
    "OpenCC t2s init (first Traditional text)",
    "link and number regexes (first scan)",
    "read the SMS index file",
    "compile the SMS section in memory instead",
    "the Aho-Corasick phrase compile of before",
    "first check_sms (index in use)",
];

fn parts_child(dir: &Path) {
    use callguard_core::sms::phrases_ac::AhoCorasickMatcher;
    use callguard_core::testing::SmsIndex;
    use callguard_core::{ListSet, Section};
    let mut marks = Vec::new();
    let mut mark = |started: Instant| marks.push((started.elapsed(), vm_hwm_kb()));
    let t = Instant::now();
    let config = config();
    mark(t);
    let t = Instant::now();
    let engine = Engine::open_read_only(dir, config).expect("open read-only");
    mark(t);
    let t = Instant::now();
    std::hint::black_box(callguard_core::sms::normalize("請轉入安全賬戶"));
    mark(t);
    let t = Instant::now();
    std::hint::black_box(callguard_core::sms::model_input(
        SMS_TEXT,
        "CN".parse().expect("a region"),
    ));
    mark(t);
    let list_dir = std::fs::read_dir(dir.join("lists"))
        .expect("the lists directory")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.to_string_lossy().contains("base"))
        .expect("an installed list");
    let t = Instant::now();
    let lists = ListSet::open_dir(&list_dir, "demo", 1).expect("the installed list");
    let (index, from_file) = callguard_core::testing::sms_index_for(&lists);
    assert!(from_file.is_ok(), "the index file reads: {from_file:?}");
    std::hint::black_box(index);
    mark(t);
    let t = Instant::now();
    let bare = ListSet::open_dir(&list_dir, "demo", 1).expect("the installed list");
    let compiled = SmsIndex::build(&mut *bare.cursor(Section::SmsRules));
    std::hint::black_box(compiled);
    mark(t);
    let t = Instant::now();
    let rules = common::demo_sources::section_entries(&bare, Section::SmsRules);
    std::hint::black_box(AhoCorasickMatcher::new(
        rules.iter().map(|(k, v)| (k.as_slice(), *v)),
    ));
    mark(t);
    let t = Instant::now();
    let sms = SmsInput::new("+8613800138000", SMS_TEXT);
    std::hint::black_box(engine.check_sms(&sms).expect("a decision"));
    mark(t);
    let text: Vec<String> = marks
        .iter()
        .map(|(d, kb)| format!("{} {kb}", d.as_nanos()))
        .collect();
    println!("{} {}", vm_hwm_kb(), text.join(" "));
}

fn parts(dir: &Path) {
    let exe = std::env::current_exe().expect("this benchmark's path");
    let mut runs: Vec<Vec<(u64, u64)>> = Vec::new();
    for _ in 0..RUNS {
        let output = Command::new(&exe)
            .env(CHILD, "parts")
            .env(DIR, dir)
            .output()
            .expect("start the child");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let numbers: Vec<u64> = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        runs.push(numbers[1..].chunks(2).map(|c| (c[0], c[1])).collect());
    }
    eprintln!("\ncold_start PARTS (one fresh process does each step in turn; medians of {RUNS}; the last check_sms is on the engine's own index, from the file)");
    for (i, part) in PARTS.iter().enumerate() {
        let time = median(runs.iter().map(|r| r[i].0).collect());
        let hwm = median(runs.iter().map(|r| r[i].1).collect());
        eprintln!(
            "cold_start  part {part:<42} {:>7.2} ms  peak RSS after {:>6.1} MB",
            time as f64 / 1e6,
            hwm as f64 / 1024.0
        );
    }
}

fn demo_site() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../signed-lists/demo/site")
}

fn config() -> EngineConfig {
    let root = std::fs::read(demo_site().join("root.json")).expect("the demo root");
    EngineConfig::new("CN".parse().expect("a region")).with_pinned_root(root)
}

/// Installs the demo list the way the app does at its first start.
fn install_demo(dir: &Path) {
    let engine = Engine::open(dir, config()).expect("open the engine");
    let files = FileMap::from_dir(&demo_site()).expect("the demo site");
    engine
        .install_bundled(&files)
        .expect("install the demo list")
        .expect("a first install");
}

/// What one child measured of itself, and its wall time as seen from outside.
#[derive(Clone, Copy)]
struct Sample {
    wall: Duration,
    inside: Duration,
    hwm_kb: u64,
}

fn child(variant: &str, dir: &Path) {
    let started = Instant::now();
    let decided = match variant {
        "empty" => None,
        "call" => {
            let engine = Engine::open_read_only(dir, config()).expect("open read-only");
            Some(
                engine
                    .check_call(&CallInput::number("+852 12110"))
                    .expect("a decision")
                    .action,
            )
        }
        "sms" | "sms-rw" | "sms-trad" => {
            let engine = if variant == "sms-rw" {
                Engine::open(dir, config()).expect("open")
            } else {
                Engine::open_read_only(dir, config()).expect("open read-only")
            };
            let text = if variant == "sms-trad" {
                SMS_TRADITIONAL
            } else {
                SMS_TEXT
            };
            let sms = SmsInput::new("+8613800138000", text);
            Some(engine.check_sms(&sms).expect("a decision").action)
        }
        "big-sms" => {
            let big = PathBuf::from(std::env::var(BIG_DIR).expect("the large list"));
            let engine = Engine::open_read_only(dir, config()).expect("open read-only");
            let lists = callguard_core::ListSet::open_dir(&big, "bench", 1).expect("it maps");
            engine.replace_lists(lists);
            let sms = SmsInput::new("+8613800138000", SMS_TEXT);
            Some(engine.check_sms(&sms).expect("a decision").action)
        }
        other => panic!("unknown variant {other}"),
    };
    let inside = started.elapsed();
    println!(
        "{} {} {:?}",
        inside.as_nanos(),
        vm_hwm_kb(),
        decided.map(|a| a.to_string())
    );
}

/// Runs one child of `exe` (this benchmark when `None`) on the data directory `dir`
/// (and the large list in `big`), and reads what it measured.
fn run_child(exe: Option<&Path>, variant: &str, dir: &Path, big: Option<&Path>) -> Sample {
    let exe = exe.map_or_else(
        || std::env::current_exe().expect("this benchmark's path"),
        Path::to_path_buf,
    );
    let started = Instant::now();
    let mut command = Command::new(exe);
    command.env(CHILD, variant).env(DIR, dir);
    if let Some(big) = big {
        command.env(BIG_DIR, big);
    }
    let output = command.output().expect("start the child");
    let wall = started.elapsed();
    assert!(
        output.status.success(),
        "{variant}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let mut fields = text.split_whitespace();
    let inside = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("the time");
    let hwm_kb = fields
        .next()
        .and_then(|f| f.parse().ok())
        .expect("the peak");
    if variant.starts_with("sms") || variant == "call" {
        // The demo list's answers: the spoofed police number is blocked, the refund lure
        // is warned or blocked. A cold start that decided otherwise measured nothing.
        assert!(
            !text.contains("Some(\"allow\")"),
            "{variant} decided allow: {text}"
        );
    }
    Sample {
        wall,
        inside: Duration::from_nanos(inside),
        hwm_kb,
    }
}

fn median<T: Ord + Copy>(mut values: Vec<T>) -> T {
    values.sort_unstable();
    values[values.len() / 2]
}

fn report(results: &[Vec<Sample>]) {
    let wall = |i: usize| median(results[i].iter().map(|s| s.wall).collect());
    let inside = |i: usize| median(results[i].iter().map(|s| s.inside).collect());
    let hwm = |i: usize| median(results[i].iter().map(|s| s.hwm_kb).collect());
    let at = |name: &str| VARIANTS.iter().position(|v| *v == name).unwrap_or(0);
    eprintln!(
        "\ncold_start SUMMARY (demo list unless big-; medians of {RUNS} fresh processes each, interleaved, on a shared machine)"
    );
    for (i, variant) in VARIANTS.iter().enumerate() {
        if results[i].is_empty() {
            eprintln!("cold_start  {variant:<12} not run (set {BEFORE} to an earlier build)");
            continue;
        }
        eprintln!(
            "cold_start  {variant:<12} wall {:>7.2} ms (+{:>6.2} ms over empty)  open+decide {:>7.2} ms  peak RSS {:>6.1} MB (+{:>5.1} MB over empty)",
            ms(wall(i)),
            ms(wall(i).saturating_sub(wall(0))),
            ms(inside(i)),
            hwm(i) as f64 / 1024.0,
            hwm(i).saturating_sub(hwm(0)) as f64 / 1024.0,
        );
    }
    let (call, sms) = (at("call"), at("sms"));
    eprintln!(
        "cold_start  call open+decide {:.2} ms: target 10 ms {}",
        ms(inside(call)),
        verdict(inside(call) <= Duration::from_millis(10))
    );
    eprintln!(
        "cold_start  sms open+decide {:.2} ms, +{:.1} MB: targets 20 ms {}, 12 MB {}",
        ms(inside(sms)),
        hwm(sms).saturating_sub(hwm(0)) as f64 / 1024.0,
        verdict(inside(sms) <= Duration::from_millis(20)),
        verdict(hwm(sms).saturating_sub(hwm(0)) <= 12 * 1024)
    );
    for (alternative, name) in [
        ("sms-rw", "read-write open"),
        ("sms-compiled", "compiled in memory"),
        ("sms-before", "the earlier build"),
    ] {
        let i = at(alternative);
        if !results[i].is_empty() {
            eprintln!(
                "cold_start  sms with the index file / {name}: wall {:.2}x, open+decide {:.2}x",
                wall(sms).as_secs_f64() / wall(i).as_secs_f64(),
                inside(sms).as_secs_f64() / inside(i).as_secs_f64()
            );
        }
    }
    let (big, bare) = (at("big-sms"), at("big-compiled"));
    eprintln!(
        "cold_start  100k rules + 1M domains: index file / compiled in memory: open+decide {:.2}x",
        inside(big).as_secs_f64() / inside(bare).as_secs_f64()
    );
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
