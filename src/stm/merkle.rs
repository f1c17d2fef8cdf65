//! The key-registration Merkle tree (Blake2b-256, array heap with zero-byte padding) and its
//! batch-path verification, step for step as mithril-stm 0.13 checks it.

use alloc::vec::Vec;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};

type Blake2b256 = Blake2b<U32>;

/// Leaf hash of a registration entry: H(vk || stake as u64 big-endian).
pub fn leaf_hash(vk: &[u8; 96], stake: u64) -> [u8; 32] {
    let mut h = Blake2b256::new();
    h.update(vk);
    h.update(stake.to_be_bytes());
    h.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Blake2b256::new();
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// Padding node: the hash of a single zero byte.
fn padding() -> [u8; 32] {
    Blake2b256::digest([0u8]).into()
}

/// Root of the tree over `leaves` (already hashed), as the registration builds it.
/// `None` for an empty tree.
pub fn tree_root(leaves: &[[u8; 32]]) -> Option<[u8; 32]> {
    let n = leaves.len();
    if n == 0 {
        return None;
    }
    let p = n.checked_next_power_of_two()?;
    let num_nodes = n + p - 1;
    let z = padding();
    let mut nodes = alloc::vec![[0u8; 32]; num_nodes];
    nodes[p - 1..].copy_from_slice(leaves);
    for i in (0..p - 1).rev() {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let left = if l < num_nodes { nodes[l] } else { z };
        let right = if r < num_nodes { nodes[r] } else { z };
        nodes[i] = node_hash(&left, &right);
    }
    Some(nodes[0])
}

/// Check that `leaves` (hashed, in the order of `indices`) are members of the tree with
/// `root` and `nr_leaves` leaves, using the batch path (`values`, `indices`).
///
/// Mirrors the reference: indices must be sorted (not necessarily strictly), siblings are
/// consumed from `values` in order, and leftover values are ignored.
pub fn verify_batch_path<V: AsRef<[u8]>>(
    root: &[u8],
    nr_leaves: u64,
    leaves: &[[u8; 32]],
    values: &[V],
    indices: &[u64],
) -> bool {
    if leaves.len() != indices.len() || indices.windows(2).any(|w| w[0] > w[1]) {
        return false;
    }
    let Some(p) = nr_leaves.checked_next_power_of_two() else {
        return false;
    };
    let Some(num_nodes) = p.checked_add(nr_leaves).and_then(|n| n.checked_sub(1)) else {
        return false;
    };
    let mut positions: Vec<u64> = Vec::with_capacity(indices.len());
    for &i in indices {
        match p.checked_add(i).and_then(|x| x.checked_sub(1)) {
            Some(pos) => positions.push(pos),
            None => return false,
        }
    }
    let Some(&first) = positions.first() else {
        return false;
    };
    let mut hashes: Vec<[u8; 32]> = leaves.to_vec();
    let mut values = values.iter();
    let z = padding();

    // All positions sit on the same level, so the first one tells when the root is reached.
    let mut level_pos = first;
    while level_pos > 0 {
        level_pos = (level_pos - 1) / 2;
        let mut next_pos = Vec::with_capacity(positions.len());
        let mut next_hash = Vec::with_capacity(positions.len());
        let mut i = 0;
        while i < positions.len() {
            let pos = positions[i];
            next_pos.push(pos.saturating_sub(1) / 2);
            if pos & 1 == 0 {
                // A right child whose left sibling is not in the set.
                let Some(left) = values.next() else {
                    return false;
                };
                next_hash.push(node_hash(left.as_ref(), &hashes[i]));
            } else {
                let sibling = pos + 1;
                if i + 1 < positions.len() && positions[i + 1] == sibling {
                    next_hash.push(node_hash(&hashes[i], &hashes[i + 1]));
                    i += 1;
                } else if sibling < num_nodes {
                    let Some(right) = values.next() else {
                        return false;
                    };
                    next_hash.push(node_hash(&hashes[i], right.as_ref()));
                } else {
                    next_hash.push(node_hash(&hashes[i], &z));
                }
            }
            i += 1;
        }
        positions = next_pos;
        hashes = next_hash;
    }
    hashes.len() == 1 && hashes[0][..] == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<[u8; 32]> {
        (0..n)
            .map(|i| leaf_hash(&[i as u8; 96], i as u64 * 7 + 1))
            .collect()
    }

    /// Builds a batch path the way the reference prover does, for testing the verifier.
    fn prove(all: &[[u8; 32]], idx: &[usize]) -> Vec<[u8; 32]> {
        let n = all.len();
        let p = n.next_power_of_two();
        let num_nodes = n + p - 1;
        let z = padding();
        let mut nodes = alloc::vec![[0u8; 32]; num_nodes];
        nodes[p - 1..].copy_from_slice(all);
        for i in (0..p - 1).rev() {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            nodes[i] = node_hash(
                &if l < num_nodes { nodes[l] } else { z },
                &if r < num_nodes { nodes[r] } else { z },
            );
        }
        let mut pos: Vec<usize> = idx.iter().map(|i| i + p - 1).collect();
        let mut out = Vec::new();
        while pos[0] > 0 {
            let mut next = Vec::new();
            let mut i = 0;
            while i < pos.len() {
                let q = pos[i];
                let sib = if q % 2 == 1 { q + 1 } else { q - 1 };
                if q % 2 == 1 && i + 1 < pos.len() && pos[i + 1] == sib {
                    i += 1;
                } else if sib < num_nodes {
                    out.push(nodes[sib]);
                }
                next.push((q - 1) / 2);
                i += 1;
            }
            pos = next;
        }
        out
    }

    #[test]
    fn batch_paths_verify_for_every_subset_of_small_trees() {
        for n in 1..=9usize {
            let all = leaves(n);
            let root = tree_root(&all).unwrap();
            for mask in 1u32..(1 << n) {
                let idx: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
                let values = prove(&all, &idx);
                let picked: Vec<[u8; 32]> = idx.iter().map(|&i| all[i]).collect();
                let indices: Vec<u64> = idx.iter().map(|&i| i as u64).collect();
                assert!(
                    verify_batch_path(&root, n as u64, &picked, &values, &indices),
                    "n={n} mask={mask:b}"
                );
                // Any tampered leaf fails.
                let mut bad = picked.clone();
                bad[0][0] ^= 1;
                assert!(!verify_batch_path(&root, n as u64, &bad, &values, &indices));
                // Unsorted indices fail.
                if indices.len() > 1 {
                    let mut rev = indices.clone();
                    rev.reverse();
                    let mut rev_leaves = picked.clone();
                    rev_leaves.reverse();
                    assert!(!verify_batch_path(
                        &root,
                        n as u64,
                        &rev_leaves,
                        &values,
                        &rev
                    ));
                }
            }
        }
    }

    #[test]
    fn single_leaf_root_is_the_leaf() {
        let all = leaves(1);
        assert_eq!(tree_root(&all), Some(all[0]));
        assert!(verify_batch_path::<[u8; 32]>(&all[0], 1, &all, &[], &[0]));
        assert!(!verify_batch_path::<[u8; 32]>(&all[0], 1, &[], &[], &[]));
    }
}
