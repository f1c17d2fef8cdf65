//! BLS12-381 points as mithril-stm uses them ("min_sig"): signatures in G1 (48 bytes
//! compressed), verification keys in G2 (96 bytes compressed). Decoding always runs the
//! subgroup check and rejects the point at infinity.

use blst::min_sig::{PublicKey, Signature as BlstSignature};
use blst::BLST_ERROR;

/// A validated G2 verification key with its compressed bytes.
#[derive(Clone)]
pub struct VerificationKey {
    pub(crate) point: PublicKey,
    pub(crate) bytes: [u8; 96],
}

impl VerificationKey {
    /// Decode and validate (on curve, in the prime-order subgroup, not infinity).
    pub fn from_compressed(bytes: &[u8; 96]) -> Option<Self> {
        // key_validate = uncompress + infinity rejection + subgroup check.
        let point = PublicKey::key_validate(bytes).ok()?;
        Some(VerificationKey {
            point,
            bytes: *bytes,
        })
    }

    /// The compressed bytes, as on the wire.
    pub fn to_bytes(&self) -> [u8; 96] {
        self.bytes
    }
}

/// A validated G1 signature with its compressed bytes.
#[derive(Clone)]
pub struct Signature {
    pub(crate) point: BlstSignature,
    pub(crate) bytes: [u8; 48],
}

impl Signature {
    /// Decode and validate (on curve, in the prime-order subgroup, not infinity).
    pub fn from_compressed(bytes: &[u8; 48]) -> Option<Self> {
        let point = BlstSignature::sig_validate(bytes, true).ok()?;
        Some(Signature {
            point,
            bytes: *bytes,
        })
    }

    /// The compressed bytes, as on the wire (and as the lottery hashes them).
    pub fn to_bytes(&self) -> [u8; 48] {
        self.bytes
    }

    /// Verify one signature on `msg` with the empty DST, as mithril-stm signs.
    pub fn verify(&self, msg: &[u8], key: &VerificationKey) -> bool {
        self.point.verify(false, msg, b"", b"", &key.point, false) == BLST_ERROR::BLST_SUCCESS
    }
}

impl core::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("VerificationKey(")?;
        for b in &self.bytes[..8] {
            write!(f, "{b:02x}")?;
        }
        f.write_str("..)")
    }
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Signature(")?;
        for b in &self.bytes[..8] {
            write!(f, "{b:02x}")?;
        }
        f.write_str("..)")
    }
}
