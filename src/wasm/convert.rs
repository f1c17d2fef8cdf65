//! Core results and errors as JavaScript values.

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsCertificate<'a> {
    hash: &'a str,
    previous_hash: &'a str,
    epoch: u64,
    signed_entity_type: &'a SignedEntityType,
    signed_entity_type_name: &'a str,
    /// Protocol-message parts, key to value, in hashing order.
    protocol_message: Vec<(&'a str, &'a str)>,
    signed_message: &'a str,
    /// JSON-hex of the AVK (its total stake can exceed 2^53: kept as text).
    aggregate_verification_key: String,
    parameters: &'a Parameters,
    is_genesis: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsLink<'a> {
    hash: &'a str,
    epoch: u64,
    aggregate_verification_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsChain<'a> {
    certificate: JsCertificate<'a>,
    certificates_checked: usize,
    anchor_kind: &'a str,
    anchor_hash: &'a str,
    links: Vec<JsLink<'a>>,
}

fn certificate(c: &VerifiedCertificate) -> JsCertificate<'_> {
    JsCertificate {
        hash: &c.hash,
        previous_hash: &c.previous_hash,
        epoch: c.epoch,
        signed_entity_type: &c.signed_entity_type,
        signed_entity_type_name: c.signed_entity_type.name(),
        protocol_message: c
            .protocol_message
            .parts
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        signed_message: &c.signed_message,
        aggregate_verification_key: c.aggregate_verification_key.to_json_hex(),
        parameters: &c.parameters,
        is_genesis: c.is_genesis,
    }
}

/// The verified chain as a plain JS object (epochs and block numbers are far below 2^53).
pub fn chain(v: &VerifiedChain) -> JsValue {
    let (anchor_kind, anchor_hash) = match &v.anchor {
        Anchor::Genesis(h) => ("genesis", h.as_str()),
        Anchor::Trusted(h) => ("trusted", h.as_str()),
    };
    let js = JsChain {
        certificate: certificate(&v.certificate),
        certificates_checked: v.certificates_checked,
        anchor_kind,
        anchor_hash,
        links: v
            .links
            .iter()
            .map(|l| JsLink {
                hash: &l.hash,
                epoch: l.epoch,
                aggregate_verification_key: l.aggregate_verification_key.to_json_hex(),
            })
            .collect(),
    };
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    js.serialize(&serializer).unwrap_or(JsValue::NULL)
}
