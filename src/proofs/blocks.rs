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

use super::certification::parse_body;
use super::certified_items::CertifiedItems;
use super::error::ProofError;
use super::transactions::{verify_v2, ProofsV2, ProvenItemV2, WireSetV2};
use crate::chain::VerifiedCertificate;

/// A block as v2 proofs certify it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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

#[derive(Deserialize)]
struct WireBlockProofs {
    certificate_hash: String,
    certified_blocks: Option<WireSetV2<CardanoBlock>>,
    non_certified_blocks: Vec<String>,
    latest_block_number: u64,
    security_parameter: u64,
}

/// Check a `/proof/v2/cardano-block` body against the certificate it names.
///
/// `requested` are the block hashes the wallet asked about (case and surrounding whitespace
/// do not matter); with an empty request every proven block is reported.
pub fn verify_blocks_proof<S: AsRef<str>>(
    body: &[u8],
    certificate: &VerifiedCertificate,
    requested: &[S],
) -> Result<CertifiedItems<CardanoBlock>, ProofError> {
    let wire: WireBlockProofs = parse_body("cardano blocks proof", body)?;
    verify_v2(
        ProofsV2 {
            certificate_hash: wire.certificate_hash,
            set: wire.certified_blocks,
            non_certified: wire.non_certified_blocks,
            latest_block_number: wire.latest_block_number,
            security_parameter: wire.security_parameter,
        },
        certificate,
        requested,
    )
}

impl ProvenItemV2 for CardanoBlock {
    fn id(&self) -> &str {
        &self.block_hash
    }
    fn merkle_leaf(&self) -> Vec<u8> {
        self.leaf()
    }
}
