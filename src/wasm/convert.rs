//! Core results and errors as JavaScript values.

use wasm_bindgen::JsValue;

use crate::certificate::SignedEntityType;
use crate::chain::walk::Anchor;
use crate::chain::{VerifiedCertificate, VerifiedChain};
use crate::proofs::ProofError;
use crate::stm::Parameters;
use crate::Error;

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

/// A plain JS object filled key by key (the keys are ours, never the aggregator's).
pub(crate) struct Obj(js_sys::Object);

impl Obj {
    pub(crate) fn new() -> Obj {
        Obj(js_sys::Object::new())
    }

    // Generic only in its conversion, which stays at the call site: the setting itself is one
    // body (not one per value type).
    #[inline(always)]
    pub(crate) fn set(self, key: &str, value: impl Into<JsValue>) -> Obj {
        self.set_value(key, value.into())
    }

    #[inline(never)]
    fn set_value(self, key: &str, value: JsValue) -> Obj {
        let _ = js_sys::Reflect::set(&self.0, &JsValue::from_str(key), &value);
        self
    }

    pub(crate) fn done(self) -> JsValue {
        self.0.into()
    }
}

/// A u64 as a JS number, as serde-wasm-bindgen's JSON-compatible mode wrote it: only when it
/// is a safe integer (above 2^53 the whole result used to be `null`; epochs and counts are far
/// below).
fn num(value: u64) -> Option<JsValue> {
    (value <= MAX_SAFE_INTEGER).then(|| JsValue::from_f64(value as f64))
}

const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `{"Variant": value}`, as the wire and serde's externally tagged form.
fn signed_entity_type(t: &SignedEntityType) -> Option<JsValue> {
    let value: JsValue = match *t {
        SignedEntityType::MithrilStakeDistribution(e)
        | SignedEntityType::CardanoStakeDistribution(e) => num(e)?,
        SignedEntityType::CardanoImmutableFilesFull {
            epoch,
            immutable_file_number,
        }
        | SignedEntityType::CardanoDatabase {
            epoch,
            immutable_file_number,
        } => Obj::new()
            .set("epoch", num(epoch)?)
            .set("immutable_file_number", num(immutable_file_number)?)
            .done(),
        SignedEntityType::CardanoTransactions(a, b) => array(&[a, b])?,
        SignedEntityType::CardanoBlocksTransactions(a, b, c) => array(&[a, b, c])?,
    };
    Some(Obj::new().set(t.name(), value).done())
}

fn array(values: &[u64]) -> Option<JsValue> {
    let out = js_sys::Array::new();
    for v in values {
        out.push(&num(*v)?);
    }
    Some(out.into())
}

fn parameters(p: &Parameters) -> Option<JsValue> {
    Some(
        Obj::new()
            .set("m", num(p.m)?)
            .set("k", num(p.k)?)
            .set("phi_f", JsValue::from_f64(p.phi_f))
            .done(),
    )
}

fn certificate(c: &VerifiedCertificate) -> Option<JsValue> {
    // Protocol-message parts as [key, value] pairs, in hashing order.
    let parts = js_sys::Array::new();
    for (k, v) in &c.protocol_message.parts {
        let pair = js_sys::Array::new();
        pair.push(&JsValue::from_str(k.as_str()));
        pair.push(&JsValue::from_str(v));
        parts.push(&pair);
    }
    Some(
        Obj::new()
            .set("hash", c.hash.as_str())
            .set("previousHash", c.previous_hash.as_str())
            .set("epoch", num(c.epoch)?)
            .set(
                "signedEntityType",
                signed_entity_type(&c.signed_entity_type)?,
            )
            .set("signedEntityTypeName", c.signed_entity_type.name())
            .set("protocolMessage", parts)
            .set("signedMessage", c.signed_message.as_str())
            // JSON-hex of the AVK (its total stake can exceed 2^53: kept as text).
            .set(
                "aggregateVerificationKey",
                c.aggregate_verification_key.to_json_hex(),
            )
            .set("parameters", parameters(&c.parameters)?)
            .set("isGenesis", JsValue::from_bool(c.is_genesis))
            .done(),
    )
}

fn chain_object(v: &VerifiedChain) -> Option<JsValue> {
    let (anchor_kind, anchor_hash) = match &v.anchor {
        Anchor::Genesis(h) => ("genesis", h.as_str()),
        Anchor::Trusted(h) => ("trusted", h.as_str()),
    };
    let links = js_sys::Array::new();
    for l in &v.links {
        links.push(
            &Obj::new()
                .set("hash", l.hash.as_str())
                .set("epoch", num(l.epoch)?)
                .set(
                    "aggregateVerificationKey",
                    l.aggregate_verification_key.to_json_hex(),
                )
                .done(),
        );
    }
    Some(
        Obj::new()
            .set("certificate", certificate(&v.certificate)?)
            .set("certificatesChecked", num(v.certificates_checked as u64)?)
            .set("anchorKind", anchor_kind)
            .set("anchorHash", anchor_hash)
            .set("links", links)
            .done(),
    )
}

/// The verified chain as a plain JS object (epochs and block numbers are far below 2^53).
pub fn chain(v: &VerifiedChain) -> JsValue {
    chain_object(v).unwrap_or(JsValue::NULL)
}
