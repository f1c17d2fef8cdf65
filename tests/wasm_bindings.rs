//! The JavaScript binding (`mithril_lite::wasm`) run as wasm, in node and in headless Chromium
//! (scripts/test.sh, stages wasm-test-node and wasm-test-browser: `cargo test --target
//! wasm32-unknown-unknown --no-default-features --features wasm --test wasm_bindings` with
//! wasm-bindgen-test-runner as the runner, as `wasm-pack test --node` / `--headless --chrome`
//! run it).
//!
//! The devnet chain is embedded (no file system in a browser) and fed certificate by certificate
//! through `Walk`, as the npm package's driver does: the latest certificate verifies back to
//! genesis, and tampered certificates fail with the documented error codes. Compiled only for
//! wasm32: on the host this file is an empty test binary.

#![cfg(target_arch = "wasm32")]

#[cfg(not(feature = "wasm"))]
compile_error!("tests/wasm_bindings.rs needs the `wasm` feature: add `--features wasm`");

use std::collections::BTreeMap;

use mithril_lite::certificate::{Certificate, PartKey};
use mithril_lite::codec::CodecError;
use mithril_lite::proofs::ProofError;
use mithril_lite::wasm::{error_codes, run_check_job, Walk};
use mithril_lite::{Error, StmError};
use serde_json::value::RawValue;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const CERTIFICATES: &str = include_str!("fixtures/devnet/certificates.json");
const CERTIFICATE_LIST: &str = include_str!("fixtures/devnet/certificates-list.json");
const GENESIS_KEY: &str = include_str!("fixtures/devnet/genesis.vkey");

/// STM error codes: a multi-signature on another message fails one of these checks.
const STM_CODES: &[&str] = &[
    "stm_lottery_lost",
    "stm_index_out_of_range",
    "stm_index_not_unique",
    "stm_quorum_not_reached",
    "stm_batch_path_invalid",
    "stm_signature_invalid",
];

/// Hash -> exact certificate JSON text (stakes exceed 2^53: never re-encoded unless tampered).
fn certificates() -> BTreeMap<String, String> {
    let map: BTreeMap<String, &RawValue> = serde_json::from_str(CERTIFICATES).unwrap();
    map.into_iter()
        .map(|(hash, raw)| (hash, raw.get().to_string()))
        .collect()
}

/// The newest certificate (the aggregator's list starts with it).
fn latest() -> String {
    let list: Vec<serde_json::Value> = serde_json::from_str(CERTIFICATE_LIST).unwrap();
    list[0]["hash"].as_str().unwrap().to_string()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap()
}

fn get_str(object: &JsValue, key: &str) -> String {
    get(object, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

fn get_f64(object: &JsValue, key: &str) -> f64 {
    get(object, key)
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is not a number"))
}

/// The `code` of a thrown or returned binding error, after checking it is a JS `Error`.
fn code(error: &JsValue) -> String {
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error");
    get_str(error, "code")
}

/// Drive `walk` as the npm package does: fetch what `step()` names, feed it, collect the STM
/// checks it hands out, and run them (last first) only when the walk waits for them. Returns
/// the final `{kind: "done", ...}` object.
fn drive(walk: &mut Walk, certificates: &BTreeMap<String, String>) -> JsValue {
    let mut pending: Vec<u32> = Vec::new();
    for _ in 0..10_000 {
        let step = walk.step();
        match get_str(&step, "kind").as_str() {
            "fetch" => {
                let hash = get_str(&step, "hash");
                match certificates.get(&hash) {
                    Some(body) => {
                        if let Some(id) = walk.feed(&hash, body.as_bytes()) {
                            assert!(walk.check_size(id) > 0, "check {id} has no indices");
                            pending.push(id);
                        }
                    }
                    None => walk.fetch_failed(&hash, "not in the fixture"),
                }
                assert_eq!(walk.pending_checks() as usize, pending.len());
            }
            "verify" => {
                assert!(
                    !pending.is_empty(),
                    "the walk waits, but no check is pending"
                );
                while let Some(id) = pending.pop() {
                    walk.run_check(id);
                }
            }
            "done" => return step,
            other => panic!("unknown step kind {other}"),
        }
    }
    panic!("the walk did not finish");
}

fn new_walk(hash: &str) -> Walk {
    Walk::new(GENESIS_KEY, hash, JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("Walk constructor threw code {}", code(&e)))
}

/// Run a walk from `hash` and return the error of its verdict (panics if it verified).
fn walk_error(hash: &str, certificates: &BTreeMap<String, String>) -> JsValue {
    let done = drive(&mut new_walk(hash), certificates);
    let error = get(&done, "error");
    assert!(
        !error.is_undefined(),
        "{hash}: verified, a failure was expected"
    );
    assert!(get(&done, "result").is_undefined());
    error
}

/// Re-encode a tampered certificate (only for tampered ones: the valid ones stay exact text).
fn edit(body: &str, change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value = serde_json::from_str(body).unwrap();
    change(&mut value);
    serde_json::to_string(&value).unwrap()
}

#[wasm_bindgen_test]
fn bad_genesis_key_throws_a_coded_error() {
    for key in ["", "00", "not a key"] {
        let error = Walk::new(key, &latest(), JsValue::UNDEFINED).err().unwrap();
        assert_eq!(code(&error), "invalid_genesis_key");
        assert_eq!(get_str(&error, "name"), "MithrilVerificationError");
        assert!(get_f64(&error, "numericCode") > 0.0);
    }
}

/// `errorCodes()` is the core's tables for the verdicts the module gives (chain, STM, proofs):
/// every code with its number, and nothing else.
#[wasm_bindgen_test]
fn error_codes_are_the_core_tables() {
    let table = error_codes();
    let rows: BTreeMap<&str, u32> = Error::CODES
        .iter()
        .chain(CodecError::CODES)
        .chain(StmError::CODES)
        .chain(ProofError::CODES)
        .copied()
        .collect();
    let keys = js_sys::Reflect::own_keys(&table).unwrap();
    assert_eq!(keys.length() as usize, rows.len());
    for (code, number) in rows {
        assert_eq!(get_f64(&table, code), f64::from(number), "{code}");
    }
    assert_eq!(get_f64(&table, "internal_error"), 98.0);
}

#[wasm_bindgen_test]
fn bad_options_throw_invalid_options() {
    for options in [
        JsValue::from_str("fast"),
        js_sys::JSON::parse(r#"{"maxChainLength": -1}"#).unwrap(),
        js_sys::JSON::parse(r#"{"maxCertificateBytes": 1.5}"#).unwrap(),
        js_sys::JSON::parse(r#"{"trusted": "abc"}"#).unwrap(),
        js_sys::JSON::parse(r#"{"trusted": [1]}"#).unwrap(),
    ] {
        let error = Walk::new(GENESIS_KEY, &latest(), options).err().unwrap();
        assert_eq!(code(&error), "invalid_options");
    }
}

#[wasm_bindgen_test]
fn latest_devnet_certificate_verifies_back_to_genesis() {
    let certificates = certificates();
    assert_eq!(certificates.len(), 43);
    let latest = latest();
    let mut walk = new_walk(&latest);
    let done = drive(&mut walk, &certificates);
    assert!(
        get(&done, "error").is_undefined(),
        "failed with code {}",
        code(&get(&done, "error"))
    );
    let result = get(&done, "result");
    let certificate = get(&result, "certificate");
    assert_eq!(get_str(&certificate, "hash"), latest);
    assert_eq!(get(&certificate, "isGenesis"), JsValue::FALSE);
    assert_eq!(get_str(&result, "anchorKind"), "genesis");
    assert!(get_str(&result, "anchorHash").starts_with("57c16dc2"));

    let checked = get_f64(&result, "certificatesChecked");
    assert!(checked >= 2.0, "{checked} certificates checked");
    let links: js_sys::Array = get(&result, "links").dyn_into().unwrap();
    assert_eq!(f64::from(links.length()), checked);
    assert_eq!(f64::from(walk.certificates_fed()), checked);
    // The walk goes back in time: the last certificate fed is the anchor (genesis).
    let anchor = links
        .iter()
        .find(|link| get_str(link, "hash") == get_str(&result, "anchorHash"))
        .expect("the anchor is one of the links");
    assert_eq!(walk.current_epoch(), Some(get_f64(&anchor, "epoch")));
    assert!(get_f64(&anchor, "epoch") < get_f64(&certificate, "epoch"));
    assert_eq!(walk.pending_checks(), 0);

    // Same verdict from the embedded genesis certificate itself.
    let genesis = get_str(&result, "anchorHash");
    let done = drive(&mut new_walk(&genesis), &certificates);
    let certificate = get(&get(&done, "result"), "certificate");
    assert_eq!(get(&certificate, "isGenesis"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn tampered_epoch_fails_the_hash_check() {
    let mut certificates = certificates();
    let latest = latest();
    let body = edit(&certificates[&latest], |c| {
        c["epoch"] = (c["epoch"].as_u64().unwrap() + 1).into();
    });
    certificates.insert(latest.clone(), body);
    let error = walk_error(&latest, &certificates);
    assert_eq!(code(&error), "certificate_hash_mismatch");
    assert_eq!(get_str(&get(&error, "cause"), "certificate"), latest);
}

/// The latest certificate claims another protocol message, consistently (signed message and
/// hash recomputed) but keeps its multi-signature: only the STM check can catch it, and that
/// check runs in wasm (blst's pairing, built by clang for wasm32).
#[wasm_bindgen_test]
fn multi_signature_on_another_message_fails_the_stm_check() {
    let mut certificates = certificates();
    let forged_hash = forge_protocol_message(&mut certificates);
    let error = walk_error(&forged_hash, &certificates);
    let code = code(&error);
    assert!(
        STM_CODES.contains(&code.as_str()),
        "got {code}, want one of {STM_CODES:?}"
    );
    assert_eq!(get_str(&get(&error, "cause"), "certificate"), forged_hash);
}

/// Add a copy of the latest certificate whose protocol message differs (hash and signed message
/// consistent with it) but whose multi-signature is the original's; returns its hash.
fn forge_protocol_message(certificates: &mut BTreeMap<String, String>) -> String {
    let latest = latest();
    let mut parsed = Certificate::from_json(certificates[&latest].as_bytes()).unwrap();
    // A part nothing else checks (the epoch part must match the epoch, the next AVK and
    // parameters are compared with the successor's, and the latest has none).
    let part = "cardano_stake_distribution_merkle_root";
    let key = PartKey::from_name(part).unwrap();
    let root = parsed.protocol_message.get(key).unwrap();
    let other = if root.starts_with('0') { "1" } else { "0" };
    let forged_root = format!("{other}{}", &root[1..]);
    parsed.protocol_message.set(key, forged_root.clone());
    parsed.signed_message = parsed.protocol_message.hash();
    let forged_hash = parsed.compute_hash();
    assert_ne!(forged_hash, latest);

    let body = edit(&certificates[&latest], |c| {
        c["hash"] = forged_hash.clone().into();
        c["protocol_message"]["message_parts"][part] = forged_root.into();
        c["signed_message"] = parsed.signed_message.clone().into();
    });
    certificates.insert(forged_hash.clone(), body);
    forged_hash
}

#[wasm_bindgen_test]
fn missing_predecessor_is_unavailable() {
    let mut certificates = certificates();
    let latest = latest();
    let previous = serde_json::from_str::<serde_json::Value>(&certificates[&latest]).unwrap()
        ["previous_hash"]
        .as_str()
        .unwrap()
        .to_string();
    certificates.remove(&previous);
    let error = walk_error(&latest, &certificates);
    assert_eq!(code(&error), "certificate_unavailable");
}

// ---------------------------------------------------------------------------------------------
// STM checks as job bytes (what the npm package's workers run): `checkJob` hands out a check's
// job, `runCheckJob` runs it (in a worker, there), `completeCheck` records the outcome bytes,
// in whatever order they come back.

/// Drive `walk` as the pooled driver does, but with every job held until the walk waits, then
/// completed in the order `pick` chooses (index into the held jobs). Returns the final step.
fn drive_jobs(
    walk: &mut Walk,
    certificates: &BTreeMap<String, String>,
    pick: &mut dyn FnMut(usize) -> usize,
) -> JsValue {
    let mut held: Vec<(u32, Vec<u8>)> = Vec::new();
    for _ in 0..10_000 {
        let step = walk.step();
        match get_str(&step, "kind").as_str() {
            "fetch" => {
                let hash = get_str(&step, "hash");
                match certificates.get(&hash) {
                    Some(body) => {
                        if let Some(id) = walk.feed(&hash, body.as_bytes()) {
                            let job = walk.check_job(id);
                            assert!(!job.is_empty(), "check {id} has no job bytes");
                            // Handing out the job leaves the check pending.
                            assert_eq!(walk.check_job(id), job);
                            held.push((id, job));
                        }
                    }
                    None => walk.fetch_failed(&hash, "not in the fixture"),
                }
                assert_eq!(walk.pending_checks() as usize, held.len());
            }
            "verify" => {
                assert!(!held.is_empty(), "the walk waits, but no job is held");
                let (id, job) = held.remove(pick(held.len()));
                let outcome = run_check_job(&job);
                walk.complete_check(id, &outcome);
            }
            "done" => return step,
            other => panic!("unknown step kind {other}"),
        }
    }
    panic!("the walk did not finish");
}

/// Which held job completes next, given how many are held.
type Pick = Box<dyn FnMut(usize) -> usize>;

/// A small deterministic generator (xorshift64) for the random completion orders.
fn xorshift(mut x: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    }
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn jobs_completed_in_reverse_and_random_order_give_the_inline_verdict() {
    let certificates = certificates();
    let latest = latest();
    let inline = drive(&mut new_walk(&latest), &certificates);
    let expected = json(&get(&inline, "result"));
    let mut orders: Vec<(&str, Pick)> = vec![
        ("in order", Box::new(|_| 0)),
        ("reverse", Box::new(|n| n - 1)),
    ];
    for seed in [1u64, 7, 2026, 0x9e37_79b9_7f4a_7c15] {
        orders.push(("random", Box::new(xorshift(seed))));
    }
    for (name, pick) in orders.iter_mut() {
        let mut walk = new_walk(&latest);
        let done = drive_jobs(&mut walk, &certificates, pick.as_mut());
        assert!(
            get(&done, "error").is_undefined(),
            "{name}: failed with code {}",
            code(&get(&done, "error"))
        );
        assert_eq!(json(&get(&done, "result")), expected, "{name}");
        assert_eq!(walk.pending_checks(), 0);
    }
}

#[wasm_bindgen_test]
fn a_failing_job_gives_the_inline_error_whatever_the_completion_order() {
    let mut certificates = certificates();
    let forged = forge_protocol_message(&mut certificates);
    let inline = walk_error(&forged, &certificates);
    let mut picks: Vec<Pick> = vec![Box::new(|_| 0), Box::new(|n| n - 1), Box::new(xorshift(42))];
    for pick in picks.iter_mut() {
        let done = drive_jobs(&mut new_walk(&forged), &certificates, pick.as_mut());
        let error = get(&done, "error");
        assert_eq!(code(&error), code(&inline));
        assert_eq!(get_str(&error, "message"), get_str(&inline, "message"));
        assert_eq!(get_str(&get(&error, "cause"), "certificate"), forged);
    }
}

#[wasm_bindgen_test]
fn outcome_bytes_that_do_not_decode_fail_the_walk_with_internal_error() {
    let certificates = certificates();
    let latest = latest();
    for outcome in [
        &[][..],
        &[0xff, 0xff, 0xff][..],
        &run_check_job(b"not a job")[..],
    ] {
        let mut walk = new_walk(&latest);
        let body = &certificates[&latest];
        let id = walk.feed(&latest, body.as_bytes()).expect("a check");
        walk.complete_check(id, outcome);
        assert_eq!(walk.pending_checks(), 0);
        let done = drive(&mut walk, &certificates);
        let error = get(&done, "error");
        assert_eq!(code(&error), "internal_error");
        assert_eq!(get_f64(&error, "numericCode"), 98.0);
    }
}

#[wasm_bindgen_test]
fn a_check_no_worker_could_run_fails_with_internal_error() {
    let certificates = certificates();
    let latest = latest();
    let mut walk = new_walk(&latest);
    let id = walk
        .feed(&latest, certificates[&latest].as_bytes())
        .expect("a check");
    assert!(
        walk.check_job(id + 1000).is_empty(),
        "no job for an unknown id"
    );
    walk.fail_check(id, "the worker died and so did the inline retry");
    walk.fail_check(id, "twice is ignored");
    walk.complete_check(id, &[]);
    let done = drive(&mut walk, &certificates);
    let error = get(&done, "error");
    assert_eq!(code(&error), "internal_error");
    assert!(get_str(&error, "message").contains("the worker died"));
}
