//! Hostile input: crafted aggregates outside what an honest AVK allows are refused by the
//! cheap checks (or the budget) with the documented codes, and the walk's count limits hold.
//! Verdicts and codes only: the times are `benches/hostile.rs`'s.

mod common;
#[path = "common/hostile.rs"]
mod hostile_cases;

use common::{fixture, ChainDir};
use hostile_cases::{cases, honest};
use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{ChainWalk, WalkConfig};
use mithril_lite::stm::verify::is_hostile;
use mithril_lite::stm::{verify_aggregate, AggregateSignature, ScalarSeed};

fn seed() -> ScalarSeed {
    ScalarSeed::random().expect("OS randomness")
}

#[test]
fn the_honest_vector_is_not_hostile_and_verifies() {
    let h = honest();
    assert!(!is_hostile(&h.avk, &h.params, &h.sig));
    verify_aggregate(&h.msg, &h.avk, &h.params, &h.sig, &seed()).expect("honest verifies");
}

#[test]
fn crafted_aggregates_are_refused_with_the_documented_codes() {
    let h = honest();
    let all = cases(&h);
    assert_eq!(all.len(), 10);
    for case in all {
        let (sig, _) = AggregateSignature::decode(&case.sig_hex).expect("crafted decodes");
        let err =
            verify_aggregate(&h.msg, &case.avk, &case.params, &sig, &seed()).expect_err(case.name);
        assert_eq!(
            err.code(),
            case.code,
            "{} ({}): {err}",
            case.name,
            case.what
        );
        // The early-exit case and the m + 1 honest-stake claims are refused in the
        // reference's order, with its first error: they are not in the hostile class.
        assert_eq!(
            is_hostile(&case.avk, &case.params, &sig),
            case.hostile,
            "{}",
            case.name
        );
    }
}

#[test]
fn a_single_exact_check_above_the_total_keeps_the_references_order() {
    // The differential tests' lottery probes: one index, a stake up to twice the total, phi_f
    // close to 1 so that the exact procedure decides. Not hostile: the lottery comes first, so
    // a lost index is `stm_lottery_lost` as in the reference, a won one fails the batch path.
    let h = honest();
    let mut params = h.params;
    params.phi_f = 0.95;
    let mut won = false;
    for index in 0..64u64 {
        let mut sig = h.sig.clone();
        for e in &mut sig.signatures {
            e.indexes.clear();
        }
        sig.signatures[0].indexes = vec![index];
        sig.signatures[0].stake = h.avk.total_stake * 2;
        params.k = 1;
        assert!(!is_hostile(&h.avk, &params, &sig));
        let err = verify_aggregate(&h.msg, &h.avk, &params, &sig, &seed()).unwrap_err();
        match err.code() {
            "stm_lottery_lost" => {}
            "stm_batch_path_invalid" => won = true,
            other => panic!("index {index}: {other}"),
        }
    }
    // x = 2 * 3.0 = 6: an index wins with probability about 1 - e^-6.
    assert!(won, "a won index fails the batch path");
}

#[test]
fn hostile_refusals_come_before_point_decoding() {
    // A hostile aggregate (stake far above the total) whose first signature is not a curve
    // point: the reference reports the point (it decodes every point first); mithril-lite the
    // batch path, without decoding any point. Same verdict, a documented other code.
    let h = honest();
    let mut sig = h.sig.clone();
    for e in &mut sig.signatures {
        e.stake = h.avk.total_stake * 5_700;
    }
    sig.signatures[0].sigma = [0x11; 48];
    let err = verify_aggregate(&h.msg, &h.avk, &h.params, &sig, &seed()).unwrap_err();
    assert_eq!(err.code(), "stm_batch_path_invalid");
    // Not hostile (honest stakes): the bad point comes first, as in the reference.
    let mut sig = h.sig.clone();
    sig.signatures[0].sigma = [0x11; 48];
    let err = verify_aggregate(&h.msg, &h.avk, &h.params, &sig, &seed()).unwrap_err();
    assert_eq!(err.code(), "stm_invalid_point");
}

fn walk_with(config: WalkConfig) -> Result<usize, mithril_lite::Error> {
    let dir = ChainDir::load(&fixture("reference-chains/mainnet-params"));
    let key = GenesisVerificationKey::decode(&dir.genesis_key).unwrap();
    let latest = dir.latest.clone().unwrap();
    ChainWalk::new(&latest, key, config)
        .run(|h| dir.certificates.get(h).ok_or("certificate not found"))
        .map(|chain| chain.certificates_checked)
}

#[test]
fn default_limits_accept_the_mainnet_parameter_chain() {
    assert_eq!(walk_with(WalkConfig::default()).unwrap(), 21);
}

#[test]
fn count_limits_are_typed_errors() {
    // The chain's aggregates have 35-41 signatures and about k = 1,944 indices (m = 16,948).
    for (config, what) in [
        (
            WalkConfig {
                max_signatures_per_certificate: 10,
                ..WalkConfig::default()
            },
            "signatures",
        ),
        (
            WalkConfig {
                max_indices_per_certificate: 1_000,
                ..WalkConfig::default()
            },
            "lottery indices",
        ),
        (
            WalkConfig {
                max_indices_per_signature: 5,
                ..WalkConfig::default()
            },
            "lottery indices in one signature",
        ),
    ] {
        let err = walk_with(config).unwrap_err();
        assert_eq!(err.code(), "limit_exceeded", "{what}: {err}");
        assert_eq!(err.numeric_code(), 109);
        assert!(
            matches!(&err, mithril_lite::Error::LimitExceeded { what: w, .. } if *w == what),
            "{err}"
        );
    }
}
