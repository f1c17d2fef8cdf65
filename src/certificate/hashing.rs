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

#[cfg(test)]
mod tests {
    use super::*;

    fn devnet_certificates() -> serde_json::Map<String, serde_json::Value> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/devnet/certificates.json"
        );
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn recomputes_the_devnet_hashes_of_both_kinds() {
        let mut kinds = (0, 0);
        for (hash, cert) in devnet_certificates() {
            let c = Certificate::from_json(cert.to_string().as_bytes()).unwrap();
            assert_eq!(c.compute_hash(), hash);
            assert_eq!(c.protocol_message.hash(), c.signed_message);
            if c.is_genesis() {
                kinds.0 += 1;
            } else {
                kinds.1 += 1;
            }
        }
        assert_eq!(kinds, (1, 42));
    }

    #[test]
    fn any_field_change_changes_the_hash() {
        let (hash, cert) = devnet_certificates()
            .into_iter()
            .find(|(_, c)| c["genesis_signature"] == "")
            .unwrap();
        let base = Certificate::from_json(cert.to_string().as_bytes()).unwrap();
        let mut c = base.clone();
        c.epoch += 1;
        assert_ne!(c.compute_hash(), hash);
        let mut c = base.clone();
        c.metadata.signers[0].stake += 1;
        assert_ne!(c.compute_hash(), hash);
        let mut c = base.clone();
        c.aggregate_verification_key.total_stake += 1;
        assert_ne!(c.compute_hash(), hash);
        let mut c = base.clone();
        c.signed_entity_type = crate::certificate::SignedEntityType::CardanoStakeDistribution(0);
        assert_ne!(c.compute_hash(), hash);
        let mut c = base;
        c.ancillary_prover_data = Some(alloc::vec![1]);
        assert_ne!(c.compute_hash(), hash);
    }
}
