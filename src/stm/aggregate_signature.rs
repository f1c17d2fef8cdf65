//! The concatenation proof: each signer's BLS signature with its won lottery indices and
//! registration entry, plus a Merkle batch path proving the entries are registered.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::Deserialize;

use super::keys::{decode_entry_points, Signature, VerificationKey};
use crate::codec::byte_array::{ByteArray, ByteVec, Null};
use crate::codec::canonical_json::JsonWriter;
use crate::codec::json_hex::WireForm;
use crate::codec::{cbor, hex};
use crate::StmError;

/// One signer's contribution to an aggregate.
#[derive(Debug, Clone)]
pub struct SignatureEntry {
    /// The signer's BLS signature on `msg || avk.root`.
    pub sigma: Signature,
    /// Lottery indices the signer claims to have won, in wire order.
    pub indexes: Vec<u64>,
    /// The signer's position in the registration (not checked by the reference).
    pub signer_index: u64,
    /// The signer's registered verification key.
    pub vk: VerificationKey,
    /// The signer's registered stake.
    pub stake: u64,
}

/// Merkle batch path over the signers' registration leaves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchPath {
    /// Sibling hashes, consumed in order (any length on the wire, as in the reference).
    pub values: Vec<Vec<u8>>,
    /// Leaf positions of the signers, in the order of the signature entries.
    pub indices: Vec<u64>,
}

/// A concatenation-proof aggregate signature.
#[derive(Debug, Clone)]
pub struct AggregateSignature {
    /// Signature entries in wire order (the aggregator sorts them by signer index).
    pub signatures: Vec<SignatureEntry>,
    /// Membership proof of the entries' (key, stake) leaves.
    pub batch_proof: BatchPath,
}

// ---- JSON wire form -------------------------------------------------------------------------
// Field names are the reference's: its types derive `Deserialize`, so each struct is accepted as
// a JSON object or as an array of its fields in order (the aggregator writes the array form for
// signature entries), except the single signature, whose flattened fields allow only an object.

#[derive(Deserialize)]
struct WireConcatenationSignature {
    sigma: ByteArray<48>,
    indexes: Vec<u64>,
}

#[derive(Deserialize)]
struct WireSingle {
    #[serde(flatten)]
    concatenation: WireConcatenationSignature,
    signer_index: u64,
}

#[derive(Deserialize)]
struct WireRegistration {
    verification_key_for_concatenation: ByteArray<96>,
    stake: u64,
}

#[derive(Deserialize)]
struct WireSigReg {
    sig: WireSingle,
    reg_party: WireRegistration,
}

#[derive(Deserialize)]
struct WireBatchPath {
    values: Vec<ByteVec>,
    indices: Vec<u64>,
    #[allow(dead_code)]
    hasher: Null,
}

#[derive(Deserialize)]
struct WireAggregate {
    signatures: Vec<WireSigReg>,
    batch_proof: WireBatchPath,
}

// ---- CBOR wire form (each nested value is itself `0x01 || CBOR`) ---------------------------

#[derive(Deserialize)]
struct CborEnvelope {
    signature_type: u64,
    proof_bytes: ByteVec,
}

#[derive(Deserialize)]
struct CborConcatenation {
    signature_bytes: Vec<ByteVec>,
    batch_proof_bytes: ByteVec,
}

#[derive(Deserialize)]
struct CborSigReg {
    signature_bytes: ByteVec,
    registration_entry_bytes: ByteVec,
}

#[derive(Deserialize)]
struct CborRegistration {
    verification_key_bytes: ByteArray<96>,
    stake: u64,
}

fn malformed(detail: String) -> StmError {
    StmError::Malformed {
        what: "aggregate signature",
        detail,
    }
}

impl AggregateSignature {
    fn from_parts(
        entries: Vec<(WireSingle, [u8; 96], u64)>,
        batch: WireBatchPath,
    ) -> Result<Self, StmError> {
        let points: Vec<([u8; 48], [u8; 96])> = entries
            .iter()
            .map(|(sig, vk, _)| (sig.concatenation.sigma.0, *vk))
            .collect();
        let decoded = decode_entry_points(&points)?;
        let signatures = entries
            .into_iter()
            .zip(decoded)
            .map(|((sig, _, stake), (sigma, vk))| SignatureEntry {
                sigma,
                indexes: sig.concatenation.indexes,
                signer_index: sig.signer_index,
                vk,
                stake,
            })
            .collect();
        Ok(AggregateSignature {
            signatures,
            batch_proof: BatchPath {
                values: batch.values.into_iter().map(|v| v.0).collect(),
                indices: batch.indices,
            },
        })
    }

    /// Parse the compact JSON form (the reference's untagged concatenation proof).
    pub fn from_json(json: &[u8]) -> Result<Self, StmError> {
        let wire: WireAggregate =
            serde_json::from_slice(json).map_err(|e| malformed(format!("JSON: {e}")))?;
        let entries = wire
            .signatures
            .into_iter()
            .map(|e| {
                (
                    e.sig,
                    e.reg_party.verification_key_for_concatenation.0,
                    e.reg_party.stake,
                )
            })
            .collect();
        Self::from_parts(entries, wire.batch_proof)
    }

    /// Parse the binary CBOR v1 form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StmError> {
        let envelope: CborEnvelope = cbor::decode_v1(bytes).map_err(malformed)?;
        if envelope.signature_type != 0 {
            return Err(StmError::UnsupportedProof {
                signature_type: envelope.signature_type,
            });
        }
        let proof: CborConcatenation =
            cbor::decode_v1(&envelope.proof_bytes.0).map_err(malformed)?;
        let mut entries = Vec::with_capacity(proof.signature_bytes.len());
        for sig_reg in &proof.signature_bytes {
            let sig_reg: CborSigReg = cbor::decode_v1(&sig_reg.0).map_err(malformed)?;
            let single: WireSingle =
                cbor::decode_v1(&sig_reg.signature_bytes.0).map_err(malformed)?;
            let reg: CborRegistration =
                cbor::decode_v1(&sig_reg.registration_entry_bytes.0).map_err(malformed)?;
            entries.push((single, reg.verification_key_bytes.0, reg.stake));
        }
        let batch: WireBatchPath =
            cbor::decode_v1(&proof.batch_proof_bytes.0).map_err(malformed)?;
        Self::from_parts(entries, batch)
    }

    /// Decode a hex field holding JSON-hex (as aggregators serve today) or bytes-hex.
    pub fn decode(text: &str) -> Result<(Self, WireForm), StmError> {
        let raw = crate::codec::json_hex::decode_hex_field("multi-signature", text)
            .map_err(|_| malformed("not valid hex".into()))?;
        decode_json_or_bytes_raw(&raw)
    }

    /// Total number of claimed lottery indices.
    pub fn index_count(&self) -> usize {
        self.signatures.iter().map(|s| s.indexes.len()).sum()
    }

    /// The canonical compact JSON the reference prints.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("signatures");
        w.begin_array();
        for s in &self.signatures {
            w.begin_array();
            w.begin_object();
            w.key("sigma");
            w.bytes(&s.sigma.bytes);
            w.key("indexes");
            w.u64_array(&s.indexes);
            w.key("signer_index");
            w.u64(s.signer_index);
            w.end_object();
            w.begin_array();
            w.bytes(&s.vk.bytes);
            w.u64(s.stake);
            w.end_array();
            w.end_array();
        }
        w.end_array();
        w.key("batch_proof");
        w.begin_object();
        w.key("values");
        w.begin_array();
        for v in &self.batch_proof.values {
            w.bytes(v);
        }
        w.end_array();
        w.key("indices");
        w.u64_array(&self.batch_proof.indices);
        w.key("hasher");
        w.null();
        w.end_object();
        w.end_object();
        w.finish()
    }

    /// The canonical JSON-hex, which certificate hashes cover.
    pub fn to_json_hex(&self) -> String {
        hex::encode(self.to_json().as_bytes())
    }
}

fn decode_json_or_bytes_raw(raw: &[u8]) -> Result<(AggregateSignature, WireForm), StmError> {
    match AggregateSignature::from_json(raw) {
        Ok(sig) => Ok((sig, WireForm::JsonHex)),
        Err(json_error) => match AggregateSignature::from_bytes(raw) {
            Ok(sig) => Ok((sig, WireForm::BytesHex)),
            // A well-formed binary envelope of another proof type says more than the JSON error.
            Err(e @ StmError::UnsupportedProof { .. }) => Err(e),
            Err(_) => Err(json_error),
        },
    }
}
