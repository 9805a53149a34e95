//! The engine's own HTTP client (feature `net`): plain GETs of static paths over rustls.
//!
//! Requests carry the path and ordinary headers only: no cookies, no query string, and a
//! user agent that names the engine version and nothing about the device.

use std::io::Read;
use std::time::Duration;

use super::fetch::{FetchError, Fetcher};

/// The user agent: the same for every user of a given engine version.
pub const USER_AGENT: &str = concat!("callguard/", env!("CARGO_PKG_VERSION"));

/// Fetches from a base URL such as `https://lists.example.org/cn/`.
pub struct HttpFetcher {
    base: String,
    client: reqwest::blocking::Client,
}

impl HttpFetcher {
    /// A fetcher for `base_url` (a trailing `/` is added if missing), with connect and
    /// total timeouts so that a silent server cannot hold an update forever.
    pub fn new(base_url: &str) -> Result<HttpFetcher, FetchError> {
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
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| FetchError::Failed(e.to_string()))?;
        Ok(HttpFetcher { base, client })
    }
}

impl Fetcher for HttpFetcher {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Vec<u8>, FetchError> {
        let url = format!("{}{}", self.base, path);
        let response = self
            .client
            .get(&url)
            .send()
            .map_err(|e| FetchError::Failed(without_url(&e)))?;
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
        response
            .take(max_len + 1)
            .read_to_end(&mut body)
            // The kind only: reqwest's message may quote the URL.
            .map_err(|e| FetchError::Failed(format!("reading the response: {}", e.kind())))?;
        if body.len() as u64 > max_len {
            return Err(FetchError::TooLarge(max_len));
        }
        Ok(body)
    }
}

/// What went wrong, by kind only: reqwest's own message quotes the URL, which the user
/// typed and may hold anything.
fn without_url(err: &reqwest::Error) -> String {
    let kind = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    kind.to_owned()
}
