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
//! - `sms`: `Engine::open_read_only` + one `check_sms` (the Message Filter's path);
//! - `sms-rw`: `Engine::open` (recovery, migration and a lock, what the app does) + one
//!   `check_sms`, the alternative the read-only open replaced in the extensions.
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
const VARIANTS: [&str; 4] = ["empty", "call", "sms", "sms-rw"];
/// A fake-customer-service refund lure, as the extension would be handed one.
const SMS_TEXT: &str = "【客服】您购买的商品质量有问题，我们将为您办理双倍退款，请添加客服QQ并点击链接 http://tk-refund.example.top 办理";

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
    install_demo(scratch.path());
    let mut results: Vec<Vec<Sample>> = vec![Vec::new(); VARIANTS.len()];
    for _ in 0..RUNS {
        for (i, variant) in VARIANTS.iter().enumerate() {
            results[i].push(run_child(variant, scratch.path()));
        }
    }
    report(&results);
    parts(scratch.path());
}

/// The steps of the first SMS in a fresh process, one after another, each timed with
/// the peak resident size after it: where the cold start's time and memory go.
const PARTS: [&str; 7] = [
    "open read-only",
    "OpenCC t2s init (first Traditional text)",
    "link and number regexes (first scan)",
    "stream the SMS section",
    "compile the phrase rules",
    "read the model",
    "first check_sms (index built)",
];

fn parts_child(dir: &Path) {
    use callguard_core::sms::{PhraseMatcher, SmsModel};
    use callguard_core::testing::SmsIndex;
    use callguard_core::{ListSet, Section};
    use callguard_format::wire::SortedSource;
    use callguard_format::SmsKeyKind;
    let mut marks = Vec::new();
    let mut mark = |started: Instant| marks.push((started.elapsed(), vm_hwm_kb()));
    let t = Instant::now();
    let engine = Engine::open_read_only(dir, config()).expect("open read-only");
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
    let t = Instant::now();
    let list_dir = std::fs::read_dir(dir.join("lists"))
        .expect("the lists directory")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.to_string_lossy().contains("base"))
        .expect("an installed list");
    let lists = ListSet::open_dir(&list_dir, "demo", 1).expect("the installed list");
    let (mut rules, mut model) = (Vec::new(), Vec::new());
    let mut cursor = lists.cursor(Section::SmsRules);
    while let Some((key, value)) = cursor.next_entry() {
        match SmsKeyKind::of(key) {
            SmsKeyKind::Model => model.push((key.to_vec(), value)),
            _ => rules.push((key.to_vec(), value)),
        }
    }
    mark(t);
    let t = Instant::now();
    std::hint::black_box(PhraseMatcher::new(
        rules.iter().map(|(k, v)| (k.as_slice(), *v)),
    ));
    mark(t);
    let t = Instant::now();
    std::hint::black_box(SmsModel::from_entries(
        model.iter().map(|(k, v)| (k.as_slice(), *v)),
    ))
    .ok();
    mark(t);
    drop(std::hint::black_box(SmsIndex::build(&mut *lists.cursor(Section::SmsRules))));
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
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let numbers: Vec<u64> = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        runs.push(numbers[1..].chunks(2).map(|c| (c[0], c[1])).collect());
    }
    eprintln!("\ncold_start PARTS (one fresh process does each step in turn; medians of {RUNS})");
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
        "sms" | "sms-rw" => {
            let engine = if variant == "sms" {
                Engine::open_read_only(dir, config()).expect("open read-only")
            } else {
                Engine::open(dir, config()).expect("open")
            };
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

fn run_child(variant: &str, dir: &Path) -> Sample {
    let exe = std::env::current_exe().expect("this benchmark's path");
    let started = Instant::now();
    let output = Command::new(exe)
        .env(CHILD, variant)
        .env(DIR, dir)
        .output()
        .expect("start the child");
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
    eprintln!(
        "\ncold_start SUMMARY (demo list; medians of {RUNS} fresh processes each, interleaved, on a shared machine)"
    );
    for (i, variant) in VARIANTS.iter().enumerate() {
        eprintln!(
            "cold_start  {variant:<7} wall {:>7.2} ms (+{:>6.2} ms over empty)  open+decide {:>7.2} ms  peak RSS {:>6.1} MB (+{:>5.1} MB over empty)",
            ms(wall(i)),
            ms(wall(i).saturating_sub(wall(0))),
            ms(inside(i)),
            hwm(i) as f64 / 1024.0,
            hwm(i).saturating_sub(hwm(0)) as f64 / 1024.0,
        );
    }
    let (call, sms, rw) = (1, 2, 3);
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
    eprintln!(
        "cold_start  read-only/read-write open+decide for one SMS: {:.2}x",
        inside(sms).as_secs_f64() / inside(rw).as_secs_f64()
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
