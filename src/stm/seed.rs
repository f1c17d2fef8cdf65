//! Secret seed for the random scalars of the aggregate check.
//!
//! The lottery outcome depends on each signature's bytes, so signers who could predict the
//! verifier's scalars could grind invalid signatures that cancel out in the sum. Scalars are
//! therefore derived from a fresh secret seed per verification.

use blake2::digest::{Update, VariableOutput};
use blake2::Blake2bVar;

/// 32 secret bytes from which the per-signature scalars are derived.
#[derive(Clone)]
pub struct ScalarSeed([u8; 32]);

impl ScalarSeed {
    /// A seed from bytes the host drew from a cryptographic random source.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ScalarSeed(bytes)
    }

    /// A seed from the operating system's random source.
    #[cfg(feature = "std")]
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)?;
        Ok(ScalarSeed(bytes))
    }

    /// Another secret seed, independent of this one's scalars, for use number `n` (a walk's
    /// successive pairing batches).
    pub(crate) fn derive(&self, n: u64) -> ScalarSeed {
        let mut out = [0u8; 32];
        let mut h = Blake2bVar::new(32).expect("32 is a valid Blake2b output size");
        h.update(b"mithril-lite derived seed");
        h.update(&self.0);
        h.update(&n.to_le_bytes());
        h.finalize_variable(&mut out)
            .expect("buffer has the requested size");
        ScalarSeed(out)
    }

    /// The 64-bit little-endian scalar for signature `i`; never zero.
    pub(crate) fn scalar(&self, i: usize) -> [u8; 8] {
        let mut out = [0u8; 8];
        let mut h = Blake2bVar::new(8).expect("8 is a valid Blake2b output size");
        h.update(b"mithril-lite scalar");
        h.update(&self.0);
        h.update(&(i as u64).to_le_bytes());
        h.finalize_variable(&mut out)
            .expect("buffer has the requested size");
        // A zero scalar would drop a signature from the check.
        out[0] |= 1;
        out
    }
}

impl core::fmt::Debug for ScalarSeed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ScalarSeed(..)")
    }
}
