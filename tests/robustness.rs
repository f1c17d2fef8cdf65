//! Bad input never panics and never verifies: random corruptions of real certificates (byte
//! flips, truncations, insertions, hex-field edits) fed to the walk always end in a typed error
//! or, for edits that leave the content intact (whitespace, hex case, a date's spelling), in
//! the same verdict.

mod common;

use common::{fixture, ChainDir};
use mithril_lite::certificate::{Certificate, GenesisVerificationKey};
use mithril_lite::chain::{ChainWalk, Step, WalkConfig};
use mithril_lite::stm::{AggregateSignature, AggregateVerificationKey};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn mutate(rng: &mut Rng, body: &[u8]) -> Vec<u8> {
    let mut b = body.to_vec();
    match rng.below(5) {
        0 => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 => b.truncate(rng.below(b.len())),
        2 => {
            let i = rng.below(b.len());
            b.insert(i, (rng.next() & 0xff) as u8);
        }
        3 => {
            // Change one character inside a hex string field to another hex digit.
            let i = rng.below(b.len());
            if b[i].is_ascii_hexdigit() {
                b[i] = b"0123456789abcdef"[rng.below(16)];
            }
        }
        _ => {
            let i = rng.below(b.len());
            b.remove(i);
        }
    }
    b
}

/// A certificate's content, spelling aside: its JSON, lower-cased, with the metadata dates as
/// the timestamps they parse to, and for a genesis certificate without its
/// `signed_entity_type` (the reference reads any value there and does not use it: a genesis
/// certificate certifies `MithrilStakeDistribution(epoch)`).
fn content(body: &[u8]) -> String {
    let certificate = Certificate::from_json(body).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(body).unwrap();
    json["metadata"]["initiated_at"] = certificate.metadata.initiated_at_nanos.into();
    json["metadata"]["sealed_at"] = certificate.metadata.sealed_at_nanos.into();
    if certificate.is_genesis() {
        json["signed_entity_type"] = serde_json::Value::Null;
    }
    json.to_string().to_lowercase()
}

#[test]
fn corrupted_certificates_fail_with_typed_errors() {
    let dir = ChainDir::load(&fixture("devnet"));
    let key = GenesisVerificationKey::decode(&dir.genesis_key).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let cases: usize = std::env::var("MITHRIL_LITE_ROBUSTNESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    // Sorted: the fixture map's iteration order changes from run to run, the cases must not.
    let mut hashes: Vec<&String> = dir.certificates.keys().collect();
    hashes.sort();
    let (mut rejected, mut unchanged) = (0, 0);
    for _ in 0..cases {
        let hash = hashes[rng.below(hashes.len())];
        let original = dir.certificates[hash].as_bytes();
        let body = mutate(&mut rng, original);
        let mut walk = ChainWalk::new(hash, key.clone(), WalkConfig::default());
        walk.feed_and_verify(hash, &body);
        // Serve the rest of the chain untouched.
        let verdict = loop {
            match walk.step() {
                Step::Fetch(h) => match dir.certificates.get(&h) {
                    Some(b) => walk.feed_and_verify(&h, b.as_bytes()),
                    None => walk.fetch_failed(&h, "not found"),
                },
                Step::AwaitVerification => unreachable!(),
                Step::Done(r) => break r,
            }
        };
        match verdict {
            Err(e) => {
                assert!(!e.code().is_empty() && !e.to_string().is_empty());
                rejected += 1;
            }
            Ok(_) => {
                // Only edits that do not change the parsed content may still verify:
                // whitespace, hex case, or another spelling of the same instant in a date
                // (the hash covers the dates as timestamps, as the reference's does).
                assert_eq!(
                    content(&body),
                    content(original),
                    "a corrupted certificate verified"
                );
                unchanged += 1;
            }
        }
    }
    println!(
        "{cases} corruptions: {rejected} rejected, {unchanged} harmless (whitespace, hex case, date spelling)"
    );
    assert!(rejected > cases * 9 / 10);
}

#[test]
fn corrupted_keys_and_signatures_fail_to_decode_or_verify() {
    let dir = ChainDir::load(&fixture("devnet"));
    let mut rng = Rng(42);
    for body in dir.certificates.values() {
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        for field in ["aggregate_verification_key", "multi_signature"] {
            let text = v[field].as_str().unwrap();
            if text.is_empty() {
                continue;
            }
            for _ in 0..20 {
                let corrupted =
                    String::from_utf8(mutate(&mut rng, text.as_bytes())).unwrap_or_default();
                // Decoding either fails with an error or yields a value; it never panics.
                if field == "multi_signature" {
                    let _ = AggregateSignature::decode(&corrupted);
                } else {
                    let _ = AggregateVerificationKey::decode(&corrupted);
                }
            }
        }
    }
}
