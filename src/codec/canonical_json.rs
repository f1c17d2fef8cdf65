//! A writer for compact JSON exactly as `serde_json::to_string` prints the reference types:
//! no spaces, integers in decimal, byte arrays as arrays of integers, fields in declaration
//! order. Certificate hashes cover this re-encoding, so it must be byte-exact.

use alloc::string::String;

/// Builds compact JSON text; the caller writes fields in declaration order.
#[derive(Default)]
pub struct JsonWriter {
    out: String,
    /// Whether the next value in the current container needs a leading comma.
    needs_comma: bool,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn separator(&mut self) {
        if self.needs_comma {
            self.out.push(',');
        }
        self.needs_comma = true;
    }

    /// Open an object `{`.
    pub fn begin_object(&mut self) {
        self.separator();
        self.out.push('{');
        self.needs_comma = false;
    }

    /// Close an object `}`.
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.needs_comma = true;
    }

    /// Open an array `[`.
    pub fn begin_array(&mut self) {
        self.separator();
        self.out.push('[');
        self.needs_comma = false;
    }

    /// Close an array `]`.
    pub fn end_array(&mut self) {
        self.out.push(']');
        self.needs_comma = true;
    }

    /// Write an object key (plain ASCII identifiers only: the reference's field names).
    pub fn key(&mut self, name: &str) {
        self.separator();
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
        self.needs_comma = false;
    }

    /// Write an unsigned integer.
    pub fn u64(&mut self, value: u64) {
        self.separator();
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        let mut v = value;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        for d in &digits[i..] {
            self.out.push(*d as char);
        }
    }

    /// Write `null`.
    pub fn null(&mut self) {
        self.separator();
        self.out.push_str("null");
    }

    /// Write bytes as an array of integers, as serde writes `[u8; N]` and `Vec<u8>`.
    pub fn bytes(&mut self, bytes: &[u8]) {
        self.begin_array();
        for b in bytes {
            self.u64(u64::from(*b));
        }
        self.end_array();
    }

    /// Write an array of unsigned integers.
    pub fn u64_array(&mut self, values: &[u64]) {
        self.begin_array();
        for v in values {
            self.u64(*v);
        }
        self.end_array();
    }

    /// The JSON text.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json() {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("a");
        w.bytes(&[1, 0, 255]);
        w.key("b");
        w.null();
        w.key("c");
        w.begin_array();
        w.begin_array();
        w.u64(u64::MAX);
        w.end_array();
        w.u64(0);
        w.end_array();
        w.end_object();
        assert_eq!(
            w.finish(),
            r#"{"a":[1,0,255],"b":null,"c":[[18446744073709551615],0]}"#
        );
    }
}
