//! The v2 wire form of a map proof: bytes-hex, the hex of bincode 2 with the "standard"
//! configuration of `MKMapProof<BlockRange>` (`/proof/v2/...`).
//!
//! - Unsigned integers are little-endian varints: a value below 251 is one byte; the prefixes
//!   251, 252 and 253 announce a u16, u32 or u64 (little-endian) that follows. Like bincode,
//!   a value written longer than needed is accepted; 254 (u128) and 255 are refused.
//! - A sequence is a varint length followed by its items; a node (`{hash: Vec<u8>}`) is a
//!   varint length followed by the raw bytes; a tuple or struct is its fields in order.
//! - `MKMapProof = master_proof: MKProof, sub_proofs: Vec<(BlockRange, MKMapProof)>`,
//!   `MKProof = inner_root, inner_leaves: Vec<(u64, node)>, inner_proof_size: u64,
//!   inner_proof_items: Vec<node>`, `BlockRange = start: u64, end: u64`.
//!
//! Every length is checked against the bytes left before anything is allocated, so the decoded
//! proof takes at most about 24 bytes of memory per input byte (the worst case is a run of
//! empty nodes: one byte each on the wire, one empty vector each in memory); the nesting of
//! sub-proofs is bounded by [`MAX_MAP_PROOF_DEPTH`]. Bytes after the proof are ignored, as
//! bincode's `decode_from_slice` (which the reference uses) does.
//!
//! Why hand-written rather than the `bincode` crate: the reference's bincode 2 is no longer
//! maintained upstream, and the only form needed is this one type in one configuration (a
//! reader of about a hundred lines, no serde `Deserializer` for a second format in the wasm
//! module). tests/codec_differential.rs holds it to bincode 2.0.1 (standard configuration, serde
//! types shaped as `MKMapProof<BlockRange>`): same bytes written, and on random and mutated
//! input the same verdict and value. The one difference is the nesting bound above (bincode has
//! none).

use alloc::vec::Vec;

use super::error::ProofError;
use super::map_proof::{BlockRange, MkMapProof, MAX_MAP_PROOF_DEPTH};
use super::mmr::MkProof;
use crate::codec::hex;

const WHAT: &str = "map proof (bincode)";

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// A decoding failure at byte `at` (one formatting body for every failure of the reader).
fn malformed_at(what: &str, at: usize) -> ProofError {
    ProofError::malformed(WHAT, alloc::format!("{what} at byte {at}"))
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProofError> {
        if n > self.remaining() {
            return Err(malformed_at("unexpected end of input", self.pos));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn varint(&mut self) -> Result<u64, ProofError> {
        let at = self.pos;
        let width = match self.take(1)?.first().copied().unwrap_or(255) {
            b @ 0..=250 => return Ok(u64::from(b)),
            251 => 2,
            252 => 4,
            253 => 8,
            254 => return Err(malformed_at("a u128 where a u64 is expected", at)),
            _ => return Err(malformed_at("invalid varint prefix", at)),
        };
        // Little-endian: the last byte is the most significant.
        let value = self
            .take(width)?
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        Ok(value)
    }

    /// A sequence length, refused when even items of `min_item_bytes` each could not fit in
    /// the bytes left.
    fn length(&mut self, min_item_bytes: usize) -> Result<usize, ProofError> {
        let at = self.pos;
        let n = self.varint()?;
        let fits = usize::try_from(n).ok().filter(|n| {
            n.checked_mul(min_item_bytes.max(1))
                .is_some_and(|b| b <= self.remaining())
        });
        fits.ok_or_else(|| malformed_at("a length longer than the bytes left", at))
    }

    fn node(&mut self) -> Result<Vec<u8>, ProofError> {
        let n = self.length(1)?;
        Ok(self.take(n)?.to_vec())
    }

    fn mk_proof(&mut self) -> Result<MkProof, ProofError> {
        let inner_root = self.node()?;
        // A leaf entry is at least a one-byte position and a one-byte node length.
        let n = self.length(2)?;
        let mut inner_leaves = Vec::with_capacity(n);
        for _ in 0..n {
            let pos = self.varint()?;
            inner_leaves.push((pos, self.node()?));
        }
        let inner_proof_size = self.varint()?;
        let n = self.length(1)?;
        let mut inner_proof_items = Vec::with_capacity(n);
        for _ in 0..n {
            inner_proof_items.push(self.node()?);
        }
        Ok(MkProof {
            inner_root,
            inner_leaves,
            inner_proof_size,
            inner_proof_items,
        })
    }

    fn map_proof(&mut self, depth: usize) -> Result<MkMapProof, ProofError> {
        if depth > MAX_MAP_PROOF_DEPTH {
            // The message names the limit, MAX_MAP_PROOF_DEPTH (a test keeps them in step).
            return Err(ProofError::malformed(WHAT, "nested deeper than 8 levels"));
        }
        let master_proof = self.mk_proof()?;
        // A sub-proof entry is at least two one-byte bounds and a minimal map proof (a node
        // length, two sequence lengths, a size and a sub-proof count).
        let n = self.length(7)?;
        let mut sub_proofs = Vec::with_capacity(n);
        for _ in 0..n {
            let start = self.varint()?;
            let end = self.varint()?;
            let sub = self.map_proof(depth + 1)?;
            sub_proofs.push((BlockRange { start, end }, sub));
        }
        Ok(MkMapProof {
            master_proof,
            sub_proofs,
        })
    }
}

impl MkMapProof {
    /// Decode the bincode form.
    pub fn from_bincode(bytes: &[u8]) -> Result<Self, ProofError> {
        Reader { bytes, pos: 0 }.map_proof(1)
    }

    /// Decode the bytes-hex form (surrounding whitespace is ignored).
    pub fn from_bytes_hex(text: &str) -> Result<Self, ProofError> {
        let bytes = hex::decode(text.trim().as_bytes())
            .ok_or_else(|| ProofError::malformed("map proof (bytes-hex)", "not hex"))?;
        Self::from_bincode(&bytes)
    }

    /// Encode in the bincode form (what aggregators serve, hex-encoded, in `/proof/v2`).
    pub fn to_bincode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_map_proof(&mut out, self);
        out
    }
}

impl MkProof {
    /// Decode the bincode form of a single `MKProof`.
    pub fn from_bincode(bytes: &[u8]) -> Result<Self, ProofError> {
        Reader { bytes, pos: 0 }.mk_proof()
    }

    /// Encode in the bincode form (the reference's `MKProof::to_bytes`).
    pub fn to_bincode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_mk_proof(&mut out, self);
        out
    }
}

fn write_varint(out: &mut Vec<u8>, v: u64) {
    if v < 251 {
        out.push(v as u8);
    } else if let Ok(v) = u16::try_from(v) {
        out.push(251);
        out.extend_from_slice(&v.to_le_bytes());
    } else if let Ok(v) = u32::try_from(v) {
        out.push(252);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        out.push(253);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn write_node(out: &mut Vec<u8>, node: &[u8]) {
    write_varint(out, node.len() as u64);
    out.extend_from_slice(node);
}

fn write_mk_proof(out: &mut Vec<u8>, m: &MkProof) {
    write_node(out, &m.inner_root);
    write_varint(out, m.inner_leaves.len() as u64);
    for (pos, leaf) in &m.inner_leaves {
        write_varint(out, *pos);
        write_node(out, leaf);
    }
    write_varint(out, m.inner_proof_size);
    write_varint(out, m.inner_proof_items.len() as u64);
    for item in &m.inner_proof_items {
        write_node(out, item);
    }
}

fn write_map_proof(out: &mut Vec<u8>, p: &MkMapProof) {
    write_mk_proof(out, &p.master_proof);
    write_varint(out, p.sub_proofs.len() as u64);
    for (range, sub) in &p.sub_proofs {
        write_varint(out, range.start);
        write_varint(out, range.end);
        write_map_proof(out, sub);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn sample() -> MkMapProof {
        MkMapProof {
            master_proof: MkProof {
                inner_root: vec![7; 32],
                inner_leaves: vec![(250, vec![1]), (251, vec![]), (70_000, vec![2; 300])],
                inner_proof_size: u64::MAX,
                inner_proof_items: vec![vec![3; 32]],
            },
            sub_proofs: vec![(
                BlockRange {
                    start: 65_535,
                    end: 1 << 40,
                },
                MkProof {
                    inner_root: vec![9],
                    inner_leaves: vec![(0, vec![9])],
                    inner_proof_size: 1,
                    inner_proof_items: vec![],
                }
                .into(),
            )],
        }
    }

    #[test]
    fn varints_as_bincode_writes_them() {
        let mut out = Vec::new();
        for v in [
            0u64,
            250,
            251,
            65_535,
            65_536,
            u32::MAX as u64,
            u32::MAX as u64 + 1,
        ] {
            write_varint(&mut out, v);
        }
        assert_eq!(
            out,
            [
                &[0u8, 250, 251, 251, 0, 251, 255, 255, 252, 0, 0, 1, 0][..],
                &[252, 255, 255, 255, 255, 253, 0, 0, 0, 0, 1, 0, 0, 0][..]
            ]
            .concat()
        );
        let mut r = Reader {
            bytes: &out,
            pos: 0,
        };
        for v in [
            0u64,
            250,
            251,
            65_535,
            65_536,
            u32::MAX as u64,
            u32::MAX as u64 + 1,
        ] {
            assert_eq!(r.varint().unwrap(), v);
        }
        // Over-long forms are accepted, as bincode does; 254 and 255 are not.
        let mut r = Reader {
            bytes: &[251, 5, 0, 253, 1, 0, 0, 0, 0, 0, 0, 0],
            pos: 0,
        };
        assert_eq!(r.varint().unwrap(), 5);
        assert_eq!(r.varint().unwrap(), 1);
        for bad in [&[254u8, 0][..], &[255], &[251, 1], &[]] {
            assert!(Reader { bytes: bad, pos: 0 }.varint().is_err());
        }
    }

    #[test]
    fn round_trip() {
        let p = sample();
        let bytes = p.to_bincode();
        assert_eq!(MkMapProof::from_bincode(&bytes).unwrap(), p);
        let text = hex::encode(&bytes);
        assert_eq!(MkMapProof::from_bytes_hex(&text).unwrap(), p);
        // Trailing bytes are ignored, as by the reference.
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(MkMapProof::from_bincode(&longer).unwrap(), p);
        // Every strict prefix is refused.
        for n in 0..bytes.len() {
            assert!(MkMapProof::from_bincode(&bytes[..n]).is_err(), "prefix {n}");
        }
    }

    #[test]
    fn huge_lengths_are_refused_before_allocating() {
        // A root announcing 2^64-1 bytes.
        let bytes = [253, 255, 255, 255, 255, 255, 255, 255, 255];
        let e = MkMapProof::from_bincode(&bytes).unwrap_err();
        assert_eq!(e.code(), "proof_malformed");
        // 2^32-1 leaves in a few bytes.
        let bytes = [0, 252, 255, 255, 255, 255, 0, 0];
        assert!(MkMapProof::from_bincode(&bytes).is_err());
        // Sub-proofs nested past the bound.
        let mut bytes = Vec::new();
        for _ in 0..=MAX_MAP_PROOF_DEPTH {
            bytes.extend_from_slice(&[0, 0, 1, 0, 1, 0, 1]);
        }
        bytes.extend_from_slice(&[0, 0, 1, 0, 0]);
        let e = MkMapProof::from_bincode(&bytes).unwrap_err();
        let limit = alloc::format!("nested deeper than {MAX_MAP_PROOF_DEPTH} levels");
        assert!(e.to_string().contains(&limit), "{e}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic generator (xorshift) over many short inputs.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let base = sample().to_bincode();
        for _ in 0..20_000 {
            let mut bytes = base.clone();
            let flips = 1 + next() % 4;
            for _ in 0..flips {
                let i = (next() as usize) % bytes.len();
                bytes[i] = next() as u8;
            }
            let cut = (next() as usize) % (bytes.len() + 1);
            let _ = MkMapProof::from_bincode(&bytes[..cut]);
        }
    }
}
