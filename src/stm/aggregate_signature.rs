//! The concatenation proof: each signer's BLS signature with its won lottery indices and
//! registration entry, plus a Merkle batch path proving the entries are registered.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;

use serde::Deserialize;

use super::StmError;
use crate::codec::byte_array::ByteArray;
use crate::codec::canonical_json::JsonWriter;
use crate::codec::cbor::{CborReader, CborResult};
use crate::codec::hex;
use crate::codec::json_hex::WireForm;

/// One signer's contribution to an aggregate, as on the wire. Its points are not decoded here:
/// decompression and subgroup checks are most of a certificate's cost, so they run with the
/// rest of the check ([`super::verify_aggregate`]), which may be on another thread, and the
/// cheap parsing that names a certificate's predecessor stays cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureEntry {
    /// The signer's compressed BLS signature (G1) on `msg || avk.root`.
    pub sigma: [u8; 48],
    /// Lottery indices the signer claims to have won, in wire order.
    pub indexes: Vec<u64>,
    /// The signer's position in the registration (not checked by the reference).
    pub signer_index: u64,
    /// The signer's registered verification key, compressed (G2).
    pub vk: [u8; 96],
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateSignature {
    /// Signature entries in wire order (the aggregator sorts them by signer index).
    pub signatures: Vec<SignatureEntry>,
    /// Membership proof of the entries' (key, stake) leaves.
    pub batch_proof: BatchPath,
}

// ---- wire forms -----------------------------------------------------------------------------
// The JSON types are the reference's (mithril-stm 0.13, without its `snark` feature), field for
// field, with derived `Deserialize`: each struct reads as an object or as the array of its fields
// (the aggregator writes the array form for signature entries), except the single signature,
// whose flattened fields allow only an object. The aggregate is an enum whose only variant is
// `#[serde(untagged)]`: serde buffers the whole document before matching it, which decides how
// numbers anywhere in it are read (serde_json's default parsing, out-of-range floats refused)
// and bounds its depth (serde_json's recursion limit). In CBOR every struct is a map, and each
// nested value is itself `0x01 || CBOR`.

/// `AggregateSignature`: the concatenation proof, untagged.
#[derive(Deserialize)]
#[serde(rename = "AggregateSignature")]
enum WireAggregateSignature {
    #[serde(untagged)]
    Concatenation(WireConcatenationProof),
}

/// `ConcatenationProof`.
#[derive(Deserialize)]
struct WireConcatenationProof {
    signatures: Vec<WireSignatureWithParty>,
    batch_proof: WireBatchPath,
}

/// `SingleSignatureWithRegisteredParty` (the reference writes it as a 2-tuple; derived reading
/// takes that array or an object).
#[derive(Deserialize)]
struct WireSignatureWithParty {
    sig: WireSingleSignature,
    reg_party: WireRegistrationEntry,
}

/// `SingleSignature`: the concatenation signature's fields flattened next to `signer_index`.
#[derive(Deserialize)]
struct WireSingleSignature {
    #[serde(flatten)]
    concatenation_signature: WireConcatenationSignature,
    signer_index: u64,
}

/// `SingleSignatureForConcatenation`.
#[derive(Deserialize)]
struct WireConcatenationSignature {
    sigma: ByteArray<48>,
    indexes: Vec<u64>,
}

/// `ClosedRegistrationEntry`.
#[derive(Deserialize)]
struct WireRegistrationEntry {
    verification_key_for_concatenation: ByteArray<96>,
    stake: u64,
}

/// `MerkleBatchPath`: `hasher` is a `PhantomData`, written `null`.
#[derive(Deserialize)]
struct WireBatchPath {
    values: Vec<Vec<u8>>,
    indices: Vec<u64>,
    #[serde(rename = "hasher")]
    _hasher: PhantomData<()>,
}

/// The CBOR field names (the JSON ones, from the same reference structs).
const SINGLE: &[&str] = &["sigma", "indexes", "signer_index"];
const BATCH_PATH: &[&str] = &["values", "indices", "hasher"];

/// One entry as read: (sigma, indexes, signer index, key, stake).
type WireEntry = ([u8; 48], Vec<u64>, u64, [u8; 96], u64);

fn read_cbor_batch(r: &mut CborReader<'_>) -> CborResult<BatchPath> {
    let mut path = BatchPath::default();
    r.record(BATCH_PATH, false, &mut |r, i| {
        match i {
            0 => path.values = r.bytes_vec()?,
            1 => path.indices = r.u64_vec()?,
            _ => r.null()?,
        }
        Ok(())
    })?;
    Ok(path)
}

/// The two byte fields of a CBOR struct, in field order.
fn cbor_pair(bytes: &[u8], names: &'static [&'static str]) -> CborResult<(Vec<u8>, Vec<u8>)> {
    CborReader::parse_v1(bytes, |r| {
        let mut out = (Vec::new(), Vec::new());
        r.record(names, false, &mut |r, i| {
            let v = r.bytes(None)?;
            if i == 0 {
                out.0 = v;
            } else {
                out.1 = v;
            }
            Ok(())
        })?;
        Ok(out)
    })
}

fn read_cbor_entry(sig_reg: &[u8]) -> CborResult<WireEntry> {
    let mut e: WireEntry = ([0; 48], Vec::new(), 0, [0; 96], 0);
    let (single, registration) =
        cbor_pair(sig_reg, &["signature_bytes", "registration_entry_bytes"])?;
    CborReader::parse_v1(&single, |r| {
        r.record(SINGLE, true, &mut |r, i| {
            match i {
                // The flattened struct's fields: serde buffers them before decoding.
                0 => e.0 = r.buffered(|r| r.byte_array())?,
                1 => e.1 = r.buffered(|r| r.u64_vec())?,
                _ => e.2 = r.u64()?,
            }
            Ok(())
        })
    })?;
    CborReader::parse_v1(&registration, |r| {
        r.record(&["verification_key_bytes", "stake"], false, &mut |r, i| {
            match i {
                0 => e.3 = r.byte_array()?,
                _ => e.4 = r.u64()?,
            }
            Ok(())
        })
    })?;
    Ok(e)
}

fn malformed(detail: String) -> StmError {
    StmError::Malformed {
        what: "aggregate signature",
        detail,
    }
}

impl AggregateSignature {
    fn from_parts(entries: Vec<WireEntry>, batch_proof: BatchPath) -> Self {
        let signatures = entries
            .into_iter()
            .map(|(sigma, indexes, signer_index, vk, stake)| SignatureEntry {
                sigma,
                indexes,
                signer_index,
                vk,
                stake,
            })
            .collect();
        AggregateSignature {
            signatures,
            batch_proof,
        }
    }

    /// Parse the compact JSON form (the reference's untagged concatenation proof).
    pub fn from_json(json: &[u8]) -> Result<Self, StmError> {
        let WireAggregateSignature::Concatenation(proof) =
            serde_json::from_slice(json).map_err(|e| malformed(format!("JSON: {e}")))?;
        let entries = proof
            .signatures
            .into_iter()
            .map(|e| {
                let single = e.sig.concatenation_signature;
                (
                    single.sigma.0,
                    single.indexes,
                    e.sig.signer_index,
                    e.reg_party.verification_key_for_concatenation.0,
                    e.reg_party.stake,
                )
            })
            .collect();
        let batch = BatchPath {
            values: proof.batch_proof.values,
            indices: proof.batch_proof.indices,
        };
        Ok(Self::from_parts(entries, batch))
    }

    /// Parse the binary CBOR v1 form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, StmError> {
        let mut signature_type = 0;
        let mut proof_bytes = Vec::new();
        CborReader::parse_v1(bytes, |r| {
            r.record(&["signature_type", "proof_bytes"], false, &mut |r, i| {
                if i == 0 {
                    signature_type = r.u64()?;
                } else {
                    proof_bytes = r.bytes(None)?;
                }
                Ok(())
            })
        })
        .map_err(malformed)?;
        if signature_type != 0 {
            return Err(StmError::UnsupportedProof { signature_type });
        }
        let mut signature_bytes = Vec::new();
        let mut batch_proof_bytes = Vec::new();
        CborReader::parse_v1(&proof_bytes, |r| {
            r.record(
                &["signature_bytes", "batch_proof_bytes"],
                false,
                &mut |r, i| {
                    if i == 0 {
                        signature_bytes = r.bytes_vec()?;
                    } else {
                        batch_proof_bytes = r.bytes(None)?;
                    }
                    Ok(())
                },
            )
        })
        .map_err(malformed)?;
        let entries = signature_bytes
            .iter()
            .map(|sig_reg| read_cbor_entry(sig_reg))
            .collect::<CborResult<Vec<_>>>()
            .map_err(malformed)?;
        let batch = CborReader::parse_v1(&batch_proof_bytes, read_cbor_batch).map_err(malformed)?;
        Ok(Self::from_parts(entries, batch))
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
            w.bytes(&s.sigma);
            w.key("indexes");
            w.u64_array(&s.indexes);
            w.key("signer_index");
            w.u64(s.signer_index);
            w.end_object();
            w.begin_array();
            w.bytes(&s.vk);
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
