//! Crafted hostile aggregates, built from the honest mainnet-parameter STM vector
//! (`tests/fixtures/reference-stm/mainnet-params-200-parties.json`: m = 20,973, k = 2,422,
//! phi_f = 0.2, 200 parties, 88 signatures). Shared by `tests/hostile.rs` (verdicts and error
//! codes) and `benches/hostile.rs` (refusal times against the honest aggregate's).

#![allow(dead_code)]

use std::path::Path;

use mithril_lite::stm::lottery::{evaluation, LotteryThreshold};
use mithril_lite::stm::merkle::leaf_hash;
use mithril_lite::stm::{AggregateSignature, AggregateVerificationKey, Parameters};

/// `m` of the forged-parameters case: the walk's default limit of indices per certificate.
pub const FORGED_M: u64 = 65_535;

/// The honest vector, decoded.
pub struct Honest {
    /// The signed message.
    pub msg: Vec<u8>,
    /// m, k, phi_f.
    pub params: Parameters,
    /// The AVK as json-hex, as a certificate carries it.
    pub avk_hex: String,
    /// The AVK, decoded.
    pub avk: AggregateVerificationKey,
    /// The aggregate as json-hex.
    pub sig_hex: String,
    /// The aggregate, decoded.
    pub sig: AggregateSignature,
}

/// The honest vector from the fixture file.
pub fn honest() -> Honest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reference-stm/mainnet-params-200-parties.json");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("fixture")).expect("fixture JSON");
    let text = |key: &str| v[key].as_str().expect(key).to_string();
    let params = Parameters {
        m: v["params"]["m"].as_u64().expect("m"),
        k: v["params"]["k"].as_u64().expect("k"),
        phi_f: v["params"]["phi_f"].as_f64().expect("phi_f"),
    };
    let avk_hex = text("avk_json_hex");
    let sig_hex = text("aggregate_signature_json_hex");
    let (avk, _) = AggregateVerificationKey::decode(&avk_hex).expect("AVK");
    let (sig, _) = AggregateSignature::decode(&sig_hex).expect("aggregate");
    Honest {
        msg: hex_decode(&text("message_hex")),
        params,
        avk_hex,
        avk,
        sig_hex,
        sig,
    }
}

/// A crafted input and the verdict mithril-lite must give it.
pub struct Case {
    /// Short name (a row of the benchmark).
    pub name: &'static str,
    /// What the attacker did.
    pub what: &'static str,
    /// The AVK (the honest one, or a forged one).
    pub avk: AggregateVerificationKey,
    /// The crafted aggregate as json-hex (decoding is part of the timed work).
    pub sig_hex: String,
    /// The code mithril-lite reports.
    pub code: &'static str,
    /// Whether it is in the hostile class (`stm::verify`'s module documentation).
    pub hostile: bool,
    /// Its parameters (the vector's, but for the forged-parameters case).
    pub params: Parameters,
}

/// A stake of `factor` times the AVK's total (x = factor * -ln(1 - 0.2) = factor * 0.2231).
fn times_total(avk: &AggregateVerificationKey, factor: u64) -> u64 {
    avk.total_stake.checked_mul(factor).expect("fits u64")
}

fn with(sig: &AggregateSignature, edit: impl FnOnce(&mut AggregateSignature)) -> String {
    let mut sig = sig.clone();
    edit(&mut sig);
    sig.to_json_hex()
}

fn set_stakes(sig: &mut AggregateSignature, stake: u64) {
    for e in &mut sig.signatures {
        e.stake = stake;
    }
}

/// Entry 0 claims `indices`, the others none.
fn claim(sig: &mut AggregateSignature, indices: Vec<u64>) {
    for e in &mut sig.signatures {
        e.indexes.clear();
    }
    sig.signatures[0].indexes = indices;
}

/// Every crafted case.
pub fn cases(h: &Honest) -> Vec<Case> {
    let avk = &h.avk;
    let m = h.params.m;
    let x1272 = times_total(avk, 5_700);
    let mut cases = vec![
        Case {
            name: "honest indices, stake 5,700x total (x = 1272)",
            what: "every entry's stake set to 5,700 times the AVK's total: the exact \
                   procedure costs tens of ms an index in the reference's order",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| set_stakes(s, x1272)),
            code: "stm_batch_path_invalid",
            hostile: true,
            params: h.params,
        },
        Case {
            name: "honest indices, stake 300x total (x = 67)",
            what: "a stake whose exact checks are cheap one by one (~0.3 ms), thousands of them",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| set_stakes(s, times_total(avk, 300))),
            code: "stm_batch_path_invalid",
            hostile: true,
            params: h.params,
        },
        Case {
            name: "honest indices, stake 10,000x total (x = 2231)",
            what: "above the proven early exit: the reference's own verdict (lost) at once",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| set_stakes(s, times_total(avk, 10_000))),
            code: "stm_lottery_lost",
            hostile: false,
            params: h.params,
        },
        Case {
            name: "each of the m + 1 indices once, x = 1272",
            what: "entry 0 claims 0..=m, stake 5,700 times the total",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| {
                claim(s, (0..=m).collect());
                set_stakes(s, x1272);
            }),
            code: "stm_batch_path_invalid",
            hostile: true,
            params: h.params,
        },
        Case {
            name: "each of the m + 1 indices once, honest stake",
            what: "entry 0 claims 0..=m with its registered stake: the reference's order, \
                   its first lost index",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| claim(s, (0..=m).collect())),
            code: "stm_lottery_lost",
            hostile: false,
            params: h.params,
        },
        Case {
            name: "every index 3 times, x = 1272",
            what: "entry 0 claims 0..=m three times (62,922 indices), stake 5,700 times the total",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| {
                claim(s, (0..3 * (m + 1)).map(|i| i % (m + 1)).collect());
                set_stakes(s, x1272);
            }),
            code: "stm_index_not_unique",
            hostile: true,
            params: h.params,
        },
        Case {
            name: "every index 3 times, honest stake",
            what: "more indices than m + 1: repeated, found without the lottery",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| {
                claim(s, (0..3 * (m + 1)).map(|i| i % (m + 1)).collect());
            }),
            code: "stm_index_not_unique",
            hostile: true,
            params: h.params,
        },
        Case {
            name: "entries repeated 20 times",
            what: "1,760 entries for an AVK of 200 leaves: 3,520 points to decode in the \
                   reference's order",
            avk: avk.clone(),
            sig_hex: with(&h.sig, |s| {
                let one = s.signatures.clone();
                for _ in 1..20 {
                    s.signatures.extend(one.iter().cloned());
                }
            }),
            code: "stm_index_not_unique",
            hostile: true,
            params: h.params,
        },
    ];
    // A forged AVK of one leaf, (entry 0's key, its crafted stake), with a total stake of 1:
    // every cheap check passes, the lottery's exact work is what is left.
    for (name, stake, what) in [
        (
            "forged one-leaf AVK, stake 2,000x total (x = 446)",
            2_000u64,
            "the batch path proves the over-total leaf: the budget refuses the first costly index",
        ),
        (
            "forged one-leaf AVK, stake 300x total (x = 67)",
            300,
            "cheap exact checks, k of them: the budget refuses the ninth",
        ),
    ] {
        let entry = &h.sig.signatures[0];
        let forged = AggregateVerificationKey {
            root: leaf_hash(&entry.vk, stake).to_vec(),
            nr_leaves: 1,
            total_stake: 1,
        };
        cases.push(Case {
            name,
            what,
            avk: forged,
            sig_hex: with(&h.sig, |s| {
                s.signatures.truncate(1);
                s.signatures[0].stake = stake;
                s.signatures[0].indexes = (0..h.params.k).collect();
                s.batch_proof.values.clear();
                s.batch_proof.indices = vec![0];
            }),
            code: "stm_lottery_budget_exceeded",
            hostile: true,
            params: h.params,
        });
    }
    cases
}

/// The cases too slow to make and run in a debug build (the benchmark's only): seconds.
pub fn slow_cases(h: &Honest) -> Vec<Case> {
    // Parameters forged too (the certificate's own, which only its chaining authenticates):
    // phi_f = 1 - 2^-52 and m = 65,535, with a one-leaf AVK whose single signer holds the whole
    // stake. x = 36 (the largest a stake at most the total allows): every index needs the exact
    // procedure (~30 us). The attacker claims exactly the indices that win (about 1 in 2,000
    // loses: the procedure's first step), so none of the checks before the BLS one fails.
    let entry = &h.sig.signatures[0];
    let params = Parameters {
        m: FORGED_M,
        k: h.params.k,
        phi_f: 1.0 - f64::EPSILON,
    };
    let root = leaf_hash(&entry.vk, 1).to_vec();
    let mut msgp = h.msg.clone();
    msgp.extend_from_slice(&root);
    let threshold = LotteryThreshold::new(1, 1, params.phi_f).expect("parameters");
    let winning: Vec<u64> = (0..=FORGED_M)
        .filter(|&i| threshold.wins(&evaluation(&msgp, i, &entry.sigma)))
        .collect();
    vec![Case {
        name: "forged phi_f = 1 - 2^-52, m = 65,535, all won claimed",
        what:
            "a signer holding the whole stake of a forged one-leaf AVK claims every index it wins",
        avk: AggregateVerificationKey {
            root,
            nr_leaves: 1,
            total_stake: 1,
        },
        sig_hex: with(&h.sig, |s| {
            s.signatures.truncate(1);
            s.signatures[0].stake = 1;
            s.signatures[0].indexes = winning;
            s.batch_proof.values.clear();
            s.batch_proof.indices = vec![0];
        }),
        code: "stm_signature_invalid",
        hostile: false,
        params,
    }]
}

/// Lower- or upper-case hex to bytes (the fixture's).
pub fn hex_decode(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}
