//! A plain little-endian byte layout for the library's own binary messages (check jobs and
//! their outcomes, which hosts move between threads and workers). Not a wire format of
//! Mithril's: only mithril-lite writes and reads it, so it needs no serde and no version
//! negotiation beyond a magic and a version byte the message types put first.
//!
//! Reading is bounds-checked and never allocates more than the input could hold, so a
//! truncated or hostile message costs at most one pass over its bytes.

use alloc::string::String;
use alloc::vec::Vec;

/// Appends fields to a byte vector.
#[derive(Debug, Default)]
pub struct ByteWriter {
    out: Vec<u8>,
}

impl ByteWriter {
    /// An empty message.
    pub fn new() -> Self {
        ByteWriter::default()
    }

    /// Raw bytes, no length.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// One byte.
    pub fn u8(&mut self, v: u8) {
        self.out.push(v);
    }

    /// A u32, little-endian.
    pub fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A u64, little-endian.
    pub fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// A length (u32) then the bytes. Lengths over u32 cannot occur: every input is bounded
    /// by the walk's size limits long before that.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.u32(bytes.len() as u32);
        self.raw(bytes);
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// A count (u32) then each u64.
    pub fn u64s(&mut self, values: &[u64]) {
        self.u32(values.len() as u32);
        for v in values {
            self.u64(*v);
        }
    }

    /// The message.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Why a message did not read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Truncated;

/// Reads fields written by [`ByteWriter`], in the same order.
#[derive(Debug)]
pub struct ByteReader<'a> {
    rest: &'a [u8],
}

impl<'a> ByteReader<'a> {
    /// Read `input` from its start.
    pub fn new(input: &'a [u8]) -> Self {
        ByteReader { rest: input }
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], Truncated> {
        if n > self.rest.len() {
            return Err(Truncated);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// A fixed-size array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Truncated> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, Truncated> {
        Ok(self.take(1)?[0])
    }

    /// A little-endian u32.
    pub fn u32(&mut self) -> Result<u32, Truncated> {
        self.array().map(u32::from_le_bytes)
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> Result<u64, Truncated> {
        self.array().map(u64::from_le_bytes)
    }

    /// A count written by [`ByteWriter::u64s`] or by hand, refused when fewer than
    /// `count * min_item_bytes` bytes remain (so no allocation outgrows the input).
    pub fn count(&mut self, min_item_bytes: usize) -> Result<usize, Truncated> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min_item_bytes.max(1)) > self.rest.len() {
            return Err(Truncated);
        }
        Ok(n)
    }

    /// Length-prefixed bytes.
    pub fn bytes(&mut self) -> Result<Vec<u8>, Truncated> {
        let n = self.count(1)?;
        self.take(n).map(<[u8]>::to_vec)
    }

    /// A length-prefixed UTF-8 string.
    pub fn str(&mut self) -> Result<String, Truncated> {
        String::from_utf8(self.bytes()?).map_err(|_| Truncated)
    }

    /// A count then that many u64.
    pub fn u64s(&mut self) -> Result<Vec<u64>, Truncated> {
        let n = self.count(8)?;
        (0..n).map(|_| self.u64()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_every_truncation_refused() {
        let mut w = ByteWriter::new();
        w.u8(7);
        w.u32(0xdead_beef);
        w.u64(u64::MAX - 1);
        w.bytes(b"abc");
        w.str("h\u{e9}");
        w.u64s(&[1, 2, 3]);
        let bytes = w.finish();
        let read = |b: &[u8]| -> Result<_, Truncated> {
            let mut r = ByteReader::new(b);
            let v = (r.u8()?, r.u32()?, r.u64()?, r.bytes()?, r.str()?, r.u64s()?);
            Ok((v, r.is_empty()))
        };
        let (v, empty) = read(&bytes).unwrap();
        assert_eq!(v.0, 7);
        assert_eq!(v.1, 0xdead_beef);
        assert_eq!(v.2, u64::MAX - 1);
        assert_eq!(v.3, b"abc");
        assert_eq!(v.4, "h\u{e9}");
        assert_eq!(v.5, [1, 2, 3]);
        assert!(empty);
        for cut in 0..bytes.len() {
            assert_eq!(read(&bytes[..cut]).map(|_| ()), Err(Truncated), "cut {cut}");
        }
    }

    #[test]
    fn huge_counts_are_refused_before_allocating() {
        let mut w = ByteWriter::new();
        w.u32(u32::MAX);
        let bytes = w.finish();
        assert_eq!(ByteReader::new(&bytes).u64s(), Err(Truncated));
        assert_eq!(ByteReader::new(&bytes).bytes(), Err(Truncated));
    }
}
