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

/// Decode the (signature, key) points of aggregate entries, in entry order. Decompression and
/// subgroup checks dominate decoding, so native builds spread them over the available cores;
/// the result (including which entry's error is reported first) is the same either way.
pub(crate) fn decode_entry_points(
    points: &[([u8; 48], [u8; 96])],
) -> Result<alloc::vec::Vec<(Signature, VerificationKey)>, crate::StmError> {
    let decode = |entry: usize, (sig, vk): &([u8; 48], [u8; 96])| {
        let sig = Signature::from_compressed(sig).ok_or(crate::StmError::InvalidPoint {
            what: "signature",
            entry,
        })?;
        let vk = VerificationKey::from_compressed(vk).ok_or(crate::StmError::InvalidPoint {
            what: "verification key",
            entry,
        })?;
        Ok((sig, vk))
    };
    #[cfg(all(feature = "std", not(target_family = "wasm")))]
    {
        // Below this many entries a thread costs more than it saves.
        const MIN_PER_THREAD: usize = 16;
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(points.len() / MIN_PER_THREAD);
        if threads > 1 {
            let chunk = points.len().div_ceil(threads);
            let results = std::thread::scope(|scope| {
                let handles: alloc::vec::Vec<_> = points
                    .chunks(chunk)
                    .enumerate()
                    .map(|(c, part)| {
                        std::thread::Builder::new().spawn_scoped(scope, move || {
                            part.iter()
                                .enumerate()
                                .map(|(i, p)| decode(c * chunk + i, p))
                                .collect::<alloc::vec::Vec<Result<_, crate::StmError>>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.ok().and_then(|h| h.join().ok()))
                    .collect::<Option<alloc::vec::Vec<_>>>()
            });
            // If a thread could not be started or panicked, fall back to one thread.
            if let Some(parts) = results {
                return parts.into_iter().flatten().collect();
            }
        }
    }
    points
        .iter()
        .enumerate()
        .map(|(i, p)| decode(i, p))
        .collect()
}
