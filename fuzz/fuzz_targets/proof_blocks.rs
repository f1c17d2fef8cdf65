//! A fuzzed `/proof/v2/cardano-block` body checked against a verified devnet certificate
//! ([`ProofTarget::check`] says the properties).
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{ProofSetup, ProofTarget};
use libfuzzer_sys::fuzz_target;
use mithril_lite::proofs::{verify_blocks_proof, CardanoBlock};

fn id(b: &CardanoBlock) -> &str {
    &b.block_hash
}

const TARGET: ProofTarget<CardanoBlock> = ProofTarget {
    file: "cblk-proofs.json",
    verify: verify_blocks_proof::<String>,
    id,
};

fn setup() -> &'static ProofSetup<CardanoBlock> {
    static S: OnceLock<ProofSetup<CardanoBlock>> = OnceLock::new();
    S.get_or_init(|| TARGET.setup())
}

fuzz_target!(|data: &[u8]| TARGET.check(setup(), data));
