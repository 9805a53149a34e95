//! Harness for the end-to-end tests: the `signed-lists serve` loopback server, a
//! hand-written misbehaving server, and a phone's data directory driven through the
//! `callguard` command line or the engine API. The publisher, the binaries, the shared
//! data and the test numbers come from the test kit (`callguard-testkit`), re-exported.
//!
//! The binaries are the ones `cargo test --workspace` builds into the target directory;
//! a missing binary fails the test with a message, never skips it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub mod fs_faults;
pub mod load;
pub mod nginx;
pub mod proxy;

pub use callguard_testkit::{
    bin, now, number, numbers, payload, run_ok, shared_data, sign, Publisher, TwoVersions, T0,
};

/// `signed-lists serve` on a free loopback port, with a request log.
pub struct Server {
    child: Child,
    pub url: String,
    pub log: PathBuf,
    _log_dir: tempfile::TempDir,
}

impl Server {
    pub fn start(site: &Path) -> Server {
        let log_dir = tempfile::tempdir().expect("tempdir");
        let log = log_dir.path().join("requests.jsonl");
        let mut child = Command::new(bin("signed-lists"))
            .arg("serve")
            .arg("--site")
            .arg(site)
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--request-log")
            .arg(&log)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("server stdout");
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).expect("server address line");
        // Keep draining: a closed pipe would kill the server at its next line of output.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let addr = first
            .split_whitespace()
            .find(|w| w.contains("127.0.0.1:"))
            .map(|w| {
                w.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_owned()
            })
            .unwrap_or_else(|| panic!("no address in {first:?}"));
        Server {
            child,
            url: format!("http://{addr}/"),
            log,
            _log_dir: log_dir,
        }
    }

    /// Every request the server received, as logged.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("request log line is JSON"))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A phone: a data directory driven through `callguard`.
pub struct Phone {
    pub dir: tempfile::TempDir,
}

impl Phone {
    pub fn new() -> Phone {
        Phone {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn callguard(&self) -> Command {
        let mut cmd = Command::new(bin("callguard"));
        cmd.arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("CALLGUARD_DATA_DIR");
        cmd
    }

    /// `callguard update URL --root ROOT --json`.
    pub fn update(&self, url: &str, root: &Path) -> Output {
        self.callguard()
            .args(["update", url, "--json", "--root"])
            .arg(root)
            .output()
            .expect("run callguard update")
    }

    /// The update report, failing the test if the update failed.
    pub fn update_ok(&self, url: &str, root: &Path) -> Value {
        let out = self.update(url, root);
        assert!(
            out.status.success(),
            "update failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("update report JSON")
    }

    /// The decision for a call, as JSON.
    pub fn check(&self, number: &str) -> Value {
        let out = run_ok(self.callguard().args(["check", "call", number, "--json"]));
        serde_json::from_str(&out).expect("decision JSON")
    }

    pub fn status(&self) -> Value {
        serde_json::from_str(&run_ok(self.callguard().args(["status", "--json"])))
            .expect("status JSON")
    }
}

impl Default for Phone {
    fn default() -> Self {
        Self::new()
    }
}

/// What the [`Loopback`] server answers for one path.
pub enum Answer {
    /// The site's file, or a 404 when it has none.
    File,
    /// A status line, extra headers and a body.
    Status {
        code: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// The site's file with its true `Content-Length`, one byte every `every`.
    Drip { every: std::time::Duration },
    /// Accepts the connection, reads the request and never answers.
    Silent,
}

/// A hand-written HTTP/1.1 server on a free loopback port (std only), serving a site
/// directory with chosen paths answered otherwise: for servers that misbehave in ways a
/// real server library would not (dripping, stalling, odd statuses).
pub struct Loopback {
    pub url: String,
    addr: std::net::SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Loopback {
    /// Serves `site`, asking `answer` how to answer each requested path.
    pub fn start(site: &Path, answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Loopback {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let answer = Arc::new(answer);
        let site = site.to_path_buf();
        let (stop2, requests2) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (answer, site, stop, requests) = (
                    answer.clone(),
                    site.clone(),
                    stop2.clone(),
                    requests2.clone(),
                );
                std::thread::spawn(move || {
                    serve_one(stream, &site, &*answer, &stop, &requests);
                });
            }
        });
        Loopback {
            url: format!("http://{addr}/"),
            addr,
            stop,
            requests,
        }
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

fn serve_one(
    mut stream: std::net::TcpStream,
    site: &Path,
    answer: &(dyn Fn(&str) -> Answer + Send + Sync),
    stop: &std::sync::atomic::AtomicBool,
    requests: &std::sync::Mutex<Vec<String>>,
) {
    use std::io::{Read, Write};
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_owned();
    if let Ok(mut r) = requests.lock() {
        r.push(path.clone());
    }
    let file = || std::fs::read(site.join(&path)).ok();
    let (code, headers, body, every) = match answer(&path) {
        Answer::File => match file() {
            Some(body) => (200, vec![], body, None),
            None => (404, vec![], b"not found".to_vec(), None),
        },
        Answer::Status {
            code,
            headers,
            body,
        } => (code, headers, body, None),
        Answer::Drip { every } => (200, vec![], file().unwrap_or_default(), Some(every)),
        Answer::Silent => {
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            return;
        }
    };
    let mut out = format!(
        "HTTP/1.1 {code} Whatever\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    if stream.write_all(out.as_bytes()).is_err() {
        return;
    }
    match every {
        None => {
            let _ = stream.write_all(&body);
        }
        Some(every) => {
            for b in body {
                std::thread::sleep(every);
                if stop.load(std::sync::atomic::Ordering::SeqCst)
                    || stream
                        .write_all(&[b])
                        .and_then(|()| stream.flush())
                        .is_err()
                {
                    return;
                }
            }
        }
    }
}

/// A number on v1 of a [`Scene`]'s list and not on v2.
pub fn on_v1() -> String {
    number(1)
}

/// A number on v2 of a [`Scene`]'s list and not on v1.
pub fn on_v2() -> String {
    number(150)
}

/// A publisher at v1, a phone (the engine API) with v1 installed, and v2 published (not
/// installed): the start of every attack test. Publications use the fixed clock [`T0`].
pub struct Scene {
    pub publisher: Publisher,
    pub engine: callguard_core::Engine,
    /// The site as it was at v1, to set up more phones at v1.
    pub v1: callguard_core::update::FileMap,
    pub phone: tempfile::TempDir,
}

impl Scene {
    pub fn new() -> Scene {
        Scene::with_keygen(|p| p)
    }

    pub fn with_keygen(prepare: impl FnOnce(Publisher) -> Publisher) -> Scene {
        Scene::build(
            prepare(Publisher::new()),
            &numbers(0, 100),
            &numbers(100, 100),
        )
    }

    /// A scene whose v1 and v2 hold `v1` and `v2`: with a small change, the publisher's
    /// delta from v1 is keyed (one that replaces every number is not). [`on_v1`] must be
    /// on v1 only and [`on_v2`] on v2 only.
    pub fn with_numbers(v1: &[String], v2: &[String]) -> Scene {
        Scene::build(Publisher::new(), v1, v2)
    }

    fn build(publisher: Publisher, v1_numbers: &[String], v2_numbers: &[String]) -> Scene {
        publisher.set_official();
        publisher.set_numbers(v1_numbers);
        publisher.build(T0, &[]);
        let v1 = callguard_core::update::FileMap::from_dir(&publisher.site()).expect("site");
        let phone = tempfile::tempdir().expect("tempdir");
        let engine = phone_at_v1(&publisher, &v1, phone.path());
        publisher.set_numbers(v2_numbers);
        publisher.build(T0 + 3600, &[]);
        Scene {
            publisher,
            engine,
            v1,
            phone,
        }
    }

    /// The site as it is now.
    pub fn site(&self) -> callguard_core::update::FileMap {
        callguard_core::update::FileMap::from_dir(&self.publisher.site()).expect("site")
    }

    /// An update of the current site at a clock after v2's publication.
    pub fn update(&self) -> callguard_core::Result<callguard_core::update::UpdateReport> {
        self.engine.update_with_clock(&self.site(), T0 + 7200)
    }

    /// Closes the engine and opens the same data directory again (an app restart).
    pub fn reopen(&mut self) {
        let config = config(&self.publisher);
        // The old engine closes when replaced, right after the new one opened.
        self.engine = callguard_core::Engine::open(self.phone.path(), config).expect("reopen");
    }

    /// Another phone with v1 installed, in `dir`.
    pub fn fresh_phone(&self, dir: &Path) -> callguard_core::Engine {
        phone_at_v1(&self.publisher, &self.v1, dir)
    }

    /// The phone still decides on v1, and the failure is recorded.
    pub fn assert_v1_in_use(&self) {
        assert_v1_in_use(&self.engine);
    }

    pub fn site_file(&self, path: &str) -> PathBuf {
        self.publisher.site().join(path)
    }
}

impl Default for Scene {
    fn default() -> Self {
        Self::new()
    }
}

fn config(publisher: &Publisher) -> callguard_core::EngineConfig {
    let root = std::fs::read(publisher.root()).expect("root file");
    callguard_core::EngineConfig::new("CN".parse().expect("region")).with_pinned_root(root)
}

fn phone_at_v1(
    publisher: &Publisher,
    v1: &callguard_core::update::FileMap,
    dir: &Path,
) -> callguard_core::Engine {
    let engine = callguard_core::Engine::open(dir, config(publisher)).expect("open engine");
    let report = engine.update_with_clock(v1, T0 + 60).expect("install v1");
    assert_eq!(report.seq, 1);
    engine
}

/// `engine` still decides on v1, and its last update attempt failed.
pub fn assert_v1_in_use(engine: &callguard_core::Engine) {
    use callguard_core::{Action, CallInput};
    let on_v1 = engine
        .check_call(&CallInput::number(on_v1()))
        .expect("check");
    assert_eq!(on_v1.action, Action::Block, "v1 still protects");
    assert_eq!(on_v1.lists.get("default"), Some(&1));
    assert_eq!(
        engine
            .check_call(&CallInput::number(on_v2()))
            .expect("check")
            .action,
        Action::Allow
    );
    let status = engine.status().expect("status");
    assert_eq!(status.update.installed.map(|i| i.seq), Some(1));
    assert_eq!(
        status.update.last_attempt.map(|a| a.ok),
        Some(false),
        "the failure is recorded"
    );
}
