//! A misbehaving HTTP proxy on loopback, between the update client and a real server:
//! it forwards each request and then hands back the server's answer faithfully, or
//! damaged as a hostile network would (stalled, dripped, cut, lengthened, mislabelled,
//! replaced by an HTML page, redirected). Threads and `TcpStream`s only.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the proxy does to one answer.
#[derive(Debug, Clone)]
pub enum Fault {
    /// The server's answer as it is.
    Pass,
    /// Reads the request and answers nothing, holding the connection open.
    Stall,
    /// The server's answer one byte every `every`.
    Drip { every: Duration },
    /// The head and half the body, then the connection closes.
    CutMidFile,
    /// The body followed by `extra` more bytes, with a `Content-Length` that counts them.
    ExtraBytes { extra: usize },
    /// The body as it is under a `Content-Length` off by `by` bytes.
    WrongLength { by: i64 },
    /// `200 OK` with an HTML error page, as a captive portal or a misconfigured CDN.
    HtmlPage,
    /// `302 Found` to `location`.
    Redirect { location: String },
}

/// The proxy; it stops accepting on drop.
pub struct Proxy {
    pub url: String,
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Proxies to `upstream`, asking `fault` what to do with each requested path.
    pub fn start(
        upstream: SocketAddr,
        fault: impl Fn(&str) -> Fault + Send + Sync + 'static,
    ) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let fault = Arc::new(fault);
        let (stop2, requests2) = (stop.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (fault, stop, requests) = (fault.clone(), stop2.clone(), requests2.clone());
                std::thread::spawn(move || {
                    let _ = proxy_one(stream, upstream, &*fault, &stop, &requests);
                });
            }
        });
        Proxy {
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

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Reads an HTTP head (up to the blank line) from `stream`.
fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 || head.len() > 64 * 1024 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    Ok(head)
}

fn proxy_one(
    mut client: TcpStream,
    upstream: SocketAddr,
    fault: &(dyn Fn(&str) -> Fault + Send + Sync),
    stop: &AtomicBool,
    requests: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let head = String::from_utf8_lossy(&read_head(&mut client)?).into_owned();
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .trim_start_matches('/')
        .to_owned();
    if let Ok(mut r) = requests.lock() {
        r.push(path.clone());
    }
    let fault = fault(&path);
    match &fault {
        Fault::Stall => {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(50));
            }
            return Ok(());
        }
        Fault::HtmlPage => {
            let body = "<html><body><h1>502 Bad Gateway</h1>Please try again later.</body></html>";
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            return client.write_all(answer.as_bytes());
        }
        Fault::Redirect { location } => {
            let answer = format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return client.write_all(answer.as_bytes());
        }
        _ => {}
    }
    let (status_and_headers, body) = fetch_upstream(upstream, &head)?;
    let (lines, body) = match &fault {
        Fault::ExtraBytes { extra } => {
            let mut longer = body;
            longer.extend(std::iter::repeat_n(b'x', *extra));
            let n = longer.len() as i64;
            (with_length(&status_and_headers, n), longer)
        }
        Fault::WrongLength { by } => {
            let n = body.len() as i64 + by;
            (with_length(&status_and_headers, n), body)
        }
        _ => (status_and_headers, body),
    };
    let mut answer = lines.into_bytes();
    answer.extend_from_slice(&body);
    match fault {
        Fault::Drip { every } => {
            for b in answer {
                std::thread::sleep(every);
                if stop.load(Ordering::SeqCst) {
                    return Ok(());
                }
                client.write_all(&[b])?;
                client.flush()?;
            }
            Ok(())
        }
        Fault::CutMidFile => {
            let head_len = answer.len() - body.len();
            client.write_all(&answer[..head_len + body.len() / 2])?;
            client.flush()?;
            client.shutdown(std::net::Shutdown::Both)
        }
        _ => client.write_all(&answer),
    }
}

/// Forwards the request head (as `Connection: close`) and reads the whole answer: its
/// status line and headers (ending in the blank line) and its body.
fn fetch_upstream(upstream: SocketAddr, head: &str) -> std::io::Result<(String, Vec<u8>)> {
    let mut server = TcpStream::connect(upstream)?;
    let mut request = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            request.push_str(line);
            request.push_str("\r\n");
        }
    }
    request.push_str("Connection: close\r\n\r\n");
    server.write_all(request.as_bytes())?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer)?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(std::io::ErrorKind::InvalidData)?
        + 4;
    let body = answer.split_off(split);
    Ok((String::from_utf8_lossy(&answer).into_owned(), body))
}

/// The head with its `Content-Length` replaced by `n`.
fn with_length(head: &str, n: i64) -> String {
    let mut out = String::new();
    for line in head.split("\r\n").filter(|l| !l.is_empty()) {
        if line.to_ascii_lowercase().starts_with("content-length:") {
            out.push_str(&format!("Content-Length: {n}\r\n"));
        } else {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    out
}

/// One plain GET with extra request headers, for looking at what a server answers: the
/// status code, the headers (names lowercased) and the body.
pub fn get(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut head = format!("GET /{path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let (lines, body) = fetch_upstream(addr, &format!("{head}\r\n")).expect("GET");
    let mut lines = lines.split("\r\n");
    let code = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (code, headers, body)
}
