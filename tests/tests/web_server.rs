//! A real web server and a hostile network. Publishers serve their site from a web
//! server or a CDN, not `signed-lists serve`: here Debian's nginx serves it on loopback
//! with its usual caching headers, and the engine's own HTTP client updates from it, by
//! snapshot and then by delta. Then a proxy between the two misbehaves: it stalls, drips
//! one byte a second, cuts the connection mid-file, sends more bytes than the signed
//! length or a wrong `Content-Length`, answers 200 with an HTML page, redirects to
//! another port or in a loop. Each is refused within a stated bound, the last good list
//! stays in use, and the next update through a sound network installs.

use std::time::{Duration, Instant};

use callguard_core::update::{FetchError, HttpFetcher, HttpLimits, UpdateError, Via};
use callguard_core::{Action, CallInput, Engine, EngineConfig, Error};
use callguard_e2e::nginx::Nginx;
use callguard_e2e::proxy::{get, Fault, Proxy};
use callguard_e2e::{number, numbers, Publisher, T0};

/// Tight limits, so that every fault is given up on within seconds: no read waits more
/// than 1 s, and a download of `n` signed bytes gets 1 s + n / 16 KiB/s.
fn limits() -> HttpLimits {
    HttpLimits {
        connect: Duration::from_secs(2),
        stall: Duration::from_secs(1),
        base: Duration::from_secs(1),
        min_rate: 16 * 1024,
        update: Duration::from_secs(20),
    }
}

/// Every fault is given up on within this (the limits above, and slack for a shared
/// machine).
const BOUND: Duration = Duration::from_secs(10);

fn update(
    engine: &Engine,
    url: &str,
    now: u64,
) -> Result<callguard_core::update::UpdateReport, Error> {
    engine.update_with_clock(&HttpFetcher::with_limits(url, limits()).unwrap(), now)
}

/// The versions: v1 lists numbers 0..2,000, v2 100..2,100, v3 200..2,200.
fn publish(publisher: &Publisher, version: u64) {
    publisher.set_numbers(&numbers(100 * (version - 1), 2_000));
    publisher.build(T0 + 100 * version, &[]);
}

/// `engine` decides on v2 (numbers 100..2,100), and its last update attempt failed.
fn assert_v2_in_use(engine: &Engine, what: &str) {
    let on_v2 = engine.check_call(&CallInput::number(number(150))).unwrap();
    assert_eq!(on_v2.action, Action::Block, "{what}");
    assert_eq!(on_v2.lists.get("default"), Some(&2), "{what}");
    let on_v3_only = engine
        .check_call(&CallInput::number(number(2_150)))
        .unwrap();
    assert_eq!(on_v3_only.action, Action::Allow, "{what}");
    let attempt = engine.status().unwrap().update.last_attempt.unwrap();
    assert!(!attempt.ok, "{what}: the failure is recorded: {attempt:?}");
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn nginx_serves_the_site_with_caching_headers_and_the_client_updates_by_snapshot_then_delta() {
    let publisher = Publisher::new();
    publisher.set_official();
    publish(&publisher, 1);
    let nginx = Nginx::start(&publisher.site());

    // What nginx answers: validators and cache lifetimes, 304 to a conditional GET,
    // gzip when asked.
    let (code, headers, body) = get(nginx.addr, "timestamp.json", &[]);
    assert_eq!(code, 200);
    assert_eq!(
        body,
        std::fs::read(publisher.site().join("timestamp.json")).unwrap()
    );
    let etag = header(&headers, "etag").expect("an ETag").to_owned();
    assert!(header(&headers, "last-modified").is_some(), "{headers:?}");
    assert_eq!(header(&headers, "cache-control"), Some("no-cache"));
    assert_eq!(
        header(&headers, "content-encoding"),
        None,
        "identity unless asked"
    );
    let (code, _, _) = get(nginx.addr, "timestamp.json", &[("If-None-Match", &etag)]);
    assert_eq!(code, 304);
    let (_, gzipped, _) = get(nginx.addr, "timestamp.json", &[("Accept-Encoding", "gzip")]);
    assert_eq!(header(&gzipped, "content-encoding"), Some("gzip"));
    let blob = publisher.manifest().1.lists["default"]
        .snapshot
        .path
        .clone();
    let (code, headers, _) = get(nginx.addr, &blob, &[]);
    assert_eq!(code, 200);
    assert_eq!(
        header(&headers, "cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    let phone = tempfile::tempdir().unwrap();
    let engine = Engine::open(phone.path(), config(&publisher)).unwrap();
    let report = update(&engine, &nginx.url, T0 + 150).unwrap();
    assert_eq!((report.seq, report.installed), (1, Some(Via::Snapshot)));
    publish(&publisher, 2);
    let report = update(&engine, &nginx.url, T0 + 250).unwrap();
    assert_eq!(
        (report.seq, report.installed),
        (2, Some(Via::Delta { from: 1 }))
    );
    assert_eq!(
        engine
            .check_call(&CallInput::number(number(2_050)))
            .unwrap()
            .action,
        Action::Block
    );
    assert_eq!(
        engine
            .check_call(&CallInput::number(number(50)))
            .unwrap()
            .action,
        Action::Allow
    );
    // Nothing new: only the small metadata files are fetched.
    let report = update(&engine, &nginx.url, T0 + 260).unwrap();
    assert_eq!(report.installed, None);
    let log = nginx.access_log();
    assert!(log.lines().count() >= 10, "{log}");
    assert!(
        log.lines()
            .all(|l| l.contains("\" 200 ") || l.contains("\" 404 ") || l.contains("\" 304 ")),
        "{log}"
    );
}

fn config(publisher: &Publisher) -> EngineConfig {
    EngineConfig::new("CN".parse().unwrap())
        .with_pinned_root(std::fs::read(publisher.root()).unwrap())
}

/// One hostile-network case: which path the proxy damages, how, and what the update
/// must fail with.
struct Case {
    what: &'static str,
    path: fn(&str) -> bool,
    fault: Fault,
    expected: fn(&FetchError, &str) -> bool,
}

fn is_delta(path: &str) -> bool {
    path.ends_with(".delta")
}

/// The delta and the snapshot: damaging only the delta is retried with the snapshot.
fn is_blob(path: &str) -> bool {
    path.starts_with("blobs/")
}

fn is_timestamp(path: &str) -> bool {
    path == "timestamp.json"
}

#[test]
fn a_hostile_network_between_nginx_and_the_client_is_refused_in_time_and_v2_stays() {
    let publisher = Publisher::new();
    publisher.set_official();
    publish(&publisher, 1);
    let nginx = Nginx::start(&publisher.site());
    let phone = tempfile::tempdir().unwrap();
    let engine = Engine::open(phone.path(), config(&publisher)).unwrap();
    update(&engine, &nginx.url, T0 + 150).unwrap();
    publish(&publisher, 2);
    update(&engine, &nginx.url, T0 + 250).unwrap();
    publish(&publisher, 3);
    let now = T0 + 350;

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let cases = vec![
        Case {
            what: "stalls",
            path: is_timestamp,
            fault: Fault::Stall,
            expected: |e, _| {
                *e == FetchError::TimedOut {
                    secs: 1,
                    why: "the server sent nothing for that long",
                }
            },
        },
        Case {
            what: "one byte a second",
            path: is_blob,
            fault: Fault::Drip {
                every: Duration::from_secs(1),
            },
            expected: |e, _| {
                *e == FetchError::TimedOut {
                    secs: 1,
                    why: "the download was too slow for its length",
                }
            },
        },
        Case {
            what: "cut mid-file",
            path: is_blob,
            fault: Fault::CutMidFile,
            expected: |e, _| matches!(e, FetchError::Failed(m) if m.starts_with("reading the response failed")),
        },
        Case {
            what: "more bytes than the signed length",
            path: is_blob,
            fault: Fault::ExtraBytes { extra: 4096 },
            expected: |e, _| matches!(e, FetchError::TooLarge(_)),
        },
        Case {
            what: "a Content-Length too long",
            path: is_blob,
            fault: Fault::WrongLength { by: 100 },
            expected: |e, _| matches!(e, FetchError::TooLarge(_)),
        },
        Case {
            what: "a Content-Length too short",
            path: is_blob,
            fault: Fault::WrongLength { by: -20 },
            expected: |_, _| false, // refused by the signed hash, not the fetch (below)
        },
        Case {
            what: "200 with an HTML page for the timestamp",
            path: is_timestamp,
            fault: Fault::HtmlPage,
            expected: |_, _| false, // refused by the trust checks, not the fetch (below)
        },
        Case {
            what: "a redirect to a closed port",
            path: is_blob,
            fault: Fault::Redirect {
                location: String::new(),
            },
            expected: |e, _| matches!(e, FetchError::Failed(m) if m.starts_with("could not connect")),
        },
        Case {
            what: "a redirect loop",
            path: is_timestamp,
            fault: Fault::Redirect {
                location: "/timestamp.json".into(),
            },
            expected: |e, _| *e == FetchError::Failed("too many redirects".into()),
        },
    ];
    for case in cases {
        let what = case.what;
        let fault = match case.fault {
            Fault::Redirect { location } if location.is_empty() => Fault::Redirect {
                location: format!("{nowhere}blobs/elsewhere"),
            },
            other => other,
        };
        let path = case.path;
        let proxy = Proxy::start(nginx.addr, move |p| {
            if path(p) {
                fault.clone()
            } else {
                Fault::Pass
            }
        });
        let started = Instant::now();
        let result = update(&engine, &proxy.url, now);
        let took = started.elapsed();
        assert!(took < BOUND, "{what}: gave up after {took:?}");
        eprintln!("{what}: {took:?} {result:?}");
        match &result {
            Err(Error::Update(UpdateError::Fetch { path: p, error })) => {
                assert!((case.path)(p), "{what}: {p}");
                assert!((case.expected)(error, p), "{what}: {error:?}");
            }
            Err(Error::Update(UpdateError::Trust(_))) if what.contains("HTML") => {}
            Err(Error::Update(UpdateError::Trust(e))) if what.contains("too short") => {
                assert!(e.to_string().contains("hash"), "{what}: {e}")
            }
            other => panic!("{what}: expected a refusal, got {other:?}"),
        }
        assert_v2_in_use(&engine, what);
        let message = engine
            .status()
            .unwrap()
            .update
            .last_attempt
            .unwrap()
            .message;
        assert!(
            !message.contains("127.0.0.1") && !message.contains("http"),
            "{what}: {message}"
        );
    }

    // A delta cut mid-file is retried as the snapshot, which installs.
    let proxy = Proxy::start(nginx.addr, |p| {
        if is_delta(p) {
            Fault::CutMidFile
        } else {
            Fault::Pass
        }
    });
    let report = update(&engine, &proxy.url, now).unwrap();
    assert_eq!((report.seq, report.installed), (3, Some(Via::Snapshot)));
    assert!(report.fell_back_to_snapshot);
    assert_eq!(
        engine
            .check_call(&CallInput::number(number(2_150)))
            .unwrap()
            .action,
        Action::Block
    );

    // A redirect to another port that serves the real files is followed: the files are
    // signed, so where they come from does not matter.
    publish(&publisher, 4);
    let to_nginx = nginx.url.clone();
    let proxy = Proxy::start(nginx.addr, move |p| {
        if is_delta(p) {
            Fault::Redirect {
                location: format!("{to_nginx}{p}"),
            }
        } else {
            Fault::Pass
        }
    });
    let report = update(&engine, &proxy.url, now + 100).unwrap();
    assert_eq!(
        (report.seq, report.installed),
        (4, Some(Via::Delta { from: 3 }))
    );
    assert_eq!(
        engine
            .check_call(&CallInput::number(number(2_250)))
            .unwrap()
            .action,
        Action::Block
    );
    assert!(proxy.requests().iter().any(|p| is_delta(p)));
}
