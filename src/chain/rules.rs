//! Chaining rules between a certificate and its predecessor, one function per rule, in the
//! order the walk applies them (the reference's order, then the genesis-anchor rule).

use alloc::string::String;

use crate::certificate::metadata::{parameters_equal, parameters_hash};
use crate::certificate::{Certificate, PartKey, ProtocolParameters};
use crate::stm::AggregateVerificationKey;
use crate::Error;

/// What the chaining rules need to know about a certificate once it has been parsed; the walk
/// keeps this instead of whole certificates.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    /// Announced hash.
    pub hash: String,
    /// Announced predecessor.
    pub previous_hash: String,
    /// Epoch.
    pub epoch: u64,
    /// The certificate's own AVK.
    pub avk: AggregateVerificationKey,
    /// The certificate's own parameters.
    pub params: ProtocolParameters,
    /// Signed `next_aggregate_verification_key` part.
    pub next_avk: Option<String>,
    /// Signed `next_protocol_parameters` part.
    pub next_params: Option<String>,
    /// Whether it is a genesis certificate.
    pub is_genesis: bool,
}

impl LinkInfo {
    /// Extract the chaining facts of a certificate.
    pub fn of(c: &Certificate) -> Self {
        LinkInfo {
            hash: c.hash.clone(),
            previous_hash: c.previous_hash.clone(),
            epoch: c.epoch,
            avk: c.aggregate_verification_key.clone(),
            params: c.metadata.parameters,
            next_avk: c
                .protocol_message
                .get(PartKey::NextAggregateVerificationKey)
                .map(String::from),
            next_params: c
                .protocol_message
                .get(PartKey::NextProtocolParameters)
                .map(String::from),
            is_genesis: c.is_genesis(),
        }
    }
}

/// Rule 6: the predecessor is at most one epoch away (either direction, as the reference).
pub fn check_epoch_gap(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    if cur.epoch.abs_diff(prev.epoch) > 1 {
        return Err(Error::ChainMissingEpoch {
            certificate: cur.hash.clone(),
            epoch: cur.epoch,
            previous_epoch: prev.epoch,
        });
    }
    Ok(())
}

/// Rule 7: the predecessor's hash is `previous_hash`.
pub fn check_previous_hash(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    if prev.hash != cur.previous_hash {
        return Err(Error::ChainPreviousHashMismatch {
            certificate: cur.hash.clone(),
            expected: cur.previous_hash.clone(),
            got: prev.hash.clone(),
        });
    }
    Ok(())
}

fn decode_next_avk(prev: &LinkInfo) -> Option<AggregateVerificationKey> {
    AggregateVerificationKey::decode(prev.next_avk.as_deref()?)
        .ok()
        .map(|(avk, _)| avk)
}

/// Rule 8: within an epoch the AVK is the predecessor's; across epochs it is the one the
/// predecessor signed as `next_aggregate_verification_key`.
pub fn check_avk_chaining(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    let ok = if cur.epoch == prev.epoch {
        prev.avk == cur.avk
    } else {
        decode_next_avk(prev).is_some_and(|next| next == cur.avk)
    };
    if !ok {
        return Err(Error::ChainAvkMismatch {
            certificate: cur.hash.clone(),
            previous: prev.hash.clone(),
        });
    }
    Ok(())
}

/// Rule 9: within an epoch the parameters are the predecessor's; across epochs their hash is
/// the predecessor's signed `next_protocol_parameters`.
pub fn check_parameters_chaining(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    let ok = if cur.epoch == prev.epoch {
        parameters_equal(&prev.params, &cur.params)
    } else {
        prev.next_params.as_deref() == Some(parameters_hash(&cur.params).as_str())
    };
    if !ok {
        return Err(Error::ChainParametersMismatch {
            certificate: cur.hash.clone(),
            previous: prev.hash.clone(),
        });
    }
    Ok(())
}

/// Rule 10 (not in the reference): a same-epoch link into a genesis certificate trusts the
/// genesis certificate's own AVK and parameters, which its Ed25519 signature does not cover.
/// Accept it only if they equal the signed `next_*` values and `previous_hash` is empty;
/// otherwise anyone could copy the real genesis signature next to their own AVK.
pub fn check_genesis_anchor(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    if !prev.is_genesis || cur.epoch != prev.epoch {
        return Ok(());
    }
    let fail = |detail| {
        Err(Error::ChainGenesisAnchorMismatch {
            certificate: prev.hash.clone(),
            detail,
        })
    };
    if decode_next_avk(prev).as_ref() != Some(&prev.avk) {
        return fail("its aggregate verification key");
    }
    if prev.next_params.as_deref() != Some(parameters_hash(&prev.params).as_str()) {
        return fail("its protocol parameters");
    }
    if !prev.previous_hash.is_empty() {
        return fail("its previous_hash");
    }
    Ok(())
}

/// A chaining rule: (certificate, its predecessor) -> verdict.
pub type ChainingRule = fn(&LinkInfo, &LinkInfo) -> Result<(), Error>;

/// The chaining rules in order.
pub const CHAINING_RULES: [ChainingRule; 5] = [
    check_epoch_gap,
    check_previous_hash,
    check_avk_chaining,
    check_parameters_chaining,
    check_genesis_anchor,
];
