//! A fuzzed `/proof/v2/cardano-transaction` body checked against a verified devnet certificate.
//!
//! Input: `[certificate][request][body]`. Properties: never a panic; an accepted body names
//! the certificate it was checked against; every transaction it certifies is, with its block number
//! and slot, one the devnet proofs genuinely certify (no leaf can be forged), is requested
//! when a request is given, and is not also reported as not certified.
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{request_of, Cursor, ProofFixtures};
use libfuzzer_sys::fuzz_target;
use mithril_lite::proofs::{verify_transactions_proof_v2, CardanoTransaction};

struct Setup {
    fixtures: ProofFixtures,
    known: Vec<CardanoTransaction>,
    requested: Vec<String>,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let fixtures = ProofFixtures::load("ctx-proofs-v2.json");
        let mut known: Vec<CardanoTransaction> = Vec::new();
        for (hash, body) in &fixtures.bodies {
            let c = &fixtures.certificates[fixtures.selector(hash) as usize];
            let none: &[&str] = &[];
            for item in verify_transactions_proof_v2(body.as_bytes(), c, none)
                .unwrap()
                .certified
            {
                if !known.contains(&item) {
                    known.push(item);
                }
            }
        }
        let ids: Vec<String> = known.iter().map(|i| i.transaction_hash.clone()).collect();
        let requested = request_of(&ids);
        Setup {
            fixtures,
            known,
            requested,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let mut input = Cursor::new(data);
    let certificate = &s.fixtures.certificates[input.u8() as usize % s.fixtures.certificates.len()];
    let requested: &[String] = if input.u8() & 1 == 1 {
        &s.requested
    } else {
        &[]
    };
    let body = input.rest();
    let Ok(items) = verify_transactions_proof_v2(body, certificate, requested) else {
        return;
    };
    assert_eq!(items.certificate_hash, certificate.hash);
    for item in &items.certified {
        let id = &item.transaction_hash;
        assert!(
            s.known.contains(item),
            "certified a transaction no proof certifies: {item:?}"
        );
        assert!(
            !items.non_certified.contains(id),
            "{id} both certified and not"
        );
        if !requested.is_empty() {
            assert!(
                requested.iter().any(|r| r.trim().eq_ignore_ascii_case(id)),
                "certified {id}, which was not requested"
            );
        }
    }
});
