//! A small JSON pull reader, accepting exactly what `serde_json` with derived `Deserialize`
//! accepted for the reference's wire types (the certificate hash and every verdict depend on it):
//! unknown fields skipped, duplicate fields refused, structs also as arrays of their fields,
//! `u64` exactly (no sign, fraction or exponent, at most `u64::MAX`), strings with escapes and
//! paired `\u` surrogates as valid UTF-8, nothing after the document.
//!
//! Only `crate::proofs` still reads with it: the certificate side (certificates, AVK,
//! multi-signature) reads with serde derive + serde_json, and the proofs are moving there too,
//! after which this reader goes. It has no floating-point numbers any more: no proof document
//! has one.
//!
//! Hand-written rather than `serde_json` + derive: measured in the wasm module, serde_json and
//! the visitors derive generates per struct (and again per format, since the same structs were
//! also read from CBOR) came to over 150 KB of the 480 KB; this reader and its callers are a few
//! KB. Descent is bounded by [`MAX_DEPTH`], as serde_json's recursion limit; values skipped as
//! unknown fields are walked without recursion (serde_json sets no depth limit there either).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Nesting limit of typed values (arrays and objects read into fields), serde_json's own.
pub const MAX_DEPTH: usize = 128;

/// Why a document was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the document.
    pub offset: usize,
    /// What was wrong.
    pub message: &'static str,
    /// The field concerned, for a missing or duplicate field.
    pub field: Option<&'static str>,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)?;
        if let Some(field) = self.field {
            write!(f, " `{field}`")?;
        }
        write!(f, " at byte {}", self.offset)
    }
}

/// Result of a reader step.
pub type JsonResult<T> = Result<T, JsonError>;

/// How a struct's fields appear on the wire.
pub struct Fields {
    /// Field names, in declaration order (the order of the array form).
    pub names: &'static [&'static str],
    /// Bit `i`: field `i` may be absent from the object form (an `Option` or a defaulted field).
    pub optional: u32,
    /// Bit `i`: field `i` may be missing at the end of the array form (a defaulted field).
    pub defaulted: u32,
    /// A struct with flattened fields, as serde reads it: the object form only, and unknown
    /// fields' values fully decoded (so they must be valid strings and in-range numbers).
    pub flattened: bool,
}

/// A cursor over one JSON document.
pub struct JsonReader<'a> {
    input: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

impl<'a> JsonReader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        JsonReader {
            input,
            pos: 0,
            depth: MAX_DEPTH,
        }
    }

    /// Read a whole document with `f`, refusing anything but whitespace after it.
    pub fn parse<T>(
        input: &'a [u8],
        f: impl FnOnce(&mut JsonReader<'a>) -> JsonResult<T>,
    ) -> JsonResult<T> {
        let mut r = JsonReader::new(input);
        let value = f(&mut r)?;
        if r.peek().is_some() {
            return Err(r.error("trailing characters"));
        }
        Ok(value)
    }

    /// An error at the current position.
    pub fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.pos,
            message,
            field: None,
        }
    }

    fn field_error(&self, message: &'static str, field: &'static str) -> JsonError {
        JsonError {
            field: Some(field),
            ..self.error(message)
        }
    }

    /// The next non-whitespace byte, not consumed.
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.input.get(self.pos) {
            if !is_ws(b) {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    fn next_byte(&mut self) -> JsonResult<u8> {
        let b = *self
            .input
            .get(self.pos)
            .ok_or_else(|| self.error("unexpected end of input"))?;
        self.pos += 1;
        Ok(b)
    }

    /// Consume `byte` (after whitespace) or fail with `message`.
    fn expect(&mut self, byte: u8, message: &'static str) -> JsonResult<()> {
        if self.peek() != Some(byte) {
            return Err(self.error(message));
        }
        self.pos += 1;
        Ok(())
    }

    fn literal(&mut self, word: &[u8]) -> JsonResult<()> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    /// `null`, consumed if it is next: `true` when it was (an `Option` field's `None`).
    pub fn null_if_next(&mut self) -> JsonResult<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `null`, and nothing else.
    pub fn null(&mut self) -> JsonResult<()> {
        if self.null_if_next()? {
            Ok(())
        } else {
            Err(self.error("expected null"))
        }
    }

    /// Scan a number's text (JSON grammar); returns (start, whether it is a plain
    /// non-negative integer).
    fn number_text(&mut self) -> JsonResult<(usize, bool)> {
        let start = self.pos;
        let mut plain = true;
        let digits = |r: &mut Self| -> usize {
            let from = r.pos;
            while r.input.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos - from
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
            plain = false;
        }
        match self.input.get(self.pos) {
            Some(b'0') => {
                self.pos += 1;
                if self.input.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.input.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            plain = false;
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.input.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            plain = false;
            if matches!(self.input.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok((start, plain))
    }

    /// An unsigned integer: digits only, at most `u64::MAX` (a sign, fraction or exponent makes
    /// the number a float or a negative, which serde refuses for `u64`).
    pub fn u64(&mut self) -> JsonResult<u64> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.error("expected an unsigned integer"));
        }
        let (start, plain) = self.number_text()?;
        let mut value: u64 = 0;
        if plain {
            for &d in &self.input[start..self.pos] {
                match value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(d - b'0')))
                {
                    Some(v) => value = v,
                    None => return Err(self.error("integer out of range")),
                }
            }
            return Ok(value);
        }
        Err(self.error("expected an unsigned integer"))
    }

    /// An integer in `0..=255`.
    pub fn u8(&mut self) -> JsonResult<u8> {
        let v = self.u64()?;
        u8::try_from(v).map_err(|_| self.error("byte out of range"))
    }

    fn hex4(&mut self) -> JsonResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.next_byte()?;
            let n = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid escape"))?;
            v = v << 4 | n;
        }
        Ok(v)
    }

    /// A string, unescaped. Control characters, bad escapes, unpaired surrogates and invalid
    /// UTF-8 are refused.
    pub fn string(&mut self) -> JsonResult<String> {
        self.expect(b'"', "expected a string")?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.pos;
            while self
                .input
                .get(self.pos)
                .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.pos += 1;
            }
            out.extend_from_slice(&self.input[start..self.pos]);
            match self.next_byte()? {
                b'"' => break,
                b'\\' => {
                    let c = match self.next_byte()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => return Err(self.error("control character in string")),
            }
        }
        String::from_utf8(out).map_err(|_| self.error("invalid UTF-8 in string"))
    }

    /// The code point of a `\u` escape (after `\u`), joining a surrogate pair.
    fn unicode_escape(&mut self) -> JsonResult<char> {
        let n = self.hex4()?;
        let code = match n {
            0xD800..=0xDBFF => {
                if self.next_byte()? != b'\\' || self.next_byte()? != b'u' {
                    return Err(self.error("unpaired surrogate in string"));
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error("unpaired surrogate in string"));
                }
                0x1_0000 + ((n - 0xD800) << 10 | (low - 0xDC00))
            }
            0xDC00..=0xDFFF => return Err(self.error("unpaired surrogate in string")),
            n => n,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid escape"))
    }

    /// Skip a string without decoding it (inside skipped values, where serde_json checks only
    /// escapes and control characters).
    fn skip_string(&mut self) -> JsonResult<()> {
        self.expect(b'"', "expected a string")?;
        loop {
            match self.next_byte()? {
                b'"' => return Ok(()),
                b'\\' => match self.next_byte()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        self.hex4()?;
                    }
                    _ => return Err(self.error("invalid escape")),
                },
                b if b < 0x20 => return Err(self.error("control character in string")),
                _ => {}
            }
        }
    }

    /// Skip any one value (an unknown field's), checking its syntax. Iterative: the stack of
    /// open containers lives on the heap, so depth cannot overflow the call stack.
    pub fn skip(&mut self) -> JsonResult<()> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value.
            match self.peek() {
                Some(b'n') => self.literal(b"null")?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'"') => self.skip_string()?,
                Some(b'-' | b'0'..=b'9') => {
                    self.number_text()?;
                }
                Some(c @ (b'[' | b'{')) => {
                    self.pos += 1;
                    let close = c + 2; // `]` and `}` follow `[` and `{` by two
                    if self.peek() == Some(close) {
                        self.pos += 1;
                    } else {
                        open.push(close);
                        if c == b'{' {
                            self.skip_key()?;
                        }
                        continue;
                    }
                }
                _ => return Err(self.error("expected a value")),
            }
            // After a value: a separator, or the ends of containers.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if close == b'}' {
                            self.skip_key()?;
                        }
                        break;
                    }
                    Some(c) if c == close => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ => return Err(self.error("expected `,` or the end of a container")),
                }
            }
        }
    }

    /// Skip a value by decoding it, as serde buffers the unknown fields of a struct with
    /// flattened fields: strings must be valid, depth bounded. (Numbers are checked for their
    /// grammar only: no document read here has flattened fields any more.)
    pub fn skip_decoding(&mut self) -> JsonResult<()> {
        match self.peek() {
            Some(b'[') => self.array(&mut |r| r.skip_decoding()),
            Some(b'{') => self.object(&mut |r, _| r.skip_decoding()),
            Some(b'"') => self.string().map(drop),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ => self.skip(),
        }
    }

    fn skip_key(&mut self) -> JsonResult<()> {
        if self.peek() != Some(b'"') {
            return Err(self.error("key must be a string"));
        }
        self.skip_string()?;
        self.expect(b':', "expected `:`")
    }

    fn enter(&mut self) -> JsonResult<()> {
        if self.depth == 0 {
            return Err(self.error("nested too deeply"));
        }
        self.depth -= 1;
        Ok(())
    }

    /// An array: `element` reads each element.
    pub fn array(
        &mut self,
        element: &mut dyn FnMut(&mut JsonReader<'a>) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.expect(b'[', "expected an array")?;
        self.enter()?;
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                element(self)?;
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `]`")),
                }
            }
        }
        self.depth += 1;
        Ok(())
    }

    /// An array of exactly `len` elements (a tuple): `element` reads element `i`.
    pub fn tuple(
        &mut self,
        len: usize,
        element: &mut dyn FnMut(&mut JsonReader<'a>, usize) -> JsonResult<()>,
    ) -> JsonResult<()> {
        let mut i = 0;
        self.array(&mut |r| {
            if i == len {
                return Err(r.error("too many elements"));
            }
            element(r, i)?;
            i += 1;
            Ok(())
        })?;
        if i != len {
            return Err(self.error("too few elements"));
        }
        Ok(())
    }

    /// A vector whose elements `element` reads.
    pub fn vec<T>(
        &mut self,
        element: &mut dyn FnMut(&mut JsonReader<'a>) -> JsonResult<T>,
    ) -> JsonResult<Vec<T>> {
        let mut out = Vec::new();
        self.array(&mut |r| {
            out.push(element(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// An array of byte values, of exactly `len` bytes when given.
    pub fn bytes(&mut self, len: Option<usize>) -> JsonResult<Vec<u8>> {
        let out = self.vec(&mut |r| r.u8())?;
        if len.is_some_and(|n| n != out.len()) {
            return Err(self.error("wrong number of bytes"));
        }
        Ok(out)
    }

    /// Exactly `N` bytes as an array of byte values.
    pub fn byte_array<const N: usize>(&mut self) -> JsonResult<[u8; N]> {
        let v = self.bytes(Some(N))?;
        let mut out = [0u8; N];
        out.copy_from_slice(&v);
        Ok(out)
    }

    /// An array of unsigned integers.
    pub fn u64_vec(&mut self) -> JsonResult<Vec<u64>> {
        self.vec(&mut |r| r.u64())
    }

    /// An array of strings.
    pub fn string_vec(&mut self) -> JsonResult<Vec<String>> {
        self.vec(&mut |r| r.string())
    }

    /// An object: `entry` reads the value of each key (keys are decoded strings).
    pub fn object(
        &mut self,
        entry: &mut dyn FnMut(&mut JsonReader<'a>, String) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.expect(b'{', "expected an object")?;
        self.enter()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(self.error("key must be a string"));
                }
                let key = self.string()?;
                self.expect(b':', "expected `:`")?;
                entry(self, key)?;
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b'}') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.error("expected `,` or `}`")),
                }
            }
        }
        self.depth += 1;
        Ok(())
    }

    /// A struct: an object whose known keys `field` reads by index (unknown keys skipped, a
    /// key seen twice refused, every non-optional field required), or, when `fields` allows,
    /// an array of the fields in order.
    pub fn record(
        &mut self,
        fields: &Fields,
        field: &mut dyn FnMut(&mut JsonReader<'a>, usize) -> JsonResult<()>,
    ) -> JsonResult<()> {
        let n = fields.names.len();
        let mut seen: u32 = 0;
        if !fields.flattened && self.peek() == Some(b'[') {
            self.array(&mut |r| {
                if seen.count_ones() as usize == n {
                    return Err(r.error("too many elements for a struct"));
                }
                let i = seen.count_ones() as usize;
                field(r, i)?;
                seen |= 1 << i;
                Ok(())
            })?;
            let missing = !seen & ((1u32 << n) - 1) & !fields.defaulted;
            if missing != 0 {
                return Err(self.error("too few elements for a struct"));
            }
            return Ok(());
        }
        if self.peek() != Some(b'{') {
            return Err(self.error("expected a struct"));
        }
        self.object(
            &mut |r, key| match fields.names.iter().position(|name| *name == key) {
                None if fields.flattened => r.skip_decoding(),
                None => r.skip(),
                Some(i) if seen & (1 << i) != 0 => {
                    Err(r.field_error("duplicate field", fields.names[i]))
                }
                Some(i) => {
                    seen |= 1 << i;
                    field(r, i)
                }
            },
        )?;
        for (i, name) in fields.names.iter().enumerate() {
            if (seen | fields.optional) & (1 << i) == 0 {
                return Err(self.field_error("missing field", name));
            }
        }
        Ok(())
    }

    /// An externally tagged enum value `{"Variant": value}`: returns the variant's index in
    /// `names` after `value` read its content.
    pub fn variant(
        &mut self,
        names: &[&str],
        value: &mut dyn FnMut(&mut JsonReader<'a>, usize) -> JsonResult<()>,
    ) -> JsonResult<()> {
        self.expect(b'{', "expected a variant object")?;
        self.enter()?;
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a variant name"));
        }
        let name = self.string()?;
        let i = names
            .iter()
            .position(|n| *n == name)
            .ok_or_else(|| self.error("unknown variant"))?;
        self.expect(b':', "expected `:`")?;
        value(self, i)?;
        self.expect(b'}', "expected `}` after the variant")?;
        self.depth += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn whole<T>(s: &str, f: impl FnOnce(&mut JsonReader) -> JsonResult<T>) -> JsonResult<T> {
        JsonReader::parse(s.as_bytes(), f)
    }

    fn u64_of(s: &str) -> JsonResult<u64> {
        whole(s, |r| r.u64())
    }

    #[test]
    fn unsigned_integers_exactly() {
        assert_eq!(u64_of("0"), Ok(0));
        assert_eq!(u64_of(" 18446744073709551615 "), Ok(u64::MAX));
        for bad in [
            "18446744073709551616",
            "-1",
            "-0",
            "1.0",
            "1e2",
            "01",
            "+1",
            "\"1\"",
            "",
            "1 2",
            "0x1",
            "1.",
            "99999999999999999999999",
        ] {
            assert!(u64_of(bad).is_err(), "{bad}");
        }
        assert_eq!(whole("255", |r| r.u8()), Ok(255));
        assert!(whole("256", |r| r.u8()).is_err());
    }

    #[test]
    fn strings_and_escapes() {
        let s = |t: &str| whole(t, |r| r.string());
        assert_eq!(
            s(r#""a\"\\\/\b\f\n\r\t""#).unwrap(),
            "a\"\\/\u{8}\u{c}\n\r\t"
        );
        assert_eq!(s(r#""\u00e9\uD83D\uDE00""#).unwrap(), "é😀");
        assert_eq!(s("\"é\"").unwrap(), "é");
        for bad in [
            r#""\uD83D""#,
            r#""\uD83Dx""#,
            r#""\uD83D\u0041""#,
            r#""\uDE00""#,
            r#""\x""#,
            r#""\u12""#,
            "\"a\nb\"",
            "\"abc",
        ] {
            assert!(s(bad).is_err(), "{bad}");
        }
        assert!(JsonReader::parse(b"\"\xff\"", |r| r.string()).is_err());
    }

    const PAIR: Fields = Fields {
        names: &["a", "b"],
        optional: 0b10,
        defaulted: 0b10,
        flattened: false,
    };

    fn pair(text: &str) -> JsonResult<(u64, Option<u64>)> {
        whole(text, |r| {
            let (mut a, mut b) = (0, None);
            r.record(&PAIR, &mut |r, i| {
                match i {
                    0 => a = r.u64()?,
                    _ => {
                        b = if r.null_if_next()? {
                            None
                        } else {
                            Some(r.u64()?)
                        }
                    }
                }
                Ok(())
            })?;
            Ok((a, b))
        })
    }

    #[test]
    fn structs_as_objects_or_arrays() {
        assert_eq!(pair(r#"{"a":1,"b":2}"#), Ok((1, Some(2))));
        assert_eq!(pair(r#"{"b":null,"a":1}"#), Ok((1, None)));
        assert_eq!(pair(r#"{"a":1}"#), Ok((1, None)));
        assert_eq!(
            pair(r#"{"x":[{"y":[1,2,{}]},"\u0000\uDE00",true,null,-1.5e3],"a":1}"#),
            Ok((1, None))
        );
        assert_eq!(pair("[1,2]"), Ok((1, Some(2))));
        assert_eq!(pair("[1]"), Ok((1, None)));
        let err = pair(r#"{"a":1,"a":2}"#).unwrap_err();
        assert_eq!((err.message, err.field), ("duplicate field", Some("a")));
        let err = pair(r#"{"b":1}"#).unwrap_err();
        assert_eq!((err.message, err.field), ("missing field", Some("a")));
        for bad in [
            "[]",
            "[1,2,3]",
            r#"{"a":1,}"#,
            r#"{"a":1"#,
            r#"{"a":1} x"#,
            r#"{"x":[1,],"a":1}"#,
            r#"{"x":{1:2},"a":1}"#,
            r#"{"x":01,"a":1}"#,
            r#"{"x":"\q","a":1}"#,
            r#"{"x":[}],"a":1}"#,
            r#"{"a":1,"b":2,"b":3}"#,
            "1",
            "null",
        ] {
            assert!(pair(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn depth_is_bounded_and_skipping_does_not_recurse() {
        // Typed descent: refused beyond MAX_DEPTH.
        fn nest(r: &mut JsonReader) -> JsonResult<()> {
            r.array(&mut |r| nest(r))
        }
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(whole(&ok, nest).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(whole(&deep, nest).unwrap_err().message, "nested too deeply");
        let unclosed = "[".repeat(100_000);
        assert!(whole(&unclosed, nest).is_err());
        // An unknown field's value: any depth, no stack growth.
        let skipped = alloc::format!(
            r#"{{"x":{}{},"a":3}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert_eq!(pair(&skipped), Ok((3, None)));
        let bad = alloc::format!(r#"{{"x":{},"a":3}}"#, "[".repeat(100_000));
        assert!(pair(&bad).is_err());
    }

    #[test]
    fn bytes_tuples_and_variants() {
        assert_eq!(whole("[1, 2,255]", |r| r.bytes(None)), Ok(vec![1, 2, 255]));
        assert!(whole("[1,2]", |r| r.byte_array::<3>()).is_err());
        assert!(whole("[1,2,3,4]", |r| r.byte_array::<3>()).is_err());
        assert!(whole("[256]", |r| r.bytes(None)).is_err());
        assert!(whole("\"ab\"", |r| r.bytes(None)).is_err());
        let t = |s: &str| {
            whole(s, |r| {
                let mut v = [0u64; 2];
                r.tuple(2, &mut |r, i| {
                    v[i] = r.u64()?;
                    Ok(())
                })?;
                Ok(v)
            })
        };
        assert_eq!(t("[3,4]"), Ok([3, 4]));
        assert!(t("[3]").is_err() && t("[3,4,5]").is_err() && t("{}").is_err());
        let v = |s: &str| {
            whole(s, |r| {
                let mut out = (0, 0);
                r.variant(&["A", "B"], &mut |r, i| {
                    out = (i, r.u64()?);
                    Ok(())
                })?;
                Ok(out)
            })
        };
        assert_eq!(v(r#"{"B":7}"#), Ok((1, 7)));
        assert_eq!(v(r#" { "\u0041" : 7 } "#), Ok((0, 7)));
        for bad in [
            r#"{"C":7}"#,
            r#"{"A":7,"B":8}"#,
            r#""A""#,
            "{}",
            r#"{"A":-7}"#,
        ] {
            assert!(v(bad).is_err(), "{bad}");
        }
    }
}
