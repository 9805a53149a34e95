//! `serve`: static files over HTTP on loopback, nothing else, every request logged.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::Fixture;

/// The server as a child process, killed when dropped.
struct Serving {
    child: Child,
    addr: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(f: &Fixture, log: &std::path::Path) -> Serving {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("signed-lists"))
        .arg("serve")
        .arg("--site")
        .arg(f.site())
        .args(["--addr", "127.0.0.1:0", "--request-log"])
        .arg(log)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    Serving {
        child,
        addr: line.trim().to_owned(),
    }
}

/// One request; the status, the headers (lower-case names) and the body.
fn request(addr: &str, method: &str, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: callguard-test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, raw[end + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn serves_static_files_only_and_logs_every_request() {
    let f = Fixture::new();
    f.build(0, &[]).success();
    let log = f.dir().join("requests.jsonl");
    let server = serve(&f, &log);
    let addr = server.addr.as_str();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");

    let timestamp = std::fs::read(f.site().join("timestamp.json")).unwrap();
    let (status, headers, body) = request(addr, "GET", "/timestamp.json");
    assert_eq!(status, 200);
    assert_eq!(body, timestamp);
    assert_eq!(
        header(&headers, "content-length"),
        Some(timestamp.len().to_string().as_str())
    );

    let snapshot = f.manifest(1).lists["default"].snapshot.clone();
    let (status, headers, body) = request(addr, "HEAD", &format!("/{}", snapshot.path));
    assert_eq!(status, 200);
    assert!(body.is_empty());
    assert_eq!(
        header(&headers, "content-length"),
        Some(snapshot.length.to_string().as_str())
    );
    let (status, _, body) = request(addr, "GET", &format!("/{}", snapshot.path));
    assert_eq!((status, body.len() as u64), (200, snapshot.length));

    assert_eq!(request(addr, "GET", "/missing.json").0, 404);
    assert_eq!(
        request(addr, "GET", "/blobs").0,
        404,
        "no directory listing"
    );
    assert_eq!(request(addr, "GET", "/").0, 404);
    assert_eq!(request(addr, "GET", "/../keys/root-1.key").0, 400);
    assert_eq!(request(addr, "GET", "/blobs/../timestamp.json").0, 400);
    let (status, headers, _) = request(addr, "POST", "/timestamp.json");
    assert_eq!(status, 405);
    assert_eq!(header(&headers, "allow"), Some("GET, HEAD"));
    assert_eq!(request(addr, "DELETE", "/timestamp.json").0, 405);
    drop(server);

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(lines[0]["method"], "GET");
    assert_eq!(lines[0]["url"], "/timestamp.json");
    assert_eq!(lines[1]["method"], "HEAD");
    let headers = lines[0]["headers"].as_array().unwrap();
    let names: Vec<&str> = headers.iter().map(|h| h[0].as_str().unwrap()).collect();
    assert_eq!(names, ["Host", "User-Agent", "Connection"]);
    assert_eq!(headers[1][1], "callguard-test");
}
