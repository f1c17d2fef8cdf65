//! A fuzzed `/proof/v2/cardano-transaction` body checked against a verified devnet certificate
//! ([`ProofTarget::check`] says the properties).
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{ProofSetup, ProofTarget};
use libfuzzer_sys::fuzz_target;
use mithril_lite::proofs::{verify_transactions_proof_v2, CardanoTransaction};

fn id(t: &CardanoTransaction) -> &str {
    &t.transaction_hash
}

const TARGET: ProofTarget<CardanoTransaction> = ProofTarget {
    file: "ctx-proofs-v2.json",
    verify: verify_transactions_proof_v2::<String>,
    id,
};

fn setup() -> &'static ProofSetup<CardanoTransaction> {
    static S: OnceLock<ProofSetup<CardanoTransaction>> = OnceLock::new();
    S.get_or_init(|| TARGET.setup())
}

fuzz_target!(|data: &[u8]| TARGET.check(setup(), data));
