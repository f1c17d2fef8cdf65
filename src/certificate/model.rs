//! A certificate parsed from the aggregator's JSON.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use super::check::MultiSignatureCheck;
use super::genesis;
use super::metadata::{Metadata, WireMetadata};
use super::protocol_message::ProtocolMessage;
use super::signed_entity::{SignedEntityType, WireSignedEntityTypeMessage};
use crate::codec::json_hex::decode_hex_field;
use crate::codec::CodecError;
use crate::stm::{AggregateSignature, AggregateVerificationKey};
use crate::Error;

/// What signs a certificate.
#[derive(Debug, Clone)]
pub enum CertificateSignature {
    /// A genesis certificate: the Ed25519 signature of the genesis key on `signed_message`.
    Genesis([u8; 64]),
    /// A standard certificate: the STM multi-signature on `signed_message`.
    Multi(AggregateSignature),
}

/// A certificate, decoded but not yet verified.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The hash the certificate announces.
    pub hash: String,
    /// Hash of the previous certificate in the chain ("" for genesis).
    pub previous_hash: String,
    /// Mithril epoch.
    pub epoch: u64,
    /// What the certificate certifies.
    pub signed_entity_type: SignedEntityType,
    /// Metadata (parameters, signers, dates).
    pub metadata: Metadata,
    /// The signed protocol message.
    pub protocol_message: ProtocolMessage,
    /// Hash of the protocol message, which is what is signed (as its ASCII hex).
    pub signed_message: String,
    /// The key the multi-signature verifies against.
    pub aggregate_verification_key: AggregateVerificationKey,
    /// The signature.
    pub signature: CertificateSignature,
    /// Raw ancillary prover data (SNARK era), covered by the hash when present.
    pub ancillary_prover_data: Option<Vec<u8>>,
    /// Raw ancillary verifier data (SNARK era), covered by the hash when present.
    pub ancillary_verifier_data: Option<Vec<u8>>,
}

/// The reference's `CertificateMessage` (mithril-common without its `snark` feature), field for
/// field: derived `Deserialize`, so the document is an object or the array of its fields, a
/// repeated field is refused and an unknown one skipped.
#[derive(Deserialize)]
struct WireCertificate {
    hash: String,
    previous_hash: String,
    epoch: u64,
    signed_entity_type: WireSignedEntityTypeMessage,
    metadata: WireMetadata,
    protocol_message: ProtocolMessage,
    signed_message: String,
    aggregate_verification_key: String,
    #[serde(default)]
    ancillary_prover_data: Option<String>,
    #[serde(default)]
    ancillary_verifier_data: Option<String>,
    multi_signature: String,
    genesis_signature: String,
}

impl Certificate {
    /// Parse the `/certificate/{hash}` JSON body. Nothing is verified yet. The BLS points of
    /// the multi-signature are only decoded by its [`MultiSignatureCheck`] (the expensive
    /// part, which hosts run on other threads); a point that does not decode is still
    /// reported as the reference reports it, as a malformed certificate on retrieval.
    pub fn from_json(json: &[u8]) -> Result<Self, Error> {
        let w: WireCertificate =
            serde_json::from_slice(json).map_err(|e| CodecError::InvalidJson {
                what: "certificate",
                detail: format!("{e}"),
            })?;
        let malformed = |detail: String| Error::CertificateMalformed {
            certificate: w.hash.clone(),
            detail,
        };
        let metadata =
            Metadata::from_wire(w.metadata).map_err(|e| malformed(format!("metadata: {e}")))?;
        let (aggregate_verification_key, _) =
            AggregateVerificationKey::decode(&w.aggregate_verification_key)
                .map_err(|e| malformed(format!("aggregate verification key: {e}")))?;
        let genesis = !w.genesis_signature.is_empty();
        let signed_entity_type = if genesis {
            SignedEntityType::MithrilStakeDistribution(w.epoch)
        } else {
            w.signed_entity_type
                .known()
                .ok_or_else(|| malformed("signed entity type: unknown or discontinued".into()))?
        };
        let signature = if !genesis {
            let (sig, _) = AggregateSignature::decode(&w.multi_signature)
                .map_err(|e| malformed(format!("multi-signature: {e}")))?;
            CertificateSignature::Multi(sig)
        } else {
            let sig = genesis::decode_signature(&w.genesis_signature)
                .ok_or_else(|| malformed("genesis signature: not 64 bytes of hex".into()))?;
            CertificateSignature::Genesis(sig)
        };
        let ancillary =
            |field: &Option<String>, what: &'static str| -> Result<Option<Vec<u8>>, Error> {
                field
                    .as_deref()
                    .map(|t| decode_hex_field(what, t))
                    .transpose()
                    .map_err(|e| Error::from(e).in_certificate(&w.hash))
            };
        Ok(Certificate {
            ancillary_prover_data: ancillary(&w.ancillary_prover_data, "ancillary_prover_data")?,
            ancillary_verifier_data: ancillary(
                &w.ancillary_verifier_data,
                "ancillary_verifier_data",
            )?,
            hash: w.hash,
            previous_hash: w.previous_hash,
            epoch: w.epoch,
            signed_entity_type,
            metadata,
            protocol_message: w.protocol_message,
            signed_message: w.signed_message,
            aggregate_verification_key,
            signature,
        })
    }

    /// Whether this is a genesis certificate (it carries a genesis signature).
    pub fn is_genesis(&self) -> bool {
        matches!(self.signature, CertificateSignature::Genesis(_))
    }

    /// The independent, expensive part of checking a standard certificate: the STM
    /// multi-signature, points included. `None` for genesis certificates.
    pub fn multi_signature_check(&self) -> Option<MultiSignatureCheck> {
        match &self.signature {
            CertificateSignature::Multi(sig) => Some(MultiSignatureCheck::new(
                self.hash.clone(),
                // The reference signs the ASCII hex of signed_message, not its 32 raw bytes.
                self.signed_message.as_bytes().to_vec(),
                self.aggregate_verification_key.clone(),
                self.metadata.parameters,
                sig.clone(),
            )),
            CertificateSignature::Genesis(_) => None,
        }
    }
}
