//! The load run behind `tests/load.rs` (a short one, in every `./test.sh`) and
//! `examples/load.rs` (the full one, 8 threads × 1M checks, in release): threads check
//! calls and SMS on one engine while an update installs a new list version at a fixed
//! interval, alternating two contents whose answers differ on known numbers.
//!
//! Every answer is checked against the answer of the version it names: a decision that
//! says it used seq `s` must be exactly what content A (odd `s`) or B (even `s`) answers
//! for that input, so a check that mixed two versions, or failed, is counted as wrong.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use callguard_core::update::FileMap;
use callguard_core::{CallInput, Decision, Engine, EngineConfig, SmsInput};

use crate::{number, numbers, Publisher, T0};

/// Numbers `0..LISTED` are in content A, `LISTED/2..LISTED*3/2` in content B.
const LISTED: u64 = 5_000;

/// The inputs checked, in turn: calls and SMS from numbers in A only, in B only, in
/// both and in neither.
fn probes() -> Vec<Probe> {
    let senders = [
        number(10),              // A only
        number(LISTED + 10),     // B only
        number(LISTED / 2 + 10), // both
        number(LISTED * 3),      // neither
    ];
    let mut probes = Vec::new();
    for n in senders {
        probes.push(Probe::Call(CallInput::number(&n)));
        probes.push(Probe::Sms(SmsInput::new(&n, "see you at the station at 5")));
    }
    probes
}

enum Probe {
    Call(CallInput),
    Sms(SmsInput),
}

impl Probe {
    fn check(&self, engine: &Engine) -> callguard_core::Result<Decision> {
        match self {
            Probe::Call(input) => engine.check_call(input),
            Probe::Sms(input) => engine.check_sms(input),
        }
    }
}

/// One load run's shape.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub threads: usize,
    pub checks_per_thread: u64,
    /// How often a new version installs; `None` for the baseline without updates.
    pub update_every: Option<Duration>,
    /// The run fails (a deadlock, a hang) if it has not finished within this.
    pub bound: Duration,
}

/// What a run did.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    pub checks: u64,
    /// Answers that were an error or matched neither version's answer.
    pub wrong: u64,
    /// Answers from content A and from content B.
    pub from_a: u64,
    pub from_b: u64,
    /// Versions installed while the threads checked.
    pub installs: u64,
    pub elapsed: Duration,
}

impl LoadResult {
    pub fn checks_per_sec(&self) -> f64 {
        self.checks as f64 / self.elapsed.as_secs_f64()
    }
}

/// The publisher's sites, built once: `versions[i]` is seq `i + 1`, content A when
/// `i` is even, B when odd.
pub struct Sites {
    pub publisher: Publisher,
    pub root: Vec<u8>,
    pub versions: Vec<FileMap>,
}

impl Sites {
    /// Publishes `count` versions, alternating A and B.
    pub fn build(count: usize) -> Sites {
        let publisher = Publisher::new();
        publisher.set_official();
        let mut versions = Vec::with_capacity(count);
        for i in 0..count {
            let start = if i % 2 == 0 { 0 } else { LISTED / 2 };
            publisher.set_numbers(&numbers(start, LISTED));
            publisher.build(T0 + 10 * i as u64, &[]);
            versions.push(FileMap::from_dir(&publisher.site()).expect("the site"));
        }
        let root = std::fs::read(publisher.root()).expect("the root");
        Sites {
            publisher,
            root,
            versions,
        }
    }
}

/// The clock an update of `versions[i]` runs at.
fn clock(i: usize) -> u64 {
    T0 + 10 * i as u64 + 5
}

/// Runs `load` on a new phone in `dir`, which starts at seq 1 (content A).
pub fn run(sites: &Sites, dir: &std::path::Path, load: Load) -> LoadResult {
    let config =
        EngineConfig::new("CN".parse().expect("region")).with_pinned_root(sites.root.clone());
    let engine = Arc::new(Engine::open(dir, config).expect("open"));
    // The answers of both contents, from the engine itself at seq 1 and 2.
    let probes = Arc::new(probes());
    let mut expected = Vec::new();
    for (i, files) in sites.versions.iter().take(2).enumerate() {
        engine.update_with_clock(files, clock(i)).expect("install");
        expected.push(
            probes
                .iter()
                .map(|p| without_lists(p.check(&engine).expect("check")))
                .collect::<Vec<_>>(),
        );
    }
    assert_ne!(
        expected[0], expected[1],
        "the two contents answer differently"
    );
    // Back to content A for the start (seq 3).
    engine
        .update_with_clock(&sites.versions[2], clock(2))
        .expect("install");
    let expected = Arc::new(expected);

    let done = Arc::new(AtomicBool::new(false));
    let installs = Arc::new(AtomicU64::new(0));
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    for t in 0..load.threads {
        let (engine, probes, expected, tx) =
            (engine.clone(), probes.clone(), expected.clone(), tx.clone());
        let checks = load.checks_per_thread;
        std::thread::spawn(move || {
            let (mut wrong, mut from) = (0u64, [0u64; 2]);
            for i in 0..checks {
                let k = (i as usize + t) % probes.len();
                let Ok(decision) = probes[k].check(&engine) else {
                    wrong += 1;
                    continue;
                };
                let seq = decision.lists.get("default").copied().unwrap_or(0);
                let content = if seq % 2 == 1 { 0 } else { 1 };
                if seq == 0 || without_lists(decision) != expected[content][k] {
                    wrong += 1;
                } else {
                    from[content] += 1;
                }
            }
            let _ = tx.send((wrong, from));
        });
    }
    drop(tx);
    let updater = load.update_every.map(|every| {
        let (engine, done, installs) = (engine.clone(), done.clone(), installs.clone());
        let versions = sites.versions.clone();
        std::thread::spawn(move || {
            for (i, files) in versions.iter().enumerate().skip(3) {
                let next = Instant::now() + every;
                while Instant::now() < next {
                    if done.load(Ordering::SeqCst) {
                        return Ok(());
                    }
                    std::thread::sleep(Duration::from_millis(5).min(every));
                }
                engine.update_with_clock(files, clock(i))?;
                installs.fetch_add(1, Ordering::SeqCst);
            }
            Ok::<(), callguard_core::Error>(())
        })
    });
    let mut result = LoadResult {
        checks: load.threads as u64 * load.checks_per_thread,
        wrong: 0,
        from_a: 0,
        from_b: 0,
        installs: 0,
        elapsed: Duration::ZERO,
    };
    for _ in 0..load.threads {
        let left = load.bound.saturating_sub(started.elapsed());
        let (wrong, from) = rx.recv_timeout(left).unwrap_or_else(|_| {
            panic!(
                "the checking threads did not finish within {:?}: a deadlock or a hang",
                load.bound
            )
        });
        result.wrong += wrong;
        result.from_a += from[0];
        result.from_b += from[1];
    }
    result.elapsed = started.elapsed();
    done.store(true, Ordering::SeqCst);
    if let Some(updater) = updater {
        updater
            .join()
            .expect("the updater thread")
            .expect("every update installs");
    }
    result.installs = installs.load(Ordering::SeqCst);
    result
}

fn without_lists(mut decision: Decision) -> Decision {
    decision.lists.clear();
    decision
}
