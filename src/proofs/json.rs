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

use super::certificate_binding::fields;
use super::error::ProofError;
use super::map_proof::{BlockRange, MkMapProof, MAX_MAP_PROOF_DEPTH};
use super::mmr::MkProof;
use crate::codec::hex;
use crate::codec::json::{Fields, JsonReader, JsonResult};

const NODE: Fields = fields(&["hash"]);
const MK_PROOF: Fields = fields(&[
    "inner_root",
    "inner_leaves",
    "inner_proof_size",
    "inner_proof_items",
]);
const RANGE: Fields = fields(&["start", "end"]);
const BLOCK_RANGE: Fields = fields(&["inner_range"]);
const MAP_PROOF: Fields = fields(&["master_proof", "sub_proofs"]);

/// A node `{"hash":[bytes]}`.
fn read_node(r: &mut JsonReader<'_>) -> JsonResult<Vec<u8>> {
    let mut hash = Vec::new();
    r.record(&NODE, &mut |r, _| {
        hash = r.bytes(None)?;
        Ok(())
    })?;
    Ok(hash)
}

fn read_mk_proof(r: &mut JsonReader<'_>) -> JsonResult<MkProof> {
    let mut p = MkProof {
        inner_root: Vec::new(),
        inner_leaves: Vec::new(),
        inner_proof_size: 0,
        inner_proof_items: Vec::new(),
    };
    r.record(&MK_PROOF, &mut |r, i| {
        match i {
            0 => p.inner_root = read_node(r)?,
            1 => {
                p.inner_leaves = r.vec(&mut |r| {
                    let mut leaf = (0, Vec::new());
                    r.tuple(2, &mut |r, i| {
                        if i == 0 {
                            leaf.0 = r.u64()?;
                        } else {
                            leaf.1 = read_node(r)?;
                        }
                        Ok(())
                    })?;
                    Ok(leaf)
                })?
            }
            2 => p.inner_proof_size = r.u64()?,
            _ => p.inner_proof_items = r.vec(&mut read_node)?,
        }
        Ok(())
    })?;
    Ok(p)
}

fn read_block_range(r: &mut JsonReader<'_>) -> JsonResult<BlockRange> {
    let mut range = BlockRange { start: 0, end: 0 };
    r.record(&BLOCK_RANGE, &mut |r, _| {
        r.record(&RANGE, &mut |r, i| {
            if i == 0 {
                range.start = r.u64()?;
            } else {
                range.end = r.u64()?;
            }
            Ok(())
        })
    })?;
    Ok(range)
}

fn read_map_proof(r: &mut JsonReader<'_>, depth: usize) -> JsonResult<MkMapProof> {
    if depth > MAX_MAP_PROOF_DEPTH {
        return Err(r.error("map proof nested deeper than its limit"));
    }
    let mut p = MkMapProof {
        master_proof: MkProof {
            inner_root: Vec::new(),
            inner_leaves: Vec::new(),
            inner_proof_size: 0,
            inner_proof_items: Vec::new(),
        },
        sub_proofs: Vec::new(),
    };
    r.record(&MAP_PROOF, &mut |r, i| {
        if i == 0 {
            p.master_proof = read_mk_proof(r)?;
        } else {
            p.sub_proofs = r.vec(&mut |r| {
                let mut range = BlockRange { start: 0, end: 0 };
                let mut sub = None;
                r.tuple(2, &mut |r, i| {
                    if i == 0 {
                        range = read_block_range(r)?;
                    } else {
                        sub = Some(read_map_proof(r, depth + 1)?);
                    }
                    Ok(())
                })?;
                let sub = sub.ok_or_else(|| r.error("too few elements"))?;
                Ok((range, sub))
            })?;
        }
        Ok(())
    })?;
    Ok(p)
}

impl MkMapProof {
    /// Parse the compact JSON form. The reader's depth limit bounds the nesting while
    /// parsing; deeper than [`MAX_MAP_PROOF_DEPTH`] levels is refused.
    pub fn from_json(json: &[u8]) -> Result<Self, ProofError> {
        JsonReader::parse(json, |r| read_map_proof(r, 1))
            .map_err(|e| ProofError::malformed("map proof (JSON)", e))
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
        JsonReader::parse(json, read_mk_proof).map_err(|e| ProofError::malformed("proof (JSON)", e))
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
