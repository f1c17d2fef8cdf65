//! The last step of an aggregate check, the pairing equation `e(sig, g2) == e(H(msgp), key)`,
//! kept as a value so that a walk can check the equations of many certificates together: one
//! multi-Miller loop and one final exponentiation per batch instead of two Miller loops and a
//! final exponentiation per certificate. On a chain with few signers per certificate the
//! pairing is most of a certificate's cost.
//!
//! A batch weights each equation by a fresh 64-bit scalar from a secret seed (the same
//! argument as the aggregate's own scalars, [`super::seed`]): a set of equations that do not
//! all hold passes with probability at most 2^-64, and nobody who writes certificates can
//! predict the seed. When a batch fails, each equation is checked on its own, so the caller
//! still learns which certificate is wrong.

use alloc::vec::Vec;
use blst::min_sig::{PublicKey, Signature as BlstSignature};
use blst::{blst_scalar, BLST_ERROR};

use super::seed::ScalarSeed;
use crate::codec::bytes::{ByteReader, ByteWriter, Truncated};

/// One certificate's pairing equation: `sig` (the randomly weighted sum of its signatures, G1)
/// must verify on `msgp` (the signed message followed by the AVK root) for `key` (the same
/// weighted sum of its keys, G2).
#[derive(Clone)]
pub struct PairingEquation {
    pub(crate) msgp: Vec<u8>,
    pub(crate) sig: BlstSignature,
    pub(crate) key: PublicKey,
}

impl core::fmt::Debug for PairingEquation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PairingEquation(..)")
    }
}

impl PairingEquation {
    /// Whether this equation holds (two Miller loops and a final exponentiation).
    pub fn holds(&self) -> bool {
        // The points are sums of subgroup-checked points: no check needed again.
        self.sig
            .verify(false, &self.msgp, b"", b"", &self.key, false)
            == BLST_ERROR::BLST_SUCCESS
    }

    /// Append the equation to a message (points uncompressed: reading them back needs no
    /// square root).
    pub(crate) fn write(&self, w: &mut ByteWriter) {
        w.bytes(&self.msgp);
        w.raw(&self.sig.serialize());
        w.raw(&self.key.serialize());
    }

    /// Read an equation written by [`PairingEquation::write`]. The points must be on their
    /// curves; that they are in the subgroup is vouched for by whoever computed them (a check
    /// job the host ran for this walk).
    pub(crate) fn read(r: &mut ByteReader<'_>) -> Result<Self, Truncated> {
        let msgp = r.bytes()?;
        let sig = BlstSignature::deserialize(r.take(96)?).map_err(|_| Truncated)?;
        let key = PublicKey::deserialize(r.take(192)?).map_err(|_| Truncated)?;
        Ok(PairingEquation { msgp, sig, key })
    }
}

/// Whether every equation holds, checked together with random weights from `seed`. `false`
/// when any does not (or the list is empty); the caller then checks them one by one.
pub fn all_hold(equations: &[&PairingEquation], seed: &ScalarSeed) -> bool {
    match equations {
        [] => false,
        [one] => one.holds(),
        _ => {
            let msgs: Vec<&[u8]> = equations.iter().map(|e| e.msgp.as_slice()).collect();
            let keys: Vec<&PublicKey> = equations.iter().map(|e| &e.key).collect();
            let sigs: Vec<&BlstSignature> = equations.iter().map(|e| &e.sig).collect();
            let rands: Vec<blst_scalar> = (0..equations.len())
                .map(|i| {
                    let mut b = [0u8; 32];
                    b[..8].copy_from_slice(&seed.scalar(i));
                    blst_scalar { b }
                })
                .collect();
            BlstSignature::verify_multiple_aggregate_signatures(
                &msgs, b"", &keys, false, &sigs, false, &rands, 64,
            ) == BLST_ERROR::BLST_SUCCESS
        }
    }
}
