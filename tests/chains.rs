//! Certificate chains end to end: the real devnet chain and the reference chains (made with
//! mithril-common 0.8.3), with the reference's verdict on every broken variant.

mod common;

use common::{fixture, ChainDir};
use mithril_lite::chain::walk::Anchor;

#[test]
fn every_devnet_certificate_verifies_back_to_genesis() {
    let dir = ChainDir::load(&fixture("devnet"));
    assert_eq!(dir.certificates.len(), 43);
    let mut geneses = 0;
    for hash in dir.certificates.keys() {
        let chain = dir
            .walk(hash)
            .unwrap_or_else(|e| panic!("{hash}: {} ({})", e, e.code()));
        assert_eq!(&chain.certificate.hash, hash);
        assert!(matches!(chain.anchor, Anchor::Genesis(ref g) if g.starts_with("57c16dc2")));
        assert_eq!(chain.links.len(), chain.certificates_checked);
        geneses += usize::from(chain.certificate.is_genesis);
    }
    assert_eq!(geneses, 1);
}

#[test]
fn reference_chain_two_per_epoch_verifies() {
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let chain = dir.walk(&latest).unwrap();
    assert_eq!(chain.certificate.epoch, 6);
    for hash in dir.certificates.keys() {
        dir.walk(hash).unwrap();
    }
}

#[test]
fn reference_chain_mainnet_params_verifies() {
    let dir = ChainDir::load(&fixture("reference-chains/mainnet-params"));
    let latest = dir.latest.clone().unwrap();
    let chain = dir.walk(&latest).unwrap();
    assert_eq!(chain.certificates_checked, 21);
}

/// Error class each reference negative case must get, from its `reference_error`.
fn expected_codes(reference_error: &str) -> &'static [&'static str] {
    const STM: &[&str] = &[
        "stm_lottery_lost",
        "stm_index_out_of_range",
        "stm_index_not_unique",
        "stm_quorum_not_reached",
        "stm_batch_path_invalid",
        "stm_signature_invalid",
    ];
    if reference_error.contains("Ed25519 signature verification error") {
        &["genesis_signature_invalid"]
    } else if reference_error.contains("multi signature verification failed") {
        STM
    } else if reference_error.contains("not found") {
        &["certificate_unavailable"]
    } else if reference_error.contains("protocol message unmatch") {
        &["certificate_protocol_message_mismatch"]
    } else if reference_error.contains("protocol parameters unmatch") {
        &["chain_parameters_mismatch"]
    } else if reference_error.contains("certificate hash unmatch") {
        &["certificate_hash_mismatch"]
    } else if reference_error.contains("can not decode the multi-signature") {
        &["certificate_malformed"]
    } else if reference_error.contains("infinite loop") {
        &["chain_infinite_loop"]
    } else {
        panic!("unmapped reference error {reference_error}")
    }
}

/// Whether a negative fixture's certificates are byte-identical to the valid chain's.
fn untampered(negative: &ChainDir, chain_name: &str) -> bool {
    let valid = ChainDir::load(&fixture(&format!("reference-chains/{chain_name}")));
    valid.certificates == negative.certificates && valid.genesis_key == negative.genesis_key
}

fn check_negatives(chain_name: &str, expected_count: usize) {
    let root = fixture(&format!("reference-chains/{chain_name}/negative"));
    let mut count = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let expected: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
        assert_eq!(expected["valid"], false);
        let codes = expected_codes(expected["reference_error"].as_str().unwrap());
        let chain = ChainDir::load(&dir);
        let latest = chain.latest.clone().unwrap();
        // Every variant is really tampered (an unchanged copy of the valid chain would make
        // this test pass for the wrong reason).
        assert!(
            !untampered(&chain, chain_name),
            "{name}: identical to the valid chain"
        );
        let err = match chain.walk(&latest) {
            Ok(_) => panic!("{name}: accepted, the reference rejects it"),
            Err(e) => e,
        };
        assert!(
            codes.contains(&err.code()),
            "{name}: got {} ({err}), want one of {codes:?}",
            err.code()
        );
        assert!(!err.to_string().is_empty());
        count += 1;
    }
    assert_eq!(count, expected_count, "{chain_name}: negative variants");
}

#[test]
fn reference_chain_two_per_epoch_negatives_fail_like_the_reference() {
    check_negatives("two-per-epoch", 11);
}

#[test]
fn reference_chain_mainnet_params_negatives_fail_like_the_reference() {
    check_negatives("mainnet-params", 11);
}
