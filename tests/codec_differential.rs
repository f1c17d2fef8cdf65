//! The hand-written codecs that stay, against the crates they stand for:
//!
//! - `proofs::bincode` (the v2 map-proof reader and writer) against bincode 2.0.1 with the
//!   standard configuration over serde types shaped as the reference's `MKMapProof<BlockRange>`:
//!   values encoded by bincode decode to the same value here and encode to the same bytes; random
//!   and mutated byte strings get the same verdict and, when accepted, the same value.
//! - `proofs::mmr` (mountain-range roots and `MKProof` verification) against
//!   ckb-merkle-mountain-range 0.6.1 with Mithril's merge (Blake2s-256 of the two nodes): the same
//!   roots, ckb's proofs verify here, and mutated proofs get the same verdict except for the
//!   hardenings `proofs::mmr` documents (refused here, possibly accepted by ckb): two different
//!   leaves at one position, a tree size that is not a mountain range's, and position arithmetic
//!   that overflows.
//!
//! The lottery's exact integer path is checked against num-rational in src/stm/lottery.rs
//! (`integer_procedure_agrees_with_rationals`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};

use blake2::{Blake2s256, Digest};
use ckb_merkle_mountain_range::{util::MemStore, Merge, MerkleProof, MMR};
use common::Rng;
use mithril_lite::proofs::mmr::{merge, peak_positions};
use mithril_lite::proofs::{mmr_root, BlockRange, MkMapProof, MkProof, MAX_MAP_PROOF_DEPTH};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// bincode 2

/// `MKTreeNode`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Node {
    hash: Vec<u8>,
}

/// `MKProof`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Proof {
    inner_root: Node,
    inner_leaves: Vec<(u64, Node)>,
    inner_proof_size: u64,
    inner_proof_items: Vec<Node>,
}

/// `BlockRange`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Range {
    inner_range: std::ops::Range<u64>,
}

/// `MKMapProof<BlockRange>`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct MapProof {
    master_proof: Proof,
    sub_proofs: Vec<(Range, MapProof)>,
}

fn to_ours(p: &MapProof) -> MkMapProof {
    let m = &p.master_proof;
    MkMapProof {
        master_proof: MkProof {
            inner_root: m.inner_root.hash.clone(),
            inner_leaves: m
                .inner_leaves
                .iter()
                .map(|(pos, n)| (*pos, n.hash.clone()))
                .collect(),
            inner_proof_size: m.inner_proof_size,
            inner_proof_items: m.inner_proof_items.iter().map(|n| n.hash.clone()).collect(),
        },
        sub_proofs: p
            .sub_proofs
            .iter()
            .map(|(r, sub)| {
                let range = BlockRange {
                    start: r.inner_range.start,
                    end: r.inner_range.end,
                };
                (range, to_ours(sub))
            })
            .collect(),
    }
}

fn depth(p: &MapProof) -> usize {
    1 + p
        .sub_proofs
        .iter()
        .map(|(_, s)| depth(s))
        .max()
        .unwrap_or(0)
}

/// A number around the varint boundaries, or a random one.
fn edge_u64(rng: &mut Rng) -> u64 {
    let edges = [
        0,
        1,
        250,
        251,
        252,
        255,
        256,
        u16::MAX as u64,
        u16::MAX as u64 + 1,
        u32::MAX as u64,
        u32::MAX as u64 + 1,
        u64::MAX - 1,
        u64::MAX,
    ];
    match rng.below(3) {
        0 => rng.pick(&edges),
        1 => rng.next() >> rng.below(64),
        _ => rng.below(300) as u64,
    }
}

fn random_node(rng: &mut Rng) -> Node {
    let len = match rng.below(10) {
        0 => 0,
        1 => 250 + rng.below(10),
        _ => 32,
    };
    Node {
        hash: (0..len).map(|_| rng.next() as u8).collect(),
    }
}

fn random_proof(rng: &mut Rng) -> Proof {
    Proof {
        inner_root: random_node(rng),
        inner_leaves: (0..rng.below(5))
            .map(|_| (edge_u64(rng), random_node(rng)))
            .collect(),
        inner_proof_size: edge_u64(rng),
        inner_proof_items: (0..rng.below(6)).map(|_| random_node(rng)).collect(),
    }
}

fn random_map_proof(rng: &mut Rng, levels: usize) -> MapProof {
    let subs = if levels > 1 { rng.below(4) } else { 0 };
    MapProof {
        master_proof: random_proof(rng),
        sub_proofs: (0..subs)
            .map(|_| {
                let range = Range {
                    inner_range: edge_u64(rng)..edge_u64(rng),
                };
                (range, random_map_proof(rng, levels - 1))
            })
            .collect(),
    }
}

fn bincode_encode(p: &MapProof) -> Vec<u8> {
    bincode::serde::encode_to_vec(p, bincode::config::standard()).unwrap()
}

/// bincode's verdict on `bytes` (a panic counts as a refusal).
fn bincode_decode(bytes: &[u8]) -> Option<MapProof> {
    catch_unwind(|| {
        bincode::serde::decode_from_slice::<MapProof, _>(bytes, bincode::config::standard())
            .ok()
            .map(|(p, _)| p)
    })
    .ok()
    .flatten()
}

/// Both decoders on `bytes`: the same verdict, and the same value when accepted. The one
/// documented difference: nesting deeper than [`MAX_MAP_PROOF_DEPTH`], refused here.
fn same_decoding(bytes: &[u8]) -> bool {
    let reference = bincode_decode(bytes);
    let ours = MkMapProof::from_bincode(bytes);
    match (&reference, &ours) {
        (Some(r), Ok(o)) => {
            assert_eq!(&to_ours(r), o, "bytes {bytes:02x?}");
            true
        }
        (None, Err(_)) => false,
        (Some(r), Err(e)) if depth(r) > MAX_MAP_PROOF_DEPTH => {
            assert!(e.to_string().contains("deeper"), "{e}");
            false
        }
        _ => panic!(
            "bincode {} and ours {} disagree on {bytes:02x?}",
            if reference.is_some() {
                "accepts"
            } else {
                "refuses"
            },
            if ours.is_ok() { "accepts" } else { "refuses" },
        ),
    }
}

/// `bytes` with a few random edits: byte flips, insertions, deletions, truncation, a varint
/// prefix byte (251..=255) put somewhere.
fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = if out.is_empty() {
            0
        } else {
            rng.below(out.len())
        };
        match rng.below(6) {
            0 if !out.is_empty() => out[at] ^= 1 << rng.below(8),
            1 if !out.is_empty() => out[at] = rng.next() as u8,
            2 => out.insert(at, rng.next() as u8),
            3 if !out.is_empty() => {
                out.remove(at);
            }
            4 => out.truncate(at),
            _ if !out.is_empty() => out[at] = 251 + rng.below(5) as u8,
            _ => out.push(rng.next() as u8),
        }
    }
    out
}

#[test]
fn bincode_values_decode_and_encode_as_bincode_does() {
    let mut rng = Rng(0xb1c0de);
    for round in 0..3000 {
        let p = random_map_proof(&mut rng, 1 + round % 3);
        let bytes = bincode_encode(&p);
        let ours = MkMapProof::from_bincode(&bytes).unwrap();
        assert_eq!(ours, to_ours(&p), "round {round}");
        assert_eq!(ours.to_bincode(), bytes, "round {round}");
        // Trailing bytes are ignored by both.
        let mut longer = bytes.clone();
        longer.extend_from_slice(&[0xfe, 0xff]);
        assert!(same_decoding(&longer));
        // Every strict prefix is refused by both.
        for cut in [0, bytes.len() / 2, bytes.len() - 1] {
            assert!(!same_decoding(&bytes[..cut]), "round {round} cut {cut}");
        }
    }
}

#[test]
fn bincode_random_and_mutated_bytes_get_the_same_verdict() {
    let mut rng = Rng(0x5eed);
    let (mut cases, mut accepted) = (0u64, 0u64);
    // Mutations of valid encodings: mostly near-valid input.
    for round in 0..4000 {
        let p = random_map_proof(&mut rng, 1 + round % 3);
        let bytes = bincode_encode(&p);
        for _ in 0..8 {
            cases += 1;
            accepted += same_decoding(&mutate(&mut rng, &bytes)) as u64;
        }
    }
    // Random short strings over a small alphabet rich in varint prefixes and small lengths.
    let alphabet = [0u8, 1, 2, 3, 32, 250, 251, 252, 253, 254, 255];
    for _ in 0..40_000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                if rng.chance(70) {
                    rng.pick(&alphabet)
                } else {
                    rng.next() as u8
                }
            })
            .collect();
        cases += 1;
        accepted += same_decoding(&bytes) as u64;
    }
    // Non-minimal varints: accepted by both (bincode does not insist on the shortest form).
    let minimal = bincode_encode(&random_map_proof(&mut Rng(1), 1));
    let mut wide = vec![251, minimal[0], 0];
    wide.extend_from_slice(&minimal[1..]);
    cases += 1;
    accepted += same_decoding(&wide) as u64;
    println!("bincode: {cases} byte strings, {accepted} accepted by both, 0 disagreements");
    assert!(
        accepted > 100,
        "the mutations should keep some inputs valid"
    );
}

#[test]
fn bincode_nesting_beyond_the_limit_is_the_documented_difference() {
    let mut p = random_map_proof(&mut Rng(3), 1);
    for _ in 0..MAX_MAP_PROOF_DEPTH {
        let range = Range { inner_range: 0..15 };
        p = MapProof {
            master_proof: random_proof(&mut Rng(4)),
            sub_proofs: vec![(range, p)],
        };
    }
    assert_eq!(depth(&p), MAX_MAP_PROOF_DEPTH + 1);
    let bytes = bincode_encode(&p);
    assert!(bincode_decode(&bytes).is_some());
    assert!(!same_decoding(&bytes));
}

// ---------------------------------------------------------------------------------------------
// ckb-merkle-mountain-range

/// Mithril's `MergeMKTreeNode`: Blake2s-256 of the two nodes' bytes.
struct Blake2sMerge;

impl Merge for Blake2sMerge {
    type Item = Vec<u8>;

    fn merge(left: &Vec<u8>, right: &Vec<u8>) -> ckb_merkle_mountain_range::Result<Vec<u8>> {
        let mut h = Blake2s256::new();
        h.update(left);
        h.update(right);
        Ok(h.finalize().to_vec())
    }
}

fn leaf(rng: &mut Rng, i: usize) -> Vec<u8> {
    // Mithril's leaves are ASCII strings of any length (transaction hashes, "Tx/...").
    match rng.below(3) {
        0 => format!("leaf-{i}").into_bytes(),
        1 => (0..32).map(|_| rng.next() as u8).collect(),
        _ => (0..rng.below(70)).map(|_| rng.next() as u8).collect(),
    }
}

/// A ckb mountain range over `leaves`: (store, size, leaf positions).
fn ckb_build(leaves: &[Vec<u8>]) -> (MemStore<Vec<u8>>, u64, Vec<u64>) {
    let store = MemStore::default();
    let mut positions = Vec::new();
    let size = {
        let mut mmr = MMR::<Vec<u8>, Blake2sMerge, _>::new(0, &store);
        for l in leaves {
            positions.push(mmr.push(l.clone()).unwrap());
        }
        mmr.commit().unwrap();
        mmr.mmr_size()
    };
    (store, size, positions)
}

fn ckb_root(store: &MemStore<Vec<u8>>, size: u64) -> Vec<u8> {
    MMR::<Vec<u8>, Blake2sMerge, _>::new(size, store)
        .get_root()
        .unwrap()
}

/// ckb's verdict on a proof as Mithril's `MKProof::verify` asks it (a panic is a refusal).
fn ckb_accepts(p: &MkProof) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        MerkleProof::<Vec<u8>, Blake2sMerge>::new(p.inner_proof_size, p.inner_proof_items.clone())
            .verify(p.inner_root.clone(), p.inner_leaves.clone())
            .unwrap_or(false)
    }))
    .unwrap_or(false)
}

/// The documented hardening `p` trips, if any (which refuse what ckb may accept): 0 two
/// different leaves at one position, 1 a size that is not a mountain range's, 2 positions or
/// sizes so large that position arithmetic overflows.
fn hardening(p: &MkProof) -> Option<usize> {
    let mut leaves = p.inner_leaves.clone();
    leaves.sort();
    if leaves
        .windows(2)
        .any(|w| w[0].0 == w[1].0 && w[0].1 != w[1].1)
    {
        return Some(0);
    }
    let one_leaf_special =
        p.inner_proof_size == 1 && p.inner_leaves.len() == 1 && p.inner_leaves[0].0 == 0;
    if !one_leaf_special && peak_positions(p.inner_proof_size).is_none() {
        return Some(1);
    }
    let huge = p.inner_leaves.iter().any(|(pos, _)| *pos > u64::MAX / 4)
        || p.inner_proof_size > u64::MAX / 4;
    huge.then_some(2)
}

#[test]
fn mmr_roots_match_ckb() {
    let mut rng = Rng(0x0aaa);
    let mut leaves = Vec::new();
    for n in 1..=600usize {
        leaves.push(leaf(&mut rng, n));
        let (store, size, _) = ckb_build(&leaves);
        assert_eq!(
            mmr_root(&leaves).unwrap(),
            ckb_root(&store, size),
            "{n} leaves"
        );
    }
    // The golden vector of the spec (leaves "golden-1".."golden-5").
    let golden: Vec<Vec<u8>> = (1..=5)
        .map(|i| format!("golden-{i}").into_bytes())
        .collect();
    let (store, size, _) = ckb_build(&golden);
    assert_eq!(
        hex(&ckb_root(&store, size)),
        "3bbced153528697ecde7345a22e50115306478353619411523e804f2323fd921"
    );
    assert_eq!(
        merge(b"a", b"b").to_vec(),
        Blake2sMerge::merge(&b"a".to_vec(), &b"b".to_vec()).unwrap()
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random proof generated by ckb: `k` random leaves of a range of `n`.
fn ckb_proof(rng: &mut Rng, n: usize) -> MkProof {
    let leaves: Vec<Vec<u8>> = (0..n).map(|i| leaf(rng, i)).collect();
    let (store, size, positions) = ckb_build(&leaves);
    let k = 1 + rng.below(n.min(6));
    let mut chosen: Vec<usize> = (0..k).map(|_| rng.below(n)).collect();
    chosen.sort_unstable();
    chosen.dedup();
    let mmr = MMR::<Vec<u8>, Blake2sMerge, _>::new(size, &store);
    let proof = mmr
        .gen_proof(chosen.iter().map(|&i| positions[i]).collect())
        .unwrap();
    let mut inner_leaves: Vec<(u64, Vec<u8>)> = chosen
        .iter()
        .map(|&i| (positions[i], leaves[i].clone()))
        .collect();
    // The reference keeps the leaves in the order given; any order verifies.
    if rng.chance(30) {
        inner_leaves.reverse();
    }
    MkProof {
        inner_root: mmr.get_root().unwrap(),
        inner_leaves,
        inner_proof_size: proof.mmr_size(),
        inner_proof_items: proof.proof_items().to_vec(),
    }
}

/// One random edit of a proof.
fn mutate_proof(rng: &mut Rng, p: &MkProof) -> MkProof {
    let mut m = p.clone();
    let items = m.inner_proof_items.len();
    let leaves = m.inner_leaves.len();
    match rng.below(14) {
        0 if items > 0 => {
            let i = rng.below(items);
            let at = rng.below(m.inner_proof_items[i].len().max(1));
            if let Some(b) = m.inner_proof_items[i].get_mut(at) {
                *b ^= 1;
            }
        }
        1 if items > 0 => {
            m.inner_proof_items.remove(rng.below(items));
        }
        2 => {
            let at = rng.below(items + 1);
            m.inner_proof_items.insert(at, vec![rng.next() as u8; 32]);
        }
        3 if items > 1 => {
            let (a, b) = (rng.below(items), rng.below(items));
            m.inner_proof_items.swap(a, b);
        }
        4 if leaves > 0 => {
            let i = rng.below(leaves);
            m.inner_leaves[i].1.push(0);
        }
        5 if leaves > 0 => {
            let i = rng.below(leaves);
            let d = 1 + rng.below(3) as u64;
            let pos = &mut m.inner_leaves[i].0;
            *pos = if rng.chance(50) {
                pos.wrapping_add(d)
            } else {
                pos.wrapping_sub(d)
            };
        }
        6 if leaves > 0 => {
            // The same leaf twice (allowed: equal entries).
            let entry = m.inner_leaves[rng.below(leaves)].clone();
            m.inner_leaves.push(entry);
        }
        7 if leaves > 0 => {
            // Another leaf at a proven position (a hardening: refused here).
            let (pos, _) = m.inner_leaves[rng.below(leaves)];
            m.inner_leaves.push((pos, b"forged".to_vec()));
        }
        8 if leaves > 0 => {
            m.inner_leaves.remove(rng.below(leaves));
        }
        9 => {
            let d = 1 + rng.below(4) as u64;
            m.inner_proof_size = if rng.chance(50) {
                m.inner_proof_size.saturating_add(d)
            } else {
                m.inner_proof_size.saturating_sub(d)
            };
        }
        10 => m.inner_root[0] ^= 0x80,
        11 => {
            let extreme = [u64::MAX, u64::MAX - 1, 1 << 63, (1 << 63) - 1];
            if leaves > 0 && rng.chance(50) {
                let i = rng.below(leaves);
                m.inner_leaves[i].0 = rng.pick(&extreme);
            } else {
                m.inner_proof_size = rng.pick(&extreme);
            }
        }
        12 => m.inner_proof_items.clear(),
        _ if m.inner_proof_size < 1 << 20 => {
            // The size of a range with one leaf more or less.
            let n = leaf_count(m.inner_proof_size);
            m.inner_proof_size = if rng.chance(50) {
                mmr_size(n + 1)
            } else {
                mmr_size(n.max(2) - 1)
            };
        }
        _ => m.inner_proof_size = 0,
    }
    m
}

/// Size of a range of `leaves` leaves.
fn mmr_size(leaves: u64) -> u64 {
    2 * leaves - u64::from(leaves.count_ones())
}

fn leaf_count(size: u64) -> u64 {
    (1..).find(|&n| mmr_size(n) >= size).unwrap()
}

#[test]
fn mmr_proofs_from_ckb_verify_and_mutations_agree() {
    let mut rng = Rng(0xc4b);
    let (mut cases, mut accepted) = (0u64, 0u64);
    let mut hardened = [0u64; 3];
    for round in 0..600 {
        let n = 1 + match round % 3 {
            0 => rng.below(8),
            1 => rng.below(70),
            _ => rng.below(400),
        };
        let p = ckb_proof(&mut rng, n);
        assert!(ckb_accepts(&p));
        p.verify()
            .unwrap_or_else(|e| panic!("{n} leaves, {:?}: {e}", p.inner_leaves));
        cases += 1;
        accepted += 1;
        for _ in 0..12 {
            let mut m = mutate_proof(&mut rng, &p);
            if rng.chance(20) {
                m = mutate_proof(&mut rng, &m);
            }
            let reference = ckb_accepts(&m);
            let ours = catch_unwind(|| m.verify().is_ok()).expect("our verifier panicked");
            cases += 1;
            accepted += (reference && ours) as u64;
            if reference == ours {
                continue;
            }
            // Only a hardening may differ, and only one way: refused here, accepted by ckb.
            let class = hardening(&m).filter(|_| reference && !ours);
            let class = class
                .unwrap_or_else(|| panic!("{n} leaves: ckb {reference}, ours {ours} on {m:?}"));
            hardened[class] += 1;
        }
    }
    println!(
        "mmr: {cases} proofs, {accepted} accepted by both; refused here only (documented \
         hardenings): {} two different leaves at one position, {} invalid range size, {} \
         overflowing positions; 0 other disagreements",
        hardened[0], hardened[1], hardened[2]
    );
}
