//! Fixed-size byte arrays in serde's JSON form, an array of exactly `N` integers in `0..=255`,
//! as the reference's BLS points and Ed25519 signatures read themselves (serde itself only
//! implements arrays up to 32 elements).

use core::fmt;
use core::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};

/// `[u8; N]` read as a tuple of `N` bytes: fewer is an invalid length, more is refused by the
/// format (serde_json checks the closing `]`), a byte above 255 is an invalid value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteArray<const N: usize>(pub [u8; N]);

struct ByteArrayVisitor<const N: usize>(PhantomData<[u8; N]>);

impl<'de, const N: usize> Visitor<'de> for ByteArrayVisitor<N> {
    type Value = ByteArray<N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an array of {N} bytes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = seq
                .next_element()?
                .ok_or_else(|| A::Error::invalid_length(i, &self))?;
        }
        Ok(ByteArray(out))
    }
}

impl<'de, const N: usize> Deserialize<'de> for ByteArray<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_tuple(N, ByteArrayVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<const N: usize>(json: &str) -> Option<[u8; N]> {
        serde_json::from_str::<ByteArray<N>>(json).ok().map(|b| b.0)
    }

    #[test]
    fn exactly_n_bytes() {
        assert_eq!(read::<3>("[1,2,255]"), Some([1, 2, 255]));
        assert_eq!(read::<3>(" [ 1 , 2 , 3 ] "), Some([1, 2, 3]));
        for bad in [
            "[1,2]",
            "[1,2,3,4]",
            "[1,2,256]",
            "[1,2,-1]",
            "[1,2,3.0]",
            "\"abc\"",
            "{}",
        ] {
            assert_eq!(read::<3>(bad), None, "{bad}");
        }
    }
}
