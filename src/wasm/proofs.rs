//! `VerifiedCertificateHandle`: a certificate a walk verified, kept on the Rust side, and the
//! core's light-wallet checks against it (transaction and block proofs, stake distributions,
//! Cardano database artifacts).
//!
//! Bodies come in as the aggregator's bytes, never as values JavaScript parsed: stakes and
//! block numbers may exceed 2^53. Results are plain JS objects (serde views, serialized by
//! `convert::to_js_bigints`) whose 64-bit integers (block and slot numbers, offsets, stakes)
//! are `bigint`s; epochs and file counts are numbers (`f64` in the views), as in the chain
//! result. Failures are thrown as `MithrilVerificationError`s with the core's proof codes.

use alloc::string::String;
use alloc::vec::Vec;
use serde::ser::SerializeMap;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert;
use crate::chain::VerifiedCertificate;
use crate::codec::sorted::SortedMap;
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

/// A transaction or block proof's result: `{certificateHash, merkleRoot, certified,
/// nonCertified, latestBlockNumber, blockNumberOffset?}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemsView<T> {
    certificate_hash: String,
    merkle_root: String,
    certified: Vec<T>,
    non_certified: Vec<String>,
    latest_block_number: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    block_number_offset: Option<u64>,
}

impl<T> From<CertifiedItems<T>> for ItemsView<T> {
    fn from(items: CertifiedItems<T>) -> Self {
        ItemsView {
            certificate_hash: items.certificate_hash,
            merkle_root: items.merkle_root,
            certified: items.certified,
            non_certified: items.non_certified,
            latest_block_number: items.latest_block_number,
            block_number_offset: items.block_number_offset,
        }
    }
}

/// A v1 item: `{transactionHash}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemV1View {
    transaction_hash: String,
}

/// A v2 item: `{transactionHash, blockHash, blockNumber, slotNumber}` for a transaction,
/// `{blockHash, blockNumber, slotNumber}` for a block.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemV2View {
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    block_hash: String,
    block_number: u64,
    slot_number: u64,
}

fn item_v2(kind: &KindV2, item: ItemV2) -> ItemV2View {
    let (transaction_hash, block_hash) = if kind.with_block_hash {
        (Some(item.id), item.block_hash)
    } else {
        (None, item.id)
    };
    ItemV2View {
        transaction_hash,
        block_hash,
        block_number: item.block_number,
        slot_number: item.slot_number,
    }
}

/// A registered signer: `{partyId, verificationKey (hex), stake}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignerView<'a> {
    party_id: &'a str,
    verification_key: String,
    stake: u64,
}

/// `{hash, epoch, certificateHash, aggregateVerificationKey (JSON-hex), signers}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MithrilStakeDistributionView<'a> {
    hash: &'a str,
    epoch: f64,
    certificate_hash: &'a str,
    aggregate_verification_key: String,
    signers: Vec<SignerView<'a>>,
}

/// Pool id -> stake, as a JS `Map` (pool ids are the aggregator's strings: never object keys).
struct StakesView<'a>(&'a SortedMap<String, u64>);

impl Serialize for StakesView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (pool, stake) in self.0.iter() {
            map.serialize_entry(pool, stake)?;
        }
        map.end()
    }
}

/// `{hash, epoch, certificateHash, merkleRoot, stakeDistribution: Map<poolId, stake>}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CardanoStakeDistributionView<'a> {
    hash: &'a str,
    epoch: f64,
    certificate_hash: &'a str,
    merkle_root: &'a str,
    stake_distribution: StakesView<'a>,
}

/// `{status: "verified", immutableFiles} | {status: "not-included"}`.
#[derive(Serialize)]
#[serde(tag = "status")]
enum DigestsView {
    #[serde(rename = "verified")]
    Verified {
        #[serde(rename = "immutableFiles")]
        immutable_files: f64,
    },
    #[serde(rename = "not-included")]
    NotIncluded,
}

/// `{hash, certificateHash, merkleRoot, epoch, immutableFileNumber, digests}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CardanoDatabaseView<'a> {
    hash: &'a str,
    certificate_hash: &'a str,
    merkle_root: &'a str,
    epoch: f64,
    immutable_file_number: f64,
    digests: DigestsView,
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
    Ok(convert::to_js_bigints(&ItemsView::from(
        items.map(|item| item_v2(kind, item)),
    )))
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
        Ok(convert::to_js_bigints(&ItemsView::from(items.map(|t| {
            ItemV1View {
                transaction_hash: t.id,
            }
        }))))
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
    /// signers is the certificate's signed next AVK, and, when `hash` (the one asked for) is
    /// given, the artifact is that one (`proofs::check_requested`). Returns `{hash, epoch,
    /// certificateHash, aggregateVerificationKey (JSON-hex), signers: [{partyId,
    /// verificationKey (hex), stake}]}`, signers in registration order.
    #[wasm_bindgen(js_name = verifyMithrilStakeDistribution)]
    pub fn verify_mithril_stake_distribution(
        &self,
        body: &[u8],
        hash: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let msd = proofs::verify_mithril_stake_distribution(body, &self.inner).map_err(thrown)?;
        proofs::check_requested(hash.as_deref(), &msd.hash, None, msd.epoch).map_err(thrown)?;
        Ok(convert::to_js_bigints(&MithrilStakeDistributionView {
            hash: &msd.hash,
            epoch: msd.epoch as f64,
            certificate_hash: &msd.certificate_hash,
            aggregate_verification_key: msd.aggregate_verification_key.to_json_hex(),
            signers: msd
                .signers
                .iter()
                .map(|s| SignerView {
                    party_id: &s.party_id,
                    verification_key: crate::codec::hex::encode(&s.verification_key),
                    stake: s.stake,
                })
                .collect(),
        }))
    }

    /// Check a `/artifact/cardano-stake-distribution/{hash}` body: its mountain-range root is
    /// the signed one, and it is the artifact asked for by `hash` or `epoch` when given.
    /// Returns `{hash, epoch, certificateHash, merkleRoot, stakeDistribution: Map<poolId,
    /// stake>}` (a `Map`: pool ids are the aggregator's strings).
    #[wasm_bindgen(js_name = verifyCardanoStakeDistribution)]
    pub fn verify_cardano_stake_distribution(
        &self,
        body: &[u8],
        hash: Option<String>,
        epoch: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let csd = proofs::verify_cardano_stake_distribution(body, &self.inner).map_err(thrown)?;
        // The JS side passes a safe integer; anything else asks for no epoch that exists.
        let asked_epoch = epoch.map(|e| {
            if e >= 0.0 && e <= u64::MAX as f64 {
                e as u64
            } else {
                u64::MAX
            }
        });
        proofs::check_requested(hash.as_deref(), &csd.hash, asked_epoch, csd.epoch)
            .map_err(thrown)?;
        Ok(convert::to_js_bigints(&CardanoStakeDistributionView {
            hash: &csd.hash,
            epoch: csd.epoch as f64,
            certificate_hash: &csd.certificate_hash,
            merkle_root: &csd.merkle_root,
            stake_distribution: StakesView(&csd.stake_distribution),
        }))
    }

    /// Check a `/artifact/cardano-database/{hash}` body and, when `digests` (the digests list
    /// body) is given, that they lead to the signed root; when `hash` (the one asked for) is
    /// given, that the artifact is that one. Returns `{hash, certificateHash,
    /// merkleRoot, epoch, immutableFileNumber, digests: {status: "verified", immutableFiles} |
    /// {status: "not-included"}}`.
    #[wasm_bindgen(js_name = verifyCardanoDatabase)]
    pub fn verify_cardano_database(
        &self,
        body: &[u8],
        digests: Option<Vec<u8>>,
        hash: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let list = match &digests {
            Some(bytes) => Some(proofs::parse_digests(bytes).map_err(thrown)?),
            None => None,
        };
        let db =
            proofs::verify_cardano_database(body, &self.inner, list.as_deref()).map_err(thrown)?;
        proofs::check_requested(hash.as_deref(), &db.hash, None, db.epoch).map_err(thrown)?;
        let digests = match db.digests {
            DigestsCheck::Verified { immutable_files } => DigestsView::Verified {
                immutable_files: immutable_files as f64,
            },
            DigestsCheck::NotIncluded => DigestsView::NotIncluded,
        };
        Ok(convert::to_js_bigints(&CardanoDatabaseView {
            hash: &db.hash,
            certificate_hash: &db.certificate_hash,
            merkle_root: &db.merkle_root,
            epoch: db.epoch as f64,
            immutable_file_number: db.immutable_file_number as f64,
            digests,
        }))
    }
}

/// What a proof or artifact body names before it is verified (`proofs::read_envelope`):
/// `{certificateHash, transactionsVersion}` (the version means something for a transactions
/// proof only). `what` names the body in messages: "transactions proof", "blocks proof",
/// "mithril stake distribution", "cardano stake distribution" or "cardano database". Throws
/// the core's `input_too_large` or `proof_malformed`, as the full check would.
#[wasm_bindgen(js_name = readProofEnvelope)]
pub fn read_proof_envelope(body: &[u8], what: &str) -> Result<JsValue, JsValue> {
    // The core's messages name a static kind.
    let what: &'static str = match what {
        "transactions proof" => "transactions proof",
        "blocks proof" => "blocks proof",
        "mithril stake distribution" => "mithril stake distribution",
        "cardano stake distribution" => "cardano stake distribution",
        "cardano database" => "cardano database",
        _ => {
            return Err(convert::usage_error(
                "invalid_argument",
                "unknown body kind",
            ))
        }
    };
    let envelope = proofs::read_envelope(what, body).map_err(|e| convert::proof_error(&e))?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| {
        let _ = js_sys::Reflect::set(&out, &JsValue::from_str(k), &v);
    };
    set(
        "certificateHash",
        JsValue::from_str(&envelope.certificate_hash),
    );
    set(
        "transactionsVersion",
        JsValue::from_f64(f64::from(envelope.transactions_version())),
    );
    Ok(out.into())
}
