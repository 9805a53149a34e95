//! `serve`: a small static file server for development and tests, so that the phone's
//! update client can be exercised against a real HTTP server on loopback.
//!
//! GET and HEAD only (405 otherwise); 404 for missing files and directories (there is
//! no listing); 400 for paths with `..`, `.`, empty parts or absolute forms. With a
//! request log, every request is appended as one JSON line,
//! `{"method":…,"url":…,"headers":[[name,value],…]}`, so a privacy test can check that
//! requests carry nothing but the static path and ordinary headers.

use std::fs::File;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::site::is_safe_path;
use crate::{Error, Result};

/// A bound server; [`run`](Server::run) answers requests until the process ends.
pub struct Server {
    http: tiny_http::Server,
    root: PathBuf,
    addr: SocketAddr,
    log: Option<(PathBuf, File)>,
}

/// How a request is answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The file at this path.
    File(PathBuf),
    /// 404: no such file (or a directory).
    NotFound,
    /// 400: a path that could leave the site.
    BadPath,
    /// 405: not GET or HEAD.
    MethodNotAllowed,
}

/// One line of the request log.
#[derive(Serialize)]
struct LogLine<'a> {
    method: String,
    url: &'a str,
    headers: Vec<[&'a str; 2]>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) to serve the files under `site`; with
    /// `request_log`, appends every request to that file.
    pub fn bind(site: &Path, addr: &str, request_log: Option<&Path>) -> Result<Server> {
        let root = site.canonicalize().map_err(|e| Error::io(site, e))?;
        if !root.is_dir() {
            return Err(Error::Serve(format!(
                "{} is not a directory",
                site.display()
            )));
        }
        let log = request_log
            .map(|path| {
                File::options()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map(|file| (path.to_owned(), file))
                    .map_err(|e| Error::io(path, e))
            })
            .transpose()?;
        let http =
            tiny_http::Server::http(addr).map_err(|e| Error::Serve(format!("{addr}: {e}")))?;
        let addr = http
            .server_addr()
            .to_ip()
            .ok_or_else(|| Error::Serve("not an IP address".into()))?;
        Ok(Server {
            http,
            root,
            addr,
            log,
        })
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Answers requests, one at a time, until the process ends. Only a failure to write
    /// the request log stops it: a privacy test must never miss a request.
    pub fn run(mut self) -> Result<()> {
        loop {
            let request = self
                .http
                .recv()
                .map_err(|e| Error::Serve(format!("accepting a request: {e}")))?;
            self.log(&request)?;
            let route = route(&self.root, request.method(), request.url());
            // A client that went away is not the server's problem.
            let _ = respond(request, route);
        }
    }

    fn log(&mut self, request: &Request) -> Result<()> {
        let Some((path, file)) = &mut self.log else {
            return Ok(());
        };
        let line = LogLine {
            method: request.method().to_string(),
            url: request.url(),
            headers: request
                .headers()
                .iter()
                .map(|h| [h.field.as_str().as_str(), h.value.as_str()])
                .collect(),
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| Error::Serve(e.to_string()))?;
        bytes.push(b'\n');
        file.write_all(&bytes)
            .and_then(|()| file.flush())
            .map_err(|e| Error::io(path.clone(), e))
    }
}

/// Decides how to answer `method url` from the files under `root` (canonical).
pub fn route(root: &Path, method: &Method, url: &str) -> Route {
    if !matches!(method, Method::Get | Method::Head) {
        return Route::MethodNotAllowed;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(rel) = path.strip_prefix('/') else {
        return Route::BadPath; // absolute-form (`http://…`) or `*`
    };
    if rel.is_empty() {
        return Route::NotFound;
    }
    if !is_safe_path(rel) {
        return Route::BadPath;
    }
    let full = root.join(rel);
    // A symbolic link must not lead out of the site.
    match full.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Route::File(real),
        _ => Route::NotFound,
    }
}

fn respond(request: Request, route: Route) -> std::io::Result<()> {
    match route {
        Route::File(path) => {
            let file = match File::open(&path) {
                Ok(file) => file,
                Err(_) => return request.respond(text(404, "not found\n")),
            };
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let content_type = if name.ends_with(".json") {
                "application/json"
            } else {
                "application/octet-stream"
            };
            // Only these two change; everything else is immutable by name.
            let cache = if name == "timestamp.json" || name == "root.json" {
                "no-cache"
            } else {
                "public, max-age=31536000, immutable"
            };
            let response = Response::from_file(file)
                .with_header(header("Content-Type", content_type))
                .with_header(header("Cache-Control", cache));
            request.respond(response)
        }
        Route::NotFound => request.respond(text(404, "not found\n")),
        Route::BadPath => request.respond(text(400, "bad path\n")),
        Route::MethodNotAllowed => request
            .respond(text(405, "only GET and HEAD\n").with_header(header("Allow", "GET, HEAD"))),
    }
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn header(name: &str, value: &str) -> Header {
    // Both are ASCII constants of this module, so this cannot fail.
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| unreachable!("ASCII header {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_requests() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("blobs")).unwrap();
        std::fs::write(root.join("timestamp.json"), "{}").unwrap();
        let get = |url| route(&root, &Method::Get, url);
        assert_eq!(
            get("/timestamp.json"),
            Route::File(root.join("timestamp.json"))
        );
        assert_eq!(
            get("/timestamp.json?x=1"),
            Route::File(root.join("timestamp.json"))
        );
        assert_eq!(get("/missing.json"), Route::NotFound);
        assert_eq!(get("/blobs"), Route::NotFound);
        assert_eq!(get("/"), Route::NotFound);
        for bad in [
            "/../etc/passwd",
            "//etc/passwd",
            "/blobs/../timestamp.json",
            "http://x/a",
            "/a%2e",
        ] {
            assert_eq!(get(bad), Route::BadPath, "{bad}");
        }
        assert_eq!(
            route(&root, &Method::Post, "/timestamp.json"),
            Route::MethodNotAllowed
        );
        assert!(matches!(
            route(&root, &Method::Head, "/timestamp.json"),
            Route::File(_)
        ));
    }
}
