//! JSON-hex: the hex of a compact JSON document, the encoding aggregators use for keys and
//! signatures, with the reference's fallback to "bytes-hex" (hex of a binary encoding).

use alloc::vec::Vec;

use super::hex;
use super::CodecError;

/// How a hex-encoded key or signature was written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireForm {
    /// Hex of compact JSON.
    JsonHex,
    /// Hex of the binary `to_bytes` encoding.
    BytesHex,
}

/// Trim surrounding whitespace and decode hex, as the reference does before reading a key.
pub fn decode_hex_field(what: &'static str, text: &str) -> Result<Vec<u8>, CodecError> {
    hex::decode(text.trim().as_bytes()).ok_or(CodecError::InvalidHex { what })
}

/// Decode a hex field that holds either JSON (tried first) or binary bytes.
///
/// `from_json` and `from_bytes` parse the decoded bytes; the JSON error is reported when both
/// fail, since JSON is what aggregators serve today.
pub fn decode_json_or_bytes<T, E>(
    what: &'static str,
    text: &str,
    from_json: impl FnOnce(&[u8]) -> Result<T, E>,
    from_bytes: impl FnOnce(&[u8]) -> Result<T, E>,
) -> Result<(T, WireForm), E>
where
    E: From<CodecError>,
{
    let raw = decode_hex_field(what, text)?;
    match from_json(&raw) {
        Ok(value) => Ok((value, WireForm::JsonHex)),
        Err(json_error) => match from_bytes(&raw) {
            Ok(value) => Ok((value, WireForm::BytesHex)),
            Err(_) => Err(json_error),
        },
    }
}
