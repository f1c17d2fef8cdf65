//! Both verifiers' verdicts on one certificate text put at the tip of a fixture chain.
//!
//! - reference: `serde_json` into `CertificateMessage`, `Certificate::try_from`, then
//!   `MithrilCertificateVerifier::verify_certificate` with a retriever serving the fixture's
//!   genuine certificates (as the official client converts what it downloads);
//! - mithril-lite: the public sans-IO walk (`ChainWalk::run`) asked for the tip's hash, fed
//!   the text for it and the genuine bodies for the rest.
//!
//! Both stop one step after the tip: the reference checks the tip's integrity, its STM
//! signature and its chaining to the predecessor it fetches (one `verify_certificate`); the
//! walk trusts every genuine certificate but the tip's own (`with_trusted`: the predecessor is
//! still fetched and hash-checked, the chaining rules still run). [`Chain::load`] first checks
//! that every genuine certificate passes that same one-step check on both sides, so by
//! induction every predecessor chain is valid to genesis and one step decides the verdict.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use async_trait::async_trait;
use mithril_common::certificate_chain::{
    CertificateRetriever, CertificateRetrieverError, CertificateVerifier,
    MithrilCertificateVerifier,
};
use mithril_common::crypto_helper::GenesisVerifier;
use mithril_common::entities::Certificate as ReferenceCertificate;
use mithril_common::messages::CertificateMessage;
use mithril_lite::certificate::{Certificate as LiteCertificate, GenesisVerificationKey};
use mithril_lite::chain::{ChainWalk, WalkConfig};
use serde_json::value::RawValue;

/// A verdict: accepted, or refused with the verifier's error text.
pub type Verdict = Result<(), String>;

/// A fixture chain: genuine bodies by hash, and both sides' genesis verifiers.
pub struct Chain {
    /// A short name (`devnet`, `two-per-epoch`, ...), used in reports and regression files.
    pub name: String,
    /// The genuine certificates' hashes, sorted (a stable order for seeded draws).
    pub hashes: Vec<String>,
    /// Exact JSON text of each genuine certificate.
    pub bodies: HashMap<String, String>,
    reference: MithrilCertificateVerifier,
    lite_key: GenesisVerificationKey,
}

struct Retriever {
    bodies: HashMap<String, String>,
}

#[async_trait]
impl CertificateRetriever for Retriever {
    async fn get_certificate_details(
        &self,
        hash: &str,
    ) -> Result<ReferenceCertificate, CertificateRetrieverError> {
        let body = self
            .bodies
            .get(hash)
            .ok_or_else(|| CertificateRetrieverError(anyhow::anyhow!("no certificate {hash}")))?;
        reference_parse(body.as_bytes()).map_err(|e| CertificateRetrieverError(anyhow::anyhow!(e)))
    }
}

/// The reference's reading of a certificate body, as its client does it (the HTTP client
/// hands serde_json the response's bytes).
pub fn reference_parse(text: &[u8]) -> Result<ReferenceCertificate, String> {
    let message: CertificateMessage =
        serde_json::from_slice(text).map_err(|e| format!("CertificateMessage: {e}"))?;
    ReferenceCertificate::try_from(message).map_err(|e| format!("Certificate::try_from: {e:#}"))
}

/// Polls a future that never waits on anything external (the retriever is in memory).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
}

impl Chain {
    /// Load a fixture directory (certificates.json, genesis.vkey) and check every genuine
    /// certificate on both sides (see the module doc).
    pub fn load(name: &str, dir: &Path) -> Result<Chain, String> {
        let chain = Chain::load_unchecked(name, dir)?;
        for hash in &chain.hashes {
            let body = &chain.bodies[hash];
            if let Err(e) = chain.reference(body.as_bytes()) {
                return Err(format!(
                    "{name} {hash}: the reference refuses the genuine certificate: {e}"
                ));
            }
            if let Err(e) = chain.lite(hash, body.as_bytes()) {
                return Err(format!(
                    "{name} {hash}: mithril-lite refuses the genuine certificate: {e}"
                ));
            }
        }
        Ok(chain)
    }

    /// [`Chain::load`] without checking the genuine certificates (the fuzz target, whose
    /// setup must stay short; the binary checks them on every run).
    pub fn load_unchecked(name: &str, dir: &Path) -> Result<Chain, String> {
        let read = |file: &str| {
            std::fs::read_to_string(dir.join(file))
                .map_err(|e| format!("{}: {e}", dir.join(file).display()))
        };
        let map: HashMap<String, Box<RawValue>> = serde_json::from_str(&read("certificates.json")?)
            .map_err(|e| format!("{}/certificates.json: {e}", dir.display()))?;
        let bodies: HashMap<String, String> = map
            .into_iter()
            .map(|(k, v)| (k, v.get().to_string()))
            .collect();
        let mut hashes: Vec<String> = bodies.keys().cloned().collect();
        hashes.sort();
        let key_text = read("genesis.vkey")?;
        let genesis =
            GenesisVerifier::try_from_hex(key_text.trim()).map_err(|e| format!("{e:#}"))?;
        let retriever = Arc::new(Retriever {
            bodies: bodies.clone(),
        });
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let reference = MithrilCertificateVerifier::new(
            logger,
            retriever as Arc<dyn CertificateRetriever>,
            Arc::new(genesis),
        );
        let lite_key =
            GenesisVerificationKey::decode(key_text.trim()).map_err(|e| e.to_string())?;
        Ok(Chain {
            name: name.to_string(),
            hashes,
            bodies,
            reference,
            lite_key,
        })
    }

    /// The reference's verdict on `text` at the tip.
    pub fn reference(&self, text: &[u8]) -> Verdict {
        let certificate = reference_parse(text)?;
        block_on(self.reference.verify_certificate(&certificate))
            .map(|_| ())
            .map_err(|e| format!("verify_certificate: {e:#}"))
    }

    /// mithril-lite's verdict on `text` served as the certificate `requested` at the tip.
    pub fn lite(&self, requested: &str, text: &[u8]) -> Verdict {
        let trusted = self.hashes.iter().filter(|h| *h != requested).cloned();
        let walk = ChainWalk::new(requested, self.lite_key.clone(), WalkConfig::default())
            .with_trusted(trusted);
        let mut tip = Some(text);
        walk.run(|hash| match tip.take() {
            Some(t) => Ok(t),
            None => self
                .bodies
                .get(hash)
                .map(String::as_bytes)
                .ok_or("not in the fixture chain"),
        })
        .map(|_| ())
        .map_err(|e| format!("{e} ({})", e.code()))
    }

    /// `text`'s hash as the reference computes it, or, where the reference cannot read it,
    /// as mithril-lite does (so a text only one side reads still reaches the deep checks).
    pub fn recompute_hash(&self, text: &[u8]) -> Option<String> {
        match reference_parse(text) {
            Ok(c) => c.try_compute_hash().ok(),
            Err(_) => LiteCertificate::from_json(text)
                .ok()
                .map(|c| c.compute_hash()),
        }
    }
}

/// The fixture chains (name, directory under the fixture root), in the order the binary and
/// the fuzz target number their certificates.
pub const CHAINS: [(&str, &str); 3] = [
    ("devnet", "devnet"),
    ("two-per-epoch", "reference-chains/two-per-epoch"),
    ("mainnet-params", "reference-chains/mainnet-params"),
];

/// Load and check every chain of [`CHAINS`] under the fixture root.
pub fn load_chains(fixtures: &Path) -> Result<Vec<Chain>, String> {
    CHAINS
        .iter()
        .map(|(name, rel)| Chain::load(name, &fixtures.join(rel)))
        .collect()
}

/// Load every chain of [`CHAINS`] without checking them ([`Chain::load_unchecked`]).
pub fn load_chains_unchecked(fixtures: &Path) -> Result<Vec<Chain>, String> {
    CHAINS
        .iter()
        .map(|(name, rel)| Chain::load_unchecked(name, &fixtures.join(rel)))
        .collect()
}
