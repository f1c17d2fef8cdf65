//! The STM lottery: does index `i` win for a signer of stake `w` (as a fraction of the total)?
//!
//! The reference (mithril-stm's default num-integer backend) decides `q < exp(x)` with
//! `q = 2^512 / (2^512 - ev)` and `x = -(stake/total) * ln(1 - phi_f)` by an exact rational
//! Taylor expansion with an error bound. That costs tens of microseconds per index, and a
//! mainnet certificate carries about 2,000 indices.
//!
//! Here each signer gets a [`LotteryThreshold`] computed once: while `x <= 2` the reference's
//! error bound is a true bound on the Taylor remainder and its intervals are nested, so its
//! verdict is exactly `ev / 2^512 < 1 - exp(-x)`. We compare the top 64 bits of `ev` with a
//! floating-point threshold whose error (< 2^-47) is far inside a 2^-40 guard band, and run the
//! reference's exact rational algorithm only inside that band (probability ~2^-39 per index) or
//! when `x > 2` (an out-of-range stake or phi_f close to 1), where the bound may not hold and
//! only the reference's own procedure gives its verdict.

use blake2::{Blake2b512, Digest};
use num_bigint::{BigInt, Sign};
use num_rational::Ratio;
use num_traits::{One, Signed, Zero};

use crate::StmError;

/// `ev = Blake2b-512("map" || msgp || index (u64 LE) || sigma)`.
pub fn evaluation(msgp: &[u8], index: u64, sigma: &[u8; 48]) -> [u8; 64] {
    let mut h = Blake2b512::new();
    h.update(b"map");
    h.update(msgp);
    h.update(index.to_le_bytes());
    h.update(sigma);
    h.finalize().into()
}

/// Precomputed winning test for one signer (stake, total stake, phi_f).
#[derive(Debug, Clone)]
pub struct LotteryThreshold {
    stake: u64,
    total_stake: u64,
    /// `ln(1 - phi_f)` as the f64 the reference uses.
    ln_one_minus_phi: f64,
    mode: Mode,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// phi_f is 1 (within f64 epsilon): every index wins.
    AlwaysWins,
    /// Fast path with a guard band, in units of 2^-64 on the top 64 bits of `ev`.
    Threshold {
        /// `ev_top < wins_below` certainly wins.
        wins_below: u64,
        /// `ev_top >= loses_from` certainly loses.
        loses_from: u64,
    },
    /// Always run the exact reference procedure.
    ExactOnly,
}

/// Width of the guard band around the threshold.
const GUARD: f64 = 1.0 / (1u64 << 40) as f64;
/// Largest `x` for which the fast path is exact (see the module docs); kept below 2 so that
/// rounding in computing `x` cannot cross it.
const FAST_X_MAX: f64 = 1.99;

impl LotteryThreshold {
    /// Prepare the test, with the reference's argument checks (total stake zero, phi_f range).
    pub fn new(stake: u64, total_stake: u64, phi_f: f64) -> Result<Self, StmError> {
        if total_stake == 0 {
            return Err(StmError::InvalidParameters {
                detail: "total stake is zero".into(),
            });
        }
        let ln_one_minus_phi = libm::log(1.0 - phi_f);
        let mode = if (phi_f - 1.0).abs() < f64::EPSILON {
            Mode::AlwaysWins
        } else if !(phi_f > 0.0 && phi_f <= 1.0) {
            return Err(StmError::InvalidParameters {
                // No float in the message: formatting an f64 pulls ~25 KB into the wasm module.
                detail: "phi_f is outside (0, 1]".into(),
            });
        } else {
            let x = (stake as f64 / total_stake as f64) * -ln_one_minus_phi;
            if x.is_finite() && x <= FAST_X_MAX {
                let t = 1.0 - libm::exp(-x);
                Mode::Threshold {
                    wins_below: to_u64_scale(t - GUARD),
                    loses_from: to_u64_scale(t + GUARD),
                }
            } else {
                Mode::ExactOnly
            }
        };
        Ok(LotteryThreshold {
            stake,
            total_stake,
            ln_one_minus_phi,
            mode,
        })
    }

    /// Whether `ev` wins, with exactly the reference's verdict.
    pub fn wins(&self, ev: &[u8; 64]) -> bool {
        match self.mode {
            Mode::AlwaysWins => true,
            Mode::Threshold {
                wins_below,
                loses_from,
            } => {
                let mut top = [0u8; 8];
                top.copy_from_slice(&ev[56..]);
                // ev is little-endian: its last 8 bytes are the most significant.
                let top = u64::from_le_bytes(top);
                if top < wins_below {
                    true
                } else if top >= loses_from {
                    false
                } else {
                    self.wins_exact(ev)
                }
            }
            Mode::ExactOnly => self.wins_exact(ev),
        }
    }

    /// The reference procedure, in exact rational arithmetic.
    pub fn wins_exact(&self, ev: &[u8; 64]) -> bool {
        reference_is_lottery_won(ev, self.stake, self.total_stake, self.ln_one_minus_phi)
    }
}

/// `value * 2^64`, clamped to the u64 range (values are probabilities in [-1, 2]).
fn to_u64_scale(value: f64) -> u64 {
    let scaled = value * 18_446_744_073_709_551_616.0;
    if scaled <= 0.0 {
        0
    } else if scaled >= 18_446_744_073_709_551_615.0 {
        u64::MAX
    } else {
        scaled as u64
    }
}

/// Exact rational value of a finite f64.
fn ratio_from_f64(v: f64) -> Option<Ratio<BigInt>> {
    let (negative, mantissa, exp) = crate::codec::float::decompose(v)?;
    let mut m = BigInt::from(mantissa);
    if negative {
        m = -m;
    }
    Some(if exp >= 0 {
        Ratio::from_integer(m << exp as usize)
    } else {
        Ratio::new(m, BigInt::one() << (-exp) as usize)
    })
}

/// mithril-stm's num-integer lottery: `q < exp(x)` by a Taylor expansion of at most 1000
/// terms with error bound `3 * |term|`; undecided means lost.
fn reference_is_lottery_won(
    ev: &[u8; 64],
    stake: u64,
    total_stake: u64,
    ln_one_minus_phi: f64,
) -> bool {
    let ev_max: BigInt = BigInt::one() << 512usize;
    let ev = BigInt::from_bytes_le(Sign::Plus, ev);
    let q = Ratio::new(ev_max.clone(), ev_max - ev);
    let Some(c) = ratio_from_f64(ln_one_minus_phi) else {
        return false;
    };
    let w = Ratio::new(BigInt::from(stake), BigInt::from(total_stake));
    let x = -(w * c);

    let mut term = x.clone();
    let mut phi: Ratio<BigInt> = Ratio::one();
    let mut divisor = BigInt::one();
    for _ in 0..1000 {
        phi += &term;
        divisor += 1;
        term = term * &x / Ratio::from_integer(divisor.clone());
        let error = term.abs() * Ratio::from_integer(BigInt::from(3));
        if q > &phi + &error {
            return false;
        } else if q < &phi - &error {
            return true;
        }
        if term.is_zero() && q == phi {
            // x = 0 and q = 1: the reference keeps looping to its bound and returns false.
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev_from_top(top: u64, low_byte: u8) -> [u8; 64] {
        let mut ev = [low_byte; 64];
        ev[56..].copy_from_slice(&top.to_le_bytes());
        ev
    }

    #[test]
    fn ratio_from_f64_is_exact() {
        assert_eq!(
            ratio_from_f64(0.5).unwrap(),
            Ratio::new(BigInt::one(), BigInt::from(2))
        );
        assert_eq!(
            ratio_from_f64(-3.0).unwrap(),
            Ratio::from_integer(BigInt::from(-3))
        );
        let tiny = ratio_from_f64(f64::MIN_POSITIVE / 4.0).unwrap();
        assert_eq!(tiny, Ratio::new(BigInt::one(), BigInt::one() << 1024usize));
    }

    #[test]
    fn fast_path_agrees_with_exact_procedure() {
        // Sweep evaluations across [0, 1) for a range of stakes and phi_f values, including the
        // guard band around the threshold.
        for &phi_f in &[0.05, 0.2, 0.65, 0.8] {
            for &(stake, total) in &[(1u64, 1000u64), (37, 100), (1, 2), (999, 1000), (1, 1)] {
                let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
                let Mode::Threshold {
                    wins_below,
                    loses_from,
                } = t.mode
                else {
                    panic!("fast path expected for x <= 2")
                };
                let mut probes: alloc::vec::Vec<u64> = (0..64).map(|i| (i as u64) << 58).collect();
                for d in [0u64, 1, 1000, 1 << 20] {
                    probes.extend([wins_below.saturating_sub(d), loses_from.saturating_add(d)]);
                }
                probes.push((wins_below / 2) + (loses_from / 2));
                for top in probes {
                    for low in [0u8, 0x80, 0xff] {
                        let ev = ev_from_top(top, low);
                        assert_eq!(
                            t.wins(&ev),
                            t.wins_exact(&ev),
                            "phi_f={phi_f} w={stake}/{total} top={top:#x}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn phi_f_one_always_wins_and_zero_stake_never_does() {
        let always = LotteryThreshold::new(1, 10, 1.0).unwrap();
        assert!(always.wins(&[0xff; 64]));
        let never = LotteryThreshold::new(0, 10, 0.5).unwrap();
        assert!(!never.wins(&[0; 64]));
        assert!(!never.wins_exact(&[0; 64]));
        assert!(LotteryThreshold::new(1, 0, 0.5).is_err());
        assert!(LotteryThreshold::new(1, 10, 1.5).is_err());
        assert!(LotteryThreshold::new(1, 10, 0.0).is_err());
    }

    #[test]
    fn large_x_uses_the_reference_procedure() {
        // stake > total with phi_f close to 1: x is about 6, where the reference's error bound
        // is not a true bound and its verdict differs from the exact mathematical one.
        let t = LotteryThreshold::new(2, 1, 0.95).unwrap();
        assert!(matches!(t.mode, Mode::ExactOnly));
        for top in [0u64, 1 << 62, 1 << 63, u64::MAX - (1 << 50)] {
            let ev = ev_from_top(top, 7);
            assert_eq!(t.wins(&ev), t.wins_exact(&ev));
        }
    }

    #[test]
    fn libm_log_matches_the_platform_for_fixture_parameters() {
        // The reference computes ln(1 - phi_f) with the platform's libm; we use the `libm`
        // crate everywhere so every device decides alike. They agree on the parameters in use.
        #[cfg(feature = "std")]
        for phi_f in [0.2f64, 0.65, 0.95, 0.5, 0.123] {
            assert_eq!(
                libm::log(1.0 - phi_f).to_bits(),
                (1.0 - phi_f).ln().to_bits(),
                "phi_f={phi_f}"
            );
        }
    }
}
