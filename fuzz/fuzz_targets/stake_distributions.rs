//! A fuzzed stake distribution artifact (Mithril or Cardano) checked against the verified
//! devnet certificate a genuine artifact names.
//!
//! Input: `[kind][artifact][body]`: kind bit 0 picks Cardano over Mithril, `artifact` one of
//! the devnet artifacts, whose certificate the body is checked against. Properties: never a
//! panic; whatever is accepted is what the genuine artifact certifies: the same Cardano
//! distribution (epoch, certificate, root and stakes), or the same Mithril signers' keys and
//! stakes (in signer order), AVK, epoch and certificate. Free: a Mithril signer's party id
//! (not bound to the key) and the artifact's own `hash` (the aggregator's name for it: nothing
//! signs it, which is why a host asking by hash checks it with `proofs::check_requested`).
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{Cursor, ProofFixtures};
use libfuzzer_sys::fuzz_target;
use mithril_lite::proofs::{
    verify_cardano_stake_distribution, verify_mithril_stake_distribution,
    CertifiedCardanoStakeDistribution, CertifiedMithrilStakeDistribution,
};

struct Setup {
    mithril: ProofFixtures,
    mithril_genuine: Vec<CertifiedMithrilStakeDistribution>,
    cardano: ProofFixtures,
    cardano_genuine: Vec<CertifiedCardanoStakeDistribution>,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let mithril = ProofFixtures::load("mithril-stake-distributions.json");
        let mithril_genuine = mithril
            .bodies
            .iter()
            .map(|(h, body)| {
                let c = &mithril.certificates[mithril.selector(h) as usize];
                verify_mithril_stake_distribution(body.as_bytes(), c).unwrap()
            })
            .collect();
        let cardano = ProofFixtures::load("cardano-stake-distributions.json");
        let cardano_genuine = cardano
            .bodies
            .iter()
            .map(|(h, body)| {
                let c = &cardano.certificates[cardano.selector(h) as usize];
                verify_cardano_stake_distribution(body.as_bytes(), c).unwrap()
            })
            .collect();
        Setup {
            mithril,
            mithril_genuine,
            cardano,
            cardano_genuine,
        }
    })
}

fn bound(d: &CertifiedMithrilStakeDistribution) -> impl PartialEq + std::fmt::Debug + '_ {
    let signers: Vec<_> = d
        .signers
        .iter()
        .map(|s| (s.verification_key, s.stake))
        .collect();
    (
        d.epoch,
        &d.certificate_hash,
        &d.aggregate_verification_key,
        signers,
    )
}

fn bound_cardano(d: &CertifiedCardanoStakeDistribution) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        d.epoch,
        &d.certificate_hash,
        &d.merkle_root,
        &d.stake_distribution,
    )
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let mut input = Cursor::new(data);
    let cardano = input.u8() & 1 == 1;
    let pick = input.u8() as usize;
    let body = input.rest();
    if cardano {
        let i = pick % s.cardano.bodies.len();
        let c = &s.cardano.certificates[s.cardano.selector(&s.cardano.bodies[i].0) as usize];
        if let Ok(got) = verify_cardano_stake_distribution(body, c) {
            // Artifacts naming the same certificate certify the same distribution.
            assert!(
                s.cardano_genuine
                    .iter()
                    .any(|g| bound_cardano(g) == bound_cardano(&got)),
                "accepted a Cardano distribution no artifact certifies: {got:?}"
            );
            assert_eq!(got.certificate_hash, c.hash);
        }
    } else {
        let i = pick % s.mithril.bodies.len();
        let c = &s.mithril.certificates[s.mithril.selector(&s.mithril.bodies[i].0) as usize];
        if let Ok(got) = verify_mithril_stake_distribution(body, c) {
            assert!(
                s.mithril_genuine.iter().any(|g| bound(g) == bound(&got)),
                "accepted Mithril signers no artifact certifies: {got:?}"
            );
            assert_eq!(got.certificate_hash, c.hash);
        }
    }
});
