//! Verification of a concatenation aggregate, in mithril-stm 0.13's order: the points of every
//! entry (the reference decodes them when it deserializes the aggregate); per entry (wire
//! order) and per index: bound `index <= m`, then the lottery; then distinct indices, quorum,
//! Merkle batch path, and finally the BLS aggregate check.

use alloc::vec::Vec;
use blst::min_sig::{
    AggregatePublicKey, AggregateSignature as BlstAggregate, PublicKey, Signature as BlstSignature,
};

use super::aggregate_signature::AggregateSignature;
use super::avk::AggregateVerificationKey;
use super::keys::{decode_entry_points, Signature, VerificationKey};
use super::lottery::{evaluation, LotteryThreshold};
use super::merkle;
use super::pairing::PairingEquation;
use super::params::Parameters;
use super::seed::ScalarSeed;
use crate::codec::sorted::sort_by;
use crate::StmError;

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
    let points = decode_entry_points(&signature.signatures, &[])?;
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

fn check_lottery(
    msgp: &[u8],
    avk: &AggregateVerificationKey,
    params: &Parameters,
    signature: &AggregateSignature,
) -> Result<(), StmError> {
    for entry in &signature.signatures {
        // One threshold per entry (a logarithm and an exponential), made at its first index:
        // an index out of range is reported before a parameter error, as by the reference.
        let mut threshold: Option<LotteryThreshold> = None;
        for &index in &entry.indexes {
            if index > params.m {
                return Err(StmError::IndexOutOfRange {
                    signer_index: entry.signer_index,
                    index,
                    m: params.m,
                });
            }
            let threshold = match threshold {
                Some(ref t) => t,
                None => threshold.insert(LotteryThreshold::new(
                    entry.stake,
                    avk.total_stake,
                    params.phi_f,
                )?),
            };
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
    let mut all: Vec<u64> = signature
        .signatures
        .iter()
        .flat_map(|e| e.indexes.iter().copied())
        .collect();
    let count = all.len() as u64;
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
