//! The list format on the wire: what travels, what is hashed and what is signed.
//!
//! A list is a set of **sections** (numbers, prefixes, official numbers, domains, SMS
//! rules). Each section is a sequence of **entries**, `(key, value)`, sorted by key bytes
//! and strictly increasing. These entries are the *canonical content*: the publisher signs
//! their SHA-256, and the phone recomputes it from whatever it built. The FST bytes on the
//! phone are only a local cache of this content; they never travel and are never signed.
//!
//! - [`snapshot`]: every entry of every section, key-coded ([`keys`]) and zstd-compressed.
//! - [`delta`]: from version M to N, the removed keys (or, in the older layout, indices
//!   into M's sorted entries) and the additions, compressed the same way.
//! - [`lthash`]: the multiset digest signed beside the SHA-256, which a keyed delta is
//!   checked against from its changes alone.
//!
//! Both decode as a stream into an [`EntrySink`], so a 10M-entry list never has to sit in
//! memory on the phone. Every length and count is checked, decompression is capped, and
//! the digest is compared before anything is used. The exact byte layouts are specified in
//! `signed-lists/FORMAT.md`.

pub mod delta;
mod digest;
mod entries;
pub(crate) mod keys;
pub mod lthash;
pub mod snapshot;
mod varint;

use std::io;

pub use digest::{ContentDigest, ContentSummary};
pub use entries::{SortedEntries, SortedIter, SortedSource};
pub use lthash::LtHash16;

/// The longest key in any section, in bytes.
pub const MAX_KEY_LEN: usize = 255;

/// The sections of a list, in canonical order. The discriminant is the byte used in the
/// canonical digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Section {
    /// Exact E.164 numbers (ASCII digits, no `+`) → packed entry metadata.
    Numbers = 1,
    /// Prefix patterns (digits and `#`) → packed entry metadata.
    Prefixes = 2,
    /// Official numbers, `region letters + national number` → 0.
    Official = 3,
    /// Domains, labels reversed (`com.example`) → packed entry metadata.
    Domains = 4,
    /// SMS rules; keys and values are defined by the SMS rules format.
    SmsRules = 5,
}

impl Section {
    /// Every section, in canonical order.
    pub const ALL: [Section; 5] = [
        Section::Numbers,
        Section::Prefixes,
        Section::Official,
        Section::Domains,
        Section::SmsRules,
    ];

    /// The lower-case name used in manifests and file names.
    pub fn name(self) -> &'static str {
        match self {
            Section::Numbers => "numbers",
            Section::Prefixes => "prefixes",
            Section::Official => "official",
            Section::Domains => "domains",
            Section::SmsRules => "sms_rules",
        }
    }

    /// The position in [`Section::ALL`].
    pub fn index(self) -> usize {
        self as usize - 1
    }
}

/// Why a snapshot or delta could not be read. Nothing partial is ever used after one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The data ends early.
    #[error("the data is truncated")]
    Truncated,
    /// The data breaks the format; the text says which rule.
    #[error("the data is malformed: {0}")]
    Malformed(&'static str),
    /// The file does not start with the expected magic bytes.
    #[error("not a {0} file")]
    BadMagic(&'static str),
    /// Decompressed data or a count exceeds the limit derived from the signed manifest.
    #[error("the data exceeds its size limit")]
    TooLarge,
    /// The entries do not match the signed count or SHA-256.
    #[error("the content does not match its signed digest")]
    DigestMismatch,
    /// A delta's base is not the list it is applied to.
    #[error("the delta does not apply to this list: {0}")]
    WrongBase(&'static str),
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(String),
    /// A sink that writes every entry was given a section by its count alone (a delta
    /// applied by its changes): it must be applied by streaming instead.
    #[error("this sink needs every entry: apply the delta by streaming")]
    NeedsEntries,
}

/// The error a capped reader wraps in its `io::Error`; recognised by its type (never by
/// its text) and mapped back to [`WireError::TooLarge`].
#[derive(Debug, thiserror::Error)]
#[error("decompressed size cap exceeded")]
struct CapExceeded;

impl WireError {
    pub(crate) fn from_io(err: io::Error) -> WireError {
        if err.kind() == io::ErrorKind::UnexpectedEof {
            WireError::Truncated
        } else if err.get_ref().is_some_and(|inner| inner.is::<CapExceeded>()) {
            WireError::TooLarge
        } else {
            WireError::Io(err.to_string())
        }
    }
}

/// Receives decoded entries, section by section in canonical order.
pub trait EntrySink {
    /// One entry; keys within a section arrive strictly increasing.
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError>;

    /// One change a delta makes, besides the resulting entries: a base entry that goes
    /// ([`Change::Removed`], with the value it had) or an entry that comes
    /// ([`Change::Added`], reported just before its [`entry`](Self::entry) call). Within a
    /// section each kind arrives in strictly increasing key order. A sink that keeps its
    /// base and records only the changes (the phone's overlays) needs these; the default
    /// ignores them. Snapshots report none.
    fn change(
        &mut self,
        section: Section,
        change: Change,
        key: &[u8],
        value: u64,
    ) -> Result<(), WireError> {
        let _ = (section, change, key, value);
        Ok(())
    }

    /// A section whose entries are not streamed: the delta was applied by its changes
    /// alone (`delta::apply_changes`), and the result has `count` entries. Only a sink
    /// that keeps its base and records the changes can take this; the default refuses
    /// with [`WireError::NeedsEntries`], so a sink that writes whole sections never
    /// writes one empty.
    fn unstreamed(&mut self, section: Section, count: u64) -> Result<(), WireError> {
        let _ = (section, count);
        Err(WireError::NeedsEntries)
    }
}

/// What a delta does to one entry (see [`EntrySink::change`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// An entry of the base is not in the result.
    Removed,
    /// An entry of the result is not in the base (a changed value is a removal and an
    /// addition of the same key).
    Added,
}

/// A reader that fails, rather than ends, past `limit` bytes: a decompression bomb then
/// stops at the limit with [`WireError::TooLarge`].
pub(crate) struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: io::Read> Capped<R> {
    pub fn new(inner: R, limit: u64) -> Self {
        Capped { inner, left: limit }
    }
}

impl<R: io::Read> io::Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // One probe byte tells a stream that ends exactly at the cap from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(CapExceeded)),
            };
        }
        let want = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..want])?;
        self.left -= got as u64;
        Ok(got)
    }
}

/// The largest decoded body a list of `count` entries can have: every entry at most a
/// maximal key code and a maximal value, plus the per-section headers.
pub fn max_decoded_len(count: u64, sections: usize) -> u64 {
    let per_entry = (2 + 2 + MAX_KEY_LEN + 10) as u64;
    count
        .saturating_mul(per_entry)
        .saturating_add(64 + 40 * sections as u64)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_keyed;
