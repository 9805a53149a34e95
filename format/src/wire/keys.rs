//! The key column: sorted, strictly increasing keys coded against their predecessor.
//!
//! Each key is one of two codes, told apart by the low bit of the first varint:
//! - **numeric gap** (`varint(gap << 1)`): both keys are ASCII digits of the same length
//!   (at most 18), and `gap = value(key) - value(previous) ≥ 1`. Phone numbers of one
//!   country are this case, and gap coding is what brings them near the entropy bound.
//! - **front coding** (`varint(shared << 1 | 1)`, `varint(suffix_len)`, suffix bytes): the
//!   key shares `shared` leading bytes with its predecessor.
//!
//! The first key is front-coded against the empty key.

use super::varint::{self, Reader};
use super::{WireError, MAX_KEY_LEN};

const MAX_NUMERIC_LEN: usize = 18;

fn numeric(key: &[u8]) -> Option<u64> {
    if key.is_empty() || key.len() > MAX_NUMERIC_LEN || !key.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        key.iter()
            .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')),
    )
}

/// Appends the code of `key` given the previous key.
pub(crate) fn put(out: &mut Vec<u8>, previous: &[u8], key: &[u8]) {
    if previous.len() == key.len() {
        if let (Some(a), Some(b)) = (numeric(previous), numeric(key)) {
            if b > a {
                varint::put(out, (b - a) << 1);
                return;
            }
        }
    }
    let shared = previous.iter().zip(key).take_while(|(a, b)| a == b).count();
    varint::put(out, ((shared as u64) << 1) | 1);
    varint::put(out, (key.len() - shared) as u64);
    out.extend_from_slice(&key[shared..]);
}

/// Reads the next key into `key`, which holds the previous key on entry.
pub(crate) fn read<R: std::io::BufRead>(
    reader: &mut Reader<R>,
    key: &mut Vec<u8>,
) -> Result<(), WireError> {
    let head = reader.varint()?;
    if head & 1 == 0 {
        let gap = head >> 1;
        let previous =
            numeric(key).ok_or(WireError::Malformed("numeric gap after a non-numeric key"))?;
        let value = previous
            .checked_add(gap)
            .filter(|v| gap > 0 && *v < 10u64.pow(key.len() as u32))
            .ok_or(WireError::Malformed("numeric gap out of range"))?;
        let mut digits = value;
        for slot in key.iter_mut().rev() {
            *slot = b'0' + (digits % 10) as u8;
            digits /= 10;
        }
        return Ok(());
    }
    let shared = (head >> 1) as usize;
    if shared > key.len() {
        return Err(WireError::Malformed(
            "shared prefix longer than the previous key",
        ));
    }
    let suffix_len = reader.bounded(MAX_KEY_LEN as u64, "key too long")? as usize;
    if shared + suffix_len > MAX_KEY_LEN || shared + suffix_len == 0 {
        return Err(WireError::Malformed("key length out of range"));
    }
    key.truncate(shared);
    reader.bytes_into(suffix_len, key)
}
