//! Stake distributions checked against their certificates: each Mithril signer's key and proof
//! of possession, the AVK rebuilt from the registration, the Cardano stakes' Merkle root.
//!
//! - **Mithril stake distribution** (`MithrilStakeDistribution(e)`): the artifact lists the
//!   signers (party, verification key with proof of possession, stake). The certificate signs
//!   their aggregate verification key as `next_aggregate_verification_key`: each key's proof of
//!   possession is checked, the registrations are ordered by (stake, key bytes), and the AVK is
//!   (Merkle root of `H(vk || stake)` leaves, count, total stake).
//! - **Cardano stake distribution** (`CardanoStakeDistribution(e)`): the artifact maps pool ids
//!   to stakes; the certificate signs `cardano_stake_distribution_epoch` = e and
//!   `cardano_stake_distribution_merkle_root` = the mountain-range root over the leaves
//!   `"{pool_id}{stake}"` in pool-id order.
//!
//! Not checked: the signers' KES signatures and operational certificates, which bind a party
//! id (pool) to its key. The AVK binds the keys and stakes only, so the party ids an
//! artifact shows are the aggregator's word.

use alloc::string::String;
use alloc::vec::Vec;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::binding::{check_certificate_hash, check_signed_entity, check_signed_parts, parse_body};
use super::error::ProofError;
use super::json::Timestamp;
use super::mmr::mmr_root;
use super::signer_key::SignerKey;
use crate::certificate::{PartKey, SignedEntityType};
use crate::chain::VerifiedCertificate;
use crate::codec::hex;
use crate::codec::sorted::{sort_by, SortedMap};
use crate::stm::merkle::{leaf_hash, tree_root};
use crate::stm::AggregateVerificationKey;

/// A registered signer, in registration order (its position is its signer index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredSigner {
    /// Party id, as the artifact names it (not bound to the key, see the module notes).
    pub party_id: String,
    /// Compressed verification key.
    pub verification_key: [u8; 96],
    /// Stake.
    pub stake: u64,
}

/// A Mithril stake distribution certified by its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedMithrilStakeDistribution {
    /// The artifact's hash, as the aggregator names it (not signed: what is certified is the
    /// epoch and the signers).
    pub hash: String,
    /// Epoch.
    pub epoch: u64,
    /// The certificate.
    pub certificate_hash: String,
    /// The signers, ordered by (stake, key): signer index order.
    pub signers: Vec<RegisteredSigner>,
    /// The aggregate verification key they form, as the certificate signs it.
    pub aggregate_verification_key: AggregateVerificationKey,
}

/// A Cardano stake distribution certified by its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedCardanoStakeDistribution {
    /// The artifact's hash, as the aggregator names it (not signed: what is certified is the
    /// epoch and the Merkle root).
    pub hash: String,
    /// Epoch.
    pub epoch: u64,
    /// The certificate.
    pub certificate_hash: String,
    /// Hex of the signed Merkle root.
    pub merkle_root: String,
    /// Stake per pool id, in pool-id order.
    pub stake_distribution: SortedMap<String, u64>,
}

/// Build the aggregate verification key of registered `(key, stake)` entries, as key
/// registration does: order by (stake, key bytes), leaves `H(vk || stake)`, total stake.
///
/// Refuses an empty list, a key registered twice, and a total stake that is zero or
/// overflows.
pub fn aggregate_verification_key(
    entries: &[([u8; 96], u64)],
) -> Result<AggregateVerificationKey, ProofError> {
    let invalid = |detail: &str| ProofError::StakeDistributionInvalid {
        detail: detail.into(),
    };
    let mut ordered = entries.to_vec();
    // By key first, to find a key registered twice; then by (stake, key), a total order once
    // keys are distinct.
    sort_by(&mut ordered, |a, b| a.0 < b.0);
    if ordered
        .windows(2)
        .any(|w| matches!(w, [a, b] if a.0 == b.0))
    {
        return Err(invalid("a verification key is registered twice"));
    }
    sort_by(&mut ordered, by_stake_then_key);
    let total_stake = ordered
        .iter()
        .try_fold(0u64, |acc, (_, stake)| acc.checked_add(*stake))
        .ok_or_else(|| invalid("the total stake overflows"))?;
    if total_stake == 0 {
        return Err(invalid("the total stake is zero"));
    }
    let leaves: Vec<[u8; 32]> = ordered
        .iter()
        .map(|(vk, stake)| leaf_hash(vk, *stake))
        .collect();
    let root = tree_root(&leaves).ok_or_else(|| invalid("no signer"))?;
    Ok(AggregateVerificationKey {
        root: root.to_vec(),
        nr_leaves: ordered.len() as u64,
        total_stake,
    })
}

/// The registration order: by stake, then by key bytes.
fn by_stake_then_key(a: &([u8; 96], u64), b: &([u8; 96], u64)) -> bool {
    (a.1, &a.0) < (b.1, &b.0)
}

/// `SignerWithStakeMessagePart`. The KES members are read (as the reference reads them) but
/// not checked, see the module notes.
#[derive(Deserialize)]
#[allow(dead_code)] // the KES members are read to accept and refuse as the reference does
struct WireSigner {
    party_id: String,
    verification_key: String,
    verification_key_signature: Option<String>,
    operational_certificate: Option<String>,
    kes_period: Option<u64>,
    stake: u64,
}

/// `ProtocolParameters`, read as serde_json reads an `f64` (no `float_roundtrip`).
#[derive(Deserialize)]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
struct WireProtocolParameters {
    k: u64,
    m: u64,
    phi_f: f64,
}

/// `MithrilStakeDistributionMessage`.
#[derive(Deserialize)]
#[allow(dead_code)] // created_at and protocol_parameters are read, not used
struct WireMithrilStakeDistribution {
    epoch: u64,
    signers: Vec<WireSigner>,
    hash: String,
    certificate_hash: String,
    created_at: Timestamp,
    protocol_parameters: WireProtocolParameters,
}

/// Check a Mithril stake distribution artifact (`/artifact/mithril-stake-distribution/{hash}`)
/// against the certificate it names.
pub fn verify_mithril_stake_distribution(
    body: &[u8],
    certificate: &VerifiedCertificate,
) -> Result<CertifiedMithrilStakeDistribution, ProofError> {
    let wire: WireMithrilStakeDistribution = parse_body("mithril stake distribution", body)?;
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_signed_entity(
        certificate,
        &SignedEntityType::MithrilStakeDistribution(wire.epoch),
    )?;
    let mut entries = Vec::with_capacity(wire.signers.len());
    for signer in &wire.signers {
        let fault = |f: super::signer_key::SignerKeyFault| ProofError::SignerKeyInvalid {
            party_id: signer.party_id.clone(),
            detail: f.as_str().into(),
        };
        let key = SignerKey::decode(&signer.verification_key).map_err(fault)?;
        key.verify().map_err(fault)?;
        entries.push((key.vk, signer.stake));
    }
    let avk = aggregate_verification_key(&entries)?;

    let signed_text = certificate
        .protocol_message
        .get(PartKey::NextAggregateVerificationKey)
        .unwrap_or("");
    let signed = AggregateVerificationKey::decode(signed_text)
        .ok()
        .map(|(avk, _)| avk);
    if signed.as_ref() != Some(&avk) {
        return Err(ProofError::ArtifactMismatch {
            certificate: certificate.hash.clone(),
            what: PartKey::NextAggregateVerificationKey.as_str(),
            artifact: avk.to_json(),
            signed: signed.map_or_else(|| String::from(signed_text), |s| s.to_json()),
        });
    }

    // Keys are distinct (checked above), so (stake, key) orders the signers totally.
    let mut signers: Vec<RegisteredSigner> = entries
        .iter()
        .zip(&wire.signers)
        .map(|((vk, stake), s)| RegisteredSigner {
            party_id: s.party_id.clone(),
            verification_key: *vk,
            stake: *stake,
        })
        .collect();
    sort_by(&mut signers, |a, b| {
        (a.stake, &a.verification_key) < (b.stake, &b.verification_key)
    });
    Ok(CertifiedMithrilStakeDistribution {
        hash: wire.hash,
        epoch: wire.epoch,
        certificate_hash: wire.certificate_hash,
        signers,
        aggregate_verification_key: avk,
    })
}

/// The root of a Cardano stake distribution: the mountain range over `"{pool_id}{stake}"` in
/// pool-id order, or `None` when it is empty.
pub fn cardano_stake_distribution_root(distribution: &SortedMap<String, u64>) -> Option<Vec<u8>> {
    mmr_root(
        distribution
            .iter()
            .map(|(pool, stake)| alloc::format!("{pool}{stake}")),
    )
}

/// `CardanoStakeDistributionMessage`.
#[derive(Deserialize)]
#[allow(dead_code)] // created_at is read, not used
struct WireCardanoStakeDistribution {
    epoch: u64,
    hash: String,
    certificate_hash: String,
    stake_distribution: PoolStakes,
    created_at: Timestamp,
}

/// The reference's `BTreeMap<PartyId, Stake>`, read as a JSON object into a [`SortedMap`]
/// (smaller than a `BTreeMap`): a pool listed twice keeps its last stake, as inserting into
/// the `BTreeMap` does.
struct PoolStakes(SortedMap<String, u64>);

impl<'de> Deserialize<'de> for PoolStakes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pools;
        impl<'de> Visitor<'de> for Pools {
            type Value = PoolStakes;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PoolStakes, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, u64>()? {
                    entries.push(entry);
                }
                Ok(PoolStakes(SortedMap::from_entries(entries)))
            }
        }
        deserializer.deserialize_map(Pools)
    }
}

/// Check a Cardano stake distribution artifact (`/artifact/cardano-stake-distribution/{hash}`)
/// against the certificate it names.
pub fn verify_cardano_stake_distribution(
    body: &[u8],
    certificate: &VerifiedCertificate,
) -> Result<CertifiedCardanoStakeDistribution, ProofError> {
    let wire: WireCardanoStakeDistribution = parse_body("cardano stake distribution", body)?;
    let stake_distribution = wire.stake_distribution.0;
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_signed_entity(
        certificate,
        &SignedEntityType::CardanoStakeDistribution(wire.epoch),
    )?;
    let root = cardano_stake_distribution_root(&stake_distribution).ok_or_else(|| {
        ProofError::StakeDistributionInvalid {
            detail: "no pool".into(),
        }
    })?;
    let merkle_root = hex::encode(&root);
    check_signed_parts(
        certificate,
        &[
            (
                PartKey::CardanoStakeDistributionEpoch,
                alloc::format!("{}", wire.epoch),
            ),
            (
                PartKey::CardanoStakeDistributionMerkleRoot,
                merkle_root.clone(),
            ),
        ],
    )?;
    Ok(CertifiedCardanoStakeDistribution {
        hash: wire.hash,
        epoch: wire.epoch,
        certificate_hash: wire.certificate_hash,
        merkle_root,
        stake_distribution,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn registration_order_and_refusals() {
        let a = [1u8; 96];
        let b = [2u8; 96];
        let c = [3u8; 96];
        let avk = aggregate_verification_key(&[(c, 5), (b, 7), (a, 5)]).unwrap();
        assert_eq!((avk.nr_leaves, avk.total_stake), (3, 17));
        let leaves = [leaf_hash(&a, 5), leaf_hash(&c, 5), leaf_hash(&b, 7)];
        assert_eq!(avk.root, tree_root(&leaves).unwrap().to_vec());

        let code = |r: Result<_, ProofError>| r.unwrap_err().code();
        assert_eq!(
            code(aggregate_verification_key(&[])),
            "stake_distribution_invalid"
        );
        assert_eq!(
            code(aggregate_verification_key(&[(a, 1), (a, 2)])),
            "stake_distribution_invalid"
        );
        // The two registrations of `a` are not neighbours in (stake, key) order.
        assert_eq!(
            code(aggregate_verification_key(&[(a, 1), (b, 2), (a, 3)])),
            "stake_distribution_invalid"
        );
        assert_eq!(
            code(aggregate_verification_key(&[(a, 0), (b, 0)])),
            "stake_distribution_invalid"
        );
        assert_eq!(
            code(aggregate_verification_key(&[(a, u64::MAX), (b, 1)])),
            "stake_distribution_invalid"
        );
    }

    #[test]
    fn cardano_stake_distribution_leaves() {
        let mut d = SortedMap::new();
        d.insert(String::from("pool2"), 7u64);
        d.insert(String::from("pool1"), 20_000_000_001u64);
        let root = cardano_stake_distribution_root(&d).unwrap();
        assert_eq!(root, mmr_root(["pool120000000001", "pool27"]).unwrap());
        assert_eq!(cardano_stake_distribution_root(&SortedMap::new()), None);
        // Read in any order; a pool listed twice keeps its last stake.
        let wire: WireCardanoStakeDistribution = parse_body(
            "test",
            br#"{"epoch":3,"hash":"x","certificate_hash":"h","stake_distribution":{"pool2":1,"pool1":20000000001,"pool2":7},"created_at":"2024-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(wire.stake_distribution.0, d);
    }
}
