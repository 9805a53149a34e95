//! LEB128 unsigned varints, and a reader over any `BufRead` that fails cleanly on
//! truncated or overlong input.

use std::io::BufRead;

use super::WireError;

/// Appends `value` as a LEB128 varint (1 to 10 bytes).
pub(crate) fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Reads varints and raw bytes from a buffered stream.
pub(crate) struct Reader<R> {
    inner: R,
}

impl<R: BufRead> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader { inner }
    }

    pub fn byte(&mut self) -> Result<u8, WireError> {
        let buf = self.inner.fill_buf().map_err(WireError::from_io)?;
        let byte = *buf.first().ok_or(WireError::Truncated)?;
        self.inner.consume(1);
        Ok(byte)
    }

    pub fn varint(&mut self) -> Result<u64, WireError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(WireError::Malformed("varint overflows 64 bits"));
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(WireError::Malformed("varint longer than 10 bytes"))
    }

    /// A varint that must not exceed `limit` (counts, lengths, indices).
    pub fn bounded(&mut self, limit: u64, what: &'static str) -> Result<u64, WireError> {
        let value = self.varint()?;
        if value > limit {
            return Err(WireError::Malformed(what));
        }
        Ok(value)
    }

    /// Appends exactly `len` bytes to `out`.
    pub fn bytes_into(&mut self, len: usize, out: &mut Vec<u8>) -> Result<(), WireError> {
        let start = out.len();
        out.resize(start + len, 0);
        self.inner
            .read_exact(&mut out[start..])
            .map_err(WireError::from_io)
    }

    /// Whether the stream has ended.
    pub fn at_end(&mut self) -> Result<bool, WireError> {
        Ok(self
            .inner
            .fill_buf()
            .map_err(WireError::from_io)?
            .is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(value: u64) {
            let mut out = Vec::new();
            put(&mut out, value);
            let mut reader = Reader::new(out.as_slice());
            prop_assert_eq!(reader.varint().unwrap(), value);
            prop_assert!(reader.at_end().unwrap());
        }
    }

    #[test]
    fn rejects_truncated_and_overlong() {
        assert!(matches!(
            Reader::new(&[0x80u8][..]).varint(),
            Err(WireError::Truncated)
        ));
        assert!(Reader::new(&[0xffu8; 11][..]).varint().is_err());
        assert!(
            Reader::new(&[0xffu8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02][..])
                .varint()
                .is_err()
        );
    }
}
