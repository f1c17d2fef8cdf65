//! The reference's binary `to_bytes` form: a version byte `0x01` followed by CBOR.

use alloc::format;
use alloc::string::String;
use serde::de::DeserializeOwned;

/// Version byte that starts every CBOR-encoded value.
pub const CBOR_V1: u8 = 0x01;

/// Decode `0x01 || CBOR(value)`.
pub fn decode_v1<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    match bytes.split_first() {
        Some((&CBOR_V1, body)) => ciborium::from_reader(body).map_err(|e| format!("CBOR: {e}")),
        Some((v, _)) => Err(format!("unsupported encoding version byte {v:#04x}")),
        None => Err("empty input".into()),
    }
}
