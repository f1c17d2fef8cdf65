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

use super::certification::{check_certificate_hash, check_signed_parts, fields, parse_body};
use super::certified_items::{normalize_id, select, verify_items, CertifiedItems};
use super::error::ProofError;
use super::map_proof::MkMapProof;
use crate::certificate::PartKey;
use crate::chain::VerifiedCertificate;
use crate::codec::hex;
use crate::codec::json::{Fields, JsonReader, JsonResult};

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

const TRANSACTION: Fields = fields(&[
    "transaction_hash",
    "block_number",
    "slot_number",
    "block_hash",
]);
const SET_V1: Fields = fields(&["transactions_hashes", "proof"]);
const PROOFS_V1: Fields = fields(&[
    "certificate_hash",
    "certified_transactions",
    "non_certified_transactions",
    "latest_block_number",
]);
const SET_V2: Fields = fields(&["items", "proof"]);
/// The v2 transaction body; `certified_transactions` is an `Option` (may be absent or null).
const PROOFS_V2: Fields = Fields {
    optional: 0b10,
    ..fields(&[
        "certificate_hash",
        "certified_transactions",
        "non_certified_transactions",
        "latest_block_number",
        "security_parameter",
    ])
};

/// A set of v1 transaction hashes and the JSON-hex proof of their membership.
struct SetV1 {
    transactions_hashes: Vec<String>,
    proof: String,
}

/// The v1 body.
#[derive(Default)]
struct ProofsV1 {
    certificate_hash: String,
    certified_transactions: Vec<SetV1>,
    non_certified_transactions: Vec<String>,
    latest_block_number: u64,
}

fn read_proofs_v1(r: &mut JsonReader<'_>) -> JsonResult<ProofsV1> {
    let mut w = ProofsV1::default();
    r.record(&PROOFS_V1, &mut |r, i| {
        match i {
            0 => w.certificate_hash = r.string()?,
            1 => {
                w.certified_transactions = r.vec(&mut |r| {
                    let mut set = SetV1 {
                        transactions_hashes: Vec::new(),
                        proof: String::new(),
                    };
                    r.record(&SET_V1, &mut |r, i| {
                        if i == 0 {
                            set.transactions_hashes = r.string_vec()?;
                        } else {
                            set.proof = r.string()?;
                        }
                        Ok(())
                    })?;
                    Ok(set)
                })?
            }
            2 => w.non_certified_transactions = r.string_vec()?,
            _ => w.latest_block_number = r.u64()?,
        }
        Ok(())
    })?;
    Ok(w)
}

/// A set of v2 items and the bytes-hex proof of their membership.
pub(crate) struct SetV2<T> {
    pub(crate) items: Vec<T>,
    pub(crate) proof: String,
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
    let wire = parse_body("cardano transactions proof (v1)", body, read_proofs_v1)?;
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

/// An item of a v2 proof (transaction or block): its identifier and its Merkle leaf.
pub(crate) trait ProvenItemV2: Clone {
    /// Read the item's JSON form.
    fn read_json(r: &mut JsonReader<'_>) -> JsonResult<Self>;
    /// The hash the wallet asks about.
    fn id(&self) -> &str;
    /// The leaf the proof must contain.
    fn merkle_leaf(&self) -> Vec<u8>;
}

impl ProvenItemV2 for CardanoTransaction {
    fn read_json(r: &mut JsonReader<'_>) -> JsonResult<Self> {
        let mut t = CardanoTransaction {
            transaction_hash: String::new(),
            block_number: 0,
            slot_number: 0,
            block_hash: String::new(),
        };
        r.record(&TRANSACTION, &mut |r, i| {
            match i {
                0 => t.transaction_hash = r.string()?,
                1 => t.block_number = r.u64()?,
                2 => t.slot_number = r.u64()?,
                _ => t.block_hash = r.string()?,
            }
            Ok(())
        })?;
        Ok(t)
    }
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
    pub(crate) set: Option<SetV2<T>>,
    pub(crate) non_certified: Vec<String>,
    pub(crate) latest_block_number: u64,
    pub(crate) security_parameter: u64,
}

/// Read a v2 body laid out as `layout` (certificate hash, optional set, non-certified ids,
/// latest block number, security parameter).
pub(crate) fn read_proofs_v2<T: ProvenItemV2>(
    r: &mut JsonReader<'_>,
    layout: &Fields,
) -> JsonResult<ProofsV2<T>> {
    let mut w = ProofsV2 {
        certificate_hash: String::new(),
        set: None,
        non_certified: Vec::new(),
        latest_block_number: 0,
        security_parameter: 0,
    };
    r.record(layout, &mut |r, i| {
        match i {
            0 => w.certificate_hash = r.string()?,
            1 => {
                w.set = if r.null_if_next()? {
                    None
                } else {
                    let mut set = SetV2 {
                        items: Vec::new(),
                        proof: String::new(),
                    };
                    r.record(&SET_V2, &mut |r, i| {
                        if i == 0 {
                            set.items = r.vec(&mut T::read_json)?;
                        } else {
                            set.proof = r.string()?;
                        }
                        Ok(())
                    })?;
                    Some(set)
                }
            }
            2 => w.non_certified = r.string_vec()?,
            3 => w.latest_block_number = r.u64()?,
            _ => w.security_parameter = r.u64()?,
        }
        Ok(())
    })?;
    Ok(w)
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
    let wire = parse_body("cardano transactions proof (v2)", body, |r| {
        read_proofs_v2::<CardanoTransaction>(r, &PROOFS_V2)
    })?;
    verify_v2(wire, certificate, requested)
}
