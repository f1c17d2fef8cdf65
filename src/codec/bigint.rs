//! A minimal arbitrary-precision natural number for the exact path that needs one, the
//! lottery's reference procedure (`stm::lottery`, run with probability ~2^-39 per index), and
//! the exact decomposition of an f64 that feeds it (and the U8F24 parameter hash).
//!
//! It exists for the size of the wasm module: num-bigint with num-rational cost about 28 KB of
//! it. Its user is a rare path, so simplicity beats speed: base-2^32 limbs (the wasm target
//! has a native 64-bit multiply, not a 128-bit one), schoolbook multiplication, no division.

use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// A finite f64 as `(negative, mantissa, exponent)` with `|v| = mantissa * 2^exponent` exactly;
/// `None` for infinities and NaN.
pub fn decompose(v: f64) -> Option<(bool, u64, i32)> {
    if !v.is_finite() {
        return None;
    }
    let bits = v.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    Some(if biased == 0 {
        // Subnormal (or zero): no implicit leading bit.
        (negative, fraction, -1074)
    } else {
        (negative, fraction | (1 << 52), biased - 1075)
    })
}

/// A natural number: little-endian base-2^32 limbs with no high zero limb (zero has none), so
/// equal values have equal representations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nat {
    limbs: Vec<u32>,
}

impl Nat {
    fn normalized(limbs: Vec<u32>) -> Nat {
        let mut n = Nat { limbs };
        n.trim();
        n
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    /// `v` as a natural number.
    pub fn from_u64(v: u64) -> Nat {
        Nat::normalized(vec![v as u32, (v >> 32) as u32])
    }

    /// The number whose little-endian bytes are `bytes`.
    pub fn from_le_bytes(bytes: &[u8]) -> Nat {
        let limbs = bytes
            .chunks(4)
            .map(|c| {
                c.iter()
                    .rev()
                    .fold(0u32, |acc, &byte| acc << 8 | u32::from(byte))
            })
            .collect();
        Nat::normalized(limbs)
    }

    /// Whether the number is zero.
    pub fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// Number of significant bits (0 for zero).
    pub fn bit_len(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(&top) => 32 * self.limbs.len() as u64 - u64::from(top.leading_zeros()),
        }
    }

    /// `self + other`.
    pub fn add(&self, other: &Nat) -> Nat {
        let (long, short) = if self.limbs.len() >= other.limbs.len() {
            (&self.limbs, &other.limbs)
        } else {
            (&other.limbs, &self.limbs)
        };
        let mut out = Vec::with_capacity(long.len() + 1);
        let mut carry = 0u64;
        for (i, &x) in long.iter().enumerate() {
            let sum = u64::from(x) + u64::from(short.get(i).copied().unwrap_or(0)) + carry;
            out.push(sum as u32);
            carry = sum >> 32;
        }
        out.push(carry as u32);
        Nat::normalized(out)
    }

    /// `self - other`, saturating at zero (the callers only subtract a smaller number).
    pub fn sub(&self, other: &Nat) -> Nat {
        let mut out = self.clone();
        out.sub_assign(other);
        out
    }

    /// `self -= other`, saturating at zero.
    pub fn sub_assign(&mut self, other: &Nat) {
        if *self <= *other {
            self.limbs.clear();
            return;
        }
        let mut borrow = 0u64;
        for (i, x) in self.limbs.iter_mut().enumerate() {
            let y = u64::from(other.limbs.get(i).copied().unwrap_or(0)) + borrow;
            let wide = u64::from(*x);
            // x + 2^32 - y stays within u64 and is the limb when x < y.
            *x = (wide | 1 << 32).wrapping_sub(y) as u32;
            borrow = u64::from(wide < y);
        }
        self.trim();
    }

    /// `self = floor(self / 2)`.
    pub fn halve(&mut self) {
        let mut carry = 0u32;
        for x in self.limbs.iter_mut().rev() {
            let low = *x & 1;
            *x = *x >> 1 | carry << 31;
            carry = low;
        }
        self.trim();
    }

    /// `self * other`, schoolbook.
    pub fn mul(&self, other: &Nat) -> Nat {
        let mut out = vec![0u32; self.limbs.len() + other.limbs.len()];
        for (i, &x) in self.limbs.iter().enumerate() {
            let mut carry = 0u64;
            // (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1: the sum fits a u64.
            for (o, &y) in out[i..].iter_mut().zip(&other.limbs) {
                let t = u64::from(*o) + u64::from(x) * u64::from(y) + carry;
                *o = t as u32;
                carry = t >> 32;
            }
            if let Some(o) = out.get_mut(i + other.limbs.len()) {
                *o = carry as u32;
            }
        }
        Nat::normalized(out)
    }

    /// `self * m` for a single-limb `m`.
    pub fn mul_small(&self, m: u32) -> Nat {
        let mut out = self.clone();
        out.mul_add_small(m, 0);
        out
    }

    /// `self = self * m + add` for single-limb `m` and `add`.
    pub fn mul_add_small(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for x in self.limbs.iter_mut() {
            // (2^32-1)^2 + (2^32-1) < 2^64.
            let t = u64::from(*x) * u64::from(m) + carry;
            *x = t as u32;
            carry = t >> 32;
        }
        self.limbs.push(carry as u32);
        self.trim();
    }

    /// `self * 2^bits`.
    pub fn shl(&self, bits: usize) -> Nat {
        if self.is_zero() {
            return Nat::default();
        }
        let (limbs, bits) = (bits / 32, bits % 32);
        let mut out = vec![0u32; limbs];
        out.reserve(self.limbs.len() + 1);
        let mut carry = 0u32;
        for &x in &self.limbs {
            out.push(x << bits | carry);
            // A shift by 32 would overflow: with bits == 0 nothing carries.
            carry = if bits == 0 { 0 } else { x >> (32 - bits) };
        }
        out.push(carry);
        Nat::normalized(out)
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Nat) -> Ordering {
        // Normalised: more limbs is larger; else the first differing limb from the top decides.
        self.limbs
            .len()
            .cmp(&other.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Nat) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::SplitMix64 as Rng;
    use num_bigint::BigUint;

    #[test]
    fn decomposes_exactly() {
        assert_eq!(decompose(1.0), Some((false, 1 << 52, -52)));
        assert_eq!(decompose(-0.5), Some((true, 1 << 52, -53)));
        assert_eq!(decompose(0.0), Some((false, 0, -1074)));
        assert_eq!(
            decompose(f64::MIN_POSITIVE / 4.0),
            Some((false, 1 << 50, -1074))
        );
        assert_eq!(decompose(f64::NAN), None);
        assert_eq!(decompose(f64::INFINITY), None);
        // Every finite double reads back from its decomposition.
        let mut rng = Rng(7);
        for _ in 0..10_000 {
            let v = f64::from_bits(rng.next());
            if let Some((negative, m, e)) = decompose(v) {
                // Two exact power-of-two steps: 2^e alone may not be representable.
                let back = m as f64 * 2f64.powi(e / 2) * 2f64.powi(e - e / 2);
                assert_eq!(if negative { -back } else { back }, v);
            }
        }
    }

    fn big(n: &Nat) -> BigUint {
        BigUint::from_slice(&n.limbs)
    }

    /// A random number of 0..=max_bytes bytes, often with runs of 0x00 / 0xff limbs.
    fn nat(rng: &mut Rng, max_bytes: u64) -> (Nat, Vec<u8>) {
        let len = rng.below(max_bytes + 1) as usize;
        let style = rng.below(4);
        let bytes: Vec<u8> = (0..len)
            .map(|_| match style {
                0 => 0xff,
                1 if rng.below(2) == 0 => 0,
                _ => rng.next() as u8,
            })
            .collect();
        (Nat::from_le_bytes(&bytes), bytes)
    }

    #[test]
    fn small_values() {
        assert!(Nat::from_u64(0).is_zero());
        assert_eq!(Nat::from_u64(0), Nat::from_le_bytes(&[0, 0, 0, 0, 0]));
        assert_eq!(Nat::from_u64(0x1_0000_0002).limbs, vec![2, 1]);
        assert_eq!(
            Nat::from_le_bytes(&[1, 2, 3, 4, 5]).limbs,
            vec![0x0403_0201, 5]
        );
        assert_eq!(Nat::from_u64(0).bit_len(), 0);
        assert_eq!(Nat::from_u64(1).bit_len(), 1);
        assert_eq!(Nat::from_u64(u64::MAX).bit_len(), 64);
        assert_eq!(Nat::from_u64(1).shl(100).bit_len(), 101);
        assert_eq!(Nat::from_u64(3).sub(&Nat::from_u64(5)), Nat::default());
        assert_eq!(Nat::from_u64(0).shl(64), Nat::default());
        assert_eq!(Nat::from_u64(7).mul_small(0), Nat::default());
        assert!(Nat::from_u64(1 << 32) > Nat::from_u64(u32::MAX.into()));
    }

    #[test]
    fn agrees_with_num_bigint() {
        let mut rng = Rng(0x5eed);
        for round in 0..20_000u64 {
            // Mostly small operands, some of several hundred bytes.
            let max = if round % 10 == 0 { 400 } else { 24 };
            let (a, a_bytes) = nat(&mut rng, max);
            let (b, b_bytes) = nat(&mut rng, max);
            let (ba, bb) = (
                BigUint::from_bytes_le(&a_bytes),
                BigUint::from_bytes_le(&b_bytes),
            );
            assert_eq!(big(&a), ba);
            assert_eq!(a.bit_len(), ba.bits());
            assert_eq!(a.cmp(&b), ba.cmp(&bb));
            assert_eq!(a == b, ba == bb);
            assert_eq!(big(&a.add(&b)), &ba + &bb);
            assert_eq!(big(&a.mul(&b)), &ba * &bb);
            if ba >= bb {
                assert_eq!(big(&a.sub(&b)), &ba - &bb);
            } else {
                assert_eq!(big(&b.sub(&a)), &bb - &ba);
                assert!(a.sub(&b).is_zero());
            }
            let m = rng.next() as u32;
            assert_eq!(big(&a.mul_small(m)), &ba * m);
            let add = rng.next() as u32;
            let mut c = a.clone();
            c.mul_add_small(m, add);
            assert_eq!(big(&c), &ba * m + add);
            let s = rng.below(200) as usize;
            assert_eq!(big(&a.shl(s)), &ba << s);
            let mut half = a.clone();
            half.halve();
            assert_eq!(big(&half), &ba >> 1usize);
            let v = rng.next() >> rng.below(64);
            assert_eq!(big(&Nat::from_u64(v)), BigUint::from(v));
            // Equal values must compare equal even when built differently.
            assert_eq!(a.add(&b).sub(&b), a);
        }
    }
}
