//! # signed-lists
//!
//! The Callguard list publisher. It turns readable sources (CSV and text) into a signed,
//! static site that any web server or CDN can host, and that the phone's update client
//! verifies as a one-publisher subset of The Update Framework (see DESIGN.md, "Trust").
//!
//! The modules follow a publication:
//!
//! 1. [`keys`]: key files, `keygen`, root rotation, signing envelopes.
//! 2. [`sources`]: a source directory read into canonical sections, with every bad line.
//! 3. [`site`]: the site layout, atomic writes, and reading what was published before.
//! 4. [`publish`]: `build`, the next version of the list: snapshot, deltas, manifest,
//!    timestamp.
//! 5. [`verify`]: the site checked as a phone would check it.
//! 6. [`inspect`] and [`diff`]: what a site holds, and what changed between two versions.
//! 7. [`serve`]: a small static file server for development and tests.
//! 8. [`train`]: `train-sms`, the optional statistical SMS model, written as a source.
//!
//! [`content`] holds what several of them share: decoding snapshots, applying deltas and
//! describing entries. `FORMAT.md` specifies every file this crate reads or writes.
//!
//! The library never prints; the `signed-lists` binary does. No error message ever holds
//! a private key.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod content;
pub mod diff;
mod error;
pub mod inspect;
pub mod keys;
mod progress;
pub mod publish;
pub mod serve;
pub mod site;
pub mod sources;
pub mod train;
pub mod verify;

pub use error::{Error, Result};

/// Seconds in a day, for expiry options given in days.
pub const DAY: u64 = 86_400;

/// Seconds in an hour, for expiry options given in hours.
pub const HOUR: u64 = 3_600;

/// `now` plus `count` units (days, hours), saturating: an absurd option gives a far
/// future rather than a wrapped-around past.
pub fn expiry(now: u64, count: u64, unit: u64) -> u64 {
    now.saturating_add(count.saturating_mul(unit))
}

/// The current Unix time in seconds: the default `--now`, so that every command can be
/// replayed at a fixed time for reproducible output.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A Unix time as `YYYY-MM-DD HH:MM:SS UTC`, for reports people read.
pub fn format_time(unix: u64) -> String {
    callguard_core::format_utc(unix)
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_unix_times() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::format_time(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::format_time(1_795_000_000), "2026-11-18 11:06:40 UTC");
    }
}
