//! The reference's binary `to_bytes` form: a version byte `0x01` followed by CBOR, read by a
//! small reader that accepts what `ciborium` (the reference's CBOR crate) accepted for the
//! handful of structures involved: structs as maps with text (or byte-string) keys, unknown
//! keys skipped, duplicates refused; tags skipped before integers, structs, sequences (byte
//! vectors among them) and `null`, refused inside the values serde buffers for flattened
//! structs; byte strings also as arrays of byte values; bytes after the value ignored
//! (`ciborium::from_reader` reads one item). Hand-written to keep the wasm module small:
//! ciborium's serde visitors would be instantiated once per structure, as serde_json's are for
//! the JSON documents. `tests/cbor_differential.rs` compares it with ciborium through the
//! reference's own `from_bytes`, on structurally and byte-wise mutated encodings.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Version byte that starts every CBOR-encoded value.
pub const CBOR_V1: u8 = 0x01;

/// ciborium's recursion limit.
const MAX_DEPTH: usize = 256;
/// ciborium's scratch buffer: longer (or indefinite) keys are refused.
const MAX_KEY: u64 = 4096;

const TAG_BIG_POSITIVE: u64 = 2;
const TAG_BIG_NEGATIVE: u64 = 3;

/// Result of a reader step; errors are messages for the caller's error type.
pub type CborResult<T> = Result<T, String>;

/// An item's initial byte: major type and argument (`None`: indefinite length or break).
#[derive(Clone, Copy)]
struct Head {
    major: u8,
    /// The low five bits (for major type 7: simple value, float width or break).
    info: u8,
    arg: Option<u64>,
}

/// A cursor over one CBOR item.
pub struct CborReader<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
    /// Inside a struct with flattened fields, where serde buffers values generically: tags
    /// and byte strings read as sequences are refused there.
    buffered: bool,
}

/// The simple value of a major-type-7 head (`None` for floats and break).
fn simple_value(head: Head) -> Option<u64> {
    match head.info {
        0..=24 => head.arg,
        _ => None,
    }
}

impl<'a> CborReader<'a> {
    /// Decode `0x01 || CBOR` with `f`.
    pub fn parse_v1<T>(
        bytes: &'a [u8],
        f: impl FnOnce(&mut CborReader<'a>) -> CborResult<T>,
    ) -> CborResult<T> {
        match bytes.split_first() {
            Some((&CBOR_V1, body)) => f(&mut CborReader {
                input: body,
                pos: 0,
                depth: MAX_DEPTH,
                buffered: false,
            })
            .map_err(|e| format!("CBOR: {e}")),
            Some((v, _)) => Err(format!("unsupported encoding version byte {v:#04x}")),
            None => Err("empty input".into()),
        }
    }

    fn take(&mut self, n: u64) -> CborResult<&'a [u8]> {
        let end = usize::try_from(n)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .filter(|&end| end <= self.input.len())
            .ok_or_else(|| String::from("unexpected end of input"))?;
        let out = &self.input[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn head(&mut self) -> CborResult<Head> {
        let first = self.take(1)?[0];
        let (major, info) = (first >> 5, first & 31);
        let arg = match info {
            0..=23 => Some(u64::from(info)),
            24..=27 => {
                let raw = self.take(1 << (info - 24))?;
                Some(raw.iter().fold(0u64, |v, b| v << 8 | u64::from(*b)))
            }
            31 if matches!(major, 2..=5 | 7) => None,
            _ => return Err(format!("invalid item header {first:#04x}")),
        };
        Ok(Head { major, info, arg })
    }

    /// The next head that is not a tag (tags are skipped where ciborium skips them).
    fn untagged_head(&mut self) -> CborResult<Head> {
        loop {
            let head = self.head()?;
            if head.major != 6 {
                return Ok(head);
            }
            if self.buffered {
                return Err("tag in a buffered value".into());
            }
        }
    }

    fn enter(&mut self) -> CborResult<()> {
        self.depth = self
            .depth
            .checked_sub(1)
            .ok_or_else(|| String::from("nested too deeply"))?;
        Ok(())
    }

    /// The content of a byte or text string whose head was read (segments joined).
    fn string_body(&mut self, head: Head) -> CborResult<Vec<u8>> {
        let Some(len) = head.arg else {
            let mut out = Vec::new();
            loop {
                let seg = self.head()?;
                if seg.major == 7 && seg.arg.is_none() {
                    return Ok(out);
                }
                match seg.arg {
                    Some(n) if seg.major == head.major => {
                        out.extend_from_slice(self.take(n)?);
                    }
                    _ => return Err("invalid string segment".into()),
                }
            }
        };
        Ok(self.take(len)?.to_vec())
    }

    /// Elements of an array whose head was read, each read by `element`.
    fn array_body(
        &mut self,
        head: Head,
        element: &mut dyn FnMut(&mut CborReader<'a>) -> CborResult<()>,
    ) -> CborResult<()> {
        self.enter()?;
        match head.arg {
            Some(n) => {
                for _ in 0..n {
                    element(self)?;
                }
            }
            None => {
                while !self.at_break()? {
                    element(self)?;
                }
            }
        }
        self.depth += 1;
        Ok(())
    }

    /// Consume a break (end of an indefinite container) if it is next.
    fn at_break(&mut self) -> CborResult<bool> {
        if self.input.get(self.pos) == Some(&0xff) {
            self.pos += 1;
            return Ok(true);
        }
        if self.pos >= self.input.len() {
            return Err("unexpected end of input".into());
        }
        Ok(false)
    }

    fn integer_of(&mut self, head: Head) -> CborResult<u64> {
        match (head.major, head.arg) {
            (0, Some(v)) => Ok(v),
            (1, _) => Err("unexpected negative integer".into()),
            _ => Err("expected an unsigned integer".into()),
        }
    }

    /// An unsigned integer (also as a positive bignum, tag 2, that fits).
    pub fn u64(&mut self) -> CborResult<u64> {
        let head = loop {
            let head = self.head()?;
            match (head.major, head.arg) {
                (6, Some(tag @ (TAG_BIG_POSITIVE | TAG_BIG_NEGATIVE))) if !self.buffered => {
                    let bytes = self.head()?;
                    if bytes.major != 2 {
                        return Err("expected bignum bytes".into());
                    }
                    let raw = self.string_body(bytes)?;
                    let digits = &raw[raw.iter().take_while(|b| **b == 0).count()..];
                    if digits.len() > 16 {
                        return Err("bigint too large".into());
                    }
                    if tag == TAG_BIG_NEGATIVE {
                        return Err("unexpected negative integer".into());
                    }
                    if digits.len() > 8 {
                        return Err("integer too large".into());
                    }
                    return Ok(digits.iter().fold(0u64, |v, b| v << 8 | u64::from(*b)));
                }
                (6, _) if !self.buffered => continue,
                _ => break head,
            }
        };
        self.integer_of(head)
    }

    fn u8(&mut self) -> CborResult<u8> {
        let v = self.u64()?;
        u8::try_from(v).map_err(|_| String::from("byte out of range"))
    }

    /// Bytes: a byte string, or an array of byte values; exactly `len` bytes when given. Tags
    /// before either are skipped outside buffered values (serde reads a `Vec<u8>` as a
    /// sequence, and ciborium skips tags before one).
    pub fn bytes(&mut self, len: Option<usize>) -> CborResult<Vec<u8>> {
        let head = self.untagged_head()?;
        let out = match head.major {
            2 => self.string_body(head)?,
            4 => {
                let mut out = Vec::new();
                self.array_body(head, &mut |r| {
                    out.push(r.u8()?);
                    Ok(())
                })?;
                out
            }
            _ => return Err("expected bytes".into()),
        };
        if len.is_some_and(|n| n != out.len()) {
            return Err("wrong number of bytes".into());
        }
        Ok(out)
    }

    /// Exactly `N` bytes.
    pub fn byte_array<const N: usize>(&mut self) -> CborResult<[u8; N]> {
        let v = self.bytes(Some(N))?;
        let mut out = [0u8; N];
        out.copy_from_slice(&v);
        Ok(out)
    }

    /// `null` (or `undefined`).
    pub fn null(&mut self) -> CborResult<()> {
        let head = self.untagged_head()?;
        if head.major == 7 && matches!(simple_value(head), Some(22 | 23)) {
            return Ok(());
        }
        Err("expected null".into())
    }

    /// A sequence: an array whose elements `element` reads; outside buffered values a byte
    /// string is a sequence of its bytes, which `byte` reads.
    fn seq(
        &mut self,
        element: &mut dyn FnMut(&mut CborReader<'a>) -> CborResult<()>,
        byte: &mut dyn FnMut(u8) -> CborResult<()>,
    ) -> CborResult<()> {
        let head = self.untagged_head()?;
        match head.major {
            4 => self.array_body(head, element),
            2 if !self.buffered => self.string_body(head)?.into_iter().try_for_each(byte),
            _ => Err("expected an array".into()),
        }
    }

    /// A sequence of unsigned integers.
    pub fn u64_vec(&mut self) -> CborResult<Vec<u64>> {
        let out = core::cell::RefCell::new(Vec::new());
        self.seq(
            &mut |r| {
                let v = r.u64()?;
                out.borrow_mut().push(v);
                Ok(())
            },
            &mut |b| {
                out.borrow_mut().push(u64::from(b));
                Ok(())
            },
        )?;
        Ok(out.into_inner())
    }

    /// A sequence of byte strings (a byte string only when empty, as for ciborium).
    pub fn bytes_vec(&mut self) -> CborResult<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        self.seq(
            &mut |r| {
                out.push(r.bytes(None)?);
                Ok(())
            },
            &mut |_| Err("expected bytes, found an integer".into()),
        )?;
        Ok(out)
    }

    /// Skip any one item (an unknown field's value). Text must be UTF-8, as ciborium decodes it.
    pub fn skip(&mut self) -> CborResult<()> {
        let head = self.head()?;
        match (head.major, head.arg) {
            (0, _) => Ok(()),
            (1, Some(v)) if self.buffered && v > i64::MAX as u64 => {
                Err("integer out of range".into())
            }
            (1, _) => Ok(()),
            (2, _) => self.string_body(head).map(drop),
            (3, _) => match String::from_utf8(self.string_body(head)?) {
                Ok(_) => Ok(()),
                Err(_) => Err("invalid UTF-8 in text".into()),
            },
            (4, _) => self.array_body(head, &mut |r| r.skip()),
            (5, _) => self.map_body(head, &mut |r| {
                r.skip()?;
                r.skip()
            }),
            (6, _) if self.buffered => Err("tag in a buffered value".into()),
            (6, _) => {
                self.enter()?;
                self.skip()?;
                self.depth += 1;
                Ok(())
            }
            // false, true, null, undefined and floats; other simple values are refused.
            (7, _) if matches!(head.info, 25..=27) => Ok(()),
            (7, _) if matches!(simple_value(head), Some(20..=23)) => Ok(()),
            _ => Err("unexpected item".into()),
        }
    }

    /// Entries of a map whose head was read, each read by `entry`.
    fn map_body(
        &mut self,
        head: Head,
        entry: &mut dyn FnMut(&mut CborReader<'a>) -> CborResult<()>,
    ) -> CborResult<()> {
        self.enter()?;
        match head.arg {
            Some(n) => {
                for _ in 0..n {
                    entry(self)?;
                }
            }
            None => {
                while !self.at_break()? {
                    entry(self)?;
                }
            }
        }
        self.depth += 1;
        Ok(())
    }

    /// A struct: a map whose keys are field names (text or bytes, at most 4096 bytes);
    /// `field` reads the value of field `i`, unknown keys are skipped, a key seen twice or a
    /// field missing is refused. `flattened`: serde's buffering of flattened structs applies.
    pub fn record(
        &mut self,
        names: &[&'static str],
        flattened: bool,
        field: &mut dyn FnMut(&mut CborReader<'a>, usize) -> CborResult<()>,
    ) -> CborResult<()> {
        let head = self.untagged_head()?;
        if head.major != 5 {
            return Err("expected a map".into());
        }
        let mut seen = 0u32;
        self.map_body(head, &mut |r| {
            let key = r.untagged_head()?;
            let name = match (key.major, key.arg) {
                (2 | 3, Some(n)) if n <= MAX_KEY => r.take(n)?,
                _ => return Err("expected a text key".into()),
            };
            if key.major == 3 && core::str::from_utf8(name).is_err() {
                return Err("invalid UTF-8 in key".into());
            }
            match names.iter().position(|n| n.as_bytes() == name) {
                None => {
                    let outer = r.buffered;
                    r.buffered |= flattened;
                    let skipped = r.skip();
                    r.buffered = outer;
                    skipped
                }
                Some(i) if seen & (1 << i) != 0 => Err(format!("duplicate field `{}`", names[i])),
                Some(i) => {
                    seen |= 1 << i;
                    field(r, i)
                }
            }
        })?;
        match (0..names.len()).find(|i| seen & (1 << i) == 0) {
            Some(i) => Err(format!("missing field `{}`", names[i])),
            None => Ok(()),
        }
    }

    /// Read a value as serde reads a flattened struct's fields (buffered first).
    pub fn buffered<T>(
        &mut self,
        f: impl FnOnce(&mut CborReader<'a>) -> CborResult<T>,
    ) -> CborResult<T> {
        let outer = self.buffered;
        self.buffered = true;
        let out = f(self);
        self.buffered = outer;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn read<T>(bytes: &[u8], f: impl FnOnce(&mut CborReader) -> CborResult<T>) -> CborResult<T> {
        let mut v = vec![CBOR_V1];
        v.extend_from_slice(bytes);
        CborReader::parse_v1(&v, f)
    }

    #[test]
    fn integers_bytes_and_tags() {
        assert_eq!(read(&[0x17], |r| r.u64()), Ok(23));
        assert_eq!(read(&[0x1b, 0, 0, 0, 0, 0, 0, 1, 0], |r| r.u64()), Ok(256));
        // A tag before an integer is skipped; a positive bignum that fits is an integer.
        assert_eq!(read(&[0xc6, 0x05], |r| r.u64()), Ok(5));
        assert_eq!(read(&[0xc2, 0x43, 0, 1, 2], |r| r.u64()), Ok(258));
        assert!(read(&[0xc2, 0x49, 1, 0, 0, 0, 0, 0, 0, 0, 0], |r| r.u64()).is_err());
        assert!(read(&[0x20], |r| r.u64()).is_err());
        assert!(read(&[0x1c], |r| r.u64()).is_err());
        assert_eq!(read(&[0x42, 1, 2], |r| r.bytes(None)), Ok(vec![1, 2]));
        assert_eq!(read(&[0x82, 1, 2], |r| r.bytes(None)), Ok(vec![1, 2]));
        assert_eq!(
            read(&[0x5f, 0x41, 1, 0x41, 2, 0xff], |r| r.bytes(None)),
            Ok(vec![1, 2])
        );
        // A tag before a byte vector is skipped (ciborium reads `Vec<u8>` as a sequence and
        // skips tags before one), except in a value serde buffers for a flattened struct.
        assert_eq!(read(&[0xc6, 0x42, 1, 2], |r| r.bytes(None)), Ok(vec![1, 2]));
        assert_eq!(read(&[0xc6, 0x82, 1, 2], |r| r.bytes(None)), Ok(vec![1, 2]));
        assert!(read(&[0xc6, 0x42, 1, 2], |r| r.buffered(|r| r.bytes(None))).is_err());
        assert!(read(&[0x81, 0x19, 1, 0], |r| r.bytes(None)).is_err());
        assert!(read(&[0x42, 1], |r| r.bytes(None)).is_err());
        assert_eq!(read(&[0x42, 1, 2], |r| r.u64_vec()), Ok(vec![1, 2]));
        assert_eq!(read(&[0x40], |r| r.bytes_vec()), Ok(vec![]));
        assert!(read(&[0x41, 1], |r| r.bytes_vec()).is_err());
        assert_eq!(read(&[0xf6], |r| r.null()), Ok(()));
        assert!(read(&[0xf5], |r| r.null()).is_err());
        // Bytes after the item are not read.
        assert_eq!(read(&[0x01, 0xff, 0xff], |r| r.u64()), Ok(1));
    }

    fn pair(bytes: &[u8]) -> CborResult<(u64, u64)> {
        read(bytes, |r| {
            let mut v = (0, 0);
            r.record(&["a", "b"], false, &mut |r, i| {
                let x = r.u64()?;
                if i == 0 {
                    v.0 = x
                } else {
                    v.1 = x
                }
                Ok(())
            })?;
            Ok(v)
        })
    }

    #[test]
    fn structs_are_maps() {
        assert_eq!(pair(&[0xa2, 0x61, b'a', 1, 0x61, b'b', 2]), Ok((1, 2)));
        // Byte-string keys, indefinite maps, unknown keys with any value.
        assert_eq!(
            pair(&[
                0xbf, 0x41, b'b', 2, 0x61, b'x', 0xc6, 0x82, 0x63, b'a', b'b', b'c', 0xf9, 0, 0,
                0x61, b'a', 1, 0xff
            ]),
            Ok((1, 2))
        );
        for bad in [
            &[0xa1, 0x61, b'a', 1][..],
            &[0xa3, 0x61, b'a', 1, 0x61, b'b', 2, 0x61, b'a', 3],
            &[0x82, 1, 2],
            &[0xa2, 0x61, b'a', 1, 0x01, 2],
            &[0xa3, 0x61, b'a', 1, 0x61, b'b', 2, 0x61, b'x', 0x61, 0xff],
            &[0xa2, 0x61, b'a', 1, 0x61, b'b'],
        ] {
            assert!(pair(bad).is_err(), "{bad:?}");
        }
        let deep: Vec<u8> = core::iter::repeat_n(0x81, 10_000).chain([0]).collect();
        let mut doc = vec![0xa3, 0x61, b'x'];
        doc.extend(deep);
        doc.extend([0x61, b'a', 1, 0x61, b'b', 2]);
        assert!(pair(&doc).is_err());
    }
}
