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

use super::binding::{check_certificate_hash, check_signed_parts, parse_body};
use super::certified_items::{select, verify_items, CertifiedItems};
use super::error::ProofError;
use super::map_proof::MkMapProof;
use crate::certificate::PartKey;
use crate::chain::VerifiedCertificate;
use crate::codec::hex;

/// A transaction as v2 proofs certify it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        leaf_v2(
            "Tx",
            &self.transaction_hash,
            Some(&self.block_hash),
            self.block_number,
            self.slot_number,
        )
    }
}

/// A v2 leaf: ASCII `{prefix}/{id}[/{block_hash}]/{block_number}/{slot_number}` (one
/// formatting body for transactions and blocks).
pub(crate) fn leaf_v2(
    prefix: &str,
    id: &str,
    block_hash: Option<&str>,
    block_number: u64,
    slot_number: u64,
) -> Vec<u8> {
    let (sep, block_hash) = match block_hash {
        Some(h) => ("/", h),
        None => ("", ""),
    };
    alloc::format!("{prefix}/{id}{sep}{block_hash}/{block_number}/{slot_number}").into_bytes()
}

/// The v1 leaf of a transaction: the ASCII of its hash.
pub fn transaction_leaf_v1(transaction_hash: &str) -> Vec<u8> {
    transaction_hash.as_bytes().to_vec()
}

/// `CardanoTransactionsSetProofMessagePart`: transaction hashes and the JSON-hex proof of
/// their membership.
#[derive(Deserialize)]
struct SetV1 {
    transactions_hashes: Vec<String>,
    proof: String,
}

/// `CardanoTransactionsProofsMessage`, the v1 body.
#[derive(Deserialize)]
struct ProofsV1 {
    certificate_hash: String,
    certified_transactions: Vec<SetV1>,
    non_certified_transactions: Vec<String>,
    latest_block_number: u64,
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
    let items = verify_v1(body, certificate, &as_strs(requested))?;
    Ok(items.map(|t| t.id))
}

/// The requested identifiers as string slices (the checks themselves are not generic).
pub(crate) fn as_strs<S: AsRef<str>>(requested: &[S]) -> Vec<&str> {
    requested.iter().map(AsRef::as_ref).collect()
}

/// [`verify_transactions_proof_v1`], its certified transactions as v2 items of which only
/// `id` is set.
pub(crate) fn verify_v1(
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[&str],
) -> Result<CertifiedItems<ItemV2>, ProofError> {
    let wire: ProofsV1 = parse_body("cardano transactions proof (v1)", body)?;
    let mut root: Option<Vec<u8>> = None;
    let mut proven: Vec<ItemV2> = Vec::new();
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
        proven.extend(set.transactions_hashes.iter().map(|h| ItemV2 {
            id: h.clone(),
            block_number: 0,
            slot_number: 0,
            block_hash: String::new(),
        }));
    }
    let root = root.ok_or(ProofError::NothingCertified)?;
    certify(
        Proven {
            certificate_hash: wire.certificate_hash,
            root_part: PartKey::CardanoTransactionsMerkleRoot,
            merkle_root: hex::encode(&root),
            latest_block_number: wire.latest_block_number,
            block_number_offset: None,
            items: proven,
            aggregator_non_certified: wire.non_certified_transactions,
        },
        certificate,
        requested,
    )
}

/// What a transaction or block proof body establishes once its proofs verified.
struct Proven {
    certificate_hash: String,
    /// The protocol-message part that carries the root.
    root_part: PartKey,
    merkle_root: String,
    latest_block_number: u64,
    /// The security parameter (v2 bodies only).
    block_number_offset: Option<u64>,
    items: Vec<ItemV2>,
    aggregator_non_certified: Vec<String>,
}

/// The checks shared by v1 and v2 bodies once their proofs verified: the body names
/// `certificate`, whose message with the proven root and block numbers hashes to its signed
/// message; then the selection of the requested items.
fn certify(
    proven: Proven,
    certificate: &VerifiedCertificate,
    requested: &[&str],
) -> Result<CertifiedItems<ItemV2>, ProofError> {
    check_certificate_hash(&proven.certificate_hash, certificate)?;
    let mut parts = alloc::vec![
        (proven.root_part, proven.merkle_root.clone()),
        (
            PartKey::LatestBlockNumber,
            alloc::format!("{}", proven.latest_block_number),
        ),
    ];
    if let Some(offset) = proven.block_number_offset {
        parts.push((
            PartKey::CardanoBlocksTransactionsBlockNumberOffset,
            alloc::format!("{offset}"),
        ));
    }
    check_signed_parts(certificate, &parts)?;
    let (certified, non_certified) = select(
        requested,
        &proven.items,
        |item| item.id.as_str(),
        proven.aggregator_non_certified,
    );
    Ok(CertifiedItems {
        certificate_hash: proven.certificate_hash,
        merkle_root: proven.merkle_root,
        certified,
        non_certified,
        latest_block_number: proven.latest_block_number,
        block_number_offset: proven.block_number_offset,
    })
}

/// What tells v2 transaction and block proofs apart; everything else is one check.
pub(crate) struct KindV2 {
    /// What the body is, for error messages.
    pub(crate) what: &'static str,
    /// Read the body (its own message type) into the shared parts.
    pub(crate) parse: fn(&'static str, &[u8]) -> Result<ProofsV2, ProofError>,
    /// The leaf's first component (`Tx` or `Block`).
    pub(crate) leaf_prefix: &'static str,
    /// Whether items carry a block hash besides their identifier (transactions).
    pub(crate) with_block_hash: bool,
}

/// v2 transaction proofs.
pub(crate) const TRANSACTIONS_V2: KindV2 = KindV2 {
    what: "cardano transactions proof (v2)",
    parse: parse_transactions_v2,
    leaf_prefix: "Tx",
    with_block_hash: true,
};

/// An item of a v2 proof as read: a transaction or a block.
#[derive(Clone)]
pub(crate) struct ItemV2 {
    /// The hash the wallet asks about (transaction or block hash).
    pub(crate) id: String,
    /// Number of the block (holding the transaction).
    pub(crate) block_number: u64,
    /// Slot of that block.
    pub(crate) slot_number: u64,
    /// Hash of the block holding the transaction (empty for blocks: `id` is theirs).
    pub(crate) block_hash: String,
}

impl ItemV2 {
    fn leaf(&self, kind: &KindV2) -> Vec<u8> {
        leaf_v2(
            kind.leaf_prefix,
            &self.id,
            kind.with_block_hash.then_some(self.block_hash.as_str()),
            self.block_number,
            self.slot_number,
        )
    }
}

/// `MkSetProofMessagePart<T>`: v2 items and the bytes-hex proof of their membership.
#[derive(Deserialize)]
pub(crate) struct SetV2<T> {
    items: Vec<T>,
    proof: String,
}

impl<T: Into<ItemV2>> SetV2<T> {
    /// The items in their shared form, and the proof.
    pub(crate) fn into_parts(self) -> (Vec<ItemV2>, String) {
        (self.items.into_iter().map(Into::into).collect(), self.proof)
    }
}

/// The parts of a v2 transaction or block proof body.
pub(crate) struct ProofsV2 {
    pub(crate) certificate_hash: String,
    /// The items and their bytes-hex proof, when the body certifies something.
    pub(crate) set: Option<(Vec<ItemV2>, String)>,
    pub(crate) non_certified: Vec<String>,
    pub(crate) latest_block_number: u64,
    pub(crate) security_parameter: u64,
}

/// `CardanoTransactionMessagePart`.
#[derive(Deserialize)]
struct TransactionPart {
    transaction_hash: String,
    block_number: u64,
    slot_number: u64,
    block_hash: String,
}

impl From<TransactionPart> for ItemV2 {
    fn from(t: TransactionPart) -> Self {
        ItemV2 {
            id: t.transaction_hash,
            block_number: t.block_number,
            slot_number: t.slot_number,
            block_hash: t.block_hash,
        }
    }
}

/// `CardanoTransactionsProofsV2Message`.
#[derive(Deserialize)]
struct TransactionsProofsV2 {
    certificate_hash: String,
    certified_transactions: Option<SetV2<TransactionPart>>,
    non_certified_transactions: Vec<String>,
    latest_block_number: u64,
    security_parameter: u64,
}

fn parse_transactions_v2(what: &'static str, body: &[u8]) -> Result<ProofsV2, ProofError> {
    let w: TransactionsProofsV2 = parse_body(what, body)?;
    Ok(ProofsV2 {
        certificate_hash: w.certificate_hash,
        set: w.certified_transactions.map(SetV2::into_parts),
        non_certified: w.non_certified_transactions,
        latest_block_number: w.latest_block_number,
        security_parameter: w.security_parameter,
    })
}

/// Check a v2 proof body of `kind` (transactions or blocks) against the certificate it names.
pub(crate) fn verify_v2(
    kind: &KindV2,
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[&str],
) -> Result<CertifiedItems<ItemV2>, ProofError> {
    let wire = (kind.parse)(kind.what, body)?;
    let (items, proof) = wire.set.ok_or(ProofError::NothingCertified)?;
    let proof = MkMapProof::from_bytes_hex(&proof)?;
    verify_items(
        &proof,
        items.iter().map(|item| (item.id.as_str(), item.leaf(kind))),
    )?;
    certify(
        Proven {
            certificate_hash: wire.certificate_hash,
            root_part: PartKey::CardanoBlocksTransactionsMerkleRoot,
            merkle_root: proof.root_hex(),
            latest_block_number: wire.latest_block_number,
            block_number_offset: Some(wire.security_parameter),
            items,
            aggregator_non_certified: wire.non_certified,
        },
        certificate,
        requested,
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
    let items = verify_v2(&TRANSACTIONS_V2, body, certificate, &as_strs(requested))?;
    Ok(items.map(|t| CardanoTransaction {
        transaction_hash: t.id,
        block_number: t.block_number,
        slot_number: t.slot_number,
        block_hash: t.block_hash,
    }))
}
