//! What a proof or artifact body names before it is verified: the certificate whose chain a
//! host walks first, and, for a transactions proof, which version of the route it came from.
//!
//! Every host reads these two facts before it can call the checks (the npm package, the CLI, a
//! C host), so they are read here once, by serde like the rest of the body, instead of by a
//! scanner per host. Reading refuses what the check itself would refuse before naming a
//! certificate (an oversized body, a body that is not JSON, no `certificate_hash` string), with
//! the same codes, so a host learns early what the full check would say late.

use alloc::string::String;
use core::fmt;

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::binding::check_body_size;
use super::error::ProofError;
use super::json::from_json;

/// The facts a host needs from a body before verifying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The certificate the body names (`certificate_hash`), whose chain must be verified.
    pub certificate_hash: String,
    /// Whether `certified_transactions` is an array (a v1 transactions proof lists its sets).
    sets_in_array: bool,
}

impl Envelope {
    /// The version of a transactions proof body: 1 when its sets are an array (the v1 route
    /// `/proof/cardano-transaction`), 2 otherwise (one set object, or null).
    pub fn transactions_version(&self) -> u8 {
        if self.sets_in_array {
            1
        } else {
            2
        }
    }
}

/// The top-level members read; everything else is skipped (and still syntax-checked).
#[derive(Deserialize)]
struct WireEnvelope {
    certificate_hash: String,
    #[serde(default)]
    certified_transactions: Shape,
}

/// Only the JSON type of a value (its content is skipped).
#[derive(Default)]
struct Shape {
    array: bool,
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ShapeVisitor;
        impl<'de> Visitor<'de> for ShapeVisitor {
            type Value = Shape;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Shape { array: true })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Shape::default())
            }
            fn visit_unit<E>(self) -> Result<Shape, E> {
                Ok(Shape::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
                Ok(Shape::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
                Ok(Shape::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
                Ok(Shape::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
                Ok(Shape::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
                Ok(Shape::default())
            }
        }
        deserializer.deserialize_any(ShapeVisitor)
    }
}

/// Read what `body` (a `what`: "transactions proof", "cardano database", ...) names.
pub fn read_envelope(what: &'static str, body: &[u8]) -> Result<Envelope, ProofError> {
    check_body_size(what, body)?;
    let wire: WireEnvelope = from_json(what, body)?;
    if wire.certificate_hash.is_empty() {
        return Err(ProofError::malformed(what, "an empty certificate_hash"));
    }
    Ok(Envelope {
        certificate_hash: wire.certificate_hash,
        sets_in_array: wire.certified_transactions.array,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Envelope, ProofError> {
        read_envelope("transactions proof", text.as_bytes())
    }

    #[test]
    fn names_the_certificate_and_the_version() {
        let v1 = read(r#"{"certified_transactions":[{"a":1}],"certificate_hash":"ab","x":[]}"#);
        assert_eq!(v1.as_ref().unwrap().certificate_hash, "ab");
        assert_eq!(v1.unwrap().transactions_version(), 1);
        for body in [
            r#"{"certificate_hash":"ab","certified_transactions":{"a":[1,2]}}"#,
            r#"{"certificate_hash":"ab","certified_transactions":null}"#,
            r#"{"certificate_hash":"ab"}"#,
        ] {
            assert_eq!(read(body).unwrap().transactions_version(), 2, "{body}");
        }
    }

    #[test]
    fn refuses_what_the_checks_refuse_first() {
        for body in [
            "",
            "[]",
            "{}",
            r#"{"certificate_hash":""}"#,
            r#"{"certificate_hash":7}"#,
            r#"{"certificate_hash":"ab","certificate_hash":"cd"}"#,
            r#"{"certificate_hash":"ab"} x"#,
        ] {
            assert_eq!(read(body).unwrap_err().code(), "proof_malformed", "{body}");
        }
        let big = alloc::vec![b' '; super::super::MAX_BODY_BYTES + 1];
        assert_eq!(
            read_envelope("cardano database", &big).unwrap_err().code(),
            "input_too_large"
        );
    }
}
