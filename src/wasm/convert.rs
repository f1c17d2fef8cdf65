//! Core results and errors as JavaScript values.
//!
//! Results are `#[derive(Serialize)]` views of the core's types (here: the core has no
//! wasm-specific code), turned into plain JS objects by `serde_wasm_bindgen::Serializer`:
//! [`to_js`] writes 64-bit integers as numbers (the chain result: epochs and counts are far below
//! 2^53), [`to_js_bigints`] as `bigint`s (proof results: block and slot numbers, stakes).
//!
//! [`error_codes`] hands JavaScript the core's code table, so that the package's own errors
//! carry the core's numbers without repeating them.
//!
//! The errors ([`error`], [`proof_error`], [`usage_error`]) stay built by hand: hosts get real
//! `Error` instances (a stack, `instanceof Error`, `name` "MithrilVerificationError"), which a
//! serializer cannot make: it only makes plain objects.

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::certificate::SignedEntityType;
use crate::chain::walk::{Anchor, ChainLink};
use crate::chain::{VerifiedCertificate, VerifiedChain};
use crate::codec::CodecError;
use crate::proofs::ProofError;
use crate::stm::Parameters;
use crate::{Error, StmError};

/// The numeric code of every string code this module's verdicts can carry (the core's
/// `Error`, `CodecError`, `StmError` and `ProofError` tables; `input_too_large` is in two, with
/// one number),
/// as an object `{ code: number }`. The package's JavaScript reads the numbers of the errors it
/// raises itself (`internal_error`, `proof_malformed`, `input_too_large`) from here.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> JsValue {
    let table = js_sys::Object::new();
    for (code, number) in Error::CODES
        .iter()
        .chain(CodecError::CODES)
        .chain(StmError::CODES)
        .chain(ProofError::CODES)
    {
        let _ = js_sys::Reflect::set(
            &table,
            &JsValue::from_str(code),
            &JsValue::from_f64(f64::from(*number)),
        );
    }
    table.into()
}

/// A JS `Error` with `code` (the core's string code), `numericCode`, and `cause`
/// (`{ certificate }` when the error concerns one).
pub fn error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&alloc::format!("{e}"));
    err.set_name("MithrilVerificationError");
    let set = |k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(&err, &JsValue::from_str(k), v);
    };
    set("code", &JsValue::from_str(e.code()));
    set(
        "numericCode",
        &JsValue::from_f64(f64::from(e.numeric_code())),
    );
    let cause = js_sys::Object::new();
    if let Some(c) = e.certificate() {
        let _ = js_sys::Reflect::set(
            &cause,
            &JsValue::from_str("certificate"),
            &JsValue::from_str(c),
        );
    }
    set("cause", &cause);
    err.into()
}

/// A proof failure as a JS `Error`, shaped like [`error`]'s (same name, so hosts catch chain and
/// proof verdicts alike): `code` and `numericCode` are `ProofError`'s; `cause` holds
/// `certificate` (the certificate concerned), `item` (an item that is not a leaf of the proof)
/// and `parts` (protocol-message parts that differ), when the error has them.
pub fn proof_error(e: &ProofError) -> JsValue {
    let err = js_sys::Error::new(&alloc::format!("{e}"));
    err.set_name("MithrilVerificationError");
    let set = |o: &JsValue, k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), v);
    };
    set(&err, "code", &JsValue::from_str(e.code()));
    set(
        &err,
        "numericCode",
        &JsValue::from_f64(f64::from(e.numeric_code())),
    );
    let cause: JsValue = js_sys::Object::new().into();
    match e {
        ProofError::CertificateMismatch { expected, .. } => {
            set(&cause, "certificate", &JsValue::from_str(expected));
        }
        ProofError::MessageMismatch {
            certificate, parts, ..
        } => {
            set(&cause, "certificate", &JsValue::from_str(certificate));
            let list: js_sys::Array = parts.iter().map(|p| JsValue::from_str(p)).collect();
            set(&cause, "parts", &list);
        }
        ProofError::ArtifactMismatch { certificate, .. } => {
            set(&cause, "certificate", &JsValue::from_str(certificate));
        }
        ProofError::ItemNotCertified { item } => {
            set(&cause, "item", &JsValue::from_str(item));
        }
        _ => {}
    }
    set(&err, "cause", &cause);
    err.into()
}

/// A usage error thrown by the binding itself (bad options), with a stable code too.
pub fn usage_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(code));
    err.into()
}

/// `value` as a plain JS value, 64-bit integers as numbers. `null` if a number is beyond 2^53
/// (epochs and counts never are; the number would not be exact).
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .unwrap_or(JsValue::NULL)
}

/// `value` as a plain JS value, 64-bit integers as `bigint`s (maps as `Map`s).
pub(crate) fn to_js_bigints<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::new().serialize_large_number_types_as_bigints(true),
        )
        .unwrap_or(JsValue::NULL)
}

/// `{"Variant": value}`, as the wire and serde's externally tagged form: a number (an epoch),
/// `{epoch, immutable_file_number}`, or an array of numbers.
struct SignedEntityTypeView<'a>(&'a SignedEntityType);

/// A beacon's fields, named as on the wire.
#[derive(Serialize)]
struct Beacon {
    epoch: u64,
    immutable_file_number: u64,
}

impl Serialize for SignedEntityTypeView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.0;
        // A newtype variant: serde-wasm-bindgen writes `{name: value}` as a plain object (a
        // map would become a JS `Map`). The variant index is not written.
        match *t {
            SignedEntityType::MithrilStakeDistribution(e)
            | SignedEntityType::CardanoStakeDistribution(e) => {
                serializer.serialize_newtype_variant("SignedEntityType", 0, t.name(), &e)
            }
            SignedEntityType::CardanoImmutableFilesFull {
                epoch,
                immutable_file_number,
            }
            | SignedEntityType::CardanoDatabase {
                epoch,
                immutable_file_number,
            } => serializer.serialize_newtype_variant(
                "SignedEntityType",
                0,
                t.name(),
                &Beacon {
                    epoch,
                    immutable_file_number,
                },
            ),
            SignedEntityType::CardanoTransactions(a, b) => {
                serializer.serialize_newtype_variant("SignedEntityType", 0, t.name(), &[a, b])
            }
            SignedEntityType::CardanoBlocksTransactions(a, b, c) => {
                serializer.serialize_newtype_variant("SignedEntityType", 0, t.name(), &[a, b, c])
            }
        }
    }
}

/// `{m, k, phi_f}`.
#[derive(Serialize)]
struct ParametersView {
    m: u64,
    k: u64,
    phi_f: f64,
}

impl From<&Parameters> for ParametersView {
    fn from(p: &Parameters) -> Self {
        ParametersView {
            m: p.m,
            k: p.k,
            phi_f: p.phi_f,
        }
    }
}

/// The verified certificate, as `WasmChain.certificate` in pkg/src/types.js.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CertificateView<'a> {
    hash: &'a str,
    previous_hash: &'a str,
    epoch: u64,
    signed_entity_type: SignedEntityTypeView<'a>,
    signed_entity_type_name: &'static str,
    /// Protocol-message parts as `[key, value]` pairs, in hashing order.
    protocol_message: Vec<(&'static str, &'a str)>,
    signed_message: &'a str,
    /// JSON-hex of the AVK (its total stake can exceed 2^53: kept as text).
    aggregate_verification_key: String,
    parameters: ParametersView,
    is_genesis: bool,
}

impl<'a> From<&'a VerifiedCertificate> for CertificateView<'a> {
    fn from(c: &'a VerifiedCertificate) -> Self {
        CertificateView {
            hash: &c.hash,
            previous_hash: &c.previous_hash,
            epoch: c.epoch,
            signed_entity_type: SignedEntityTypeView(&c.signed_entity_type),
            signed_entity_type_name: c.signed_entity_type.name(),
            protocol_message: c
                .protocol_message
                .parts
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            signed_message: &c.signed_message,
            aggregate_verification_key: c.aggregate_verification_key.to_json_hex(),
            parameters: (&c.parameters).into(),
            is_genesis: c.is_genesis,
        }
    }
}

/// `{hash, epoch, aggregateVerificationKey}` (JSON-hex).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkView<'a> {
    hash: &'a str,
    epoch: u64,
    aggregate_verification_key: String,
}

impl<'a> From<&'a ChainLink> for LinkView<'a> {
    fn from(l: &'a ChainLink) -> Self {
        LinkView {
            hash: &l.hash,
            epoch: l.epoch,
            aggregate_verification_key: l.aggregate_verification_key.to_json_hex(),
        }
    }
}

/// The verified chain, as `WasmChain` in pkg/src/types.js.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChainView<'a> {
    certificate: CertificateView<'a>,
    certificates_checked: u64,
    anchor_kind: &'static str,
    anchor_hash: &'a str,
    links: Vec<LinkView<'a>>,
}

/// The verified chain as a plain JS object (epochs and counts are numbers: far below 2^53).
pub fn chain(v: &VerifiedChain) -> JsValue {
    let (anchor_kind, anchor_hash) = match &v.anchor {
        Anchor::Genesis(h) => ("genesis", h.as_str()),
        Anchor::Trusted(h) => ("trusted", h.as_str()),
    };
    to_js(&ChainView {
        certificate: (&v.certificate).into(),
        certificates_checked: v.certificates_checked as u64,
        anchor_kind,
        anchor_hash,
        links: v.links.iter().map(LinkView::from).collect(),
    })
}
