//! The proofs' JSON wire model on serde, and the v1 wire form of a map proof.
//!
//! Every JSON document of this layer (proof bodies, artifacts, map proofs, signer keys) is
//! read with serde derive and `serde_json::from_slice` into private types that mirror the
//! reference's message types (mithril-common 0.8.3) field by field: the same names, `Option`s,
//! renames and tags. Accepting and refusing is then serde_json's, as for the reference, by
//! construction: unknown members ignored, duplicate members refused, structs also read as
//! arrays of their fields, numbers out of range refused, nesting deeper than 128 refused.
//!
//! The v1 map proof is JSON-hex, the hex of the compact serde JSON of
//! `MKMapProof<BlockRange>` (`/proof/cardano-transaction`):
//!
//! ```text
//! {"master_proof":{"inner_root":{"hash":[..]},
//!                  "inner_leaves":[[pos,{"hash":[..]}],..],
//!                  "inner_proof_size":n,
//!                  "inner_proof_items":[{"hash":[..]},..]},
//!  "sub_proofs":[[{"inner_range":{"start":a,"end":b}},{ map proof }],..]}
//! ```
//!
//! `inner_range` is a `core::ops::Range`, whose serde form refuses unknown members (unlike
//! derived structs). Map proofs nested deeper than [`MAX_MAP_PROOF_DEPTH`] are refused after
//! reading (a hardening: the reference has no limit but serde_json's nesting bound).

use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::error::ProofError;
use super::map_proof::{BlockRange, MkMapProof, MAX_MAP_PROOF_DEPTH};
use super::mmr::MkProof;
use crate::codec::hex;

/// Read the JSON document `json` as a `T` (one serde_json instantiation per document type).
pub(crate) fn from_json<T: DeserializeOwned>(
    what: &'static str,
    json: &[u8],
) -> Result<T, ProofError> {
    serde_json::from_slice(json).map_err(|e| ProofError::malformed(what, e))
}

/// An artifact's `created_at` (the reference's `DateTime<Utc>`): a string that chrono's
/// relaxed RFC 3339 reader accepts (`DateTime<FixedOffset>`'s `FromStr`, what chrono's
/// `Deserialize` for `DateTime<Utc>` runs). Its value is not used; a date the reference refuses
/// is refused.
pub(crate) struct Timestamp;

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<DateTime<FixedOffset>>()
            .map(|_| Timestamp)
            .map_err(serde::de::Error::custom)
    }
}

/// `MKTreeNode`: `{"hash": [bytes]}`.
#[derive(Deserialize)]
struct WireNode {
    hash: Vec<u8>,
}

/// `MKProof`.
#[derive(Deserialize)]
struct WireMkProof {
    inner_root: WireNode,
    inner_leaves: Vec<(u64, WireNode)>,
    inner_proof_size: u64,
    inner_proof_items: Vec<WireNode>,
}

/// `BlockRange`: `{"inner_range": Range<u64>}`.
#[derive(Deserialize)]
struct WireBlockRange {
    inner_range: Range<u64>,
}

/// `MKMapProof<BlockRange>`.
#[derive(Deserialize)]
struct WireMapProof {
    master_proof: WireMkProof,
    sub_proofs: Vec<(WireBlockRange, WireMapProof)>,
}

impl From<WireMkProof> for MkProof {
    fn from(w: WireMkProof) -> Self {
        MkProof {
            inner_root: w.inner_root.hash,
            inner_leaves: w
                .inner_leaves
                .into_iter()
                .map(|(pos, node)| (pos, node.hash))
                .collect(),
            inner_proof_size: w.inner_proof_size,
            inner_proof_items: w.inner_proof_items.into_iter().map(|n| n.hash).collect(),
        }
    }
}

impl From<WireMapProof> for MkMapProof {
    fn from(w: WireMapProof) -> Self {
        MkMapProof {
            master_proof: w.master_proof.into(),
            sub_proofs: w
                .sub_proofs
                .into_iter()
                .map(|(range, sub)| {
                    let Range { start, end } = range.inner_range;
                    (BlockRange { start, end }, sub.into())
                })
                .collect(),
        }
    }
}

impl MkMapProof {
    /// Parse the compact JSON form. serde_json's nesting bound (128) limits the reading;
    /// deeper than [`MAX_MAP_PROOF_DEPTH`] map levels is then refused.
    pub fn from_json(json: &[u8]) -> Result<Self, ProofError> {
        let proof: MkMapProof = from_json::<WireMapProof>("map proof (JSON)", json)?.into();
        if proof.depth() > MAX_MAP_PROOF_DEPTH {
            return Err(ProofError::malformed(
                "map proof (JSON)",
                "map proof nested deeper than its limit",
            ));
        }
        Ok(proof)
    }

    /// Decode the JSON-hex form (surrounding whitespace is ignored).
    pub fn from_json_hex(text: &str) -> Result<Self, ProofError> {
        let json = hex::decode(text.trim().as_bytes())
            .ok_or_else(|| ProofError::malformed("map proof (JSON-hex)", "not hex"))?;
        Self::from_json(&json)
    }
}

impl MkProof {
    /// Parse the compact JSON form of a single `MKProof`.
    pub fn from_json(json: &[u8]) -> Result<Self, ProofError> {
        Ok(from_json::<WireMkProof>("proof (JSON)", json)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec;

    const SAMPLE: &str = r#"{"master_proof":{"inner_root":{"hash":[1,2]},"inner_leaves":[[3,{"hash":[4]}]],"inner_proof_size":7,"inner_proof_items":[{"hash":[5]},{"hash":[]}]},"sub_proofs":[[{"inner_range":{"start":450,"end":465}},{"master_proof":{"inner_root":{"hash":[9]},"inner_leaves":[[0,{"hash":[9]}]],"inner_proof_size":1,"inner_proof_items":[]},"sub_proofs":[]}]]}"#;

    #[test]
    fn parses_the_wire_shape() {
        let p = MkMapProof::from_json(SAMPLE.as_bytes()).unwrap();
        assert_eq!(p.master_proof.inner_root, vec![1, 2]);
        assert_eq!(p.master_proof.inner_leaves, vec![(3, vec![4])]);
        assert_eq!(p.master_proof.inner_proof_size, 7);
        assert_eq!(p.master_proof.inner_proof_items, vec![vec![5], vec![]]);
        assert_eq!(p.sub_proofs.len(), 1);
        assert_eq!(
            p.sub_proofs[0].0,
            BlockRange {
                start: 450,
                end: 465
            }
        );
        assert_eq!(p.sub_proofs[0].1.root(), &[9]);
        let hex_form = hex::encode(SAMPLE.as_bytes());
        assert_eq!(
            MkMapProof::from_json_hex(&alloc::format!(" {hex_form}\n")).unwrap(),
            p
        );
    }

    #[test]
    fn refuses_bad_input() {
        for bad in [
            "",
            "{}",
            r#"{"master_proof":{"inner_root":{"hash":[256]},"inner_leaves":[],"inner_proof_size":1,"inner_proof_items":[]},"sub_proofs":[]}"#,
            r#"{"master_proof":{"inner_root":{"hash":[1]},"inner_leaves":[[-1,{"hash":[]}]],"inner_proof_size":1,"inner_proof_items":[]},"sub_proofs":[]}"#,
            r#"{"master_proof":{"inner_root":{"hash":[1]},"inner_leaves":[],"inner_proof_size":18446744073709551616,"inner_proof_items":[]},"sub_proofs":[]}"#,
        ] {
            let e = MkMapProof::from_json(bad.as_bytes()).unwrap_err();
            assert_eq!(e.code(), "proof_malformed", "{bad}");
        }
        assert!(MkMapProof::from_json_hex("zz").is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let leaf = r#"{"master_proof":{"inner_root":{"hash":[]},"inner_leaves":[],"inner_proof_size":1,"inner_proof_items":[]},"sub_proofs":[]}"#;
        let mut json = String::from(leaf);
        for _ in 0..MAX_MAP_PROOF_DEPTH {
            json = alloc::format!(
                r#"{{"master_proof":{{"inner_root":{{"hash":[]}},"inner_leaves":[],"inner_proof_size":1,"inner_proof_items":[]}},"sub_proofs":[[{{"inner_range":{{"start":0,"end":1}}}},{json}]]}}"#
            );
        }
        let e = MkMapProof::from_json(json.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "proof_malformed");
        // Far deeper than the reader's depth limit: refused, no stack overflow.
        let mut deep = String::new();
        for _ in 0..10_000 {
            deep.push_str(r#"{"sub_proofs":[[0,"#);
        }
        assert!(MkMapProof::from_json(deep.as_bytes()).is_err());
    }
}
