//! Limits of a walk.
//!
//! Every limit bounds what one certificate (or one walk) can make the verifier do, and is
//! refused with a typed error before the expensive work: `input_too_large` for bytes (before
//! parsing), `limit_exceeded` for counts (once the certificate is decoded, before its STM check
//! is handed out), `chain_too_long` for the walk. The defaults accept every real Mithril chain
//! and the reference chains with wide headroom. What the walk does not count itself:
//!
//! - **JSON nesting.** The certificate readers refuse documents nested deeper than 128 levels
//!   (serde_json's recursion limit, the reference's), so nesting costs at most 128 frames of
//!   the reader's stack whatever the size.
//! - **String and number lengths.** No separate limit: a string or number is at most the whole
//!   body, which [`WalkConfig::max_certificate_bytes`] bounds before parsing; each field is read
//!   in time linear in its length.
//! - **Lottery arithmetic.** Per aggregate, by [`crate::stm::verify`] (its module
//!   documentation: cheap refusals first for hostile aggregates, a budget that fails closed).

use alloc::string::String;

use crate::certificate::{Certificate, CertificateSignature};
use crate::Error;

/// Tunables of a chain walk, with documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkConfig {
    /// Most certificates one walk may visit, the starting one and genesis included.
    /// Default 10,000: a chain walk visits one master certificate per epoch (Cardano mainnet
    /// has had about 200 Mithril epochs so far), plus the certificates of the starting epoch.
    pub max_chain_length: usize,
    /// Largest certificate body accepted, in bytes. Default 8 MiB: a mainnet certificate with
    /// a few hundred signers is well under 1 MiB. Hosts that read bodies (the CLI, the npm
    /// package) stop reading at this many bytes plus one.
    pub max_certificate_bytes: usize,
    /// Most pairing equations checked together ([`super::ChainWalk`] batches the last step of
    /// its certificates' STM checks: one final exponentiation per batch instead of one per
    /// certificate). Default 32; 0 or 1: each check job checks its own equation.
    pub pairing_batch: usize,
    /// Most signature entries in one certificate's multi-signature. Default 4,096: above the
    /// number of Cardano stake pools (about 3,000; an honest aggregate has one entry per
    /// signing pool), while mainnet-parameter certificates carry tens. Each entry costs two
    /// point decompressions with subgroup checks (~0.3 ms natively, ~10x that in wasm).
    pub max_signatures_per_certificate: usize,
    /// Most lottery indices in one certificate, all entries together. Default 65,536: an honest
    /// aggregate has distinct indices of at most `m`, so at most `m + 1` of them (20,974 at
    /// mainnet's m = 20,973), and real certificates a few thousand (about k = 2,422).
    pub max_indices_per_certificate: usize,
    /// Most lottery indices claimed by one signature entry. Default 32,768: one signer cannot
    /// hold more than `m + 1` distinct indices (20,974 at mainnet's m).
    pub max_indices_per_signature: usize,
    /// Save a walk's pending segment (`ChainWalk::pending_save_due`) once this many more
    /// certificates are verified. Default 8: a walk killed loses at most 8 certificates'
    /// checks (or `pending_save_millis` of work), for a store write every 8 certificates.
    pub pending_save_certificates: usize,
    /// ... or once this many milliseconds have passed since the last save (the host measures
    /// them: the core reads no clock) and at least one more certificate is verified. Default
    /// 2,000.
    pub pending_save_millis: u64,
}

impl Default for WalkConfig {
    fn default() -> Self {
        WalkConfig {
            max_chain_length: 10_000,
            max_certificate_bytes: 8 * 1024 * 1024,
            pairing_batch: 32,
            max_signatures_per_certificate: 4_096,
            max_indices_per_certificate: 65_536,
            max_indices_per_signature: 32_768,
            pending_save_certificates: 8,
            pending_save_millis: 2_000,
        }
    }
}

impl WalkConfig {
    /// Refuse a decoded certificate (asked for as `hash`) whose multi-signature exceeds a
    /// count limit.
    pub fn check_counts(&self, hash: &str, certificate: &Certificate) -> Result<(), Error> {
        let CertificateSignature::Multi(signature) = &certificate.signature else {
            return Ok(());
        };
        let exceeded = |what, count, limit| Error::LimitExceeded {
            certificate: String::from(hash),
            what,
            count,
            limit,
        };
        let entries = &signature.signatures;
        if entries.len() > self.max_signatures_per_certificate {
            return Err(exceeded(
                "signatures",
                entries.len(),
                self.max_signatures_per_certificate,
            ));
        }
        if let Some(entry) = entries
            .iter()
            .find(|e| e.indexes.len() > self.max_indices_per_signature)
        {
            return Err(exceeded(
                "lottery indices in one signature",
                entry.indexes.len(),
                self.max_indices_per_signature,
            ));
        }
        let total = signature.index_count();
        if total > self.max_indices_per_certificate {
            return Err(exceeded(
                "lottery indices",
                total,
                self.max_indices_per_certificate,
            ));
        }
        Ok(())
    }
}
