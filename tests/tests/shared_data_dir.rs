//! Several processes on one data directory, as on iOS (the app and two extensions share
//! one App Group directory) and on Android (the update job beside the screening
//! service). Opening the engine cleans up what a crashed install left behind; it must
//! never take the files of an install in progress in another process.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use callguard_e2e::{now, number, numbers, Phone, Publisher, Server};

#[test]
fn updates_succeed_while_other_processes_keep_opening_the_same_directory() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 5_000));
    publisher.build(now(), &[]);
    let server = Server::start(&publisher.site());
    let phone = Arc::new(Phone::new());
    phone.update_ok(&server.url, &publisher.root());

    // Two loops of short-lived processes that open the engine and decide, all the time.
    let stop = Arc::new(AtomicBool::new(false));
    let opened = Arc::new(AtomicUsize::new(0));
    let checkers: Vec<_> = (0..2)
        .map(|_| {
            let (phone, stop, opened) = (phone.clone(), stop.clone(), opened.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let out = phone
                        .callguard()
                        .args(["check", "call", &number(1), "--json"])
                        .output()
                        .expect("run check");
                    assert!(
                        out.status.success(),
                        "a check beside an update failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    opened.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();

    for version in 2..=6u64 {
        // Each version drops the oldest 500 numbers and adds 500 new ones.
        publisher.set_numbers(&numbers(version * 500, 5_000));
        publisher.build(now() + version, &[]);
        let report = phone.update_ok(&server.url, &publisher.root());
        assert_eq!(report["seq"], version, "update {version}: {report}");
        assert!(
            !report["installed"].is_null(),
            "update {version} installed: {report}"
        );
        // The installed list is whole on disk: a fresh process reads it.
        let status = phone.status();
        assert_eq!(status["update"]["installed"]["seq"], version, "{status}");
        assert!(status["update"]["list_problem"].is_null(), "{status}");
        assert_eq!(status["list_entries"]["numbers"], 5_000, "{status}");
    }
    stop.store(true, Ordering::Relaxed);
    for checker in checkers {
        checker.join().expect("checker thread");
    }
    assert!(
        opened.load(Ordering::Relaxed) >= 4,
        "the checkers ran beside the updates"
    );
    // The newest list decides, and only its directory is left after the next open.
    let decision = phone.check(&number(6 * 500 + 4_999));
    assert_eq!(decision["action"], "block", "{decision}");
    let mut dirs: Vec<String> = std::fs::read_dir(phone.dir.path().join("lists"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    // One list directory, and the export base it keeps of the list it replaced.
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    assert_eq!(dirs[1], format!("{}.export-base", dirs[0]), "{dirs:?}");
}
