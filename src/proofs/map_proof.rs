//! `MKMapProof`: a proof over a Merkle map whose keys are block ranges and whose values are
//! mountain ranges (or maps) of their own.
//!
//! The map's tree (the *master*) has one leaf per block range: `Blake2s-256("{start}-{end}" ||
//! value root)`. A map proof carries a master proof and, for each block range it opens, a
//! sub-proof of that range's tree. Its root is the master proof's root.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::ProofError;
use super::mmr::{merge, MkProof};

/// Deepest nesting of map proofs accepted by the decoders (Mithril uses 2 levels).
pub const MAX_MAP_PROOF_DEPTH: usize = 8;

/// A half-open range of block numbers `[start, end)`, the key of a map entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlockRange {
    /// First block number.
    pub start: u64,
    /// One past the last block number.
    pub end: u64,
}

impl BlockRange {
    /// The key's node bytes: ASCII `"{start}-{end}"`.
    pub fn key_bytes(&self) -> Vec<u8> {
        alloc::format!("{}-{}", self.start, self.end).into_bytes()
    }

    /// The master leaf of this range for a value whose root is `value_root`.
    pub fn master_leaf(&self, value_root: &[u8]) -> [u8; 32] {
        merge(&self.key_bytes(), value_root)
    }
}

/// A membership proof in a Merkle map (the reference's `MKMapProof<BlockRange>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkMapProof {
    /// Proof of the opened entries in the map's own tree.
    pub master_proof: MkProof,
    /// For each opened entry, its key and the proof inside its value.
    pub sub_proofs: Vec<(BlockRange, MkMapProof)>,
}

impl MkMapProof {
    /// The map's root (the master proof's root).
    pub fn root(&self) -> &[u8] {
        self.master_proof.root()
    }

    /// Check every sub-proof, then the master proof, then that the master proof opens each
    /// sub-proof's entry (`Blake2s-256(key || sub-root)` among its leaves).
    pub fn verify(&self) -> Result<(), ProofError> {
        for (_, sub) in &self.sub_proofs {
            sub.verify()?;
        }
        self.master_proof.verify()?;
        for (range, sub) in &self.sub_proofs {
            let leaf = range.master_leaf(sub.root());
            if !self.master_proof.contains(&leaf) {
                return Err(ProofError::invalid(alloc::format!(
                    "the entry of block range {}-{} is not among the master proof's leaves",
                    range.start,
                    range.end
                )));
            }
        }
        Ok(())
    }

    /// Whether `leaf` is a leaf of the master proof or, recursively, of a sub-proof
    /// (meaningful once [`verify`](Self::verify) succeeded).
    pub fn contains(&self, leaf: &[u8]) -> bool {
        self.master_proof.contains(leaf) || self.sub_proofs.iter().any(|(_, p)| p.contains(leaf))
    }

    /// The innermost proven leaves: the master's when there is no sub-proof, else those of the
    /// sub-proofs in order (as the reference lists them).
    pub fn leaves(&self) -> Vec<&[u8]> {
        if self.sub_proofs.is_empty() {
            return self.master_proof.leaves().collect();
        }
        self.sub_proofs
            .iter()
            .flat_map(|(_, p)| p.leaves())
            .collect()
    }

    /// Nesting depth (1 for a proof without sub-proofs).
    pub fn depth(&self) -> usize {
        1 + self
            .sub_proofs
            .iter()
            .map(|(_, p)| p.depth())
            .max()
            .unwrap_or(0)
    }

    /// Hex of the root, as protocol messages carry it.
    pub fn root_hex(&self) -> String {
        crate::codec::hex::encode(self.root())
    }
}

impl From<MkProof> for MkMapProof {
    fn from(master_proof: MkProof) -> Self {
        MkMapProof {
            master_proof,
            sub_proofs: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proofs::mmr::mmr_root;
    use alloc::vec;

    /// A map of two ranges; proves leaf `b` of the first and nothing of the second.
    fn sample() -> MkMapProof {
        let r1 = BlockRange { start: 0, end: 15 };
        let r2 = BlockRange { start: 15, end: 30 };
        let t1 = mmr_root([b"a", b"b", b"c"]).unwrap();
        let t2 = mmr_root([b"d"]).unwrap();
        let m1 = r1.master_leaf(&t1);
        let m2 = r2.master_leaf(&t2);
        let master_root = mmr_root([m1, m2]).unwrap();
        let sub = MkProof {
            inner_root: t1.clone(),
            inner_leaves: vec![(1, b"b".to_vec())],
            inner_proof_size: 4,
            inner_proof_items: vec![b"a".to_vec(), b"c".to_vec()],
        };
        MkMapProof {
            master_proof: MkProof {
                inner_root: master_root,
                inner_leaves: vec![(0, m1.to_vec())],
                inner_proof_size: 3,
                inner_proof_items: vec![m2.to_vec()],
            },
            sub_proofs: vec![(r1, sub.into())],
        }
    }

    #[test]
    fn verifies_and_contains() {
        let p = sample();
        p.verify().unwrap();
        assert!(p.contains(b"b"));
        assert!(!p.contains(b"a"));
        assert_eq!(p.leaves(), vec![b"b".as_slice()]);
        assert_eq!(p.depth(), 2);
        assert_eq!(
            BlockRange {
                start: 450,
                end: 465
            }
            .key_bytes(),
            b"450-465"
        );
    }

    #[test]
    fn a_sub_proof_must_be_an_entry_of_the_master() {
        let mut p = sample();
        p.sub_proofs[0].0.end = 16;
        assert_eq!(p.verify().unwrap_err().code(), "proof_invalid");

        // A self-consistent sub-proof of another tree is not an entry either.
        let mut p = sample();
        let other = mmr_root([b"a", b"x", b"c"]).unwrap();
        let sub = &mut p.sub_proofs[0].1.master_proof;
        sub.inner_root = other;
        sub.inner_leaves[0].1 = b"x".to_vec();
        p.verify().unwrap_err();

        // Tampering with the sub-proof's leaf breaks its root.
        let mut p = sample();
        p.sub_proofs[0].1.master_proof.inner_leaves[0].1 = b"z".to_vec();
        assert_eq!(p.verify().unwrap_err().code(), "proof_root_mismatch");
    }
}
