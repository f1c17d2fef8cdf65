//! The hand-written CBOR reader (`codec::cbor`) against ciborium, the crate it stands for, as the
//! reference uses it: mithril-stm 0.13.0's own `from_bytes` (version byte `0x01`, then
//! `ciborium::de::from_reader` into its serde types, and its legacy fallbacks).
//!
//! Inputs start from the `to_bytes` forms of the reference STM fixtures (aggregate verification
//! keys and aggregate signatures) and are mutated two ways:
//!
//! - **structurally**, through `ciborium::Value` (nested `0x01 || CBOR` byte strings included):
//!   unknown, duplicated, removed and reordered map entries, keys as byte strings, integers of
//!   other values and widths, other types in place of a value, byte strings as arrays of bytes
//!   and back, tags around any value (2 and 3, the big-number tags, among them), nulls;
//! - **at the byte level**: flips, insertions, deletions, truncations, and definite lengths
//!   rewritten as indefinite ones.
//!
//! Both sides decode the same bytes. Verdicts must agree; when both accept, the decoded values
//! must be equal (compared through the reference's canonical JSON, which mithril-lite
//! reproduces). mithril-lite reads BLS points only when it verifies, the reference when it
//! decodes: a signature the reference refuses and mithril-lite decodes must then fail
//! mithril-lite's verification, so the verdict is the same.
//!
//! `MITHRIL_LITE_CBOR_CASES` sets the number of mutated inputs per fixture value (default 300;
//! the long run in the README uses 20,000), `MITHRIL_LITE_CBOR_SEED` the seed (default: random,
//! printed).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use ciborium::value::{Integer, Value};
use common::Rng;
use mithril_lite::codec::hex;
use mithril_lite::stm::{
    verify_aggregate, AggregateSignature, AggregateVerificationKey, Parameters, ScalarSeed,
};
use mithril_stm::MithrilMembershipDigest;

type D = MithrilMembershipDigest;
type RefAggregate = mithril_stm::AggregateSignature<D>;
type RefAvk = mithril_stm::AggregateVerificationKeyForConcatenation<D>;

const FIXTURES: &[&str] = &[
    "small",
    "medium",
    "equal-stakes",
    "mainnet-params-200-parties",
];

struct Fixture {
    name: &'static str,
    params: Parameters,
    msg: Vec<u8>,
    avk_bytes: Vec<u8>,
    signature_bytes: Vec<u8>,
}

fn load(name: &'static str) -> Fixture {
    let path = common::fixture(&format!("reference-stm/{name}.json"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let hex_of = |key: &str| hex::decode(v[key].as_str().unwrap().as_bytes()).unwrap();
    Fixture {
        name,
        params: Parameters {
            m: v["params"]["m"].as_u64().unwrap(),
            k: v["params"]["k"].as_u64().unwrap(),
            phi_f: v["params"]["phi_f"].as_f64().unwrap(),
        },
        msg: hex_of("message_hex"),
        avk_bytes: hex_of("avk_to_bytes_hex"),
        signature_bytes: hex_of("aggregate_signature_to_bytes_hex"),
    }
}

fn cases() -> usize {
    std::env::var("MITHRIL_LITE_CBOR_CASES")
        .ok()
        .map(|s| s.parse().expect("MITHRIL_LITE_CBOR_CASES: a number"))
        .unwrap_or(300)
}

fn seed() -> u64 {
    std::env::var("MITHRIL_LITE_CBOR_SEED")
        .ok()
        .map(|s| s.parse().expect("MITHRIL_LITE_CBOR_SEED: a number"))
        .unwrap_or_else(|| {
            use std::hash::{BuildHasher, Hasher};
            // RandomState's keys are random per process.
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u64(u64::from(std::process::id()));
            h.finish()
        })
}

// ---------------------------------------------------------------------------------------------
// CBOR values: decoding `0x01 || CBOR`, encoding back, structural mutation

fn decode_v1(bytes: &[u8]) -> Option<Value> {
    match bytes.split_first() {
        Some((1, rest)) => ciborium::de::from_reader(rest).ok(),
        _ => None,
    }
}

fn encode_v1(value: &Value) -> Vec<u8> {
    let mut out = vec![1u8];
    ciborium::ser::into_writer(value, &mut out).unwrap();
    out
}

/// Every path (child indices) to a node of `value`, a byte string holding `0x01 || CBOR`
/// counting as a node with one child (its decoded value).
fn paths(value: &Value, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(prefix.clone());
    let children: Vec<Value> = match value {
        Value::Array(items) => items.clone(),
        Value::Map(entries) => entries.iter().map(|(_, v)| v.clone()).collect(),
        Value::Tag(_, inner) => vec![(**inner).clone()],
        Value::Bytes(b) => decode_v1(b).into_iter().collect(),
        _ => Vec::new(),
    };
    for (i, child) in children.iter().enumerate() {
        prefix.push(i);
        paths(child, prefix, out);
        prefix.pop();
    }
}

/// Apply `f` to the node at `path`, re-encoding nested `0x01 || CBOR` byte strings on the way
/// back up.
fn edit(value: &mut Value, path: &[usize], f: &mut dyn FnMut(&mut Value)) {
    let Some((&first, rest)) = path.split_first() else {
        f(value);
        return;
    };
    match value {
        Value::Array(items) => edit(&mut items[first], rest, f),
        Value::Map(entries) => edit(&mut entries[first].1, rest, f),
        Value::Tag(_, inner) => edit(inner, rest, f),
        Value::Bytes(b) => {
            let mut inner = decode_v1(b).expect("a path only enters decodable byte strings");
            edit(&mut inner, rest, f);
            *b = encode_v1(&inner);
        }
        _ => unreachable!("a path only enters containers"),
    }
}

fn some_value(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => {
            let shift = rng.below(64);
            Value::Integer(Integer::from(rng.next() >> shift))
        }
        1 => Value::Integer(Integer::from(-(rng.below(1000) as i64) - 1)),
        2 => Value::Text("hasher".into()),
        3 => {
            let n = rng.below(40);
            Value::Bytes(rng.bytes(n))
        }
        4 => Value::Null,
        5 => Value::Bool(rng.chance(50)),
        6 => Value::Float(0.5),
        7 => Value::Array(vec![Value::Integer(Integer::from(7u8)); rng.below(4)]),
        _ => Value::Map(vec![(Value::Text("x".into()), Value::Null)]),
    }
}

fn mutate_node(node: &mut Value, rng: &mut Rng) {
    match (rng.below(10), &mut *node) {
        (0, Value::Map(entries)) if !entries.is_empty() => {
            // A member again (refused by serde's derive) or an unknown one (skipped).
            let i = rng.below(entries.len());
            let entry = if rng.chance(50) {
                entries[i].clone()
            } else {
                (
                    Value::Text(rng.pick(&["zz", "root2", "", "Root"]).into()),
                    some_value(rng),
                )
            };
            let at = rng.below(entries.len() + 1);
            entries.insert(at, entry);
        }
        (1, Value::Map(entries)) if !entries.is_empty() => {
            if rng.chance(50) {
                entries.remove(rng.below(entries.len()));
            } else {
                let (a, b) = (rng.below(entries.len()), rng.below(entries.len()));
                entries.swap(a, b);
            }
        }
        (2, Value::Map(entries)) if !entries.is_empty() => {
            // Keys as byte strings (serde's derive takes them) or as integers (refused).
            let i = rng.below(entries.len());
            if let Value::Text(t) = &entries[i].0 {
                entries[i].0 = if rng.chance(70) {
                    Value::Bytes(t.clone().into_bytes())
                } else {
                    Value::Integer(Integer::from(i as u8))
                };
            }
        }
        (3, Value::Integer(i)) => {
            let v: i128 = (*i).into();
            let next: i128 = match rng.below(6) {
                0 => v + 1,
                1 => v - 1,
                2 => 0,
                3 => u64::MAX as i128,
                4 => -1,
                _ => v ^ (1 << rng.below(64)),
            };
            *node = match Integer::try_from(next) {
                Ok(i) => Value::Integer(i),
                Err(_) => Value::Null,
            };
        }
        (4, Value::Bytes(b)) => {
            if rng.chance(50) || b.is_empty() {
                // A byte string as an array of byte values: serde's Vec<u8> takes either.
                let items = b
                    .iter()
                    .map(|&x| Value::Integer(Integer::from(x)))
                    .collect();
                *node = Value::Array(items);
            } else {
                let keep = rng.below(b.len());
                b.truncate(keep);
            }
        }
        (4, Value::Array(items)) => {
            // An array of small integers as a byte string.
            let bytes: Option<Vec<u8>> = items
                .iter()
                .map(|v| match v {
                    Value::Integer(i) => u8::try_from(*i).ok(),
                    _ => None,
                })
                .collect();
            match bytes {
                Some(b) => *node = Value::Bytes(b),
                None if !items.is_empty() => {
                    let i = rng.below(items.len());
                    items.remove(i);
                }
                None => items.push(some_value(rng)),
            }
        }
        (5, _) => {
            let tag = rng.pick(&[0u64, 2, 3, 24, 55799, 1 << 40]);
            *node = Value::Tag(tag, Box::new(node.clone()));
        }
        (6, _) => *node = some_value(rng),
        (7, Value::Array(items)) => {
            if rng.chance(50) && !items.is_empty() {
                let i = rng.below(items.len());
                items.push(items[i].clone());
            } else {
                items.push(some_value(rng));
            }
        }
        (8, _) => *node = Value::Null,
        _ => {
            // Text where bytes or integers were, and the other way round.
            let replacement = match &*node {
                Value::Text(t) => Value::Bytes(t.clone().into_bytes()),
                Value::Integer(i) => Value::Text(format!("{}", i128::from(*i))),
                other => Value::Array(vec![other.clone()]),
            };
            *node = replacement;
        }
    }
}

fn structural_mutation(original: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut value = decode_v1(original).expect("fixture bytes are CBOR v1");
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    for _ in 0..1 + rng.below(2) {
        let path = rng.pick_ref(&all).clone();
        edit(&mut value, &path, &mut |node| mutate_node(node, rng));
        all.clear();
        paths(&value, &mut Vec::new(), &mut all);
    }
    encode_v1(&value)
}

/// Rewrite the definite-length head at the start of some map, array, byte or text string as an
/// indefinite-length one (strings as one chunk), which ciborium also reads.
fn indefinite(bytes: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
    let candidates: Vec<usize> = (1..bytes.len())
        .filter(|&i| matches!(bytes[i] >> 5, 2..=5) && bytes[i] & 0x1f < 24)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let at = rng.pick(&candidates);
    let major = bytes[at] >> 5;
    let mut out = bytes[..at].to_vec();
    match major {
        2 | 3 => {
            // One chunk: the original definite string, then a break.
            out.push((major << 5) | 31);
            let len = (bytes[at] & 0x1f) as usize;
            let end = (at + 1 + len).min(bytes.len());
            out.extend_from_slice(&bytes[at..end]);
            out.push(0xff);
            out.extend_from_slice(&bytes[end..]);
        }
        _ => {
            // A break inserted somewhere after: right only when it lands after the items,
            // which is what both sides must then agree on.
            out.push((major << 5) | 31);
            let rest = &bytes[at + 1..];
            let cut = rng.below(rest.len() + 1);
            out.extend_from_slice(&rest[..cut]);
            out.push(0xff);
            out.extend_from_slice(&rest[cut..]);
        }
    }
    Some(out)
}

fn byte_mutation(original: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = original.to_vec();
    match rng.below(5) {
        0 => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(b.len() + 1);
            let x = rng.next() as u8;
            b.insert(i, x);
        }
        2 => {
            let i = rng.below(b.len());
            b.remove(i);
        }
        3 => b.truncate(rng.below(b.len())),
        _ => {
            if let Some(out) = indefinite(&b, rng) {
                b = out;
            }
        }
    }
    b
}

trait PickRef {
    fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T;
}

impl PickRef for Rng {
    fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The two sides

#[derive(Default)]
struct Tally {
    compared: usize,
    both_accept: usize,
    both_refuse: usize,
    /// The reference refused at decoding (a BLS point), mithril-lite at verification.
    refused_at_verification: usize,
}

fn compare_avk(bytes: &[u8], tally: &mut Tally) -> Result<(), String> {
    tally.compared += 1;
    let ours = AggregateVerificationKey::from_bytes(bytes);
    let theirs = RefAvk::from_bytes(bytes);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            tally.both_accept += 1;
            let reference = serde_json::to_string(&b).unwrap();
            if a.to_json() != reference {
                return Err(format!(
                    "both accept, values differ: {} vs {reference}",
                    a.to_json()
                ));
            }
        }
        (Err(_), Err(_)) => tally.both_refuse += 1,
        (Ok(a), Err(e)) => {
            return Err(format!(
                "accepted here ({}), refused by the reference: {e}",
                a.to_json()
            ))
        }
        (Err(e), Ok(b)) => {
            return Err(format!(
                "refused here ({e}), accepted by the reference: {}",
                serde_json::to_string(&b).unwrap()
            ))
        }
    }
    Ok(())
}

fn compare_signature(
    fx: &Fixture,
    avk: &AggregateVerificationKey,
    bytes: &[u8],
    tally: &mut Tally,
) -> Result<(), String> {
    tally.compared += 1;
    let ours = AggregateSignature::from_bytes(bytes);
    let theirs = RefAggregate::from_bytes(bytes);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            tally.both_accept += 1;
            let reference = serde_json::to_string(&b).unwrap();
            if a.to_json() != reference {
                return Err(format!(
                    "both accept, values differ:\n{}\n{reference}",
                    a.to_json()
                ));
            }
        }
        (Err(_), Err(_)) => tally.both_refuse += 1,
        (Ok(a), Err(e)) => {
            // Points are read when verifying here: the verdict must still be a refusal.
            let seed = ScalarSeed::from_bytes([7; 32]);
            match verify_aggregate(&fx.msg, avk, &fx.params, &a, &seed) {
                Err(_) => tally.refused_at_verification += 1,
                Ok(()) => {
                    return Err(format!(
                        "accepted and verified here, refused by the reference: {e:#}"
                    ))
                }
            }
        }
        (Err(e), Ok(_)) => return Err(format!("refused here ({e}), accepted by the reference")),
    }
    Ok(())
}

#[test]
fn cbor_reader_agrees_with_ciborium_through_the_reference() {
    let master = seed();
    let n = cases();
    println!("cbor differential: seed {master}, {n} mutated inputs per value and kind");
    let mut avk_tally = Tally::default();
    let mut sig_tally = Tally::default();
    let mut failures = Vec::new();
    for (f, name) in FIXTURES.iter().enumerate() {
        let fx = load(name);
        let (avk, _) = AggregateVerificationKey::decode(&hex::encode(&fx.avk_bytes)).unwrap();
        // The unmutated values first: both accept, same values.
        compare_avk(&fx.avk_bytes, &mut avk_tally).unwrap();
        compare_signature(&fx, &avk, &fx.signature_bytes, &mut sig_tally).unwrap();
        let mut rng = Rng(master ^ ((f as u64 + 1) << 56));
        for i in 0..n {
            let structural = i % 2 == 0;
            let mutate = |original: &[u8], rng: &mut Rng| {
                if structural {
                    structural_mutation(original, rng)
                } else {
                    byte_mutation(original, rng)
                }
            };
            let a = mutate(&fx.avk_bytes, &mut rng);
            if let Err(e) = compare_avk(&a, &mut avk_tally) {
                failures.push(format!("{} avk {}: {e}", fx.name, hex::encode(&a)));
            }
            let s = mutate(&fx.signature_bytes, &mut rng);
            if let Err(e) = compare_signature(&fx, &avk, &s, &mut sig_tally) {
                failures.push(format!("{} signature {}: {e}", fx.name, hex::encode(&s)));
            }
        }
    }
    for (what, t) in [
        ("aggregate verification keys", &avk_tally),
        ("aggregate signatures", &sig_tally),
    ] {
        println!(
            "{what}: {} compared, {} accepted by both, {} refused by both, {} refused by the \
             reference at decoding and here at verification",
            t.compared, t.both_accept, t.both_refuse, t.refused_at_verification
        );
    }
    // Mutations must reach both verdicts, or the comparison says little.
    for t in [&avk_tally, &sig_tally] {
        assert!(
            t.both_accept > FIXTURES.len(),
            "no mutated input was accepted"
        );
        assert!(t.both_refuse > 0, "no mutated input was refused");
    }
    assert!(
        failures.is_empty(),
        "{} disagreements (seed {master}), the first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Found by the test above: a tag before a byte vector written as an array (the AVK's root).
/// ciborium skips it, as before any sequence; the reader refused it.
#[test]
fn tag_before_a_byte_vector_is_skipped() {
    let bytes = hex::decode(
        b"01a26d6d745f636f6d6d69746d656e74a364726f6f74db0000010000000000982018f318fb18e3187c18c6\
          184918690018eb187718d418d702183318f118f218da18dc183818fa1867184d1880183b186c18211850\
          18d9184c18bc10186c696e725f6c65617665731466686173686572f66b746f74616c5f7374616b651a01\
          312d00",
    )
    .unwrap();
    let mut tally = Tally::default();
    compare_avk(&bytes, &mut tally).unwrap();
    assert_eq!(tally.both_accept, 1);
}
