//! The floor: the blst operations any verifier of a certificate's STM multi-signature must do,
//! whatever its design, timed in the same run as mithril-lite's walk (`benches/wasm/bench.mjs`,
//! workload `floor`). Raw blst, built with the same C flags as the npm module (this crate's build
//! in scripts/bench-wasm.sh), so the difference is mithril-lite's own overhead.
//!
//! For one certificate: every signature in its aggregate decompressed (G1) and subgroup-checked,
//! every key decompressed (G2) and subgroup-checked, the message hashed to G1 once, and one
//! pairing check (two Miller loops, one final exponentiation). Not included, though a verifier
//! also needs them: the sums of the points, the lottery, the Merkle batch path, the JSON and
//! hashing work: the floor is a lower bound.

use blst::{
    blst_final_exp, blst_fp12, blst_fp12_is_one, blst_fp12_mul, blst_hash_to_g1, blst_miller_loop,
    blst_p1, blst_p1_affine, blst_p1_affine_in_g1, blst_p1_to_affine, blst_p1_uncompress,
    blst_p2_affine, blst_p2_affine_generator, blst_p2_affine_in_g2, blst_p2_uncompress, BLST_ERROR,
};
use wasm_bindgen::prelude::*;

/// One certificate's points (compressed) and the message its signers signed.
#[wasm_bindgen]
pub struct Floor {
    signatures: Vec<u8>,
    keys: Vec<u8>,
    message: Vec<u8>,
}

#[wasm_bindgen]
impl Floor {
    /// `signatures`: the aggregate's G1 signatures, 48 bytes each, concatenated; `keys`: their
    /// G2 keys, 96 bytes each; `message`: the bytes hashed to G1 (the signed message followed by
    /// the AVK's Merkle root, as mithril-stm signs).
    #[wasm_bindgen(constructor)]
    pub fn new(signatures: &[u8], keys: &[u8], message: &[u8]) -> Result<Floor, JsError> {
        if signatures.is_empty()
            || !signatures.len().is_multiple_of(48)
            || !keys.len().is_multiple_of(96)
        {
            return Err(JsError::new("signatures: n x 48 bytes, keys: n x 96 bytes"));
        }
        if signatures.len() / 48 != keys.len() / 96 {
            return Err(JsError::new("as many keys as signatures"));
        }
        Ok(Floor {
            signatures: signatures.to_vec(),
            keys: keys.to_vec(),
            message: message.to_vec(),
        })
    }

    /// Run the operations once. Throws if a point does not decode or is outside its subgroup
    /// (the inputs come from a valid certificate, so this never happens in the benchmark).
    /// Returns whether the (meaningless) pairing product is one, so nothing is optimised away.
    pub fn run(&self) -> Result<bool, JsError> {
        let mut first_signature = blst_p1_affine::default();
        for (i, bytes) in self.signatures.chunks_exact(48).enumerate() {
            let mut point = blst_p1_affine::default();
            // SAFETY: `bytes` holds 48 readable bytes; `point` is a valid output location.
            let ok = unsafe {
                blst_p1_uncompress(&mut point, bytes.as_ptr()) == BLST_ERROR::BLST_SUCCESS
                    && blst_p1_affine_in_g1(&point)
            };
            if !ok {
                return Err(JsError::new("a signature does not decode"));
            }
            if i == 0 {
                first_signature = point;
            }
        }
        let mut first_key = blst_p2_affine::default();
        for (i, bytes) in self.keys.chunks_exact(96).enumerate() {
            let mut point = blst_p2_affine::default();
            // SAFETY: `bytes` holds 96 readable bytes; `point` is a valid output location.
            let ok = unsafe {
                blst_p2_uncompress(&mut point, bytes.as_ptr()) == BLST_ERROR::BLST_SUCCESS
                    && blst_p2_affine_in_g2(&point)
            };
            if !ok {
                return Err(JsError::new("a key does not decode"));
            }
            if i == 0 {
                first_key = point;
            }
        }
        let mut hashed = blst_p1::default();
        let mut hashed_affine = blst_p1_affine::default();
        let (mut left, mut right, mut product) = (
            blst_fp12::default(),
            blst_fp12::default(),
            blst_fp12::default(),
        );
        // SAFETY: every pointer is to a live value of the type blst expects; the message and the
        // (empty) DST are read within their lengths.
        let one = unsafe {
            blst_hash_to_g1(
                &mut hashed,
                self.message.as_ptr(),
                self.message.len(),
                [].as_ptr(),
                0,
                [].as_ptr(),
                0,
            );
            blst_p1_to_affine(&mut hashed_affine, &hashed);
            // e(sigma, g2) against e(H(m), vk): the shape of the aggregate check.
            blst_miller_loop(&mut left, blst_p2_affine_generator(), &first_signature);
            blst_miller_loop(&mut right, &first_key, &hashed_affine);
            blst_fp12_mul(&mut product, &left, &right);
            let mut out = blst_fp12::default();
            blst_final_exp(&mut out, &product);
            blst_fp12_is_one(&out)
        };
        Ok(one)
    }

    /// Number of signatures (and keys).
    pub fn count(&self) -> u32 {
        (self.signatures.len() / 48) as u32
    }
}
