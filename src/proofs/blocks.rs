//! Cardano block proofs: the body of `/proof/v2/cardano-block` (signed entity
//! `CardanoBlocksTransactions`).
//!
//! One `{items, proof}` set (or `null`), the proof bytes-hex (bincode); a block's leaf is
//! `Block/{block_hash}/{block_number}/{slot_number}`; the certificate signs
//! `cardano_blocks_transactions_merkle_root`, `latest_block_number` and
//! `cardano_blocks_transactions_block_number_offset`, as for v2 transaction proofs.

use alloc::string::String;
use alloc::vec::Vec;

use super::certification::{fields, parse_body};
use super::certified_items::CertifiedItems;
use super::error::ProofError;
use super::transactions::{read_proofs_v2, verify_v2, ProvenItemV2};
use crate::chain::VerifiedCertificate;
use crate::codec::json::{Fields, JsonReader, JsonResult};

/// A block as v2 proofs certify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardanoBlock {
    /// Block hash (hex).
    pub block_hash: String,
    /// Block number.
    pub block_number: u64,
    /// Slot of the block.
    pub slot_number: u64,
}

impl CardanoBlock {
    /// The leaf: ASCII `Block/{block_hash}/{block_number}/{slot_number}`.
    pub fn leaf(&self) -> Vec<u8> {
        alloc::format!(
            "Block/{}/{}/{}",
            self.block_hash,
            self.block_number,
            self.slot_number
        )
        .into_bytes()
    }
}

const BLOCK: Fields = fields(&["block_hash", "block_number", "slot_number"]);
/// The body; `certified_blocks` is an `Option` (may be absent or null).
const PROOFS: Fields = Fields {
    optional: 0b10,
    ..fields(&[
        "certificate_hash",
        "certified_blocks",
        "non_certified_blocks",
        "latest_block_number",
        "security_parameter",
    ])
};

/// Check a `/proof/v2/cardano-block` body against the certificate it names.
///
/// `requested` are the block hashes the wallet asked about (case and surrounding whitespace
/// do not matter); with an empty request every proven block is reported.
pub fn verify_blocks_proof<S: AsRef<str>>(
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[S],
) -> Result<CertifiedItems<CardanoBlock>, ProofError> {
    let wire = parse_body("cardano blocks proof", body, |r| {
        read_proofs_v2::<CardanoBlock>(r, &PROOFS)
    })?;
    verify_v2(wire, certificate, requested)
}

impl ProvenItemV2 for CardanoBlock {
    fn read_json(r: &mut JsonReader<'_>) -> JsonResult<Self> {
        let mut b = CardanoBlock {
            block_hash: String::new(),
            block_number: 0,
            slot_number: 0,
        };
        r.record(&BLOCK, &mut |r, i| {
            match i {
                0 => b.block_hash = r.string()?,
                1 => b.block_number = r.u64()?,
                _ => b.slot_number = r.u64()?,
            }
            Ok(())
        })?;
        Ok(b)
    }
    fn id(&self) -> &str {
        &self.block_hash
    }
    fn merkle_leaf(&self) -> Vec<u8> {
        self.leaf()
    }
}
