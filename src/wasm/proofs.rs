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
use crate::proofs::{
    self, CardanoBlock, CardanoTransaction, CertifiedItems, DigestsCheck, ProofError,
};

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
    array
        .iter()
        .map(|item| item.as_string().ok_or_else(bad))
        .collect()
}

fn strings(items: &[String]) -> JsValue {
    items
        .iter()
        .map(|s| JsValue::from_str(s))
        .collect::<js_sys::Array>()
        .into()
}

/// The fields every transaction or block proof result has; `certified` is built by the caller.
fn items_result<T>(items: &CertifiedItems<T>, certified: js_sys::Array) -> JsValue {
    let out = Obj::new()
        .set("certificateHash", items.certificate_hash.as_str())
        .set("merkleRoot", items.merkle_root.as_str())
        .set("certified", certified)
        .set("nonCertified", strings(&items.non_certified))
        .set("latestBlockNumber", items.latest_block_number);
    match items.block_number_offset {
        Some(offset) => out.set("blockNumberOffset", offset),
        None => out,
    }
    .done()
}

fn transaction(t: &CardanoTransaction) -> JsValue {
    Obj::new()
        .set("transactionHash", t.transaction_hash.as_str())
        .set("blockHash", t.block_hash.as_str())
        .set("blockNumber", t.block_number)
        .set("slotNumber", t.slot_number)
        .done()
}

fn block(b: &CardanoBlock) -> JsValue {
    Obj::new()
        .set("blockHash", b.block_hash.as_str())
        .set("blockNumber", b.block_number)
        .set("slotNumber", b.slot_number)
        .done()
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
        let items =
            proofs::verify_transactions_proof_v1(body, &self.inner, &requested).map_err(thrown)?;
        let certified = items
            .certified
            .iter()
            .map(|h| Obj::new().set("transactionHash", h.as_str()).done())
            .collect();
        Ok(items_result(&items, certified))
    }

    /// Check a v2 `/proof/v2/cardano-transaction` body. As v1, plus each certified
    /// transaction's block (`blockHash`, `blockNumber`, `slotNumber`) and `blockNumberOffset`.
    #[wasm_bindgen(js_name = verifyTransactionsProofV2)]
    pub fn verify_transactions_proof_v2(
        &self,
        body: &[u8],
        requested: JsValue,
    ) -> Result<JsValue, JsValue> {
        let requested = requested_ids(&requested)?;
        let items =
            proofs::verify_transactions_proof_v2(body, &self.inner, &requested).map_err(thrown)?;
        let certified = items.certified.iter().map(transaction).collect();
        Ok(items_result(&items, certified))
    }

    /// Check a `/proof/v2/cardano-block` body. `requested`: block hashes. Returns the v2 shape
    /// with `certified: [{blockHash, blockNumber, slotNumber}]`.
    #[wasm_bindgen(js_name = verifyBlocksProof)]
    pub fn verify_blocks_proof(&self, body: &[u8], requested: JsValue) -> Result<JsValue, JsValue> {
        let requested = requested_ids(&requested)?;
        let items = proofs::verify_blocks_proof(body, &self.inner, &requested).map_err(thrown)?;
        let certified = items.certified.iter().map(block).collect();
        Ok(items_result(&items, certified))
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
