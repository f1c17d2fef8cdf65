//! Serde helpers for byte fields that the reference serializes as sequences of integers in
//! JSON and as sequences or byte strings in CBOR.

use alloc::vec::Vec;
use core::fmt;
use serde::de::{Deserialize, Deserializer, Error as _, SeqAccess, Visitor};

/// A fixed-length byte array read from a sequence of integers or a byte string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteArray<const N: usize>(pub [u8; N]);

/// A variable-length byte vector read from a sequence of integers or a byte string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ByteVec(pub Vec<u8>);

struct BytesVisitor {
    /// Exact length required, if any.
    len: Option<usize>,
}

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Vec<u8>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.len {
            Some(n) => write!(f, "{n} bytes"),
            None => write!(f, "bytes"),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
        // Bound the pre-allocation: the size hint comes from untrusted input.
        let mut out =
            Vec::with_capacity(self.len.unwrap_or(seq.size_hint().unwrap_or(0).min(4096)));
        while let Some(b) = seq.next_element::<u8>()? {
            if self.len.is_some_and(|n| out.len() == n) {
                return Err(A::Error::invalid_length(out.len() + 1, &self));
            }
            out.push(b);
        }
        if self.len.is_some_and(|n| out.len() != n) {
            return Err(A::Error::invalid_length(out.len(), &self));
        }
        Ok(out)
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
        if self.len.is_some_and(|n| v.len() != n) {
            return Err(E::invalid_length(v.len(), &self));
        }
        Ok(v.to_vec())
    }

    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
        self.visit_bytes(&v)
    }
}

impl<'de, const N: usize> Deserialize<'de> for ByteArray<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = d.deserialize_any(BytesVisitor { len: Some(N) })?;
        let mut out = [0u8; N];
        out.copy_from_slice(&v);
        Ok(ByteArray(out))
    }
}

impl<'de> Deserialize<'de> for ByteVec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BytesVisitor { len: None }).map(ByteVec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_json_sequences_of_exact_length() {
        let a: ByteArray<3> = serde_json::from_str("[1,2,3]").unwrap();
        assert_eq!(a.0, [1, 2, 3]);
        assert!(serde_json::from_str::<ByteArray<3>>("[1,2]").is_err());
        assert!(serde_json::from_str::<ByteArray<3>>("[1,2,3,4]").is_err());
        assert!(serde_json::from_str::<ByteArray<1>>("[256]").is_err());
        let v: ByteVec = serde_json::from_str("[]").unwrap();
        assert!(v.0.is_empty());
    }
}

/// A field that must be present and `null`: the reference serializes a `PhantomData` there,
/// which only deserializes from `null` (a missing field, `{}` or `0` is refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Null;

struct NullVisitor;

impl<'de> Visitor<'de> for NullVisitor {
    type Value = Null;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Null, E> {
        Ok(Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Null, E> {
        Ok(Null)
    }
}

impl<'de> Deserialize<'de> for Null {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_unit(NullVisitor)
    }
}

#[cfg(test)]
mod null_tests {
    use super::*;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct WithHasher {
        hasher: Null,
    }

    #[test]
    fn only_null_is_accepted() {
        assert!(serde_json::from_str::<WithHasher>(r#"{"hasher":null}"#).is_ok());
        for bad in [
            r#"{}"#,
            r#"{"hasher":0}"#,
            r#"{"hasher":{}}"#,
            r#"{"hasher":[]}"#,
        ] {
            assert!(serde_json::from_str::<WithHasher>(bad).is_err(), "{bad}");
        }
    }
}
