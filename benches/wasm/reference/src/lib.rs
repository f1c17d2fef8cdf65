//! The reference verifiers, compiled to wasm32 for the node benchmark (`benches/wasm/bench.mjs`).
//!
//! Two entry points, each doing what the reference does from the same text inputs mithril-lite
//! gets:
//! - `verifyStm`: mithril-stm 0.13.0 decoding (hex, then `serde_json`) of a concatenation AVK and
//!   aggregate signature, then `AggregateSignature::verify`;
//! - `ReferenceChain.verify`: mithril-common 0.8.3's `MithrilCertificateVerifier` walking a chain
//!   back to its genesis certificate, fed by an in-memory `CertificateRetriever` that parses each
//!   certificate's exact `/certificate/{hash}` body (`CertificateMessage`) and converts it, as the
//!   official client does with the bodies it downloads.
//!
//! Benchmark-only: no part of mithril-lite.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use mithril_common::certificate_chain::{
    CertificateRetriever, CertificateRetrieverError, CertificateVerifier,
    MithrilCertificateVerifier,
};
use mithril_common::crypto_helper::GenesisVerifier;
use mithril_common::entities::Certificate;
use mithril_common::messages::CertificateMessage;
use mithril_stm::MithrilMembershipDigest;
use wasm_bindgen::prelude::*;

type RefAggregate = mithril_stm::AggregateSignature<MithrilMembershipDigest>;
type RefAvkForConcatenation =
    mithril_stm::AggregateVerificationKeyForConcatenation<MithrilMembershipDigest>;
type RefAvk = mithril_stm::AggregateVerificationKey<MithrilMembershipDigest>;

fn js_error(what: &str, detail: impl std::fmt::Display) -> JsError {
    JsError::new(&format!("{what}: {detail}"))
}

// ---- STM ----------------------------------------------------------------------------------------

/// Decode and verify a concatenation aggregate the way mithril-stm 0.13.0 does.
///
/// `params_json`: `{"m":..,"k":..,"phi_f":..}`; `msg_hex`: the signed message; `avk_json_hex` and
/// `aggregate_json_hex`: the JSON-hex forms a certificate carries. Throws unless it verifies.
#[wasm_bindgen(js_name = verifyStm)]
pub fn verify_stm(
    params_json: &str,
    msg_hex: &str,
    avk_json_hex: &str,
    aggregate_json_hex: &str,
) -> Result<(), JsError> {
    let params: mithril_stm::Parameters =
        serde_json::from_str(params_json).map_err(|e| js_error("params", e))?;
    let msg = hex::decode(msg_hex).map_err(|e| js_error("message hex", e))?;
    let avk_json = hex::decode(avk_json_hex).map_err(|e| js_error("AVK hex", e))?;
    let avk: RefAvkForConcatenation =
        serde_json::from_slice(&avk_json).map_err(|e| js_error("AVK JSON", e))?;
    let aggregate_json =
        hex::decode(aggregate_json_hex).map_err(|e| js_error("aggregate hex", e))?;
    let signature: RefAggregate =
        serde_json::from_slice(&aggregate_json).map_err(|e| js_error("aggregate JSON", e))?;
    signature
        .verify(&msg, &RefAvk::new(avk), &params, None, None)
        .map_err(|e| js_error("mithril-stm verify", e))
}

/// Decoded STM inputs, to time the verification apart from the decoding.
#[wasm_bindgen]
pub struct DecodedStm {
    params: mithril_stm::Parameters,
    msg: Vec<u8>,
    avk: RefAvk,
    signature: RefAggregate,
}

#[wasm_bindgen]
impl DecodedStm {
    /// Decode the inputs of [`verify_stm`] as it does.
    #[wasm_bindgen(constructor)]
    pub fn new(
        params_json: &str,
        msg_hex: &str,
        avk_json_hex: &str,
        aggregate_json_hex: &str,
    ) -> Result<DecodedStm, JsError> {
        let params: mithril_stm::Parameters =
            serde_json::from_str(params_json).map_err(|e| js_error("params", e))?;
        let msg = hex::decode(msg_hex).map_err(|e| js_error("message hex", e))?;
        let avk_json = hex::decode(avk_json_hex).map_err(|e| js_error("AVK hex", e))?;
        let avk: RefAvkForConcatenation =
            serde_json::from_slice(&avk_json).map_err(|e| js_error("AVK JSON", e))?;
        let aggregate_json =
            hex::decode(aggregate_json_hex).map_err(|e| js_error("aggregate hex", e))?;
        let signature: RefAggregate =
            serde_json::from_slice(&aggregate_json).map_err(|e| js_error("aggregate JSON", e))?;
        Ok(DecodedStm {
            params,
            msg,
            avk: RefAvk::new(avk),
            signature,
        })
    }

    /// `AggregateSignature::verify` on the decoded inputs. Throws unless it verifies.
    pub fn verify(&self) -> Result<(), JsError> {
        self.signature
            .verify(&self.msg, &self.avk, &self.params, None, None)
            .map_err(|e| js_error("mithril-stm verify", e))
    }
}

// ---- Certificate chain --------------------------------------------------------------------------

/// Certificates by hash, as the aggregator serves them (exact JSON bodies).
struct InMemoryRetriever {
    bodies: HashMap<String, String>,
}

#[cfg_attr(target_family = "wasm", async_trait(?Send))]
#[cfg_attr(not(target_family = "wasm"), async_trait)]
impl CertificateRetriever for InMemoryRetriever {
    async fn get_certificate_details(
        &self,
        certificate_hash: &str,
    ) -> Result<Certificate, CertificateRetrieverError> {
        let body = self.bodies.get(certificate_hash).ok_or_else(|| {
            CertificateRetrieverError(anyhow::anyhow!("no certificate {certificate_hash}"))
        })?;
        let message: CertificateMessage = serde_json::from_str(body)
            .map_err(|e| CertificateRetrieverError(anyhow::anyhow!(e)))?;
        Certificate::try_from(message).map_err(CertificateRetrieverError)
    }
}

/// Drive a future that never waits on anything external (the retriever is in memory) to its end.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    // Everything the verifier awaits is ready at once; a bounded loop turns a surprise into an
    // error instead of a hang.
    for _ in 0..1_000_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("reference verifier future did not complete: it waits on something external");
}

/// A set of certificates and a genesis key for mithril-common's chain verifier.
#[wasm_bindgen]
pub struct ReferenceChain {
    retriever: Arc<InMemoryRetriever>,
    genesis_verification_key: String,
}

#[wasm_bindgen]
impl ReferenceChain {
    /// `genesis_verification_key`: the key file's text (JSON-hex, as mithril-common reads it).
    /// Checked here; decoded again by every `verify`, as mithril-lite's walk decodes its key.
    #[wasm_bindgen(constructor)]
    pub fn new(genesis_verification_key: &str) -> Result<ReferenceChain, JsError> {
        GenesisVerifier::try_from_hex(genesis_verification_key)
            .map_err(|e| js_error("genesis key", e))?;
        Ok(ReferenceChain {
            retriever: Arc::new(InMemoryRetriever {
                bodies: HashMap::new(),
            }),
            genesis_verification_key: genesis_verification_key.to_string(),
        })
    }

    /// Add the exact body of certificate `hash`.
    pub fn add(&mut self, hash: &str, body: &str) {
        Arc::get_mut(&mut self.retriever)
            .expect("no verification in progress")
            .bodies
            .insert(hash.to_string(), body.to_string());
    }

    /// Verify the chain from `hash` back to its genesis certificate, as
    /// `CertificateVerifier::verify_certificate_chain` does (one certificate at a time: each
    /// `verify_certificate` fetches and checks against the previous one). Returns the number of
    /// certificates verified; throws on the first failure.
    pub fn verify(&self, hash: &str) -> Result<u32, JsError> {
        let genesis_verifier = GenesisVerifier::try_from_hex(&self.genesis_verification_key)
            .map_err(|e| js_error("genesis key", e))?;
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let retriever: Arc<dyn CertificateRetriever> = self.retriever.clone();
        let verifier =
            MithrilCertificateVerifier::new(logger, retriever.clone(), Arc::new(genesis_verifier));
        block_on(async {
            let mut certificate = retriever.get_certificate_details(hash).await.map_err(|e| {
                js_error("first certificate", format!("{:#}", anyhow::Error::from(e)))
            })?;
            let mut count = 1u32;
            while let Some(previous) = verifier
                .verify_certificate(&certificate)
                .await
                .map_err(|e| js_error("mithril-common verify", format!("{e:#}")))?
            {
                certificate = previous;
                count += 1;
            }
            Ok(count)
        })
    }
}
