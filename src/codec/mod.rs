//! Wire encodings: hex, JSON-hex, canonical JSON re-encoding, CBOR envelopes and RFC 3339
//! dates; the exact arithmetic behind them and the lottery (f64 decomposition and decimal
//! parsing, a small arbitrary-precision natural number, [`bigint::Nat`]); and the sorted-vector
//! map the decoded documents are kept in ([`sorted`]).
//!
//! Nothing here knows about STM or certificates; the layers above describe their types with
//! these tools.

pub mod bigint;
pub mod bytes;
pub mod canonical_json;
pub mod cbor;
pub mod float;
pub mod hex;
pub mod json;
pub mod json_hex;
pub mod rfc3339;
pub mod sorted;

use crate::Error;

/// Refuse an input longer than `limit` bytes before anything parses it.
pub fn check_size(what: &'static str, input: &[u8], limit: usize) -> Result<(), Error> {
    if input.len() > limit {
        return Err(Error::InputTooLarge {
            what,
            size: input.len(),
            limit,
        });
    }
    Ok(())
}
