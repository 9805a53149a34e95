//! The engine's own HTTP client (feature `net`): plain GETs of static paths over rustls.
//!
//! Requests carry the path and ordinary headers only: no cookies, no query string, and a
//! user agent that names the engine version and nothing about the device.
//!
//! Every download has a total deadline scaled to its length limit, checked while the body
//! is read: reqwest's blocking `timeout` restarts with every read, so on its own it lets a
//! server that sends a byte a second hold an update for as long as it likes. Errors name
//! what went wrong, never the URL (its host is the app's configuration, not public).

use std::io::Read;
use std::time::{Duration, Instant};

use super::fetch::Fetcher;
use super::FetchError;

/// The user agent: the same for every user of a given engine version.
pub const USER_AGENT: &str = concat!("callguard/", env!("CARGO_PKG_VERSION"));

/// How long downloads may take. A download of at most `n` bytes must finish within
/// `base + n / min_rate`; no read may wait longer than `stall`, so a deadline is overrun
/// by at most `stall`. The whole update (every download of one run) gets `update`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connecting to the server. Default 10 s.
    pub connect: Duration,
    /// The longest wait for the response head or for any one read of the body. Default 30 s.
    pub stall: Duration,
    /// Fixed allowance of every download, for the round trips. Default 20 s.
    pub base: Duration,
    /// The slowest transfer rate accepted, bytes per second, at least 1. Default 16 KiB/s.
    pub min_rate: u64,
    /// The whole update. Default 15 min.
    pub update: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            connect: Duration::from_secs(10),
            stall: Duration::from_secs(30),
            base: Duration::from_secs(20),
            min_rate: 16 * 1024,
            update: Duration::from_secs(15 * 60),
        }
    }
}

impl HttpLimits {
    /// The default limits with the whole update held to `total`: what a background task
    /// with a deadline of its own gives (an iOS `BGAppRefreshTask` has about 30 s). No
    /// connection or read waits longer than the whole.
    pub fn within(total: Duration) -> HttpLimits {
        let limits = HttpLimits::default();
        HttpLimits {
            connect: limits.connect.min(total),
            stall: limits.stall.min(total),
            update: total,
            ..limits
        }
    }

    /// The deadline of one download capped at `max_len` bytes.
    fn download(&self, max_len: u64) -> Duration {
        self.base
            .saturating_add(Duration::from_secs(max_len / self.min_rate.max(1)))
    }
}

/// Fetches from a base URL such as `https://lists.example.org/cn/`.
pub struct HttpFetcher {
    base: String,
    client: reqwest::blocking::Client,
    limits: HttpLimits,
}

impl HttpFetcher {
    /// A fetcher for `base_url` (a trailing `/` is added if missing) with the default
    /// [`HttpLimits`], so that a silent or slow server cannot hold an update for long.
    pub fn new(base_url: &str) -> Result<HttpFetcher, FetchError> {
        HttpFetcher::with_limits(base_url, HttpLimits::default())
    }

    /// A fetcher with other limits: tighter ones for tests of slow servers, looser ones
    /// for very slow links.
    pub fn with_limits(base_url: &str, limits: HttpLimits) -> Result<HttpFetcher, FetchError> {
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(FetchError::Failed(
                "the update URL must start with https:// or http://".into(),
            ));
        }
        let mut base = base_url.to_owned();
        if !base.ends_with('/') {
            base.push('/');
        }
        let client = reqwest::blocking::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(limits.connect)
            .timeout(limits.stall)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| FetchError::Failed(describe(&e, "could not start the HTTP client")))?;
        Ok(HttpFetcher {
            base,
            client,
            limits,
        })
    }

    fn download(
        &self,
        path: &str,
        max_len: u64,
        update_deadline: Option<Instant>,
    ) -> Result<Vec<u8>, FetchError> {
        let started = Instant::now();
        let own = self.limits.download(max_len);
        let own_deadline = started.checked_add(own);
        // The earlier of this download's deadline and the whole update's.
        let (deadline, timed_out) = match (own_deadline, update_deadline) {
            (Some(d), Some(u)) if u < d => (Some(u), update_timed_out(self.limits.update)),
            (None, Some(u)) => (Some(u), update_timed_out(self.limits.update)),
            (d, _) => (d, download_timed_out(own)),
        };
        let remaining = || deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let past = || (remaining() == Some(Duration::ZERO)).then(|| timed_out.clone());
        let wait =
            |left: Option<Duration>| left.map_or(self.limits.stall, |l| l.min(self.limits.stall));
        if let Some(err) = past() {
            return Err(err);
        }
        let url = format!("{}{}", self.base, path);
        let mut response = self
            .client
            .get(&url)
            .timeout(wait(remaining()))
            .send()
            .map_err(|e| self.failed(&e, past()))?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(FetchError::NotFound);
        }
        if !status.is_success() {
            return Err(FetchError::Failed(format!("HTTP {}", status.as_u16())));
        }
        if response.content_length().is_some_and(|n| n > max_len) {
            return Err(FetchError::TooLarge(max_len));
        }
        let mut body = Vec::new();
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            if let Some(err) = past() {
                return Err(err);
            }
            let n = match response.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_failed(&e, past())),
            };
            if body.len() as u64 + n as u64 > max_len {
                return Err(FetchError::TooLarge(max_len));
            }
            body.extend_from_slice(&chunk[..n]);
        }
        Ok(body)
    }

    /// A request error: a timeout is the deadline when that has passed, else the stall
    /// limit; anything else is described without the URL.
    fn failed(&self, err: &reqwest::Error, past_deadline: Option<FetchError>) -> FetchError {
        if err.is_timeout() {
            return past_deadline.unwrap_or_else(|| self.stalled());
        }
        let kind = if err.is_connect() {
            "could not connect"
        } else if err.is_redirect() {
            "too many redirects"
        } else if err.is_body() || err.is_decode() {
            "reading the response failed"
        } else {
            "request failed"
        };
        FetchError::Failed(describe(err, kind))
    }

    fn read_failed(&self, err: &std::io::Error, past_deadline: Option<FetchError>) -> FetchError {
        let reqwest_error = err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<reqwest::Error>());
        match reqwest_error {
            Some(e) => self.failed(e, past_deadline),
            None if err.kind() == std::io::ErrorKind::TimedOut => {
                past_deadline.unwrap_or_else(|| self.stalled())
            }
            None => FetchError::Failed(format!("reading the response failed: {}", err.kind())),
        }
    }

    fn stalled(&self) -> FetchError {
        FetchError::TimedOut {
            secs: self.limits.stall.as_secs(),
            why: "the server sent nothing for that long",
        }
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError> {
        self.download(path, max_len, None)
    }

    fn fetch_until(
        &self,
        path: &str,
        max_len: u64,
        deadline: Instant,
    ) -> Result<Vec<u8>, FetchError> {
        self.download(path, max_len, Some(deadline))
    }

    fn update_deadline(&self) -> Option<Duration> {
        Some(self.limits.update)
    }
}

fn download_timed_out(limit: Duration) -> FetchError {
    FetchError::TimedOut {
        secs: limit.as_secs(),
        why: "the download was too slow for its length",
    }
}

fn update_timed_out(limit: Duration) -> FetchError {
    FetchError::TimedOut {
        secs: limit.as_secs(),
        why: "the update as a whole took too long",
    }
}

/// `kind`, and the kind of the underlying I/O error if there is one ("connection
/// refused"): fixed texts only, so neither the URL nor anything the server sent is shown.
fn describe(err: &reqwest::Error, kind: &str) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return format!("{kind}: {}", io.kind());
        }
        source = current.source();
    }
    kind.to_owned()
}
