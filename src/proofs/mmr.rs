//! The Merkle mountain range Mithril calls `MKTree` (ckb-merkle-mountain-range 0.6.1 semantics):
//! root computation over a leaf list, and `MKProof` verification.
//!
//! - Nodes are numbered in insertion order (positions); a leaf sits at height 0.
//! - Leaves are the raw leaf bytes: they are **not** hashed. A one-leaf tree's root is the leaf.
//! - An inner node is `Blake2s-256(left || right)`.
//! - The root bags the peaks from right to left: `acc = merge(acc, next peak to the left)`,
//!   starting with the rightmost peak.
//!
//! Verification follows the reference step for step (leaves at height 0, sorted by position,
//! one peak at a time with siblings taken from the proof items in order, an optional trailing
//! item holding the already bagged right-hand peaks, then bagging) with three hardenings that
//! no honest proof can trip:
//! - two *different* leaves at one position are refused (the reference keeps the first one for
//!   the root and still reports the second one as contained, which lets anyone add a leaf of
//!   their choice to a valid proof);
//! - a tree size that is not the size of a mountain range is refused (the reference reads it as
//!   the largest valid range below it);
//! - position arithmetic that would overflow is refused instead of wrapping.
//!
//! Why hand-written rather than `ckb-merkle-mountain-range`: verification needs a few hundred
//! lines over byte vectors, whereas the crate is generic over a store and a merge (and its
//! store traits pull in code the module never runs), and the hardenings above are not options
//! of it. tests/codec_differential.rs holds it to ckb-merkle-mountain-range 0.6.1 with
//! Mithril's Blake2s merge: the same roots for every leaf count up to 600, ckb's proofs verify
//! here, and mutated proofs get ckb's verdict except where a hardening refuses what ckb accepts.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use blake2::{Blake2s256, Digest};

use super::error::ProofError;
use crate::codec::hex;
use crate::codec::sorted::sort_by;

/// `Blake2s-256(left || right)`, the merge of two nodes.
pub fn merge(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Blake2s256::new();
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Height of the node at `pos` (0 for a leaf).
///
/// Within the smallest perfect tree covering `pos`, strip the left subtrees `pos` lies past;
/// what remains of `pos` is its height.
pub fn node_height(pos: u64) -> u32 {
    if pos == 0 {
        return 0;
    }
    let mut rest = pos;
    // All-ones number with as many bits as `pos`: the size of that perfect tree.
    let mut tree_size = u64::MAX >> pos.leading_zeros();
    while tree_size > 0 {
        if rest >= tree_size {
            rest -= tree_size;
        }
        tree_size >>= 1;
    }
    // `rest` is below 64 here.
    rest as u32
}

/// Positions of the peaks of a mountain range of `mmr_size` nodes, left to right, or `None`
/// when `mmr_size` is 0 or not the size of a mountain range.
pub fn peak_positions(mmr_size: u64) -> Option<Vec<u64>> {
    if mmr_size == 0 {
        return None;
    }
    // A valid size is a sum of distinct, decreasing perfect-tree sizes (2^h - 1): take the
    // largest that fits, repeatedly; anything left over means the size is not valid.
    let mut left = mmr_size;
    let mut tree_size = u64::MAX >> mmr_size.leading_zeros();
    let mut offset = 0u64;
    let mut peaks = Vec::new();
    while tree_size > 0 {
        if left >= tree_size {
            left -= tree_size;
            peaks.push(offset + tree_size - 1);
            offset += tree_size;
        }
        tree_size >>= 1;
    }
    (left == 0).then_some(peaks)
}

/// Number of nodes of a mountain range with `leaves` leaves (`2n - popcount(n)`).
pub fn mmr_size_for_leaves(leaves: u64) -> Option<u64> {
    leaves
        .checked_mul(2)
        .map(|double| double - u64::from(leaves.count_ones()))
}

/// Bag peaks (left to right) into the root: right to left, `merge(right, left)`.
fn bag(mut peaks: Vec<Vec<u8>>) -> Option<Vec<u8>> {
    let mut acc = peaks.pop()?;
    while let Some(left) = peaks.pop() {
        acc = merge(&acc, &left).to_vec();
    }
    Some(acc)
}

/// Incremental root computation: push leaves in order, read the root at any time. Memory is
/// one node per peak (logarithmic in the number of leaves).
#[derive(Debug, Clone, Default)]
pub struct MmrBuilder {
    /// (height, node) of each peak, left to right; heights strictly decrease.
    peaks: Vec<(u32, Vec<u8>)>,
    leaves: u64,
}

impl MmrBuilder {
    /// An empty range.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a leaf (its raw bytes).
    pub fn push(&mut self, leaf: &[u8]) {
        let mut height = 0u32;
        let mut node = leaf.to_vec();
        // Two peaks of equal height merge into their parent, left sibling first.
        while let Some((h, _)) = self.peaks.last() {
            if *h != height {
                break;
            }
            let Some((_, left)) = self.peaks.pop() else {
                break;
            };
            node = merge(&left, &node).to_vec();
            height += 1;
        }
        self.peaks.push((height, node));
        self.leaves += 1;
    }

    /// Number of leaves pushed.
    pub fn leaf_count(&self) -> u64 {
        self.leaves
    }

    /// Number of nodes of the range.
    pub fn mmr_size(&self) -> u64 {
        mmr_size_for_leaves(self.leaves).unwrap_or(u64::MAX)
    }

    /// The root, or `None` for an empty range.
    pub fn root(&self) -> Option<Vec<u8>> {
        bag(self.peaks.iter().map(|(_, node)| node.clone()).collect())
    }
}

/// Root of the mountain range over `leaves` in order, or `None` when there are none.
pub fn mmr_root<I, L>(leaves: I) -> Option<Vec<u8>>
where
    I: IntoIterator<Item = L>,
    L: AsRef<[u8]>,
{
    let mut builder = MmrBuilder::new();
    for leaf in leaves {
        builder.push(leaf.as_ref());
    }
    builder.root()
}

/// A membership proof of some leaves in a mountain range (the reference's `MKProof`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MkProof {
    /// The root the proof claims.
    pub inner_root: Vec<u8>,
    /// The proven leaves with their node positions.
    pub inner_leaves: Vec<(u64, Vec<u8>)>,
    /// Number of nodes of the range (`mmr_size`).
    pub inner_proof_size: u64,
    /// Sibling nodes and peaks, in the order verification consumes them.
    pub inner_proof_items: Vec<Vec<u8>>,
}

/// A node being lifted towards its peak.
struct Lifted {
    pos: u64,
    node: Vec<u8>,
    height: u32,
}

impl MkProof {
    /// The root the proof claims.
    pub fn root(&self) -> &[u8] {
        &self.inner_root
    }

    /// The proven leaves, in the proof's order.
    pub fn leaves(&self) -> impl Iterator<Item = &[u8]> {
        self.inner_leaves.iter().map(|(_, leaf)| leaf.as_slice())
    }

    /// Whether `leaf` is one of the proof's leaves (meaningful once [`verify`](Self::verify)
    /// succeeded).
    pub fn contains(&self, leaf: &[u8]) -> bool {
        self.leaves().any(|l| l == leaf)
    }

    /// Check that the leaves and proof items lead to `inner_root`.
    pub fn verify(&self) -> Result<(), ProofError> {
        let computed = self.compute_root()?;
        if computed != self.inner_root {
            return Err(ProofError::RootMismatch {
                computed: hex::encode(&computed),
                claimed: hex::encode(&self.inner_root),
            });
        }
        Ok(())
    }

    /// The root the leaves and proof items lead to.
    pub fn compute_root(&self) -> Result<Vec<u8>, ProofError> {
        let peaks = self.peak_nodes()?;
        bag(peaks).ok_or_else(|| ProofError::invalid("the proof yields no peak"))
    }

    /// Peak nodes (left to right, the last one possibly the bagged right-hand peaks).
    fn peak_nodes(&self) -> Result<Vec<Vec<u8>>, ProofError> {
        if let Some((pos, _)) = self
            .inner_leaves
            .iter()
            .find(|(pos, _)| node_height(*pos) != 0)
        {
            return Err(ProofError::invalid(alloc::format!(
                "position {pos} is not a leaf position"
            )));
        }
        // A one-node range: the only leaf is the root (surplus proof items are ignored, as by
        // the reference).
        if self.inner_proof_size == 1 && self.inner_leaves.len() == 1 && self.inner_leaves[0].0 == 0
        {
            return Ok(alloc::vec![self.inner_leaves[0].1.clone()]);
        }
        let peaks = peak_positions(self.inner_proof_size).ok_or_else(|| {
            ProofError::invalid(alloc::format!(
                "{} is not the size of a Merkle mountain range",
                self.inner_proof_size
            ))
        })?;

        let mut leaves: Vec<(u64, &[u8])> = self
            .inner_leaves
            .iter()
            .map(|(pos, leaf)| (*pos, leaf.as_slice()))
            .collect();
        // Equal positions need no order: their leaves must be equal, or the proof is refused.
        sort_by(&mut leaves, |a, b| a.0 < b.0);
        let mut unique: Vec<(u64, &[u8])> = Vec::with_capacity(leaves.len());
        for (pos, leaf) in leaves {
            match unique.last() {
                Some((p, l)) if *p == pos => {
                    if *l != leaf {
                        return Err(ProofError::invalid(alloc::format!(
                            "two different leaves at position {pos}"
                        )));
                    }
                }
                _ => unique.push((pos, leaf)),
            }
        }

        let mut items = self.inner_proof_items.iter();
        let mut remaining = unique.as_slice();
        let mut peak_nodes: Vec<Vec<u8>> = Vec::with_capacity(peaks.len() + 1);
        for peak in peaks {
            let split = remaining.partition_point(|(pos, _)| *pos <= peak);
            let (under, rest) = remaining.split_at(split);
            remaining = rest;
            let node = match under {
                [(pos, leaf)] if *pos == peak => leaf.to_vec(),
                [] => match items.next() {
                    // No leaf under this peak: the next item is the peak itself, or the bagged
                    // peaks from here to the right.
                    Some(item) => item.clone(),
                    None => break,
                },
                _ => lift_to_peak(under, peak, &mut items)?,
            };
            peak_nodes.push(node);
        }
        if let Some((pos, _)) = remaining.first() {
            return Err(ProofError::invalid(alloc::format!(
                "position {pos} is beyond the last peak"
            )));
        }
        if let Some(bagged_right) = items.next() {
            peak_nodes.push(bagged_right.clone());
        }
        if items.next().is_some() {
            return Err(ProofError::invalid("surplus proof items"));
        }
        Ok(peak_nodes)
    }
}

/// Compute the node at `peak` from sorted, distinct leaves under it, taking missing siblings
/// from `items` in order.
fn lift_to_peak<'a>(
    leaves: &[(u64, &[u8])],
    peak: u64,
    items: &mut impl Iterator<Item = &'a Vec<u8>>,
) -> Result<Vec<u8>, ProofError> {
    let overflow = || ProofError::invalid("position arithmetic overflows");
    let mut queue: VecDeque<Lifted> = leaves
        .iter()
        .map(|(pos, leaf)| Lifted {
            pos: *pos,
            node: leaf.to_vec(),
            height: 0,
        })
        .collect();
    while let Some(Lifted { pos, node, height }) = queue.pop_front() {
        if pos == peak {
            if queue.is_empty() {
                return Ok(node);
            }
            return Err(ProofError::invalid("nodes left over at a peak"));
        }
        // Distance to the sibling, and to the parent when `pos` is a left child.
        let span = 1u64.checked_shl(height + 1).ok_or_else(overflow)?;
        let next_height = node_height(pos.checked_add(1).ok_or_else(overflow)?);
        let is_right_child = next_height > height;
        let (sibling_pos, parent_pos) = if is_right_child {
            (pos.checked_sub(span - 1).ok_or_else(overflow)?, pos + 1)
        } else {
            (
                pos.checked_add(span - 1).ok_or_else(overflow)?,
                pos.checked_add(span).ok_or_else(overflow)?,
            )
        };
        let sibling = if queue.front().is_some_and(|next| next.pos == sibling_pos) {
            queue.pop_front().map(|s| s.node)
        } else {
            items.next().cloned()
        }
        .ok_or_else(|| ProofError::invalid("missing proof items"))?;
        let parent = if is_right_child {
            merge(&sibling, &node)
        } else {
            merge(&node, &sibling)
        };
        if parent_pos > peak {
            return Err(ProofError::invalid(alloc::format!(
                "position {pos} climbs past its peak {peak}"
            )));
        }
        queue.push_back(Lifted {
            pos: parent_pos,
            node: parent.to_vec(),
            height: height + 1,
        });
    }
    Err(ProofError::invalid("no node reached the peak"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    fn golden() -> Vec<String> {
        (1..=5).map(|i| format!("golden-{i}")).collect()
    }

    #[test]
    fn golden_root() {
        let root = mmr_root(golden().iter().map(String::as_bytes)).unwrap();
        assert_eq!(
            hex::encode(&root),
            "3bbced153528697ecde7345a22e50115306478353619411523e804f2323fd921"
        );
    }

    #[test]
    fn small_roots_by_hand() {
        assert_eq!(mmr_root::<_, &[u8]>([]), None);
        assert_eq!(mmr_root([b"a"]).unwrap(), b"a".to_vec());
        let ab = merge(b"a", b"b");
        assert_eq!(mmr_root([b"a", b"b"]).unwrap(), ab.to_vec());
        // Three leaves: peaks H(a,b) and c, bagged as merge(c, H(a,b)).
        assert_eq!(
            mmr_root([b"a", b"b", b"c"]).unwrap(),
            merge(b"c", &ab).to_vec()
        );
        let abcd = merge(&ab, &merge(b"c", b"d"));
        // Five leaves: peaks H(ab,cd) and e.
        assert_eq!(
            mmr_root([b"a", b"b", b"c", b"d", b"e"]).unwrap(),
            merge(b"e", &abcd).to_vec()
        );
        // Seven leaves: peaks abcd, H(e,f), g bagged right to left.
        let ef = merge(b"e", b"f");
        assert_eq!(
            mmr_root([b"a", b"b", b"c", b"d", b"e", b"f", b"g"]).unwrap(),
            merge(&merge(b"g", &ef), &abcd).to_vec()
        );
    }

    #[test]
    fn heights_peaks_and_sizes() {
        // 11 leaves, 19 nodes: the example of the reference's documentation.
        let heights = [0, 0, 1, 0, 0, 1, 2, 0, 0, 1, 0, 0, 1, 2, 3, 0, 0, 1, 0];
        for (pos, h) in heights.iter().enumerate() {
            assert_eq!(node_height(pos as u64), *h, "pos {pos}");
        }
        assert_eq!(peak_positions(19), Some(alloc::vec![14, 17, 18]));
        assert_eq!(peak_positions(1), Some(alloc::vec![0]));
        assert_eq!(peak_positions(0), None);
        assert_eq!(peak_positions(6), None);
        assert_eq!(peak_positions(2), None);
        for leaves in 1..200u64 {
            let size = mmr_size_for_leaves(leaves).unwrap();
            let peaks = peak_positions(size).unwrap();
            assert_eq!(peaks.len() as u32, leaves.count_ones());
            assert!(peaks.iter().all(|p| *p < size));
            // The sizes between two valid sizes are not valid.
            let next = mmr_size_for_leaves(leaves + 1).unwrap();
            for bad in size + 1..next {
                assert_eq!(peak_positions(bad), None, "size {bad}");
            }
        }
        // The root of a perfect tree of height h sits at 2^(h+1) - 2.
        for h in 0..63u32 {
            assert_eq!(node_height((1u64 << (h + 1)) - 2), h);
        }
        assert_eq!(peak_positions(u64::MAX), Some(alloc::vec![u64::MAX - 1]));
    }

    fn proof(root: &[u8], leaves: &[(u64, &[u8])], size: u64, items: &[&[u8]]) -> MkProof {
        MkProof {
            inner_root: root.to_vec(),
            inner_leaves: leaves.iter().map(|(p, l)| (*p, l.to_vec())).collect(),
            inner_proof_size: size,
            inner_proof_items: items.iter().map(|i| i.to_vec()).collect(),
        }
    }

    #[test]
    fn hand_made_proofs() {
        // Leaves a b c d e at positions 0 1 3 4 7; size 8; peaks 6 and 7.
        let leaves: [&[u8]; 5] = [b"a", b"b", b"c", b"d", b"e"];
        let root = mmr_root(leaves).unwrap();
        let ab = merge(b"a", b"b");
        let cd = merge(b"c", b"d");
        // c alone: d, then H(a,b), then the right peak e.
        let p = proof(&root, &[(3, b"c")], 8, &[b"d", &ab, b"e"]);
        p.verify().unwrap();
        assert!(p.contains(b"c") && !p.contains(b"d"));
        // e alone: it is a peak; the left peak is one item.
        let abcd = merge(&ab, &cd);
        proof(&root, &[(7, b"e")], 8, &[&abcd]).verify().unwrap();
        // a and d together, given out of order.
        proof(&root, &[(4, b"d"), (0, b"a")], 8, &[b"b", b"c", b"e"])
            .verify()
            .unwrap();
        // A repeated identical leaf is fine; a conflicting one is not.
        proof(&root, &[(3, b"c"), (3, b"c")], 8, &[b"d", &ab, b"e"])
            .verify()
            .unwrap();
        let forged = proof(&root, &[(3, b"c"), (3, b"x")], 8, &[b"d", &ab, b"e"]);
        assert_eq!(forged.verify().unwrap_err().code(), "proof_invalid");
        // Wrong sibling, missing item, surplus item, inner position, bad size.
        let e = proof(&root, &[(3, b"c")], 8, &[b"x", &ab, b"e"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_root_mismatch");
        let e = proof(&root, &[(3, b"c")], 8, &[b"d", &ab]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_root_mismatch");
        let e = proof(&root, &[(3, b"c")], 8, &[b"d"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_invalid");
        // One trailing item is read as bagged right-hand peaks (and then fails the root), two
        // are surplus.
        let e = proof(&root, &[(3, b"c")], 8, &[b"d", &ab, b"e", b"e"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_root_mismatch");
        let e = proof(&root, &[(3, b"c")], 8, &[b"d", &ab, b"e", b"e", b"e"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_invalid");
        let e = proof(&root, &[(2, &ab)], 8, &[&cd, b"e"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_invalid");
        let e = proof(&root, &[(3, b"c")], 9, &[b"d", &ab, b"e"]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_invalid");
        let e = proof(&root, &[(8, b"c")], 8, &[]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_invalid");
        // One-leaf range: the leaf is the root; surplus items are ignored as by the reference.
        proof(b"only", &[(0, b"only")], 1, &[b"junk"])
            .verify()
            .unwrap();
        let e = proof(b"only", &[(0, b"other")], 1, &[]).verify();
        assert_eq!(e.unwrap_err().code(), "proof_root_mismatch");
        // No leaf at all: the items are the peaks.
        proof(&root, &[], 8, &[&abcd, b"e"]).verify().unwrap();
    }

    #[test]
    fn extreme_positions_do_not_panic() {
        for pos in [u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) - 1] {
            for size in [u64::MAX, 1 << 63, (1u64 << 63) - 1, 7] {
                let p = proof(b"r", &[(pos, b"x")], size, &[b"y", b"z"]);
                assert!(p.verify().is_err());
            }
        }
    }
}
