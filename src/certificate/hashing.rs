//! The certificate hash, over the fields in the reference's order, with the AVK and
//! multi-signature re-encoded as canonical JSON-hex.

use alloc::string::String;
use sha2::{Digest, Sha256};

use super::model::{Certificate, CertificateSignature};
use crate::codec::hex;

impl Certificate {
    /// Recompute the certificate hash from its content (hex).
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.previous_hash.as_bytes());
        h.update(self.epoch.to_be_bytes());
        h.update(self.metadata.hash().as_bytes());
        h.update(self.protocol_message.hash().as_bytes());
        h.update(self.signed_message.as_bytes());
        h.update(self.aggregate_verification_key.to_json_hex().as_bytes());
        match &self.signature {
            CertificateSignature::Multi(sig) => {
                self.signed_entity_type.feed_hash(&mut h);
                h.update(sig.to_json_hex().as_bytes());
            }
            CertificateSignature::Genesis(sig) => h.update(hex::encode(sig).as_bytes()),
        }
        if let Some(data) = &self.ancillary_prover_data {
            h.update(data);
        }
        if let Some(data) = &self.ancillary_verifier_data {
            h.update(data);
        }
        hex::encode(&h.finalize())
    }
}
