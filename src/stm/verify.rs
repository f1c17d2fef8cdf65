//! Verification of a concatenation aggregate, in mithril-stm 0.13's order: the points of every
//! entry (the reference decodes them when it deserializes the aggregate); per entry (wire
//! order) and per index: bound `index <= m`, then the lottery; then distinct indices, quorum,
//! Merkle batch path, and finally the BLS aggregate check.
//!
//! ## Hostile input: the cheap refusals first
//!
//! In that order an attacker can make the verifier do expensive work before a cheap check
//! refuses the aggregate: the exact lottery procedure costs up to tens of ms per index for an entry
//! registered with a stake far above the AVK's total ([`super::lottery`]), and every entry
//! costs two point decompressions with subgroup checks. Such inputs are outside what an honest
//! AVK allows, and for them (only) the order changes. An aggregate is **hostile** when
//!
//! 1. it has more entries than the AVK has leaves (`nr_leaves`), or
//! 2. it claims more indices than `m + 1` (so one is above `m` or repeated), or
//! 3. deciding the lottery of its entries registered with a stake above the AVK's total stake
//!    would take the exact procedure more than [`OVER_TOTAL_EXACT_BUDGET`] times, or even once
//!    at a cost above [`super::lottery::CHEAP_EXACT_X_MAX`] ([`ExactCost::Costly`]).
//!
//! A hostile aggregate gets the **cheap refusals** before its points are decoded and before any
//! lottery: every index against `m` (wire order), distinct indices, quorum, Merkle batch path
//! (the reference's relative order). The first that fails is reported. If all pass, the
//! reference's order resumes (points, lottery), and the lottery of an over-total entry stops,
//! failing closed with [`StmError::LotteryBudgetExceeded`], when it reaches an exact evaluation
//! beyond case 3's allowance.
//!
//! **The verdict never differs from the reference's on a certificate** (a certificate chain): in
//! an honest AVK the total stake is the sum of the registered stakes, so no registered stake
//! exceeds it, there are `nr_leaves` registrations, and `m + 1` distinct indices at most. An
//! aggregate of case 1 or 2 is refused by the reference too (its batch path or its uniqueness
//! check fails, whatever comes first). In case 3 an entry's stake above the total means either
//! the batch path fails (an honest AVK) or the AVK is not an honest one, which its certificate's
//! chaining to its predecessor (the AVK the previous epoch signed) refuses. **The error code may
//! differ**: for a hostile aggregate the reference may report a lost lottery, a bad point, or
//! (for a self-consistent forged AVK whose BLS signatures verify) accept the multi-signature and
//! fail the chain's AVK rule; mithril-lite reports the first failing cheap refusal, else
//! `stm_lottery_budget_exceeded`. For [`verify_aggregate`] on its own (no chain), case 3 with a
//! forged AVK is the one place where the verdict can differ from mithril-stm's: refused here,
//! possibly accepted there, after up to 1000 rational Taylor steps per index.
//!
//! What the class does not cover, and what bounds it instead: parameters forged by the
//! certificate itself (phi_f next to 1, a large `m`: only the chaining authenticates them) keep
//! every stake at most the total, so the lottery runs in the reference's order, at about a
//! microsecond an index (the lottery's floating-point screen) within the walk's index limit;
//! and a forged AVK whose leaves are the attacker's own keys, with stakes at most its total,
//! passes every check of the multi-signature, BLS included, at the cost of an honest
//! aggregate with as many signers (bounded by the walk's signature limit), and only the
//! chaining refuses it.
//!
//! Every non-hostile aggregate, so every aggregate of an honest AVK, is checked in the
//! reference's order with the reference's first error (`tests/differential_stm.rs` pins it,
//! including single-index lottery probes with stakes up to twice the total: one exact evaluation
//! stays within the allowance). `tests/hostile.rs` pins the hostile cases' verdicts and codes.

use alloc::vec::Vec;
use blst::min_sig::{
    AggregatePublicKey, AggregateSignature as BlstAggregate, PublicKey, Signature as BlstSignature,
};

use super::aggregate_signature::AggregateSignature;
use super::avk::AggregateVerificationKey;
use super::keys::{decode_entry_points, KnownPoints, Signature, VerificationKey};
use super::lottery::{evaluation, ExactCost, LotteryThreshold};
use super::merkle;
use super::pairing::PairingEquation;
use super::params::Parameters;
use super::seed::ScalarSeed;
use super::StmError;
use crate::codec::sorted::sort_by;

/// Verify `signature` on `msg` for `avk` and `params`.
///
/// The BLS step checks a random linear combination of the signatures, with 64-bit scalars
/// derived from `seed`: valid aggregates verify whatever the seed, and a forger who cannot
/// predict the seed cannot make invalid signatures cancel out.
pub fn verify_aggregate(
    msg: &[u8],
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
    seed: &ScalarSeed,
) -> Result<(), StmError> {
    refuse_hostile(avk, params, signature)?;
    let points = decode_entry_points(&signature.signatures, &KnownPoints::default())?;
    let equation = verify_up_to_pairing(msg, avk, params, signature, &points, seed)?;
    if equation.holds() {
        Ok(())
    } else {
        Err(StmError::SignatureInvalid)
    }
}

/// The entries' decoded points, in entry order (see [`verify_aggregate`]'s first step).
pub(crate) type EntryPoints = Vec<(Signature, VerificationKey)>;

/// Every check of [`verify_aggregate`] after decoding, but the last: the pairing equation is
/// returned for the caller to check, alone ([`PairingEquation::holds`]) or batched with other
/// certificates' ([`super::pairing::all_hold`]).
pub(crate) fn verify_up_to_pairing(
    msg: &[u8],
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
    points: &EntryPoints,
    seed: &ScalarSeed,
) -> Result<PairingEquation, StmError> {
    // Like the reference, k and m are not range-checked here: certificates authenticate their
    // parameters through the chain, and the lottery refuses a phi_f outside (0, 1].
    let mut msgp = Vec::with_capacity(msg.len() + 32);
    msgp.extend_from_slice(msg);
    msgp.extend_from_slice(&avk.root);

    check_lottery(&msgp, avk, params, signature)?;
    check_indices(params, signature)?;
    check_membership(avk, signature)?;
    let (sig, key) = weighted_sums(points, seed)?;
    Ok(PairingEquation { msgp, sig, key })
}

/// [`verify_aggregate`] with a seed from the operating system.
#[cfg(feature = "std")]
pub fn verify_aggregate_random(
    msg: &[u8],
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    let seed = ScalarSeed::random().map_err(|_| StmError::InvalidParameters {
        detail: "no operating-system randomness available".into(),
    })?;
    verify_aggregate(msg, avk, params, signature, &seed)
}

/// Exact evaluations of the lottery allowed per aggregate for entries registered with more stake
/// than the AVK's total, each of [`ExactCost::Cheap`] cost (at most ~0.1 ms natively: ~1 ms in
/// all), before the aggregate counts as hostile (module documentation). Not zero: a single
/// such evaluation keeps the reference's order and first error (the differential tests'
/// lottery probes register stakes up to twice the total).
pub const OVER_TOTAL_EXACT_BUDGET: usize = 8;

/// Whether the aggregate is hostile (the module documentation's three cases).
pub fn is_hostile(
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> bool {
    let entries = &signature.signatures;
    let count: u64 = entries.iter().map(|e| e.indexes.len() as u64).sum();
    if entries.len() as u64 > avk.nr_leaves || count > params.m.saturating_add(1) {
        return true;
    }
    let mut used = 0usize;
    for entry in entries {
        if entry.stake <= avk.total_stake || entry.indexes.is_empty() {
            continue;
        }
        // A parameter error is reported by the lottery, in the reference's order.
        let Ok(threshold) = LotteryThreshold::new(entry.stake, avk.total_stake, params.phi_f)
        else {
            return false;
        };
        match threshold.exact_cost() {
            ExactCost::None => {}
            ExactCost::Cheap => {
                used = used.saturating_add(entry.indexes.len());
                if used > OVER_TOTAL_EXACT_BUDGET {
                    return true;
                }
            }
            ExactCost::Costly => return true,
        }
    }
    false
}

/// The cheap refusals of a hostile aggregate, before anything expensive (module
/// documentation); nothing for any other aggregate.
pub(crate) fn refuse_hostile(
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    if is_hostile(avk, params, signature) {
        cheap_refusals(avk, params, signature)
    } else {
        Ok(())
    }
}

/// Index bounds, distinct indices, quorum and batch path, in the reference's relative order:
/// every check that costs no exact arithmetic and no point decoding.
fn cheap_refusals(
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    for entry in &signature.signatures {
        if let Some(&index) = entry.indexes.iter().find(|&&i| i > params.m) {
            return Err(StmError::IndexOutOfRange {
                signer_index: entry.signer_index,
                index,
                m: params.m,
            });
        }
    }
    check_indices(params, signature)?;
    check_membership(avk, signature)
}

fn check_lottery(
    msgp: &[u8],
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    // Exact evaluations spent on entries registered above the total (see `is_hostile`).
    let mut over_total_exact = 0usize;
    for entry in &signature.signatures {
        // One threshold per entry (a logarithm and an exponential), made at its first index:
        // an index out of range is reported before a parameter error, as by the reference.
        let mut threshold: Option<(LotteryThreshold, ExactCost)> = None;
        let over_total = entry.stake > avk.total_stake;
        for &index in &entry.indexes {
            if index > params.m {
                return Err(StmError::IndexOutOfRange {
                    signer_index: entry.signer_index,
                    index,
                    m: params.m,
                });
            }
            let (threshold, cost) = match threshold {
                Some(ref t) => t,
                None => {
                    let t = LotteryThreshold::new(entry.stake, avk.total_stake, params.phi_f)?;
                    // Only over-total entries are budgeted: the cost of others is bounded
                    // (x <= 36.1, ~30 us an index for the exact procedure, about a
                    // microsecond with the screen).
                    let cost = if over_total {
                        t.exact_cost()
                    } else {
                        ExactCost::None
                    };
                    threshold.insert((t, cost))
                }
            };
            let over_budget = match cost {
                ExactCost::None => false,
                ExactCost::Cheap => {
                    over_total_exact += 1;
                    over_total_exact > OVER_TOTAL_EXACT_BUDGET
                }
                ExactCost::Costly => true,
            };
            if over_budget {
                // Hostile: the cheap refusals ran before the points were decoded (callers use
                // `refuse_hostile`); they run again here (cheap) so that this function alone
                // never reports the budget before a failing cheap check.
                cheap_refusals(avk, params, signature)?;
                return Err(StmError::LotteryBudgetExceeded {
                    signer_index: entry.signer_index,
                    index,
                });
            }
            let ev = evaluation(msgp, index, &entry.sigma);
            if !threshold.wins(&ev) {
                return Err(StmError::LotteryLost {
                    signer_index: entry.signer_index,
                    index,
                });
            }
        }
    }
    Ok(())
}

fn check_indices(params: &Parameters, signature: &AggregateSignature) -> Result<(), StmError> {
    let count: u64 = signature
        .signatures
        .iter()
        .map(|e| e.indexes.len() as u64)
        .sum();
    // Every index is at most m here (both callers checked): more than m + 1 of them repeat one,
    // found without sorting a list an attacker made long.
    if count > params.m.saturating_add(1) {
        return Err(StmError::IndexNotUnique);
    }
    let mut all: Vec<u64> = signature
        .signatures
        .iter()
        .flat_map(|e| e.indexes.iter().copied())
        .collect();
    sort_by(&mut all, |a, b| a < b);
    if all.windows(2).any(|w| matches!(w, [a, b] if a == b)) {
        return Err(StmError::IndexNotUnique);
    }
    if count < params.k {
        return Err(StmError::NotEnoughIndices {
            got: count,
            k: params.k,
        });
    }
    Ok(())
}

fn check_membership(
    avk: &AggregateVerificationKey,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    let leaves: Vec<[u8; 32]> = signature
        .signatures
        .iter()
        .map(|e| merkle::leaf_hash(&e.vk, e.stake))
        .collect();
    let path = &signature.batch_proof;
    if merkle::verify_batch_path(
        &avk.root,
        avk.nr_leaves,
        &leaves,
        &path.values,
        &path.indices,
    ) {
        Ok(())
    } else {
        Err(StmError::BatchPathInvalid)
    }
}

/// Scalar width of the random linear combination. An invalid set of signatures passes with
/// probability at most 2^-64 per verification, and the seed is fresh and secret each time, so
/// a forger cannot test candidates offline: the width Ethereum clients use for the same check.
const SCALAR_BITS: usize = 64;
const SCALAR_BYTES: usize = SCALAR_BITS / 8;

/// The randomly weighted sums of the signatures and of the keys, whose pairing equation is
/// the aggregate check.
fn weighted_sums(
    points: &EntryPoints,
    seed: &ScalarSeed,
) -> Result<(BlstSignature, PublicKey), StmError> {
    match points.len() {
        0 => Err(StmError::SignatureInvalid),
        // One signature needs no randomization: the check is the signature itself.
        1 => Ok((points[0].0.point, points[0].1.point)),
        n => {
            let mut scalars = Vec::with_capacity(n * SCALAR_BYTES);
            for i in 0..n {
                scalars.extend_from_slice(&seed.scalar(i));
            }
            let sigs: Vec<_> = points.iter().map(|(s, _)| s.point).collect();
            let keys: Vec<_> = points.iter().map(|(_, k)| k.point).collect();
            // Points were subgroup-checked when decoded; no need to check them again here.
            let sig = BlstAggregate::aggregate_with_randomness(&sigs, &scalars, SCALAR_BITS, false)
                .map_err(|_| StmError::SignatureInvalid)?
                .to_signature();
            let key =
                AggregatePublicKey::aggregate_with_randomness(&keys, &scalars, SCALAR_BITS, false)
                    .map_err(|_| StmError::SignatureInvalid)?
                    .to_public_key();
            Ok((sig, key))
        }
    }
}
