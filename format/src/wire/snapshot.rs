//! A full snapshot: every entry of every section.
//!
//! Layout: the 8 magic bytes `CGSNAP01`, then one zstd frame whose content is, for each
//! section in canonical order, `varint(count)` followed by `count` entries of
//! `key code` ([`keys`](super::keys)) and `varint(value)`.

use std::io::{BufReader, Read};

use super::varint::{self, Reader};
use super::{
    keys, max_decoded_len, Capped, ContentDigest, ContentSummary, EntrySink, Section,
    SortedEntries, WireError,
};

/// The magic bytes that open a snapshot.
pub const MAGIC: &[u8; 8] = b"CGSNAP01";

/// Encodes the five sections (in [`Section::ALL`] order) at zstd `level`.
pub fn encode(
    sections: &[SortedEntries; 5],
    level: i32,
) -> Result<(Vec<u8>, ContentSummary), WireError> {
    let mut body = Vec::new();
    let mut digest = ContentDigest::new();
    for (section, entries) in Section::ALL.into_iter().zip(sections) {
        varint::put(&mut body, entries.len() as u64);
        put_entries(&mut body, section, entries.iter(), &mut digest);
    }
    let mut out = MAGIC.to_vec();
    out.extend(zstd::encode_all(body.as_slice(), level).map_err(WireError::from_io)?);
    Ok((out, digest.finish()))
}

/// Key-codes a run of sorted entries, adding each to `digest`.
pub(crate) fn put_entries<'a>(
    body: &mut Vec<u8>,
    section: Section,
    entries: impl Iterator<Item = (&'a [u8], u64)>,
    digest: &mut ContentDigest,
) {
    let mut previous: &[u8] = &[];
    for (key, value) in entries {
        keys::put(body, previous, key);
        varint::put(body, value);
        digest.add(section, key, value);
        previous = key;
    }
}

/// Decodes a snapshot into `sink`. `expected_count` comes from the signed manifest: it
/// bounds every count and the decompressed size, and must match exactly at the end. The
/// caller compares the returned SHA-256 with the signed one.
pub fn decode(
    mut data: impl Read,
    expected_count: u64,
    sink: &mut dyn EntrySink,
) -> Result<ContentSummary, WireError> {
    expect_magic(&mut data, MAGIC, "snapshot")?;
    let decoder = zstd::stream::read::Decoder::new(data).map_err(WireError::from_io)?;
    let capped = Capped::new(decoder, max_decoded_len(expected_count, Section::ALL.len()));
    let mut reader = Reader::new(BufReader::new(capped));
    let mut digest = ContentDigest::new();
    let mut total = 0u64;
    for section in Section::ALL {
        let count = reader.bounded(expected_count - total, "count exceeds the signed total")?;
        read_entries(&mut reader, section, count, &mut digest, |key, value| {
            sink.entry(section, key, value)
        })?;
        total += count;
    }
    finish(&mut reader, digest, expected_count)
}

/// Reads the 8 magic bytes that open a file of kind `what`.
pub(crate) fn expect_magic(
    data: &mut impl Read,
    magic: &[u8; 8],
    what: &'static str,
) -> Result<(), WireError> {
    let mut found = [0u8; 8];
    data.read_exact(&mut found).map_err(WireError::from_io)?;
    if &found != magic {
        return Err(WireError::BadMagic(what));
    }
    Ok(())
}

/// The end of a body: nothing after the last section, and exactly the signed count.
pub(crate) fn finish<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    digest: ContentDigest,
    expected_count: u64,
) -> Result<ContentSummary, WireError> {
    if !reader.at_end()? {
        return Err(WireError::Malformed("data after the last section"));
    }
    let summary = digest.finish();
    if summary.count != expected_count {
        return Err(WireError::DigestMismatch);
    }
    Ok(summary)
}

/// Reads `count` key-coded entries, checking that keys strictly increase.
pub(crate) fn read_entries<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    section: Section,
    count: u64,
    digest: &mut ContentDigest,
    mut each: impl FnMut(&[u8], u64) -> Result<(), WireError>,
) -> Result<(), WireError> {
    let mut key = Vec::with_capacity(32);
    let mut previous = Vec::with_capacity(32);
    for i in 0..count {
        keys::read(reader, &mut key)?;
        if i > 0 && key <= previous {
            return Err(WireError::Malformed("keys out of order"));
        }
        let value = reader.varint()?;
        digest.add(section, &key, value);
        each(&key, value)?;
        previous.clear();
        previous.extend_from_slice(&key);
    }
    Ok(())
}
