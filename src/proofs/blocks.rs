//! Cardano block proofs: the body of `/proof/v2/cardano-block` (signed entity
//! `CardanoBlocksTransactions`).
//!
//! One `{items, proof}` set (or `null`), the proof bytes-hex (bincode); a block's leaf is
//! `Block/{block_hash}/{block_number}/{slot_number}`; the certificate signs
//! `cardano_blocks_transactions_merkle_root`, `latest_block_number` and
//! `cardano_blocks_transactions_block_number_offset`, as for v2 transaction proofs.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use super::binding::parse_body;
use super::certified_items::CertifiedItems;
use super::error::ProofError;
use super::transactions::{as_strs, leaf_v2, verify_v2, ItemV2, KindV2, ProofsV2, SetV2};
use crate::chain::VerifiedCertificate;

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
        leaf_v2(
            "Block",
            &self.block_hash,
            None,
            self.block_number,
            self.slot_number,
        )
    }
}

/// `CardanoBlockMessagePart`.
#[derive(Deserialize)]
struct BlockPart {
    block_hash: String,
    block_number: u64,
    slot_number: u64,
}

impl From<BlockPart> for ItemV2 {
    fn from(b: BlockPart) -> Self {
        ItemV2 {
            id: b.block_hash,
            block_number: b.block_number,
            slot_number: b.slot_number,
            block_hash: String::new(),
        }
    }
}

/// `CardanoBlocksProofsMessage`.
#[derive(Deserialize)]
struct BlocksProofs {
    certificate_hash: String,
    certified_blocks: Option<SetV2<BlockPart>>,
    non_certified_blocks: Vec<String>,
    latest_block_number: u64,
    security_parameter: u64,
}

fn parse_blocks(what: &'static str, body: &[u8]) -> Result<ProofsV2, ProofError> {
    let w: BlocksProofs = parse_body(what, body)?;
    Ok(ProofsV2 {
        certificate_hash: w.certificate_hash,
        set: w.certified_blocks.map(SetV2::into_parts),
        non_certified: w.non_certified_blocks,
        latest_block_number: w.latest_block_number,
        security_parameter: w.security_parameter,
    })
}

/// Block proofs: v2 transaction proofs' checks with the block layout and leaf.
pub(crate) const BLOCKS: KindV2 = KindV2 {
    what: "cardano blocks proof",
    parse: parse_blocks,
    leaf_prefix: "Block",
    with_block_hash: false,
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
    let items = verify_v2(&BLOCKS, body, certificate, &as_strs(requested))?;
    Ok(items.map(|b| CardanoBlock {
        block_hash: b.id,
        block_number: b.block_number,
        slot_number: b.slot_number,
    }))
}
