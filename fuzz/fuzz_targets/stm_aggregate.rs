//! An STM aggregate signature decoded (JSON-hex or CBOR bytes-hex, as a certificate carries
//! it) and verified against a reference vector's message, AVK and parameters.
//!
//! Input: `[vector][raw signature bytes]` (the vectors of tests/fixtures/reference-stm but the
//! 200-party one). Properties: never a panic; a decoded signature re-encodes to canonical
//! JSON that decodes to the same signature; the verdict does not depend on the scalar seed
//! (a valid aggregate verifies under any seed, an invalid one fails under both).
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{fixed_seed, fixtures, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite::codec::hex;
use mithril_lite::stm::{
    verify_aggregate, AggregateSignature, AggregateVerificationKey, Parameters,
};

struct Vector {
    message: Vec<u8>,
    avk: AggregateVerificationKey,
    params: Parameters,
}

fn vectors() -> &'static [Vector] {
    static V: OnceLock<Vec<Vector>> = OnceLock::new();
    V.get_or_init(|| {
        ["small", "medium", "equal-stakes"]
            .iter()
            .map(|name| {
                let path = fixtures().join(format!("reference-stm/{name}.json"));
                let v: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
                let p = &v["params"];
                Vector {
                    message: hex::decode(v["message_hex"].as_str().unwrap().as_bytes()).unwrap(),
                    avk: AggregateVerificationKey::decode(v["avk_json_hex"].as_str().unwrap())
                        .unwrap()
                        .0,
                    params: Parameters {
                        m: p["m"].as_u64().unwrap(),
                        k: p["k"].as_u64().unwrap(),
                        phi_f: p["phi_f"].as_f64().unwrap(),
                    },
                }
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let vectors = vectors();
    let v = &vectors[input.u8() as usize % vectors.len()];
    let raw = input.rest();
    let Ok((sig, _form)) = AggregateSignature::decode(&hex::encode(raw)) else {
        return;
    };
    let json = sig.to_json();
    let again = AggregateSignature::from_json(json.as_bytes()).expect("canonical JSON reads back");
    assert_eq!(again, sig, "JSON round trip");
    assert_eq!(again.to_json(), json, "canonical JSON is stable");
    let (from_hex, _) =
        AggregateSignature::decode(&sig.to_json_hex()).expect("JSON-hex reads back");
    assert_eq!(from_hex, sig, "JSON-hex round trip");

    let a = verify_aggregate(&v.message, &v.avk, &v.params, &sig, &fixed_seed(1));
    let b = verify_aggregate(&v.message, &v.avk, &v.params, &sig, &fixed_seed(2));
    assert_eq!(a, b, "the verdict depends on the scalar seed");
});
