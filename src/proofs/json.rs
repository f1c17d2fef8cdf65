//! The v1 wire form of a map proof: JSON-hex, the hex of the compact serde JSON of
//! `MKMapProof<BlockRange>` (`/proof/cardano-transaction`).
//!
//! ```text
//! {"master_proof":{"inner_root":{"hash":[..]},
//!                  "inner_leaves":[[pos,{"hash":[..]}],..],
//!                  "inner_proof_size":n,
//!                  "inner_proof_items":[{"hash":[..]},..]},
//!  "sub_proofs":[[{"inner_range":{"start":a,"end":b}},{ map proof }],..]}
//! ```
//!
//! As with the reference's derived deserializers, structs may also be written as arrays of
//! their fields in order, and unknown fields are ignored.

use alloc::vec::Vec;
use serde::Deserialize;

use super::error::ProofError;
use super::map_proof::{BlockRange, MkMapProof, MAX_MAP_PROOF_DEPTH};
use super::mmr::MkProof;
use crate::codec::byte_array::ByteVec;
use crate::codec::hex;

#[derive(Deserialize)]
struct WireNode {
    hash: ByteVec,
}

#[derive(Deserialize)]
struct WireMkProof {
    inner_root: WireNode,
    inner_leaves: Vec<(u64, WireNode)>,
    inner_proof_size: u64,
    inner_proof_items: Vec<WireNode>,
}

#[derive(Deserialize)]
struct WireRange {
    start: u64,
    end: u64,
}

#[derive(Deserialize)]
struct WireBlockRange {
    inner_range: WireRange,
}

#[derive(Deserialize)]
struct WireMapProof {
    master_proof: WireMkProof,
    sub_proofs: Vec<(WireBlockRange, WireMapProof)>,
}

impl From<WireMkProof> for MkProof {
    fn from(w: WireMkProof) -> Self {
        MkProof {
            inner_root: w.inner_root.hash.0,
            inner_leaves: w
                .inner_leaves
                .into_iter()
                .map(|(pos, node)| (pos, node.hash.0))
                .collect(),
            inner_proof_size: w.inner_proof_size,
            inner_proof_items: w.inner_proof_items.into_iter().map(|n| n.hash.0).collect(),
        }
    }
}

fn convert(w: WireMapProof, depth: usize) -> Result<MkMapProof, ProofError> {
    if depth > MAX_MAP_PROOF_DEPTH {
        return Err(ProofError::malformed(
            "map proof (JSON)",
            alloc::format!("nested deeper than {MAX_MAP_PROOF_DEPTH} levels"),
        ));
    }
    let mut sub_proofs = Vec::with_capacity(w.sub_proofs.len());
    for (range, sub) in w.sub_proofs {
        let range = BlockRange {
            start: range.inner_range.start,
            end: range.inner_range.end,
        };
        sub_proofs.push((range, convert(sub, depth + 1)?));
    }
    Ok(MkMapProof {
        master_proof: w.master_proof.into(),
        sub_proofs,
    })
}

impl MkMapProof {
    /// Parse the compact JSON form. serde_json's recursion limit bounds the nesting while
    /// parsing; deeper than [`MAX_MAP_PROOF_DEPTH`] levels is refused.
    pub fn from_json(json: &[u8]) -> Result<Self, ProofError> {
        let wire: WireMapProof = serde_json::from_slice(json)
            .map_err(|e| ProofError::malformed("map proof (JSON)", e))?;
        convert(wire, 1)
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
        let wire: WireMkProof =
            serde_json::from_slice(json).map_err(|e| ProofError::malformed("proof (JSON)", e))?;
        Ok(wire.into())
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
        // Far deeper than serde_json's recursion limit: refused, no stack overflow.
        let mut deep = String::new();
        for _ in 0..10_000 {
            deep.push_str(r#"{"sub_proofs":[[0,"#);
        }
        assert!(MkMapProof::from_json(deep.as_bytes()).is_err());
    }
}
