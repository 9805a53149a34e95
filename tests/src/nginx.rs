//! Debian's nginx serving a site on a free loopback port, as a publisher's web server
//! would: ETag and Last-Modified on every file, `Cache-Control: no-cache` on the files
//! that change (`timestamp.json`, the next roots), a year and `immutable` on the
//! content-addressed ones (manifests, blobs), gzip for JSON when asked. Started in the
//! foreground as one process (`master_process off`), with its configuration, pid and
//! logs in a temporary directory; stopped on drop. A machine without nginx fails the
//! test with how to install it (`./test.sh` does), never skips it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Nginx {
    child: Child,
    pub addr: SocketAddr,
    pub url: String,
    dir: tempfile::TempDir,
}

impl Nginx {
    pub fn start(site: &Path) -> Nginx {
        let binary = nginx_binary();
        let dir = tempfile::tempdir().expect("tempdir");
        // A free port: taken, read and released; nginx binds it at once.
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config(dir.path(), site, addr)).expect("write nginx.conf");
        let mut child = Command::new(&binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "nginx exited ({status}): {}",
                    std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "nginx did not listen on {addr} within 15 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx {
            child,
            addr,
            url: format!("http://{addr}/"),
            dir,
        }
    }

    /// The access log: one line per request, as nginx wrote it.
    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/sbin")]);
    for dir in candidates {
        let path = dir.join("nginx");
        if path.is_file() {
            return path;
        }
    }
    panic!("nginx is not installed: `apt-get install nginx` (./test.sh installs it)")
}

fn config(dir: &Path, site: &Path, addr: SocketAddr) -> String {
    let d = dir.display();
    format!(
        r#"daemon off;
master_process off;
user root;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    types {{ application/json json; }}
    default_type application/octet-stream;
    sendfile on;
    etag on;
    gzip on;
    gzip_types application/json;
    gzip_min_length 64;
    server {{
        listen {addr};
        root {site};
        location / {{ add_header Cache-Control "no-cache"; }}
        location /manifests/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
        location /blobs/ {{ add_header Cache-Control "public, max-age=31536000, immutable"; }}
    }}
}}
"#,
        site = site.display()
    )
}
