//! The full load run of the hardening issue: 8 threads each make 1M checks (calls and
//! SMS in turn) while a new list version installs every second, alternating two
//! contents that answer differently on known numbers; then the same threads and checks
//! without updates, for the throughput ratio. Every answer must be one version's whole
//! answer, never an error; a hang past the bound fails.
//!
//! ```text
//! cargo build --release -p signed-lists
//! cargo run --release -p callguard-e2e --example load [THREADS] [CHECKS_PER_THREAD] [UPDATE_MS]
//! ```
//!
//! (The publisher fixture runs the `signed-lists` binary of the same profile.)

use std::time::Duration;

use callguard_e2e::load::{run, Load, LoadResult, Sites};

fn main() {
    let arg = |i: usize, default: u64| -> u64 {
        std::env::args()
            .nth(i)
            .map(|a| a.parse().expect("a whole number"))
            .unwrap_or(default)
    };
    let threads = arg(1, 8) as usize;
    let checks = arg(2, 1_000_000);
    let every = Duration::from_millis(arg(3, 1_000));
    // Versions for an install every interval over two minutes; the updater stops at the
    // last (the run reports how many installed). Each version's files stay in memory
    // with all the earlier ones the site keeps, so not many more.
    let count = (120_000 / every.as_millis().max(1) as usize).clamp(8, 150) + 3;
    eprintln!("publishing {count} versions…");
    let sites = Sites::build(count);
    let load = |update_every| Load {
        threads,
        checks_per_thread: checks,
        update_every,
        bound: Duration::from_secs(3_600),
    };
    let run_in = |l: Load| {
        let phone = tempfile::tempdir().expect("tempdir");
        run(&sites, phone.path(), l)
    };
    let with = run_in(load(Some(every)));
    report("with updates", &with);
    let without = run_in(load(None));
    report("without updates", &without);
    println!(
        "throughput with updates / without: {:.3}",
        with.checks_per_sec() / without.checks_per_sec()
    );
    let bad = with.wrong + without.wrong;
    if bad > 0 || with.installs == 0 {
        eprintln!("FAILED: {bad} wrong answers, {} installs", with.installs);
        std::process::exit(1);
    }
}

fn report(what: &str, r: &LoadResult) {
    println!(
        "{what}: {} checks in {:.2} s = {:.0} checks/s; {} installs; answers from A {} / B {}; wrong {}",
        r.checks,
        r.elapsed.as_secs_f64(),
        r.checks_per_sec(),
        r.installs,
        r.from_a,
        r.from_b,
        r.wrong
    );
}
