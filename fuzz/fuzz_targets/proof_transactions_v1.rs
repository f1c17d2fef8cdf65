//! A fuzzed `/proof/cardano-transaction` (v1) body checked against a verified devnet
//! certificate ([`ProofTarget::check`] says the properties).
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{ProofSetup, ProofTarget};
use libfuzzer_sys::fuzz_target;
use mithril_lite::proofs::verify_transactions_proof_v1;

// The item type is `String`: the check's signature is fixed by it.
#[allow(clippy::ptr_arg)]
fn id(t: &String) -> &str {
    t.as_str()
}

const TARGET: ProofTarget<String> = ProofTarget {
    file: "ctx-proofs.json",
    verify: verify_transactions_proof_v1::<String>,
    id,
};

fn setup() -> &'static ProofSetup<String> {
    static S: OnceLock<ProofSetup<String>> = OnceLock::new();
    S.get_or_init(|| TARGET.setup())
}

fuzz_target!(|data: &[u8]| TARGET.check(setup(), data));
