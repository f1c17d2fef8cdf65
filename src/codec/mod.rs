//! Wire encodings: hex, JSON-hex, fixed-size byte arrays in serde's JSON form, canonical JSON
//! re-encoding, CBOR envelopes; the exact arithmetic behind the lottery and the parameter hash
//! (f64 decomposition, a small arbitrary-precision natural number, [`bigint::Nat`]); and the
//! sorted-vector map the decoded documents are kept in ([`sorted`]).
//!
//! JSON documents are read with serde derive and serde_json, as the reference reads them.
//!
//! Nothing here knows about STM or certificates; the layers above describe their types with
//! these tools.

pub mod bigint;
pub mod byte_array;
pub mod bytes;
pub mod canonical_json;
pub mod cbor;
pub mod error;
pub mod hex;
pub mod json_hex;
pub mod sorted;

pub use error::CodecError;

/// Refuse an input longer than `limit` bytes before anything parses it.
pub fn check_size(what: &'static str, input: &[u8], limit: usize) -> Result<(), CodecError> {
    if input.len() > limit {
        return Err(CodecError::InputTooLarge {
            what,
            size: input.len(),
            limit,
        });
    }
    Ok(())
}
