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

#[cfg(test)]
mod tests {
    use super::*;

    fn avk(total_stake: u64) -> AggregateVerificationKey {
        AggregateVerificationKey {
            root: alloc::vec![7; 32],
            nr_leaves: 2,
            total_stake,
        }
    }

    fn params() -> ProtocolParameters {
        ProtocolParameters {
            k: 5,
            m: 100,
            phi_f: 0.65,
        }
    }

    fn link(hash: &str, previous: &str, epoch: u64) -> LinkInfo {
        LinkInfo {
            hash: hash.into(),
            previous_hash: previous.into(),
            epoch,
            avk: avk(10),
            params: params(),
            next_avk: Some(avk(10).to_json_hex()),
            next_params: Some(parameters_hash(&params())),
            is_genesis: false,
        }
    }

    #[test]
    fn epoch_gap_is_symmetric_and_allows_one() {
        assert!(check_epoch_gap(&link("b", "a", 5), &link("a", "", 4)).is_ok());
        assert!(check_epoch_gap(&link("b", "a", 5), &link("a", "", 5)).is_ok());
        assert!(check_epoch_gap(&link("b", "a", 5), &link("a", "", 6)).is_ok());
        let e = check_epoch_gap(&link("b", "a", 5), &link("a", "", 3)).unwrap_err();
        assert_eq!(e.code(), "chain_missing_epoch");
    }

    #[test]
    fn previous_hash_must_match() {
        assert!(check_previous_hash(&link("b", "a", 5), &link("a", "", 5)).is_ok());
        assert_eq!(
            check_previous_hash(&link("b", "x", 5), &link("a", "", 5))
                .unwrap_err()
                .code(),
            "chain_previous_hash_mismatch"
        );
    }

    #[test]
    fn avk_chaining_same_and_next_epoch() {
        let cur = link("b", "a", 5);
        let mut prev = link("a", "", 5);
        assert!(check_avk_chaining(&cur, &prev).is_ok());
        prev.avk = avk(11);
        assert_eq!(
            check_avk_chaining(&cur, &prev).unwrap_err().code(),
            "chain_avk_mismatch"
        );
        // Across epochs only the signed next AVK counts, not the predecessor's own.
        prev.epoch = 4;
        assert!(check_avk_chaining(&cur, &prev).is_ok());
        prev.next_avk = Some(avk(12).to_json_hex());
        assert!(check_avk_chaining(&cur, &prev).is_err());
        prev.next_avk = None;
        assert!(check_avk_chaining(&cur, &prev).is_err());
        prev.next_avk = Some("not hex".into());
        assert!(check_avk_chaining(&cur, &prev).is_err());
    }

    #[test]
    fn parameters_chaining_same_and_next_epoch() {
        let cur = link("b", "a", 5);
        let mut prev = link("a", "", 5);
        assert!(check_parameters_chaining(&cur, &prev).is_ok());
        prev.params.k = 6;
        assert_eq!(
            check_parameters_chaining(&cur, &prev).unwrap_err().code(),
            "chain_parameters_mismatch"
        );
        prev.epoch = 4;
        assert!(check_parameters_chaining(&cur, &prev).is_ok());
        prev.next_params = Some("00".into());
        assert!(check_parameters_chaining(&cur, &prev).is_err());
    }

    #[test]
    fn genesis_anchor_rule() {
        let cur = link("b", "g", 5);
        let mut genesis = link("g", "", 5);
        genesis.is_genesis = true;
        assert!(check_genesis_anchor(&cur, &genesis).is_ok());
        let mut forged = genesis.clone();
        forged.avk = avk(99);
        assert_eq!(
            check_genesis_anchor(&cur, &forged).unwrap_err().code(),
            "chain_genesis_anchor_mismatch"
        );
        let mut forged = genesis.clone();
        forged.params.m = 101;
        assert!(check_genesis_anchor(&cur, &forged).is_err());
        let mut forged = genesis.clone();
        forged.previous_hash = "x".into();
        assert!(check_genesis_anchor(&cur, &forged).is_err());
        // Not a genesis, or another epoch: the rule does not apply.
        forged.is_genesis = false;
        assert!(check_genesis_anchor(&cur, &forged).is_ok());
        let mut other_epoch = genesis;
        other_epoch.epoch = 4;
        other_epoch.avk = avk(99);
        assert!(check_genesis_anchor(&cur, &other_epoch).is_ok());
    }
}
