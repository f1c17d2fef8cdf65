//! Cardano transaction proofs: the v1 body of `/proof/cardano-transaction` (signed entity
//! `CardanoTransactions`) and the v2 body of `/proof/v2/cardano-transaction` (signed entity
//! `CardanoBlocksTransactions`).
//!
//! - v1: one or more `(transactions_hashes, proof)` sets, the proof JSON-hex; a transaction's
//!   leaf is the ASCII of its hash; the certificate signs `cardano_transactions_merkle_root`
//!   and `latest_block_number`.
//! - v2: one `{items, proof}` set (or `null`), the proof bytes-hex (bincode); a transaction's
//!   leaf is `Tx/{transaction_hash}/{block_hash}/{block_number}/{slot_number}`; the certificate
//!   signs `cardano_blocks_transactions_merkle_root`, `latest_block_number` and
//!   `cardano_blocks_transactions_block_number_offset` (the security parameter).
//!
//! Checks, in the reference client's order: each proof verifies and contains every item it is
//! said to certify (all v1 proofs sharing one root), then the body names the certificate, then
//! the certificate's message with the proof's values hashes to its signed message.

use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;

use super::certification::{check_certificate_hash, check_signed_parts, parse_body};
use super::certified_items::{normalize_id, select, verify_items, CertifiedItems};
use super::error::ProofError;
use super::map_proof::MkMapProof;
use crate::certificate::PartKey;
use crate::chain::VerifiedCertificate;
use crate::codec::hex;

/// A transaction as v2 proofs certify it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CardanoTransaction {
    /// Transaction hash (hex).
    pub transaction_hash: String,
    /// Number of the block that holds it.
    pub block_number: u64,
    /// Slot of that block.
    pub slot_number: u64,
    /// Hash of that block (hex).
    pub block_hash: String,
}

impl CardanoTransaction {
    /// The v2 leaf: ASCII `Tx/{transaction_hash}/{block_hash}/{block_number}/{slot_number}`.
    pub fn leaf(&self) -> Vec<u8> {
        alloc::format!(
            "Tx/{}/{}/{}/{}",
            self.transaction_hash,
            self.block_hash,
            self.block_number,
            self.slot_number
        )
        .into_bytes()
    }
}

/// The v1 leaf of a transaction: the ASCII of its hash.
pub fn transaction_leaf_v1(transaction_hash: &str) -> Vec<u8> {
    transaction_hash.as_bytes().to_vec()
}

#[derive(Deserialize)]
struct WireSetV1 {
    transactions_hashes: Vec<String>,
    proof: String,
}

#[derive(Deserialize)]
struct WireProofsV1 {
    certificate_hash: String,
    certified_transactions: Vec<WireSetV1>,
    non_certified_transactions: Vec<String>,
    latest_block_number: u64,
}

#[derive(Deserialize)]
pub(crate) struct WireSetV2<T> {
    pub(crate) items: Vec<T>,
    pub(crate) proof: String,
}

#[derive(Deserialize)]
struct WireProofsV2 {
    certificate_hash: String,
    certified_transactions: Option<WireSetV2<CardanoTransaction>>,
    non_certified_transactions: Vec<String>,
    latest_block_number: u64,
    security_parameter: u64,
}

/// Check a v1 `/proof/cardano-transaction` body against the certificate it names.
///
/// `requested` are the transaction hashes the wallet asked about (case and surrounding
/// whitespace do not matter); the result says which of them are certified. With an empty
/// request every proven transaction is reported.
pub fn verify_transactions_proof_v1<S: AsRef<str>>(
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[S],
) -> Result<CertifiedItems<String>, ProofError> {
    let wire: WireProofsV1 = parse_body("cardano transactions proof (v1)", body)?;
    let mut root: Option<Vec<u8>> = None;
    let mut proven: Vec<(String, String)> = Vec::new();
    for set in &wire.certified_transactions {
        let proof = MkMapProof::from_json_hex(&set.proof)?;
        verify_items(
            &proof,
            set.transactions_hashes
                .iter()
                .map(|h| (h.as_str(), transaction_leaf_v1(h))),
        )?;
        match &root {
            None => root = Some(proof.root().to_vec()),
            Some(r) if r.as_slice() != proof.root() => {
                return Err(ProofError::invalid(
                    "the transaction sets' proofs have different roots",
                ))
            }
            Some(_) => {}
        }
        for hash in &set.transactions_hashes {
            proven.push((normalize_id(hash), hash.clone()));
        }
    }
    let root = root.ok_or(ProofError::NothingCertified)?;
    let merkle_root = hex::encode(&root);
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_signed_parts(
        certificate,
        &[
            (PartKey::CardanoTransactionsMerkleRoot, merkle_root.clone()),
            (
                PartKey::LatestBlockNumber,
                alloc::format!("{}", wire.latest_block_number),
            ),
        ],
    )?;
    let (certified, non_certified) = select(requested, &proven, wire.non_certified_transactions);
    Ok(CertifiedItems {
        certificate_hash: wire.certificate_hash,
        merkle_root,
        certified,
        non_certified,
        latest_block_number: wire.latest_block_number,
        block_number_offset: None,
    })
}

/// Check the v2 parts (root, latest block number, offset) against the certificate.
/// An item of a v2 proof (transaction or block): its identifier and its Merkle leaf.
pub(crate) trait ProvenItemV2: Clone {
    /// The hash the wallet asks about.
    fn id(&self) -> &str;
    /// The leaf the proof must contain.
    fn merkle_leaf(&self) -> Vec<u8>;
}

impl ProvenItemV2 for CardanoTransaction {
    fn id(&self) -> &str {
        &self.transaction_hash
    }
    fn merkle_leaf(&self) -> Vec<u8> {
        self.leaf()
    }
}

/// The parts shared by v2 transaction and block proof bodies.
pub(crate) struct ProofsV2<T> {
    pub(crate) certificate_hash: String,
    pub(crate) set: Option<WireSetV2<T>>,
    pub(crate) non_certified: Vec<String>,
    pub(crate) latest_block_number: u64,
    pub(crate) security_parameter: u64,
}

/// Check a v2 proof body (transactions or blocks) against its certificate.
pub(crate) fn verify_v2<T: ProvenItemV2, S: AsRef<str>>(
    wire: ProofsV2<T>,
    certificate: &VerifiedCertificate,
    requested: &[S],
) -> Result<CertifiedItems<T>, ProofError> {
    let set = wire.set.ok_or(ProofError::NothingCertified)?;
    let proof = MkMapProof::from_bytes_hex(&set.proof)?;
    verify_items(
        &proof,
        set.items.iter().map(|item| (item.id(), item.merkle_leaf())),
    )?;
    let merkle_root = proof.root_hex();
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_v2_parts(
        certificate,
        &merkle_root,
        wire.latest_block_number,
        wire.security_parameter,
    )?;
    let proven: Vec<(String, T)> = set
        .items
        .into_iter()
        .map(|item| (normalize_id(item.id()), item))
        .collect();
    let (certified, non_certified) = select(requested, &proven, wire.non_certified);
    Ok(CertifiedItems {
        certificate_hash: wire.certificate_hash,
        merkle_root,
        certified,
        non_certified,
        latest_block_number: wire.latest_block_number,
        block_number_offset: Some(wire.security_parameter),
    })
}

pub(crate) fn check_v2_parts(
    certificate: &VerifiedCertificate,
    merkle_root: &str,
    latest_block_number: u64,
    security_parameter: u64,
) -> Result<(), ProofError> {
    check_signed_parts(
        certificate,
        &[
            (
                PartKey::CardanoBlocksTransactionsMerkleRoot,
                merkle_root.into(),
            ),
            (
                PartKey::LatestBlockNumber,
                alloc::format!("{latest_block_number}"),
            ),
            (
                PartKey::CardanoBlocksTransactionsBlockNumberOffset,
                alloc::format!("{security_parameter}"),
            ),
        ],
    )
}

/// Check a v2 `/proof/v2/cardano-transaction` body against the certificate it names.
///
/// `requested` are transaction hashes, as for [`verify_transactions_proof_v1`]; certified
/// transactions come with their block (hash, number, slot), which the proof covers too.
pub fn verify_transactions_proof_v2<S: AsRef<str>>(
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[S],
) -> Result<CertifiedItems<CardanoTransaction>, ProofError> {
    let wire: WireProofsV2 = parse_body("cardano transactions proof (v2)", body)?;
    verify_v2(
        ProofsV2 {
            certificate_hash: wire.certificate_hash,
            set: wire.certified_transactions,
            non_certified: wire.non_certified_transactions,
            latest_block_number: wire.latest_block_number,
            security_parameter: wire.security_parameter,
        },
        certificate,
        requested,
    )
}
