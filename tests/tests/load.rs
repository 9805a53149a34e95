//! Load: 8 threads check calls and SMS on one engine while a new list version installs
//! every 100 ms, alternating two contents that answer differently on known numbers.
//! Every answer is exactly one version's answer, none is an error, nothing deadlocks.
//! This is the short run of every `./test.sh`; the full one (8 × 1M checks, an install
//! every second, throughput against no updates) is `examples/load.rs`, in release.

use std::time::Duration;

use callguard_e2e::load::{run, Load, Sites};

#[test]
fn checks_under_installs_every_100_ms_always_answer_as_one_whole_version() {
    let sites = Sites::build(12);
    let phone = tempfile::tempdir().unwrap();
    let result = run(
        &sites,
        phone.path(),
        Load {
            threads: 8,
            checks_per_thread: 20_000,
            update_every: Some(Duration::from_millis(100)),
            bound: Duration::from_secs(300),
        },
    );
    eprintln!("{result:?}, {:.0} checks/s", result.checks_per_sec());
    assert_eq!(result.wrong, 0, "{result:?}");
    assert_eq!(result.from_a + result.from_b, result.checks);
    assert!(
        result.installs >= 2,
        "versions changed under the checks: {result:?}"
    );
    assert!(
        result.from_a > 0 && result.from_b > 0,
        "both versions answered: {result:?}"
    );
}
