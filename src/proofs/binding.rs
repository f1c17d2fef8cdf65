//! Binding a proof or an artifact to a verified certificate: it must name that certificate,
//! and the certificate's protocol message, with the parts the proof or artifact vouches for,
//! must hash to the certificate's signed message (the light-wallet flow the README describes).

use alloc::string::String;
use alloc::vec::Vec;

use serde::de::DeserializeOwned;

use super::error::ProofError;
use super::json::from_json;
use crate::certificate::{PartKey, SignedEntityType};
use crate::chain::VerifiedCertificate;

/// Default bound on a proof or artifact body (16 MiB), checked before anything is parsed.
pub const MAX_BODY_BYTES: usize = 16 << 20;

/// Refuse a body over [`MAX_BODY_BYTES`].
pub(crate) fn check_body_size(what: &'static str, body: &[u8]) -> Result<(), ProofError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ProofError::InputTooLarge {
            what,
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    Ok(())
}

/// Read a JSON body as a `T` (the mirror of its reference message type), after checking its
/// size.
pub(crate) fn parse_body<T: DeserializeOwned>(
    what: &'static str,
    body: &[u8],
) -> Result<T, ProofError> {
    check_body_size(what, body)?;
    from_json(what, body)
}

/// The proof or artifact names `certificate_hash`: it must be `certificate`.
pub fn check_certificate_hash(
    certificate_hash: &str,
    certificate: &VerifiedCertificate,
) -> Result<(), ProofError> {
    if certificate_hash != certificate.hash {
        return Err(ProofError::CertificateMismatch {
            expected: certificate_hash.into(),
            got: certificate.hash.clone(),
        });
    }
    Ok(())
}

/// Set `parts` on the certificate's protocol message and check that it still hashes to the
/// signed message. On a mismatch, the error names the parts whose value differs from the one
/// the certificate carries (or that it does not carry).
pub fn check_signed_parts(
    certificate: &VerifiedCertificate,
    parts: &[(PartKey, String)],
) -> Result<(), ProofError> {
    let mut message = certificate.protocol_message.clone();
    for (key, value) in parts {
        message.set(*key, value.clone());
    }
    let computed = message.hash();
    if computed != certificate.signed_message {
        let differing: Vec<&'static str> = parts
            .iter()
            .filter(|(key, value)| certificate.protocol_message.get(*key) != Some(value.as_str()))
            .map(|(key, _)| key.as_str())
            .collect();
        return Err(ProofError::MessageMismatch {
            certificate: certificate.hash.clone(),
            computed,
            signed_message: certificate.signed_message.clone(),
            parts: differing,
        });
    }
    Ok(())
}

/// The certificate must certify `expected` (the artifact's beacon).
pub(crate) fn check_signed_entity(
    certificate: &VerifiedCertificate,
    expected: &SignedEntityType,
) -> Result<(), ProofError> {
    if &certificate.signed_entity_type != expected {
        return Err(ProofError::ArtifactMismatch {
            certificate: certificate.hash.clone(),
            what: "signed entity",
            artifact: expected.to_json(),
            signed: certificate.signed_entity_type.to_json(),
        });
    }
    Ok(())
}
