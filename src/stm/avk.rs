//! The aggregate verification key: Merkle root of the key registration, number of leaves and
//! total stake.

use alloc::string::String;
use alloc::vec::Vec;
use core::marker::PhantomData;

use serde::Deserialize;

use crate::codec::canonical_json::JsonWriter;
use crate::codec::cbor::{CborReader, CborResult, CBOR_V1};
use crate::codec::hex;
use crate::codec::json_hex::{decode_json_or_bytes, WireForm};
use crate::codec::CodecError;

/// Aggregate verification key of a concatenation proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateVerificationKey {
    /// Blake2b-256 Merkle root over the registered (key, stake) leaves (the reference accepts
    /// any length on the wire; only a 32-byte root can match a tree).
    pub root: Vec<u8>,
    /// Number of registered signers.
    pub nr_leaves: u64,
    /// Sum of the registered stakes.
    pub total_stake: u64,
}

/// The reference's `AggregateVerificationKeyForConcatenation`, field for field: derived
/// `Deserialize`, so each struct reads as an object or as the array of its fields.
#[derive(Deserialize)]
struct WireAvk {
    mt_commitment: WireBatchCommitment,
    total_stake: u64,
}

/// `MerkleTreeBatchCommitment`: `hasher` is a `PhantomData`, which JSON writes as `null`.
#[derive(Deserialize)]
struct WireBatchCommitment {
    root: Vec<u8>,
    nr_leaves: u64,
    #[serde(rename = "hasher")]
    _hasher: PhantomData<()>,
}

/// The field names, which the CBOR form shares.
const AVK_FIELDS: &[&str] = &["mt_commitment", "total_stake"];
const COMMITMENT_FIELDS: &[&str] = &["root", "nr_leaves", "hasher"];

impl AggregateVerificationKey {
    /// Parse the compact JSON form.
    pub fn from_json(json: &[u8]) -> Result<Self, CodecError> {
        let w: WireAvk = serde_json::from_slice(json).map_err(|e| CodecError::InvalidJson {
            what: "aggregate verification key",
            detail: alloc::format!("{e}"),
        })?;
        Ok(AggregateVerificationKey {
            root: w.mt_commitment.root,
            nr_leaves: w.mt_commitment.nr_leaves,
            total_stake: w.total_stake,
        })
    }

    fn read_cbor(r: &mut CborReader<'_>) -> CborResult<Self> {
        let mut avk = AggregateVerificationKey {
            root: Vec::new(),
            nr_leaves: 0,
            total_stake: 0,
        };
        r.record(AVK_FIELDS, false, &mut |r, i| {
            match i {
                0 => r.record(COMMITMENT_FIELDS, false, &mut |r, i| {
                    match i {
                        0 => avk.root = r.bytes(None)?,
                        1 => avk.nr_leaves = r.u64()?,
                        _ => r.null()?,
                    }
                    Ok(())
                })?,
                _ => avk.total_stake = r.u64()?,
            }
            Ok(())
        })?;
        Ok(avk)
    }

    /// Parse the binary form: CBOR v1 (first byte 1), or the legacy packing
    /// `nr_leaves || root || total_stake`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CodecError> {
        let malformed = |detail: String| CodecError::InvalidJson {
            what: "aggregate verification key (bytes)",
            detail,
        };
        if bytes.first() == Some(&CBOR_V1) {
            return CborReader::parse_v1(bytes, Self::read_cbor).map_err(malformed);
        }
        // As the reference's legacy reader: the last 8 bytes are the total stake, the first 8
        // the leaf count, and whatever lies between is the root, of any length (a root that is
        // not 32 bytes never matches a batch path).
        let n = bytes.len();
        if n < 16 {
            return Err(malformed(alloc::format!("{n} bytes, expected at least 16")));
        }
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_be_bytes(w)
        };
        Ok(AggregateVerificationKey {
            nr_leaves: word(&bytes[..8]),
            root: bytes[8..n - 8].to_vec(),
            total_stake: word(&bytes[n - 8..]),
        })
    }

    /// Decode a hex field holding JSON-hex (as aggregators serve today) or bytes-hex.
    pub fn decode(text: &str) -> Result<(Self, WireForm), CodecError> {
        decode_json_or_bytes(
            "aggregate verification key",
            text,
            Self::from_json,
            Self::from_bytes,
        )
    }

    /// The canonical compact JSON the reference prints.
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("mt_commitment");
        w.begin_object();
        w.key("root");
        w.bytes(&self.root);
        w.key("nr_leaves");
        w.u64(self.nr_leaves);
        w.key("hasher");
        w.null();
        w.end_object();
        w.key("total_stake");
        w.u64(self.total_stake);
        w.end_object();
        w.finish()
    }

    /// The canonical JSON-hex, which certificate hashes cover.
    pub fn to_json_hex(&self) -> String {
        hex::encode(self.to_json().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{"mt_commitment":{"root":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32],"nr_leaves":3,"hasher":null},"total_stake":18446744073709551615}"#;

    #[test]
    fn json_round_trip_is_byte_exact() {
        let avk = AggregateVerificationKey::from_json(JSON.as_bytes()).unwrap();
        assert_eq!(avk.total_stake, u64::MAX);
        assert_eq!(avk.to_json(), JSON);
        let (again, form) = AggregateVerificationKey::decode(&avk.to_json_hex()).unwrap();
        assert_eq!(again, avk);
        assert_eq!(form, WireForm::JsonHex);
    }

    #[test]
    fn legacy_bytes() {
        let mut bytes = [0u8; 48];
        bytes[7] = 3;
        bytes[8] = 9;
        bytes[47] = 5;
        let avk = AggregateVerificationKey::from_bytes(&bytes).unwrap();
        assert_eq!((avk.nr_leaves, avk.root[0], avk.total_stake), (3, 9, 5));
        // As the reference's legacy reader: any root length, at least 16 bytes in all.
        let short = AggregateVerificationKey::from_bytes(&bytes[..47]).unwrap();
        assert_eq!(
            (short.nr_leaves, short.root.len(), short.total_stake),
            (3, 31, 0)
        );
        assert_eq!(
            AggregateVerificationKey::from_bytes(&bytes[..16])
                .unwrap()
                .root,
            Vec::<u8>::new()
        );
        assert!(AggregateVerificationKey::from_bytes(&bytes[..15]).is_err());
    }
}
