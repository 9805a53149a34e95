//! Servers that misbehave at the HTTP level, through the engine's own HTTP client: too
//! slow, silent, or answering for a missing next root with something else than a 404.
//! In every case the update either goes ahead on what verifies or fails with a clear
//! error, on time, with the last good list in use and no URL in any message.

use std::time::{Duration, Instant};

use callguard_core::update::{FetchError, HttpFetcher, HttpLimits, UpdateError};
use callguard_core::Error;
use callguard_e2e::{assert_v1_in_use, Answer, Loopback, Scene, T0};

/// After v2's publication.
const NOW: u64 = T0 + 7200;

/// Limits small enough for a test; each test changes the one it is about.
fn limits() -> HttpLimits {
    HttpLimits {
        connect: Duration::from_secs(5),
        stall: Duration::from_secs(5),
        base: Duration::from_secs(1),
        min_rate: 16 * 1024,
        update: Duration::from_secs(120),
    }
}

fn fetcher(url: &str, limits: HttpLimits) -> HttpFetcher {
    HttpFetcher::with_limits(url, limits).unwrap()
}

/// Runs one update against `url` with `limits` and returns its fetch error, failing
/// unless it gave up well within 20 s.
fn gives_up_in_time(s: &Scene, url: &str, limits: HttpLimits) -> (String, FetchError) {
    gives_up_within(Duration::from_secs(20), || {
        s.engine.update_with_clock(&fetcher(url, limits), NOW)
    })
}

/// Runs `update` and returns its fetch error, failing unless it gave up within `bound`.
fn gives_up_within<T: std::fmt::Debug>(
    bound: Duration,
    update: impl FnOnce() -> Result<T, Error>,
) -> (String, FetchError) {
    let started = Instant::now();
    let result = fetch_error(update());
    assert!(started.elapsed() < bound, "gave up in time");
    result
}

/// What an update held to 2 s in all fails with.
const WHOLE_UPDATE_TOOK_2_S: FetchError = FetchError::TimedOut {
    secs: 2,
    why: "the update as a whole took too long",
};

fn fetch_error(result: Result<impl std::fmt::Debug, Error>) -> (String, FetchError) {
    match result {
        Err(Error::Update(UpdateError::Fetch { path, error })) => (path, error),
        other => panic!("expected a fetch error, got {other:?}"),
    }
}

/// The timestamp answered one byte every 150 ms: about a minute for the whole file.
fn dripping_timestamp(s: &Scene) -> Loopback {
    let len = std::fs::metadata(s.site_file("timestamp.json"))
        .unwrap()
        .len();
    assert!(
        len > 200,
        "the drip must outlast the bounds below: {len} bytes"
    );
    Loopback::start(&s.publisher.site(), |path| match path {
        "timestamp.json" => Answer::Drip {
            every: Duration::from_millis(150),
        },
        _ => Answer::File,
    })
}

#[test]
fn a_dripping_server_is_given_up_on_at_the_download_deadline() {
    let s = Scene::new();
    let server = dripping_timestamp(&s);
    // The timestamp's limit is 16 KiB: 1 s + 16 KiB at 16 KiB/s = 2 s.
    let (path, error) = gives_up_in_time(&s, &server.url, limits());
    assert_eq!(path, "timestamp.json");
    assert_eq!(
        error,
        FetchError::TimedOut {
            secs: 2,
            why: "the download was too slow for its length"
        }
    );
    assert_v1_in_use(&s.engine);
    let message = s
        .engine
        .status()
        .unwrap()
        .update
        .last_attempt
        .unwrap()
        .message;
    assert_eq!(
        message,
        "fetching timestamp.json: gave up after 2 s: the download was too slow for its length"
    );
}

#[test]
fn a_slow_update_is_given_up_on_as_a_whole() {
    let s = Scene::new();
    let server = dripping_timestamp(&s);
    let slow_but_steady = HttpLimits {
        base: Duration::from_secs(300),
        update: Duration::from_secs(2),
        ..limits()
    };
    let (_, error) = gives_up_in_time(&s, &server.url, slow_but_steady);
    assert_eq!(error, WHOLE_UPDATE_TOOK_2_S);
    assert_v1_in_use(&s.engine);
}

#[test]
fn an_update_with_a_deadline_gives_up_at_it_with_the_default_limits() {
    // What an iOS background task asks for: the default limits would wait 21 s for this
    // download; the deadline holds the whole update to 2 s.
    let s = Scene::new();
    let server = dripping_timestamp(&s);
    let (path, error) = gives_up_within(Duration::from_secs(8), || {
        s.engine.update_within(&server.url, Duration::from_secs(2))
    });
    assert_eq!(path, "timestamp.json");
    assert_eq!(error, WHOLE_UPDATE_TOOK_2_S);
    assert_v1_in_use(&s.engine);
}

#[test]
fn a_silent_server_is_given_up_on_after_the_stall_limit() {
    let s = Scene::new();
    let patient = HttpLimits {
        base: Duration::from_secs(300),
        stall: Duration::from_secs(1),
        ..limits()
    };
    // No answer at all, then an answer whose body never comes.
    for answer in [(|| Answer::Silent) as fn() -> Answer, || Answer::Drip {
        every: Duration::from_secs(3600),
    }] {
        let server = Loopback::start(&s.publisher.site(), move |path| match path {
            "timestamp.json" => answer(),
            _ => Answer::File,
        });
        let (path, error) = gives_up_in_time(&s, &server.url, patient);
        assert_eq!(path, "timestamp.json");
        assert_eq!(
            error,
            FetchError::TimedOut {
                secs: 1,
                why: "the server sent nothing for that long"
            }
        );
        assert_v1_in_use(&s.engine);
    }
}

/// How a case answers for the next root.
type AnswerFn = dyn Fn() -> Answer + Send + Sync;

fn status(code: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    Answer::Status {
        code,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn any_answer_but_a_valid_next_root_is_read_as_no_newer_root() {
    let s = Scene::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("http://{}/2.root.json", closed.local_addr().unwrap());
    drop(closed);
    // A root file that parses but is signed by the wrong key.
    let root: callguard_format::trust::Root =
        callguard_e2e::payload(&std::fs::read(s.publisher.root()).unwrap());
    let mut next = root.clone();
    next.version = 2;
    let wrongly_signed = callguard_e2e::sign(
        &serde_json::to_vec(&next).unwrap(),
        &s.publisher.key("timestamp"),
    );
    let html = "<html><body>Welcome to our CDN</body></html>";
    let cases: Vec<(&str, Box<AnswerFn>)> = vec![
        (
            "HTTP 403",
            Box::new(|| status(403, &[], "<Error><Code>AccessDenied</Code></Error>")),
        ),
        (
            "malformed root metadata",
            Box::new(move || status(200, &[], html)),
        ),
        ("HTTP 500", Box::new(|| status(500, &[], "oops"))),
        (
            "could not connect",
            Box::new(move || status(302, &[("Location", &nowhere)], "")),
        ),
        (
            "malformed root metadata",
            Box::new(|| status(302, &[("Location", "/index.html")], "")),
        ),
        (
            "root metadata has 0 valid signature(s), 1 required",
            Box::new(move || Answer::Status {
                code: 200,
                headers: vec![],
                body: wrongly_signed.clone(),
            }),
        ),
    ];
    for (why, answer) in cases {
        let server = Loopback::start(&s.publisher.site(), move |path| match path {
            "2.root.json" => answer(),
            "index.html" => status(200, &[], html),
            _ => Answer::File,
        });
        let phone = tempfile::tempdir().unwrap();
        let engine = s.fresh_phone(phone.path());
        let report = engine
            .update_with_clock(&fetcher(&server.url, limits()), NOW)
            .unwrap_or_else(|e| panic!("{why}: {e}"));
        assert_eq!(report.seq, 2, "{why}");
        let ignored = report.ignored_root.unwrap_or_default();
        assert!(
            ignored.starts_with("2.root.json ignored (") && ignored.contains(why),
            "{why}: {ignored}"
        );
        let attempt = engine.status().unwrap().update.last_attempt.unwrap();
        assert!(
            attempt.ok && attempt.message.contains(&ignored),
            "{}",
            attempt.message
        );
        assert_no_url(&attempt.message, &server.url);
    }
}

#[test]
fn a_real_rotated_root_still_rotates() {
    let s = Scene::new();
    s.publisher.rotate(T0 + 4000, &["--timestamp"]);
    s.publisher.set_numbers(&callguard_e2e::numbers(300, 100));
    s.publisher.build(T0 + 5000, &[]);
    let server = Loopback::start(&s.publisher.site(), |_| Answer::File);
    let report = s
        .engine
        .update_with_clock(&fetcher(&server.url, limits()), NOW)
        .unwrap();
    // The timestamp is signed by the new key only, so it verified under root 2.
    assert_eq!((report.seq, report.ignored_root), (3, None));
    let requests = server.requests();
    assert_eq!(
        &requests[..3],
        ["2.root.json", "3.root.json", "timestamp.json"]
    );
}

#[test]
fn fetch_errors_carry_no_url() {
    let s = Scene::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let result = s.engine.update_with_clock(&fetcher(&down, limits()), NOW);
    let text = result.as_ref().map(|_| ()).unwrap_err().to_string();
    let (_, error) = fetch_error(result);
    assert!(
        matches!(&error, FetchError::Failed(m) if m.starts_with("could not connect")),
        "{error:?}"
    );
    assert_no_url(&text, &down);
    let message = s
        .engine
        .status()
        .unwrap()
        .update
        .last_attempt
        .unwrap()
        .message;
    assert_no_url(&message, &down);
    assert_v1_in_use(&s.engine);
}

fn assert_no_url(message: &str, url: &str) {
    let port = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .and_then(|p| p.split('/').next())
        .unwrap();
    assert!(
        !message.contains("http://") && !message.contains("127.0.0.1") && !message.contains(port),
        "{message}"
    );
}
