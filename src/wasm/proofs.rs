//! `VerifiedCertificateHandle`: a certificate a walk verified, kept on the Rust side, and the
//! core's light-wallet checks against it (transaction and block proofs, stake distributions,
//! Cardano database artifacts).
//!
//! Bodies come in as the aggregator's bytes, never as values JavaScript parsed: stakes and
//! block numbers may exceed 2^53. Results are plain JS objects whose 64-bit integers (block
//! and slot numbers, offsets, stakes) are `bigint`s; epochs are numbers, as in the chain
//! result. Failures are thrown as `MithrilVerificationError`s with the core's proof codes.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::convert::{self, Obj};
use crate::chain::VerifiedCertificate;
use crate::proofs::transactions::{self, ItemV2, KindV2};
use crate::proofs::{self, CertifiedItems, DigestsCheck, ProofError};

/// A certificate whose chain a walk verified (`Walk.verifiedCertificate()`).
///
/// The proof checks run against it without the certificate ever leaving wasm memory. Call
/// `free()` when done.
#[wasm_bindgen]
pub struct VerifiedCertificateHandle {
    inner: VerifiedCertificate,
}

impl VerifiedCertificateHandle {
    pub(crate) fn new(inner: VerifiedCertificate) -> Self {
        VerifiedCertificateHandle { inner }
    }
}

/// `requested`: `undefined`/`null` (report everything proven) or an array of strings.
fn requested_ids(requested: &JsValue) -> Result<Vec<String>, JsValue> {
    if requested.is_undefined() || requested.is_null() {
        return Ok(Vec::new());
    }
    let bad = || {
        convert::usage_error(
            "invalid_argument",
            "the requested items must be an array of hashes",
        )
    };
    let array: &js_sys::Array = requested.dyn_ref().ok_or_else(bad)?;
    // A plain loop: a `collect` into `Result` costs an iterator adapter of its own.
    let mut ids = Vec::new();
    for item in array.iter() {
        ids.push(item.as_string().ok_or_else(bad)?);
    }
    Ok(ids)
}

fn strings(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}

/// A transaction or block proof's result, its certified items already JS objects.
fn items_result(items: CertifiedItems<JsValue>) -> JsValue {
    let out = Obj::new()
        .set("certificateHash", items.certificate_hash)
        .set("merkleRoot", items.merkle_root)
        .set(
            "certified",
            items.certified.into_iter().collect::<js_sys::Array>(),
        )
        .set("nonCertified", strings(&items.non_certified))
        .set("latestBlockNumber", items.latest_block_number);
    match items.block_number_offset {
        Some(offset) => out.set("blockNumberOffset", offset),
        None => out,
    }
    .done()
}

/// A v2 item: `{transactionHash, blockHash, blockNumber, slotNumber}` for a transaction,
/// `{blockHash, blockNumber, slotNumber}` for a block.
fn item_v2(kind: &KindV2, item: ItemV2) -> JsValue {
    let (out, block_hash) = if kind.with_block_hash {
        (Obj::new().set("transactionHash", item.id), item.block_hash)
    } else {
        (Obj::new(), item.id)
    };
    out.set("blockHash", block_hash)
        .set("blockNumber", item.block_number)
        .set("slotNumber", item.slot_number)
        .done()
}

/// The v2 transaction and block checks, one body for both exports.
#[inline(never)]
fn verify_v2(
    kind: &'static KindV2,
    certificate: &VerifiedCertificate,
    body: &[u8],
    requested: &JsValue,
) -> Result<JsValue, JsValue> {
    let requested = requested_ids(requested)?;
    let items =
        transactions::verify_v2(kind, body, certificate, &transactions::as_strs(&requested))
            .map_err(thrown)?;
    Ok(items_result(items.map(|item| item_v2(kind, item))))
}

fn thrown(e: ProofError) -> JsValue {
    convert::proof_error(&e)
}

#[wasm_bindgen]
impl VerifiedCertificateHandle {
    /// The certificate's hash.
    #[wasm_bindgen(getter)]
    pub fn hash(&self) -> String {
        self.inner.hash.clone()
    }

    /// Check a v1 `/proof/cardano-transaction` body. `requested`: transaction hashes (or
    /// `undefined` for every proven one). Returns `{certificateHash, merkleRoot, certified:
    /// [{transactionHash}], nonCertified, latestBlockNumber}`.
    #[wasm_bindgen(js_name = verifyTransactionsProofV1)]
    pub fn verify_transactions_proof_v1(
        &self,
        body: &[u8],
        requested: JsValue,
    ) -> Result<JsValue, JsValue> {
        let requested = requested_ids(&requested)?;
        let items = transactions::verify_v1(body, &self.inner, &transactions::as_strs(&requested))
            .map_err(thrown)?;
        Ok(items_result(
            items.map(|t| Obj::new().set("transactionHash", t.id).done()),
        ))
    }

    /// Check a v2 `/proof/v2/cardano-transaction` body. As v1, plus each certified
    /// transaction's block (`blockHash`, `blockNumber`, `slotNumber`) and `blockNumberOffset`.
    #[wasm_bindgen(js_name = verifyTransactionsProofV2)]
    pub fn verify_transactions_proof_v2(
        &self,
        body: &[u8],
        requested: JsValue,
    ) -> Result<JsValue, JsValue> {
        verify_v2(
            &transactions::TRANSACTIONS_V2,
            &self.inner,
            body,
            &requested,
        )
    }

    /// Check a `/proof/v2/cardano-block` body. `requested`: block hashes. Returns the v2 shape
    /// with `certified: [{blockHash, blockNumber, slotNumber}]`.
    #[wasm_bindgen(js_name = verifyBlocksProof)]
    pub fn verify_blocks_proof(&self, body: &[u8], requested: JsValue) -> Result<JsValue, JsValue> {
        verify_v2(&proofs::blocks::BLOCKS, &self.inner, body, &requested)
    }

    /// Check a `/artifact/mithril-stake-distribution/{hash}` body: the AVK rebuilt from its
    /// signers is the certificate's signed next AVK. Returns `{epoch, certificateHash,
    /// aggregateVerificationKey (JSON-hex), signers: [{partyId, verificationKey (hex),
    /// stake}]}`, signers in registration order.
    #[wasm_bindgen(js_name = verifyMithrilStakeDistribution)]
    pub fn verify_mithril_stake_distribution(&self, body: &[u8]) -> Result<JsValue, JsValue> {
        let msd = proofs::verify_mithril_stake_distribution(body, &self.inner).map_err(thrown)?;
        let signers: js_sys::Array = msd
            .signers
            .iter()
            .map(|s| {
                Obj::new()
                    .set("partyId", s.party_id.as_str())
                    .set(
                        "verificationKey",
                        crate::codec::hex::encode(&s.verification_key),
                    )
                    .set("stake", s.stake)
                    .done()
            })
            .collect();
        Ok(Obj::new()
            .set("epoch", msd.epoch as f64)
            .set("certificateHash", msd.certificate_hash)
            .set(
                "aggregateVerificationKey",
                msd.aggregate_verification_key.to_json_hex(),
            )
            .set("signers", signers)
            .done())
    }

    /// Check a `/artifact/cardano-stake-distribution/{hash}` body: its mountain-range root is
    /// the signed one. Returns `{epoch, certificateHash, merkleRoot, stakeDistribution:
    /// Map<poolId, stake>}` (a `Map`: pool ids are the aggregator's strings).
    #[wasm_bindgen(js_name = verifyCardanoStakeDistribution)]
    pub fn verify_cardano_stake_distribution(&self, body: &[u8]) -> Result<JsValue, JsValue> {
        let csd = proofs::verify_cardano_stake_distribution(body, &self.inner).map_err(thrown)?;
        let map = js_sys::Map::new();
        for (pool, stake) in &csd.stake_distribution {
            map.set(&JsValue::from_str(pool), &JsValue::from(*stake));
        }
        Ok(Obj::new()
            .set("epoch", csd.epoch as f64)
            .set("certificateHash", csd.certificate_hash)
            .set("merkleRoot", csd.merkle_root)
            .set("stakeDistribution", map)
            .done())
    }

    /// Check a `/artifact/cardano-database/{hash}` body and, when `digests` (the digests list
    /// body) is given, that they lead to the signed root. Returns `{hash, certificateHash,
    /// merkleRoot, epoch, immutableFileNumber, digests: {status: "verified", immutableFiles} |
    /// {status: "not-included"}}`.
    #[wasm_bindgen(js_name = verifyCardanoDatabase)]
    pub fn verify_cardano_database(
        &self,
        body: &[u8],
        digests: Option<Vec<u8>>,
    ) -> Result<JsValue, JsValue> {
        let list = match &digests {
            Some(bytes) => Some(proofs::parse_digests(bytes).map_err(thrown)?),
            None => None,
        };
        let db =
            proofs::verify_cardano_database(body, &self.inner, list.as_deref()).map_err(thrown)?;
        let digests = match db.digests {
            DigestsCheck::Verified { immutable_files } => Obj::new()
                .set("status", "verified")
                .set("immutableFiles", immutable_files as f64),
            DigestsCheck::NotIncluded => Obj::new().set("status", "not-included"),
        };
        Ok(Obj::new()
            .set("hash", db.hash)
            .set("certificateHash", db.certificate_hash)
            .set("merkleRoot", db.merkle_root)
            .set("epoch", db.epoch as f64)
            .set("immutableFileNumber", db.immutable_file_number as f64)
            .set("digests", digests.done())
            .done())
    }
}
