//! BLS12-381 points as mithril-stm uses them ("min_sig"): signatures in G1 (48 bytes
//! compressed), verification keys in G2 (96 bytes compressed). Decoding always runs the
//! subgroup check and rejects the point at infinity.

use alloc::vec::Vec;
use blst::min_sig::{PublicKey, Signature as BlstSignature};
use blst::BLST_ERROR;

use super::aggregate_signature::SignatureEntry;
use super::StmError;

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

    /// blst's uncompressed form (what the key cache keeps: rebuilding from it needs no
    /// square root).
    pub fn to_uncompressed(&self) -> [u8; 192] {
        self.point.serialize()
    }

    /// Rebuild a key validated before from its uncompressed form. The subgroup check is not
    /// repeated (it was done when the key was first decoded); the point must be on the curve
    /// and compress to `compressed`, so a cache entry can never stand for another key.
    pub(crate) fn from_validated(compressed: &[u8; 96], uncompressed: &[u8; 192]) -> Option<Self> {
        // The infinity flag: never a valid key, whatever a cache says.
        if compressed[0] & 0x40 != 0 {
            return None;
        }
        let point = PublicKey::deserialize(uncompressed).ok()?;
        if point.compress() != *compressed {
            return None;
        }
        Some(VerificationKey {
            point,
            bytes: *compressed,
        })
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

    /// blst's uncompressed form (what a split check hands back: rebuilding from it needs no
    /// square root).
    pub fn to_uncompressed(&self) -> [u8; 96] {
        self.point.serialize()
    }

    /// Rebuild a signature validated before from its uncompressed form, as
    /// [`VerificationKey::from_validated`] does for keys.
    pub(crate) fn from_validated(compressed: &[u8; 48], uncompressed: &[u8; 96]) -> Option<Self> {
        if compressed[0] & 0x40 != 0 {
            return None;
        }
        let point = BlstSignature::deserialize(uncompressed).ok()?;
        if point.compress() != *compressed {
            return None;
        }
        Some(Signature {
            point,
            bytes: *compressed,
        })
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

/// Points of aggregate entries validated before, in blst's uncompressed form, by entry (empty
/// vectors: none), and the position of the first entry in the whole aggregate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KnownPoints {
    pub(crate) offset: usize,
    pub(crate) sigs: Vec<Option<[u8; 96]>>,
    pub(crate) keys: Vec<Option<[u8; 192]>>,
}

/// Decode the (signature, key) points of aggregate entries, in entry order, as the reference
/// does when it deserializes an aggregate: the first entry with a bad signature or key is
/// reported, signature before key.
///
/// `known.keys[i]` / `known.sigs[i]`, when given, is entry `i`'s key / signature in blst's
/// uncompressed form, validated (and subgroup-checked) earlier: by another check of the same
/// walk or verifier (the per-epoch key cache), or by a part of this check run elsewhere
/// ([`crate::certificate::MultiSignatureCheck::split_points`]). It is rebuilt with an on-curve
/// check and must compress to the entry's bytes, which skips the square root and the subgroup
/// check. Anything else is decoded in full. Errors name entries from `known.offset` on.
///
/// Decompression and subgroup checks dominate, so native builds spread them over the cores;
/// the result (including which entry's error is reported) is the same either way.
pub(crate) fn decode_entry_points(
    entries: &[SignatureEntry],
    known: &KnownPoints,
) -> Result<Vec<(Signature, VerificationKey)>, StmError> {
    let decode = |i: usize, e: &SignatureEntry| {
        // Saturating: a job read from bytes has offset + len checked, this only keeps a
        // hand-made `KnownPoints` from panicking.
        let entry = known.offset.saturating_add(i);
        let sig = known
            .sigs
            .get(i)
            .and_then(|k| k.as_ref())
            .and_then(|k| Signature::from_validated(&e.sigma, k))
            .or_else(|| Signature::from_compressed(&e.sigma))
            .ok_or(StmError::InvalidPoint {
                what: "signature",
                entry,
            })?;
        let vk = known
            .keys
            .get(i)
            .and_then(|k| k.as_ref())
            .and_then(|k| VerificationKey::from_validated(&e.vk, k))
            .or_else(|| VerificationKey::from_compressed(&e.vk))
            .ok_or(StmError::InvalidPoint {
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
            .min(entries.len() / MIN_PER_THREAD);
        if threads > 1 {
            let chunk = entries.len().div_ceil(threads);
            let results = std::thread::scope(|scope| {
                let handles: Vec<_> = entries
                    .chunks(chunk)
                    .enumerate()
                    .map(|(c, part)| {
                        std::thread::Builder::new().spawn_scoped(scope, move || {
                            part.iter()
                                .enumerate()
                                .map(|(i, p)| decode(c * chunk + i, p))
                                .collect::<Vec<Result<_, StmError>>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.ok().and_then(|h| h.join().ok()))
                    .collect::<Option<Vec<_>>>()
            });
            // If a thread could not be started or panicked, fall back to one thread.
            if let Some(parts) = results {
                return parts.into_iter().flatten().collect();
            }
        }
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, p)| decode(i, p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use blst::min_sig::SecretKey;

    fn key(seed: u8) -> VerificationKey {
        let sk = SecretKey::key_gen(&[seed; 32], &[]).unwrap();
        VerificationKey::from_compressed(&sk.sk_to_pk().compress()).unwrap()
    }

    #[test]
    fn a_cached_key_stands_only_for_its_own_bytes() {
        let (a, b) = (key(1), key(2));
        let rebuilt = VerificationKey::from_validated(&a.to_bytes(), &a.to_uncompressed()).unwrap();
        assert_eq!(rebuilt.to_bytes(), a.to_bytes());
        // Another key's uncompressed form under these bytes is refused.
        assert!(VerificationKey::from_validated(&a.to_bytes(), &b.to_uncompressed()).is_none());
        // The point at infinity never passes, whatever the cache holds.
        let mut infinity = [0u8; 96];
        infinity[0] = 0xc0;
        let mut infinity_uncompressed = [0u8; 192];
        infinity_uncompressed[0] = 0x40;
        assert!(VerificationKey::from_validated(&infinity, &infinity_uncompressed).is_none());
        // A poisoned entry costs a full decode, never a wrong key: decoding falls back.
        let entry = SignatureEntry {
            sigma: [0; 48],
            indexes: Vec::new(),
            signer_index: 0,
            vk: a.to_bytes(),
            stake: 1,
        };
        let known = KnownPoints {
            offset: 0,
            sigs: Vec::new(),
            keys: alloc::vec![Some(b.to_uncompressed())],
        };
        let err = decode_entry_points(&[entry], &known).unwrap_err();
        // (The zero signature bytes fail first: the key path is exercised above.)
        assert!(matches!(
            err,
            StmError::InvalidPoint {
                what: "signature",
                ..
            }
        ));
    }
}
