//! A signer's verification key with its proof of possession, as Mithril stake distributions
//! carry it (`verification_key`: JSON-hex of `{"vk":[96 bytes],"pop":[96 bytes]}`, or the
//! 192 raw bytes hex-encoded), and the proof-of-possession check of mithril-stm 0.13.
//!
//! The proof of possession is two G1 points: `k1 = H_G1("PoP")^sk` (a BLS signature of the
//! bytes `PoP` with the empty DST) and `k2 = g1^sk`. It holds when `k1` verifies as a
//! signature of `PoP` under `vk` and `e(k2, g2) = e(g1, vk)`. Unlike the reference (which
//! skips the subgroup check of `k1` and ignores decoding failures of `k2`), both points must
//! decode to points of the prime-order subgroup; honest keys always do.

use blst::min_sig::{PublicKey as G2Point, Signature as G1Point};
use blst::{blst_fp12, blst_p1_affine, blst_p2_affine, BLST_ERROR};

use crate::codec::hex;
use crate::stm::keys::VerificationKey;
use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The message `k1` signs.
const POP_MESSAGE: &[u8] = b"PoP";

/// A verification key and its proof of possession, as registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignerKey {
    /// Compressed G2 verification key.
    pub vk: [u8; 96],
    /// Proof of possession: compressed `k1 || k2` (two G1 points).
    pub pop: [u8; 96],
}

/// `BlsVerificationKeyProofOfPossession`: `{"vk": [96 bytes], "pop": [96 bytes]}` (or
/// `[vk, pop]`).
#[derive(Deserialize)]
struct WireKey {
    vk: Bytes96,
    pop: Bytes96,
}

/// 96 bytes as mithril-stm writes a key or a proof of possession: a tuple of exactly 96
/// integers below 256 (its own `Deserialize`, which arrays this long do not have in serde).
struct Bytes96([u8; 96]);

impl<'de> Deserialize<'de> for Bytes96 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Tuple96;
        impl<'de> Visitor<'de> for Tuple96 {
            type Value = Bytes96;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("96 bytes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes96, A::Error> {
                let mut bytes = [0u8; 96];
                for (i, b) in bytes.iter_mut().enumerate() {
                    *b = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                }
                Ok(Bytes96(bytes))
            }
        }
        deserializer.deserialize_tuple(96, Tuple96)
    }
}

/// Why a signer key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignerKeyFault {
    /// Not JSON-hex of `{"vk","pop"}` nor hex of 192 bytes.
    Undecodable,
    /// The key is not a point of the G2 prime-order subgroup (or is infinity).
    InvalidKey,
    /// A proof-of-possession point is not a point of the G1 prime-order subgroup.
    InvalidProofPoint,
    /// The proof of possession does not verify.
    ProofOfPossessionFails,
}

impl SignerKeyFault {
    /// A short explanation.
    pub fn as_str(self) -> &'static str {
        match self {
            SignerKeyFault::Undecodable => "not JSON-hex of {\"vk\",\"pop\"} nor hex of 192 bytes",
            SignerKeyFault::InvalidKey => "the key is not a point of the G2 prime-order subgroup",
            SignerKeyFault::InvalidProofPoint => {
                "a proof-of-possession point is not a point of the G1 prime-order subgroup"
            }
            SignerKeyFault::ProofOfPossessionFails => "the proof of possession does not verify",
        }
    }
}

impl SignerKey {
    /// Decode a `verification_key` field: JSON-hex (tried first, as the reference does) or
    /// hex of the 192 canonical bytes `vk || pop`.
    pub fn decode(text: &str) -> Result<SignerKey, SignerKeyFault> {
        let raw = hex::decode(text.trim().as_bytes()).ok_or(SignerKeyFault::Undecodable)?;
        if let Ok(key) = serde_json::from_slice::<WireKey>(&raw) {
            return Ok(SignerKey {
                vk: key.vk.0,
                pop: key.pop.0,
            });
        }
        if raw.len() != 192 {
            return Err(SignerKeyFault::Undecodable);
        }
        let mut key = SignerKey {
            vk: [0; 96],
            pop: [0; 96],
        };
        key.vk.copy_from_slice(&raw[..96]);
        key.pop.copy_from_slice(&raw[96..]);
        Ok(key)
    }

    /// Validate the key and check its proof of possession; on success, the validated key.
    pub fn verify(&self) -> Result<VerificationKey, SignerKeyFault> {
        let key = VerificationKey::from_compressed(&self.vk).ok_or(SignerKeyFault::InvalidKey)?;
        let vk_point: &G2Point = &key.point;
        let k1 = G1Point::sig_validate(&self.pop[..48], true)
            .map_err(|_| SignerKeyFault::InvalidProofPoint)?;
        let k2 = G1Point::sig_validate(&self.pop[48..], true)
            .map_err(|_| SignerKeyFault::InvalidProofPoint)?;
        if k1.verify(false, POP_MESSAGE, b"", b"", vk_point, false) != BLST_ERROR::BLST_SUCCESS {
            return Err(SignerKeyFault::ProofOfPossessionFails);
        }
        let (g1, g2) = generators();
        let lhs = blst_fp12::miller_loop(&g2, &blst_p1_affine::from(k2));
        let rhs = blst_fp12::miller_loop(&blst_p2_affine::from(*vk_point), &g1);
        if !blst_fp12::finalverify(&lhs, &rhs) {
            return Err(SignerKeyFault::ProofOfPossessionFails);
        }
        Ok(key)
    }
}

/// Compressed encoding of the standard generator of G1 (the Zcash serialization).
const G1_GENERATOR: [u8; 48] = [
    0x97, 0xf1, 0xd3, 0xa7, 0x31, 0x97, 0xd7, 0x94, 0x26, 0x95, 0x63, 0x8c, 0x4f, 0xa9, 0xac, 0x0f,
    0xc3, 0x68, 0x8c, 0x4f, 0x97, 0x74, 0xb9, 0x05, 0xa1, 0x4e, 0x3a, 0x3f, 0x17, 0x1b, 0xac, 0x58,
    0x6c, 0x55, 0xe8, 0x3f, 0xf9, 0x7a, 0x1a, 0xef, 0xfb, 0x3a, 0xf0, 0x0a, 0xdb, 0x22, 0xc6, 0xbb,
];

/// Compressed encoding of the standard generator of G2.
const G2_GENERATOR: [u8; 96] = [
    0x93, 0xe0, 0x2b, 0x60, 0x52, 0x71, 0x9f, 0x60, 0x7d, 0xac, 0xd3, 0xa0, 0x88, 0x27, 0x4f, 0x65,
    0x59, 0x6b, 0xd0, 0xd0, 0x99, 0x20, 0xb6, 0x1a, 0xb5, 0xda, 0x61, 0xbb, 0xdc, 0x7f, 0x50, 0x49,
    0x33, 0x4c, 0xf1, 0x12, 0x13, 0x94, 0x5d, 0x57, 0xe5, 0xac, 0x7d, 0x05, 0x5d, 0x04, 0x2b, 0x7e,
    0x02, 0x4a, 0xa2, 0xb2, 0xf0, 0x8f, 0x0a, 0x91, 0x26, 0x08, 0x05, 0x27, 0x2d, 0xc5, 0x10, 0x51,
    0xc6, 0xe4, 0x7a, 0xd4, 0xfa, 0x40, 0x3b, 0x02, 0xb4, 0x51, 0x0b, 0x64, 0x7a, 0xe3, 0xd1, 0x77,
    0x0b, 0xac, 0x03, 0x26, 0xa8, 0x05, 0xbb, 0xef, 0xd4, 0x80, 0x56, 0xc8, 0xc1, 0x21, 0xbd, 0xb8,
];

/// The generators of G1 and G2 (affine), decompressed from their standard encodings: the
/// decompression code is already in use for every key and signature, whereas deriving them as
/// the images of the scalar 1 would pull in a scalar multiplication used nowhere else.
fn generators() -> (blst_p1_affine, blst_p2_affine) {
    // Both constants are valid encodings (a unit test checks them); the fallbacks are
    // unreachable.
    let g1 = G1Point::from_bytes(&G1_GENERATOR)
        .map(blst_p1_affine::from)
        .unwrap_or_default();
    let g2 = G2Point::from_bytes(&G2_GENERATOR)
        .map(blst_p2_affine::from)
        .unwrap_or_default();
    (g1, g2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use blst::min_sig::SecretKey as MinSigSecretKey;

    /// A proof of possession built from a known secret key.
    fn key_from_secret(seed: u8) -> SignerKey {
        let sk = MinSigSecretKey::key_gen(&[seed; 32], b"").unwrap();
        let vk = sk.sk_to_pk().to_bytes();
        let k1 = sk.sign(POP_MESSAGE, b"", b"").to_bytes();
        // k2 = g1^sk: the min_pk public key of the same scalar.
        let sk_bytes = sk.to_bytes();
        let k2 = blst::min_pk::SecretKey::from_bytes(&sk_bytes)
            .unwrap()
            .sk_to_pk()
            .to_bytes();
        let mut pop = [0u8; 96];
        pop[..48].copy_from_slice(&k1);
        pop[48..].copy_from_slice(&k2);
        SignerKey { vk, pop }
    }

    #[test]
    fn generators_are_the_images_of_one() {
        let (g1, g2) = generators();
        assert_ne!(g1, blst_p1_affine::default());
        assert_ne!(g2, blst_p2_affine::default());
        // The images of the secret scalar 1 in both groups.
        let mut one = [0u8; 32];
        one[31] = 1;
        let one_g1 = blst::min_pk::SecretKey::from_bytes(&one)
            .unwrap()
            .sk_to_pk();
        let one_g2 = MinSigSecretKey::from_bytes(&one).unwrap().sk_to_pk();
        assert_eq!(g1, blst_p1_affine::from(one_g1));
        assert_eq!(g2, blst_p2_affine::from(one_g2));
        assert_eq!(G1Point::from(g1).to_bytes(), G1_GENERATOR);
        assert_eq!(G2Point::from(g2).to_bytes(), G2_GENERATOR);
        assert_eq!(hex::encode(&G1_GENERATOR), "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");
        assert_eq!(hex::encode(&G2_GENERATOR), "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8");
    }

    #[test]
    fn proofs_of_possession() {
        let a = key_from_secret(1);
        let b = key_from_secret(2);
        a.verify().unwrap();
        b.verify().unwrap();
        // Another key's proof, or halves of two proofs, do not verify.
        let swapped = SignerKey {
            vk: a.vk,
            pop: b.pop,
        };
        assert_eq!(
            swapped.verify().unwrap_err(),
            SignerKeyFault::ProofOfPossessionFails
        );
        let mut mixed = a;
        mixed.pop[48..].copy_from_slice(&b.pop[48..]);
        assert_eq!(
            mixed.verify().unwrap_err(),
            SignerKeyFault::ProofOfPossessionFails
        );
        let mut mixed = a;
        mixed.pop[..48].copy_from_slice(&b.pop[..48]);
        assert_eq!(
            mixed.verify().unwrap_err(),
            SignerKeyFault::ProofOfPossessionFails
        );
        // Garbage points.
        let mut bad = a;
        bad.vk[5] ^= 1;
        assert_eq!(bad.verify().unwrap_err(), SignerKeyFault::InvalidKey);
        let mut bad = a;
        bad.pop[60] ^= 1;
        assert_eq!(bad.verify().unwrap_err(), SignerKeyFault::InvalidProofPoint);
    }

    #[test]
    fn decodes_both_wire_forms() {
        let a = key_from_secret(3);
        let json = alloc::format!(
            "{{\"vk\":{:?},\"pop\":{:?}}}",
            a.vk.to_vec(),
            a.pop.to_vec()
        )
        .replace(' ', "");
        assert_eq!(SignerKey::decode(&hex::encode(json.as_bytes())).unwrap(), a);
        let raw = [a.vk.as_slice(), a.pop.as_slice()].concat();
        assert_eq!(SignerKey::decode(&hex::encode(&raw)).unwrap(), a);
        assert_eq!(
            SignerKey::decode(&hex::encode(&raw[..191])).unwrap_err(),
            SignerKeyFault::Undecodable
        );
        assert_eq!(
            SignerKey::decode("xyz").unwrap_err(),
            SignerKeyFault::Undecodable
        );
    }
}
