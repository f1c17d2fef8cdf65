//! Every vector of the reference STM fixtures (made with mithril-stm 0.13.0) gets the
//! reference's verdict, decoded from JSON-hex and from CBOR bytes-hex.

use mithril_lite::codec::hex;
use mithril_lite::stm::{
    verify_aggregate, AggregateSignature, AggregateVerificationKey, Parameters, ScalarSeed,
};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/reference-stm/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn params(v: &Value) -> Parameters {
    Parameters {
        m: v["m"].as_u64().unwrap(),
        k: v["k"].as_u64().unwrap(),
        phi_f: v["phi_f"].as_f64().unwrap(),
    }
}

fn seed() -> ScalarSeed {
    ScalarSeed::random().unwrap()
}

/// Verdict for one set of inputs: Ok, or the error code (decode failures included).
fn verdict(msg_hex: &str, avk: &str, sig: &str, params: &Parameters) -> Result<(), String> {
    let msg = hex::decode(msg_hex.as_bytes()).unwrap();
    let (avk, _) = AggregateVerificationKey::decode(avk).map_err(|e| e.code().to_string())?;
    let (sig, _) = AggregateSignature::decode(sig).map_err(|e| e.code().to_string())?;
    verify_aggregate(&msg, &avk, params, &sig, &seed()).map_err(|e| e.code().to_string())
}

fn expected_code(reference_error: &str) -> &'static str {
    if reference_error.contains("Lottery for this epoch was lost") {
        "stm_lottery_lost"
    } else if reference_error.contains("is higher than what the security parameter allows") {
        "stm_index_out_of_range"
    } else if reference_error.contains("Indices are not unique") {
        "stm_index_not_unique"
    } else if reference_error.contains("Not enough signatures") {
        "stm_quorum_not_reached"
    } else if reference_error.contains("Batch path does not verify") {
        "stm_batch_path_invalid"
    } else if reference_error.contains("Invalid single signature") {
        "stm_signature_invalid"
    } else if reference_error.contains("deserialize") || reference_error.contains("from_bytes") {
        // Decoding failures: an invalid point or undecodable bytes.
        "decode"
    } else {
        panic!("unmapped reference error: {reference_error}")
    }
}

fn check_vector(name: &str) {
    let v = load(name);
    let p = params(&v["params"]);
    let msg = v["message_hex"].as_str().unwrap();
    let avk_json = v["avk_json_hex"].as_str().unwrap();
    let avk_bytes = v["avk_to_bytes_hex"].as_str().unwrap();
    let sig_json = v["aggregate_signature_json_hex"].as_str().unwrap();
    let sig_bytes = v["aggregate_signature_to_bytes_hex"].as_str().unwrap();
    assert!(v["aggregate_verify_ok"].as_bool().unwrap());
    for (avk, sig) in [
        (avk_json, sig_json),
        (avk_bytes, sig_bytes),
        (avk_json, sig_bytes),
        (avk_bytes, sig_json),
    ] {
        assert_eq!(
            verdict(msg, avk, sig, &p),
            Ok(()),
            "{name}: valid aggregate rejected"
        );
    }
    // Re-encoding the decoded JSON reproduces the wire bytes exactly.
    let (sig, _) = AggregateSignature::decode(sig_json).unwrap();
    assert_eq!(
        sig.to_json_hex(),
        sig_json,
        "{name}: canonical JSON differs"
    );
    let (avk, _) = AggregateVerificationKey::decode(avk_json).unwrap();
    assert_eq!(avk.to_json_hex(), avk_json);

    let cases = v["negative_cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let case_name = case["name"].as_str().unwrap();
        let case_params = case.get("params").map(params).unwrap_or(p);
        let case_msg = case
            .get("message_hex")
            .and_then(Value::as_str)
            .unwrap_or(msg);
        let mut inputs: Vec<(&str, &str)> = Vec::new();
        let avks: Vec<&str> = ["avk_json_hex", "avk_to_bytes_hex"]
            .iter()
            .filter_map(|k| case.get(*k).and_then(Value::as_str))
            .collect();
        let sigs: Vec<&str> = [
            "aggregate_signature_json_hex",
            "aggregate_signature_to_bytes_hex",
        ]
        .iter()
        .filter_map(|k| case.get(*k).and_then(Value::as_str))
        .collect();
        let avks = if avks.is_empty() {
            vec![avk_json, avk_bytes]
        } else {
            avks
        };
        let sigs = if sigs.is_empty() {
            vec![sig_json, sig_bytes]
        } else {
            sigs
        };
        for a in &avks {
            for s in &sigs {
                inputs.push((a, s));
            }
        }
        let reference_ok = case["reference_result"]["ok"].as_bool().unwrap();
        for (a, s) in inputs {
            let got = verdict(case_msg, a, s, &case_params);
            if reference_ok {
                assert_eq!(got, Ok(()), "{name}/{case_name}: reference accepts");
            } else {
                let want = expected_code(case["reference_result"]["error"].as_str().unwrap());
                let got = got.expect_err(&format!(
                    "{name}/{case_name}: reference rejects, we accepted"
                ));
                if want == "decode" {
                    assert!(
                        got == "stm_invalid_point" || got == "stm_malformed",
                        "{name}/{case_name}: got {got}, want a decoding failure"
                    );
                } else {
                    assert_eq!(got, want, "{name}/{case_name}");
                }
            }
        }
    }
}

#[test]
fn small() {
    check_vector("small");
}

#[test]
fn medium() {
    check_vector("medium");
}

#[test]
fn equal_stakes() {
    check_vector("equal-stakes");
}

#[test]
fn mainnet_params_200_parties() {
    check_vector("mainnet-params-200-parties");
}
