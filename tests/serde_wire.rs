//! The certificate-side wire model reads JSON as the reference does (serde derive +
//! serde_json, default number parsing): the two crafted certificates the former hand-written
//! reader accepted are refused, numbers read as serde_json reads them, repeated fields are
//! refused, and a canary fails if serde_json's `float_roundtrip` or `arbitrary_precision` is on
//! in the build (they would change which numbers parse, and to what).
//!
//! The crafted certificates are real devnet certificates whose multi-signature JSON gets one
//! extra member. The certificate hash covers the multi-signature re-encoded canonically, so it
//! stays right: only the injected member is wrong, and a harmless member in the same place
//! still verifies (the control).

mod common;

use std::collections::HashMap;

use common::{fixture, ChainDir};
use mithril_lite::certificate::Certificate;
use mithril_lite::codec::hex;
use mithril_lite::codec::CodecError;
use mithril_lite::stm::AggregateVerificationKey;
use mithril_lite::Error;

fn devnet() -> ChainDir {
    ChainDir::load(&fixture("devnet"))
}

/// A standard (multi-signed) devnet certificate: (hash, exact JSON text).
fn standard_certificate(dir: &ChainDir) -> (String, String) {
    let mut standard: Vec<_> = dir
        .certificates
        .iter()
        .filter(|(_, text)| {
            let v: serde_json::Value = serde_json::from_str(text).unwrap();
            v["genesis_signature"] == ""
        })
        .map(|(h, t)| (h.clone(), t.clone()))
        .collect();
    standard.sort();
    standard.swap_remove(0)
}

/// The certificate with its multi-signature's JSON edited by `edit` (and hex-encoded again).
fn edit_multi_signature(text: &str, edit: &dyn Fn(&str) -> String) -> String {
    edit_hex_field(text, "multi_signature", edit)
}

fn edit_hex_field(text: &str, field: &str, edit: &dyn Fn(&str) -> String) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let hex_text = v[field].as_str().unwrap();
    let json = String::from_utf8(hex::decode(hex_text.as_bytes()).unwrap()).unwrap();
    let edited = edit(&json);
    assert_ne!(edited, json, "the edit must change the {field} JSON");
    let replaced = text.replacen(hex_text, &hex::encode(edited.as_bytes()), 1);
    assert_ne!(replaced, text);
    replaced
}

/// Put `member` (`"name":value`) first in the first signature entry's single signature (the
/// object whose fields are flattened in the reference).
fn into_first_signature(member: &str) -> impl Fn(&str) -> String + '_ {
    move |json: &str| json.replacen("{\"sigma\"", &format!("{{{member},\"sigma\""), 1)
}

/// Put `member` first in the aggregate's top-level object.
fn into_aggregate(member: &str) -> impl Fn(&str) -> String + '_ {
    move |json: &str| json.replacen("{\"signatures\"", &format!("{{{member},\"signatures\""), 1)
}

/// The walk of the chain from `hash`, with the certificate `hash` served as `text`.
fn walk_with(dir: &ChainDir, hash: &str, text: String) -> Result<(), Error> {
    let mut certificates: HashMap<String, String> = dir.certificates.clone();
    certificates.insert(hash.to_string(), text);
    let served = ChainDir {
        certificates,
        genesis_key: dir.genesis_key.clone(),
        latest: None,
    };
    served.walk(hash).map(drop)
}

/// Refused as the reference refuses it: the multi-signature does not decode when the
/// certificate is read ("can not decode the multi-signature"), so a malformed certificate.
fn assert_refused_multi_signature(dir: &ChainDir, hash: &str, text: String) {
    match Certificate::from_json(text.as_bytes()) {
        Err(Error::CertificateMalformed { detail, .. }) => {
            assert!(detail.starts_with("multi-signature"), "{detail}")
        }
        other => panic!("expected a malformed multi-signature, got {other:?}"),
    }
    match walk_with(dir, hash, text) {
        Err(Error::CertificateMalformed { certificate, .. }) => assert_eq!(certificate, hash),
        other => panic!("expected the walk to fail on the malformed tip, got {other:?}"),
    }
}

/// The control: the edited certificate reads, keeps its hash and verifies back to genesis.
fn assert_verifies(dir: &ChainDir, hash: &str, text: String) {
    let c = Certificate::from_json(text.as_bytes()).unwrap();
    assert_eq!(c.compute_hash(), hash);
    walk_with(dir, hash, text).unwrap();
}

#[test]
fn an_out_of_range_number_in_a_signature_entry_is_refused() {
    // Divergence (a): the largest double is 1.7976931348623157e308; ...58e308 rounds to it when
    // rounded correctly, but serde_json's default parsing overflows and refuses it.
    let dir = devnet();
    let (hash, text) = standard_certificate(&dir);
    let bad = edit_multi_signature(
        &text,
        &into_first_signature("\"extra\":1.7976931348623158e308"),
    );
    assert_refused_multi_signature(&dir, &hash, bad);
    // The aggregate is read through serde's buffering (its only variant is untagged), so the
    // same number anywhere in the multi-signature is refused.
    let bad = edit_multi_signature(
        &text,
        &into_aggregate("\"extra\":[-1.7976931348623158e308]"),
    );
    assert_refused_multi_signature(&dir, &hash, bad);
    // Controls: in range, or not a number at all.
    for member in [
        "\"extra\":1.7976931348623157e308",
        "\"extra\":{\"a\":[1e-400,-0.5,18446744073709551616]}",
    ] {
        assert_verifies(
            &dir,
            &hash,
            edit_multi_signature(&text, &into_first_signature(member)),
        );
    }
}

#[test]
fn an_unknown_member_nested_past_the_recursion_limit_is_refused() {
    // Divergence (b): serde_json's recursion limit (128) applies to what serde buffers.
    let dir = devnet();
    let (hash, text) = standard_certificate(&dir);
    let nested = |depth: usize| format!("\"extra\":{}{}", "[".repeat(depth), "]".repeat(depth));
    for depth in [130, 1000] {
        let member = nested(depth);
        let bad = edit_multi_signature(&text, &into_first_signature(&member));
        assert_refused_multi_signature(&dir, &hash, bad);
        let bad = edit_multi_signature(&text, &into_aggregate(&member));
        assert_refused_multi_signature(&dir, &hash, bad);
    }
    // Well inside the limit: accepted, as the reference accepts it.
    let member = nested(100);
    assert_verifies(
        &dir,
        &hash,
        edit_multi_signature(&text, &into_aggregate(&member)),
    );
    // The certificate's own unknown members are skipped without a depth limit (serde_json
    // ignores a value without recursing), as before.
    let deep = text.replacen('{', &format!("{{{},", nested(1000)), 1);
    assert_verifies(&dir, &hash, deep);
}

#[test]
fn numbers_read_as_serde_json_reads_them() {
    // serde_json's default parsing reads 0.9999999999999999 as 1.0; correctly rounded it is
    // the double just below 1.
    let dir = devnet();
    let (_, text) = standard_certificate(&dir);
    let (start, end) = {
        let i = text.find("\"phi_f\"").unwrap();
        let colon = i + text[i..].find(':').unwrap() + 1;
        let len = text[colon..].find([',', '}', '\n']).unwrap();
        (colon, colon + len)
    };
    let with_phi_f = |value: &str| format!("{}{value}{}", &text[..start], &text[end..]);
    let read = |value: &str| {
        Certificate::from_json(with_phi_f(value).as_bytes())
            .unwrap()
            .metadata
            .parameters
            .phi_f
    };
    assert_eq!(read("0.9999999999999999").to_bits(), 1f64.to_bits());
    assert_eq!(read("0.95").to_bits(), 0.95f64.to_bits());
    assert_eq!(read("1").to_bits(), 1f64.to_bits());
    assert_eq!(read("2.2250738585072011e-308"), f64::MIN_POSITIVE);
    for bad in ["1.7976931348623158e308", "\"0.95\"", "null", "1e400"] {
        assert!(
            matches!(
                Certificate::from_json(with_phi_f(bad).as_bytes()),
                Err(Error::Codec {
                    error: CodecError::InvalidJson { .. }
                })
            ),
            "{bad}"
        );
    }
}

#[test]
fn certificate_parameters_are_k_m_phi_f() {
    // The metadata carries mithril-common's ProtocolParameters {k, m, phi_f}, not mithril-stm's
    // Parameters {m, k, phi_f}: in the array form the order decides which number is which, and
    // the certificate then verifies with either form.
    let dir = devnet();
    let (hash, text) = standard_certificate(&dir);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = v["metadata"]["parameters"].clone();
    assert_ne!(p["k"], p["m"]);
    v["metadata"]["parameters"] = serde_json::json!([p["k"], p["m"], p["phi_f"]]);
    let doc = v.to_string();
    let c = Certificate::from_json(doc.as_bytes()).unwrap();
    assert_eq!(Some(c.metadata.parameters.k), p["k"].as_u64());
    assert_eq!(Some(c.metadata.parameters.m), p["m"].as_u64());
    assert_verifies(&dir, &hash, doc);
}

#[test]
fn repeated_fields_are_refused() {
    let dir = devnet();
    let (_, text) = standard_certificate(&dir);
    // In the certificate and its metadata: bad JSON.
    for (field, doubled) in [
        ("\"hash\"", "\"hash\":\"x\",\"hash\""),
        ("\"network\"", "\"network\":\"x\",\"network\""),
        ("\"k\"", "\"k\":1,\"k\""),
        (
            "\"message_parts\"",
            "\"message_parts\":{},\"message_parts\"",
        ),
    ] {
        let doc = text.replacen(field, doubled, 1);
        assert!(
            matches!(
                Certificate::from_json(doc.as_bytes()),
                Err(Error::Codec {
                    error: CodecError::InvalidJson { .. }
                })
            ),
            "{doubled}"
        );
    }
    // A protocol-message part is a map key: the last one wins, as in the reference's map.
    let doc = text.replacen(
        "\"next_protocol_parameters\"",
        "\"next_protocol_parameters\":\"x\",\"next_protocol_parameters\"",
        1,
    );
    Certificate::from_json(doc.as_bytes()).unwrap();
    // In the multi-signature, the flattened single signature included: malformed.
    let dir = devnet();
    let (hash, text) = standard_certificate(&dir);
    for member in ["\"sigma\":[]", "\"indexes\":[]", "\"signer_index\":0"] {
        let edit = into_first_signature(member);
        assert_refused_multi_signature(&dir, &hash, edit_multi_signature(&text, &edit));
    }
    let edit = into_aggregate("\"batch_proof\":{}");
    assert_refused_multi_signature(&dir, &hash, edit_multi_signature(&text, &edit));
    // In the AVK.
    let avk_json = |text: &str| {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        hex::decode(v["aggregate_verification_key"].as_str().unwrap().as_bytes()).unwrap()
    };
    let json = String::from_utf8(avk_json(&text)).unwrap();
    AggregateVerificationKey::from_json(json.as_bytes()).unwrap();
    let doubled = json.replacen("\"total_stake\"", "\"total_stake\":1,\"total_stake\"", 1);
    assert!(AggregateVerificationKey::from_json(doubled.as_bytes()).is_err());
    let doubled = json.replacen("\"root\"", "\"root\":[],\"root\"", 1);
    assert!(AggregateVerificationKey::from_json(doubled.as_bytes()).is_err());
}

#[test]
fn serde_json_number_features_are_off() {
    // Canary: `float_roundtrip` would parse both of these correctly rounded, and
    // `arbitrary_precision` would keep the first as text. Either breaks agreement with the
    // reference, which builds serde_json with neither.
    assert!(serde_json::from_str::<serde_json::Value>("1.7976931348623158e308").is_err());
    assert!(serde_json::from_str::<f64>("1.7976931348623158e308").is_err());
    let v: f64 = serde_json::from_str("0.9999999999999999").unwrap();
    assert_eq!(v.to_bits(), 1f64.to_bits());
    assert_ne!(v, "0.9999999999999999".parse::<f64>().unwrap());
}
