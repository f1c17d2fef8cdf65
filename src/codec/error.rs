//! Decoding failures of the codec layer: an input over its size limit, a field that is not hex,
//! a document that is not the JSON expected.
//!
//! Declared here, below every layer that decodes, so that the STM layer (which decodes keys)
//! does not depend on the crate's [`Error`](crate::Error), which sits above it and wraps
//! these as [`Error::Codec`](crate::Error::Codec) with the same codes.

use alloc::string::String;

use crate::error_table::error_table;

/// A decoding failure, before any verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// An input exceeds a configured limit; nothing was parsed.
    InputTooLarge {
        /// What the input is.
        what: &'static str,
        /// Its size in bytes.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A field is not valid hexadecimal.
    InvalidHex {
        /// The field.
        what: &'static str,
    },
    /// A document is not the JSON this library expects.
    InvalidJson {
        /// What was being parsed.
        what: &'static str,
        /// The parser's explanation.
        detail: String,
    },
}

// The 100 range, shared with the core error's input and fetch failures.
error_table! {
    CodecError {
        InputTooLarge { what, size, limit } => "input_too_large", 100,
            "{what} is {size} bytes, over the limit of {limit}";
        InvalidHex { what } => "invalid_hex", 101, "{what} is not valid hex";
        InvalidJson { what, detail } => "invalid_json", 102, "{what} is not valid JSON: {detail}";
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CodecError {}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// One value of every variant (the match fails to compile when a variant is added).
    pub(crate) fn samples() -> Vec<CodecError> {
        let all = vec![
            CodecError::InputTooLarge {
                what: "certificate",
                size: 2,
                limit: 1,
            },
            CodecError::InvalidHex { what: "x" },
            CodecError::InvalidJson {
                what: "x",
                detail: "y".into(),
            },
        ];
        for e in &all {
            match e {
                CodecError::InputTooLarge { .. }
                | CodecError::InvalidHex { .. }
                | CodecError::InvalidJson { .. } => {}
            }
        }
        all
    }
}
