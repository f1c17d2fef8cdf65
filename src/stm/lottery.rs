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
//! reference's exact rational algorithm only inside that band (probability ~2^-39 per index).
//! When `x > 2` (phi_f close to 1, or a stake above the total) the bound may not hold and only
//! the reference's own procedure gives its verdict: up to `x = 650` a floating-point replay of
//! that procedure with proven error bounds (`screen`) gives it wherever every comparison is
//! clear by 100 times the float error, and the exact procedure decides the rest.
//!
//! ## Cost of the exact procedure, and its proven early exit
//!
//! The exact procedure runs up to 1000 steps on integers that grow by about `log2(x)` plus the
//! size of `x`'s numerator per step (natively, as `cargo bench --bench hostile` prints them): a
//! few microseconds per index for `x` near 3, about 30 us near 36 (the largest `x` an entry
//! whose stake is at most the total can have: `-ln(2^-52)`), milliseconds at 446 and tens of
//! milliseconds near 1272. `x` in the hundreds only an entry whose stake exceeds the AVK's total
//! reaches. Three facts bound that work:
//!
//! - **Early exit, proven (`x >= 4001/3`, about 1333.7): the procedure returns "lost".** Write
//!   `t_j = x^j / j!` and `phi_n = t_0 + ... + t_n`. At step `n` (1..=1000) the procedure
//!   returns "won" only if `q < phi_n - 3 t_(n+1)`, and `q >= 1` (it is `2^512 / (2^512 - ev)`
//!   with `0 <= ev < 2^512`), so only if `phi_n > 3 t_(n+1)`. For `x > 0` and `j <= n`,
//!   `t_(j-1) = t_j * j / x <= t_j * r` with `r = n / x`; when `r < 1`, summing the geometric
//!   series gives `phi_n <= t_n / (1 - r)`. And `t_(n+1) = t_n * x / (n + 1)`. So
//!   `phi_n <= 3 t_(n+1)` as soon as `1 / (1 - n/x) <= 3 x / (n + 1)`, that is
//!   `n + 1 <= 3x - 3n`, that is `n <= (3x - 1) / 4` (which also gives `r < 1`). When
//!   `3x >= 4001`, every step `n <= 1000` satisfies it: "won" is never reached, and the
//!   procedure ends "lost" (at a "lost" step, or after its 1000 steps). The test is exact:
//!   `3 a >= 4001 b` on the integers `x = a / b` (see `reference_is_lottery_won`), and costs
//!   two small multiplications. `x >= 4001/3` needs a stake of at least 37 times the total
//!   (phi_f next to 1: `-ln(1 - phi_f) <= 36.05`), about 5,977 times it at mainnet's
//!   phi_f = 0.2.
//! - **The floating-point screen** (`screen`, its error bound in its documentation) decides
//!   almost every index for `2 < x <= 650` in about a microsecond; an index it cannot tell
//!   (its `q` within 1e-10 of a comparison, or the top 108 bits of `ev` all ones) goes to the
//!   exact procedure.
//! - **Below the exit, the exact procedure's cost is bounded but not small** (tens of ms per
//!   index near the bound): [`crate::stm::verify`] keeps that work for stakes above the total
//!   under a budget that fails closed ([`StmError::LotteryBudgetExceeded`]), after the cheap
//!   refusals, whether or not the screen would have spared it. [`LotteryThreshold::exact_cost`] tells which signers'
//!   indices could cost that much.

use blake2::{Blake2b512, Digest};

use super::StmError;
use crate::codec::bigint::Nat;

/// `ev = Blake2b-512("map" || msgp || index (u64 LE) || sigma)`.
pub fn evaluation(msgp: &[u8], index: u64, sigma: &[u8; 48]) -> [u8; 64] {
    let mut h = Blake2b512::new();
    h.update(b"map");
    h.update(msgp);
    h.update(index.to_le_bytes());
    h.update(sigma);
    h.finalize().into()
}

/// What deciding one index costs for a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactCost {
    /// No exact arithmetic (the fast path, or a verdict known at once: phi_f = 1, x = 0, or
    /// the proven early exit `x >= 4001/3`); the guard band's rare exact runs aside.
    None,
    /// The exact procedure, with `x <= CHEAP_EXACT_X_MAX`: at most about 0.1 ms natively.
    Cheap,
    /// The exact procedure with `x` above [`CHEAP_EXACT_X_MAX`]: up to tens of ms natively.
    /// Only a stake above the AVK's total gets here.
    Costly,
}

/// Precomputed winning test for one signer (stake, total stake, phi_f).
#[derive(Debug, Clone)]
pub struct LotteryThreshold {
    stake: u64,
    total_stake: u64,
    /// `ln(1 - phi_f)` as the f64 the reference uses.
    ln_one_minus_phi: f64,
    /// `x = (stake / total) * -ln(1 - phi_f)` in floating point (a cost estimate only).
    x: f64,
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

/// Largest `x` whose exact evaluation counts as cheap (about 0.1 ms natively, at most; the
/// largest `x` a stake at most the total gives is about 36.04: phi_f = 1 - 2^-52). See
/// [`LotteryThreshold::exact_cost`].
pub const CHEAP_EXACT_X_MAX: f64 = 80.0;

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
        let x = (stake as f64 / total_stake as f64) * -ln_one_minus_phi;
        let mode = if (phi_f - 1.0).abs() < f64::EPSILON {
            Mode::AlwaysWins
        } else if !(phi_f > 0.0 && phi_f <= 1.0) {
            return Err(StmError::InvalidParameters {
                // No float in the message: formatting an f64 pulls ~25 KB into the wasm module.
                detail: "phi_f is outside (0, 1]".into(),
            });
        } else {
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
            x,
            mode,
        })
    }

    /// What deciding one index costs for this signer (see [`ExactCost`]).
    pub fn exact_cost(&self) -> ExactCost {
        if !matches!(self.mode, Mode::ExactOnly) {
            return ExactCost::None;
        }
        match exact_x(self.stake, self.total_stake, self.ln_one_minus_phi) {
            Some(ExactX {
                x_neg: false,
                ref a,
                ref b,
            }) if never_wins(a, b) => ExactCost::None,
            None => ExactCost::None,
            _ if self.x <= CHEAP_EXACT_X_MAX => ExactCost::Cheap,
            _ => ExactCost::Costly,
        }
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
            Mode::ExactOnly => match screen(self.x, ev) {
                Screen::Won => true,
                Screen::Lost => false,
                Screen::Unsure => self.wins_exact(ev),
            },
        }
    }

    /// The reference procedure, in exact rational arithmetic.
    pub fn wins_exact(&self, ev: &[u8; 64]) -> bool {
        reference_is_lottery_won(ev, self.stake, self.total_stake, self.ln_one_minus_phi)
    }
}

/// The floating-point screen's verdict on one index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    Won,
    Lost,
    /// Too close to a comparison to tell: run the exact procedure.
    Unsure,
}

/// Largest `x` the screen handles: every `phi_n` and term stays below `3 e^x`, far from
/// `f64::MAX` (about `e^709`).
const SCREEN_X_MAX: f64 = 650.0;
/// The screen's slack, relative to `phi_n + 3 t_(n+1)`: 100 times its float error (< 1e-12).
const SCREEN_SLACK: f64 = 1e-10;

/// The reference's procedure for `x > 2` replayed in floating point with error bounds: its
/// verdict where every comparison it makes, up to the deciding one, is clear by more than the
/// error; [`Screen::Unsure`] otherwise (the exact procedure then decides).
///
/// Why the replay is exact where it answers. `x` here is the f64 computed from `stake`, `total`
/// and `c = ln(1 - phi_f)`, within 4 rounding errors (relative `2^-51`) of the reference's exact
/// rational. `t_(n+1) = t_n * x / (n + 1)` adds two roundings a step, so `t_n` is within
/// relative `n * 6 * 2^-53 <= 6.7e-13` of `x^n / n!` for `n <= 1000`, and `phi_n`, a sum of
/// positive terms, within `6.7e-13 + n * 2^-53 <= 8e-13`; `phi_n +- 3 t_(n+1)` is then within
/// `1e-12 * (phi_n + 3 t_(n+1))` of the exact bounds (terms that underflow are below
/// `1e-300`, nothing against `phi_n >= 1`). `q = 2^512 / (2^512 - ev)` is bracketed from the
/// top 128 bits of `ev`: with `d = 2^128 - top`, `q` is in `[2^128 / d, 2^128 / (d - 1))`,
/// widened by 1e-15 for the float division (none of this when `d < 2^20`: unsure). A step
/// whose bracket lies above `hi + slack` is the reference's "lost", below `lo - slack` its
/// "won", and within `[lo + slack, hi - slack]` neither, as for the exact values; anything
/// else is unsure. After 1000 undecided steps the reference says "lost", as here.
fn screen(x: f64, ev: &[u8; 64]) -> Screen {
    if !(x > FAST_X_MAX && x <= SCREEN_X_MAX) {
        return Screen::Unsure;
    }
    let mut top = [0u8; 16];
    top.copy_from_slice(&ev[48..]);
    // d - 1 = 2^128 - 1 - top, exactly.
    let d_minus_one = !u128::from_le_bytes(top);
    if d_minus_one < 1 << 20 {
        return Screen::Unsure;
    }
    const TWO_128: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
    let q_lo = TWO_128 / (d_minus_one as f64 + 1.0) * (1.0 - 1e-15);
    let q_hi = TWO_128 / d_minus_one as f64 * (1.0 + 1e-15);
    let mut phi = 1.0 + x;
    let mut term = x;
    for n in 1..=1000u32 {
        let next = term * x / f64::from(n + 1);
        let error = 3.0 * next;
        let slack = SCREEN_SLACK * (phi + error);
        let (lo, hi) = (phi - error, phi + error);
        if q_lo > hi + slack {
            return Screen::Lost;
        }
        if q_hi < lo - slack {
            return Screen::Won;
        }
        if !(q_lo >= lo + slack && q_hi <= hi - slack) {
            return Screen::Unsure;
        }
        phi += next;
        term = next;
    }
    Screen::Lost
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

/// A signed sum `(-1)^a_neg |a| + (-1)^b_neg |b|`, as (negative, magnitude). A zero result may
/// come out "negative"; every use below treats a zero magnitude alike whatever its sign.
fn signed_add(a_neg: bool, a: &Nat, b_neg: bool, b: &Nat) -> (bool, Nat) {
    if a_neg == b_neg {
        (a_neg, a.add(b))
    } else if a >= b {
        (a_neg, a.sub(b))
    } else {
        (b_neg, b.sub(a))
    }
}

/// `x = (-1)^x_neg * a / b` exactly, the reference's `x = -(stake / total) * c` with
/// `c = ln(1 - phi_f)`; `a != 0`.
struct ExactX {
    x_neg: bool,
    a: Nat,
    b: Nat,
}

/// The exact `x`, or `None` where the reference's procedure ends "lost" whatever `ev`: `c` not
/// finite (it has no rational value), or `x = 0` (every term is 0 and phi stays 1 <= q, so the
/// reference ends with "lost", at its first step, by q > phi + 0 or by its
/// `term == 0 && q == phi` case).
fn exact_x(stake: u64, total_stake: u64, ln_one_minus_phi: f64) -> Option<ExactX> {
    // c = ln(1 - phi_f) = (-1)^c_neg * m * 2^e exactly; the reference's x = -(stake/total) * c.
    let (c_neg, mut m, mut e) = crate::codec::bigint::decompose(ln_one_minus_phi)?;
    // A zero total never gets here (`LotteryThreshold::new` refuses it); it has no x either.
    if stake == 0 || m == 0 || total_stake == 0 {
        return None;
    }
    // Smaller numbers below: drop the powers of two m shares with the denominator.
    if e < 0 {
        let tz = m.trailing_zeros().min(e.unsigned_abs());
        m >>= tz;
        e += tz as i32;
    }
    // phi_f in (0, 1] makes c <= 0 and x >= 0 in practice, but the sign is carried through
    // rather than assumed (it costs one sign flag).
    let mut a = Nat::from_u64(stake).mul(&Nat::from_u64(m));
    let mut b = Nat::from_u64(total_stake);
    if e >= 0 {
        a = a.shl(e as usize);
    } else {
        b = b.shl(e.unsigned_abs() as usize);
    }
    Some(ExactX {
        x_neg: !c_neg,
        a,
        b,
    })
}

/// `a / b >= 4001 / 3`: the proven early exit (module documentation), exactly.
fn never_wins(a: &Nat, b: &Nat) -> bool {
    a.mul_small(3) >= b.mul_small(4001)
}

/// mithril-stm's num-integer lottery: `q < exp(x)` by a Taylor expansion of at most 1000
/// terms with error bound `3 * |term|`; undecided means lost.
///
/// The reference works in reduced rationals; the comparisons only depend on the values, so here
/// everything shares one integer denominator. With `x = a / b` (`|a|`, `b` integers, sign apart),
/// `phi_n = sum_{j<=n} x^j / j!` is `N_n / D_n` with `D_n = b^n n!`, and the next term is
/// `a^(n+1) / D_(n+1)`. `q = 2^512 / R` with `R = 2^512 - ev >= 1`, and both sides of each
/// comparison are multiplied by the positive `R * D_(n+1)`.
fn reference_is_lottery_won(
    ev: &[u8; 64],
    stake: u64,
    total_stake: u64,
    ln_one_minus_phi: f64,
) -> bool {
    let Some(ExactX { x_neg, a, b }) = exact_x(stake, total_stake, ln_one_minus_phi) else {
        // x is 0 or c is not finite (see `exact_x`).
        return false;
    };
    if !x_neg && never_wins(&a, &b) {
        // Proven in the module documentation: for x >= 4001/3 no step reaches "won".
        return false;
    }
    taylor(ev, x_neg, &a, &b)
}

/// The reference's 1000 steps for `x = (-1)^x_neg * a / b`, `a != 0`, `b != 0`.
fn taylor(ev: &[u8; 64], x_neg: bool, a: &Nat, b: &Nat) -> bool {
    let r = Nat::from_u64(1).shl(512).sub(&Nat::from_le_bytes(ev));

    // At the top of step n: num = N_(n-1) * b * n over den = D_n, pow = |a|^n (term_n's
    // numerator over D_n).
    let mut num = b.clone();
    let mut num_neg = false;
    let mut den = b.clone();
    let mut pow = a.clone();
    for n in 1..=1000u32 {
        // phi += term_n (negative when x is and n is odd).
        (num_neg, num) = signed_add(num_neg, &num, x_neg && n % 2 == 1, &pow);
        // Over D_(n+1) = D_n * b * (n + 1), where term_(n+1) = a^(n+1) / D_(n+1).
        let step = b.mul_small(n + 1);
        num = num.mul(&step);
        den = den.mul(&step);
        pow = pow.mul(a);
        let error = pow.mul_small(3);
        let q_side = den.shl(512);
        // q > phi + error: lost.
        let (hi_neg, hi) = signed_add(num_neg, &num, false, &error);
        if hi_neg || hi.is_zero() || q_side > r.mul(&hi) {
            return false;
        }
        // q < phi - error: won.
        let (lo_neg, lo) = signed_add(num_neg, &num, true, &error);
        if !lo_neg && !lo.is_zero() && q_side < r.mul(&lo) {
            return true;
        }
        // The reference's `term == 0 && q == phi` exit cannot fire: a != 0, so no term is 0.
    }
    false
}

/// The former implementation (num-rational), kept to check the integer one against.
#[cfg(test)]
mod ratio_reference {
    use num_bigint::{BigInt, Sign};
    use num_rational::Ratio;
    use num_traits::{One, Signed, Zero};

    /// Exact rational value of a finite f64.
    pub fn ratio_from_f64(v: f64) -> Option<Ratio<BigInt>> {
        let (negative, mantissa, exp) = crate::codec::bigint::decompose(v)?;
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

    /// mithril-stm's num-integer lottery in reduced rationals, as it was written before.
    pub fn is_lottery_won(
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
                return false;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::ratio_reference::{is_lottery_won as ratio_won, ratio_from_f64};
    use super::*;
    use crate::test_rng::SplitMix64 as Rng;
    use num_bigint::BigInt;
    use num_rational::Ratio;
    use num_traits::One;

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
    fn early_exit_is_the_procedures_own_verdict_and_nearly_tight() {
        let nat = Nat::from_u64;
        let mut rng = Rng(11);
        // q = 1 (ev = 0) is the evaluation most likely to win; the others are arbitrary.
        let evs = [
            [0u8; 64],
            ev_from_top(1, 0),
            ev_from_top(1 << 63, 0),
            random_ev(&mut rng),
        ];
        // x = 4001/3 and just above: the early exit applies, and the full 1000 steps agree.
        for (a, b) in [(4001u64, 3u64), (4002, 3), (1_000_000, 7)] {
            assert!(never_wins(&nat(a), &nat(b)));
            for ev in &evs {
                assert!(!taylor(ev, false, &nat(a), &nat(b)), "x = {a}/{b}");
            }
        }
        // Just below the bound the procedure can still win (at its last steps; x = 4000/3 does
        // not, for ev = 0): the exit's bound is close to tight.
        for (a, b) in [(1330u64, 1u64), (1300, 1)] {
            assert!(!never_wins(&nat(a), &nat(b)));
            assert!(taylor(&[0u8; 64], false, &nat(a), &nat(b)), "x = {a}/{b}");
        }
    }

    #[test]
    fn exact_cost_is_costly_only_for_stakes_far_above_the_total() {
        // mainnet's phi_f: -ln(0.8) = 0.223.
        let cheap = [
            (1u64, 1u64, 0.2, ExactCost::None),
            (300, 1, 0.2, ExactCost::Cheap),
            (1, 1, 1.0 - libm::ldexp(1.0, -52), ExactCost::Cheap),
            (1, 1, 0.95, ExactCost::Cheap),
            (1, 1, 1.0, ExactCost::None),
        ];
        for (stake, total, phi_f, cost) in cheap {
            let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
            assert_eq!(t.exact_cost(), cost, "{stake}/{total} at {phi_f}");
        }
        // x = 446: costly. x = 2231: the early exit decides it, at no cost, and it loses.
        let t = LotteryThreshold::new(2000, 1, 0.2).unwrap();
        assert_eq!(t.exact_cost(), ExactCost::Costly);
        let never = LotteryThreshold::new(10_000, 1, 0.2).unwrap();
        assert_eq!(never.exact_cost(), ExactCost::None);
        assert!(!never.wins(&[0u8; 64]));
    }

    /// `ev` whose top 128 bits put `q = 2^512 / (2^512 - ev)` at about `q` (`q >= 1`).
    fn ev_for_q(q: f64, low_byte: u8) -> [u8; 64] {
        // 1 - u = 1 / q; top = (1 - 1/q) * 2^128, built from two 64-bit halves.
        let u = 1.0 - 1.0 / q;
        let hi = to_u64_scale(u);
        let rest = u * 18_446_744_073_709_551_616.0 - hi as f64;
        let mut ev = [low_byte; 64];
        ev[56..].copy_from_slice(&hi.to_le_bytes());
        ev[48..56].copy_from_slice(&to_u64_scale(rest.clamp(0.0, 1.0)).to_le_bytes());
        ev
    }

    #[test]
    fn screen_agrees_with_the_exact_procedure() {
        let mut rng = Rng(23);
        let near_one = 1.0 - libm::ldexp(1.0, -52);
        // (stake, total, phi_f, random evaluations): x from just above 2 to 650.
        for (stake, total, phi_f, randoms) in [
            (1u64, 1u64, 0.8647, 64usize),
            (1, 1, 0.95, 64),
            (2, 3, 0.999, 64),
            (1, 1, near_one, 64),
            (2, 1, near_one, 16),
            (200, 1, 0.2, 8),
            (2_900, 1, 0.2, 4),
        ] {
            let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
            assert!(
                matches!(t.mode, Mode::ExactOnly),
                "{stake}/{total} at {phi_f}"
            );
            let x = t.x;
            let mut evs: alloc::vec::Vec<[u8; 64]> =
                (0..randoms).map(|_| random_ev(&mut rng)).collect();
            // Around the step-1 "lost" bound (1 + x + 3x^2/2), around e^x, and at q = 1.
            for q in [
                1.0 + x + 1.5 * x * x,
                libm::exp(x.min(700.0)),
                1.0,
                2.0,
                1e6,
            ] {
                for f in [1.0 - 1e-9, 1.0 - 1e-12, 1.0, 1.0 + 1e-12, 1.0 + 1e-9] {
                    if (q * f).is_finite() && q * f >= 1.0 && q * f < 1e30 {
                        evs.push(ev_for_q(q * f, 0x00));
                        evs.push(ev_for_q(q * f, 0xff));
                    }
                }
            }
            evs.extend([[0u8; 64], [0xff; 64], ev_from_top(u64::MAX - 5, 0)]);
            let mut screened = 0;
            for ev in &evs {
                let s = screen(x, ev);
                if s != Screen::Unsure {
                    screened += 1;
                    assert_eq!(s == Screen::Won, t.wins_exact(ev), "x = {x}");
                }
                assert_eq!(t.wins(ev), t.wins_exact(ev), "x = {x}");
            }
            assert!(
                screened * 2 > evs.len(),
                "x = {x}: the screen decides most indices"
            );
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

    fn random_ev(rng: &mut Rng) -> [u8; 64] {
        let mut ev = [0u8; 64];
        rng.fill(&mut ev);
        ev
    }

    /// Evaluations worth probing for one signer: extremes, random ones, and ones whose top bits
    /// sit on the float threshold `1 - exp(-x)`, its neighbours and the guard band's edges.
    fn probes(rng: &mut Rng, t: &LotteryThreshold) -> alloc::vec::Vec<[u8; 64]> {
        let mut out = alloc::vec![[0u8; 64], [0xff; 64], ev_from_top(1 << 63, 0)];
        for _ in 0..4 {
            out.push(random_ev(rng));
        }
        let x = (t.stake as f64 / t.total_stake as f64) * -t.ln_one_minus_phi;
        let top = to_u64_scale(1.0 - libm::exp(-x));
        for d in [0u64, 1, 1 << 11, 1 << 24] {
            for top in [top.wrapping_sub(d), top.wrapping_add(d)] {
                let mut ev = random_ev(rng);
                ev[56..].copy_from_slice(&top.to_le_bytes());
                out.push(ev);
                out.push(ev_from_top(top, 0));
                out.push(ev_from_top(top, 0xff));
            }
        }
        out
    }

    fn check(stake: u64, total: u64, phi_f: f64, evs: &[[u8; 64]]) {
        let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
        for ev in evs {
            assert_eq!(
                t.wins_exact(ev),
                ratio_won(ev, stake, total, t.ln_one_minus_phi),
                "stake={stake} total={total} phi_f={phi_f} ev_top={:#x}",
                u64::from_le_bytes(ev[56..].try_into().unwrap())
            );
            assert_eq!(
                t.wins(ev),
                t.wins_exact(ev) || matches!(t.mode, Mode::AlwaysWins)
            );
        }
    }

    #[test]
    fn integer_procedure_agrees_with_rationals() {
        let mut rng = Rng(42);
        let one_minus = |k: i32| 1.0 - libm::ldexp(1.0, -k);
        let mut phis = alloc::vec![
            1e-300,
            libm::ldexp(1.0, -53),
            libm::ldexp(1.0, -52),
            1e-10,
            0.05,
            0.2,
            0.5,
            0.65,
            0.8,
            0.95,
            0.999,
            one_minus(30),
            one_minus(52),
        ];
        for _ in 0..4 {
            phis.push((rng.next() >> 11) as f64 / (1u64 << 53) as f64 + 1e-9);
        }
        for &phi_f in &phis {
            let mut stakes = alloc::vec![
                (0u64, 1000u64),
                (1000, 1000),
                (1, 1),
                (1, u64::MAX),
                (u64::MAX, u64::MAX),
                (u64::MAX - 1, u64::MAX),
                (3, 2),
                (1_000_000_007, 3_000_000_000_000_000_000),
            ];
            for _ in 0..3 {
                let total = rng.next() >> (rng.next() % 64);
                let stake = rng.next() % total.saturating_add(1);
                stakes.push((stake, total.max(1)));
            }
            for (stake, total) in stakes {
                let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
                check(stake, total, phi_f, &probes(&mut rng, &t));
            }
        }
    }

    #[test]
    fn integer_procedure_agrees_with_rationals_on_huge_x() {
        // x above 2 (phi_f close to 1, stake above total), up to where the reference's 1000
        // terms no longer decide. (Much larger x only makes the rational procedure slow: a
        // stake of 2^64 - 1 over 1 takes it minutes, the integer one 0.1 s.)
        let mut rng = Rng(7);
        for (stake, total, phi_f, shifts) in [
            (2u64, 1u64, 0.95, &[1u32, 8, 9, 60, 63][..]),
            (1, 1, 1.0 - libm::ldexp(1.0, -52), &[1, 9, 63]),
            (3, 1, 1.0 - libm::ldexp(1.0, -52), &[1, 63]),
            (100, 1, 0.65, &[63]),
        ] {
            let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
            assert!(matches!(t.mode, Mode::ExactOnly));
            let mut evs = alloc::vec![[0u8; 64], [0xff; 64]];
            evs.push(random_ev(&mut rng));
            for &shift in shifts {
                evs.push(ev_from_top(u64::MAX >> shift, 0x5a));
                evs.push(ev_from_top(!(u64::MAX >> shift), 0x5a));
            }
            check(stake, total, phi_f, &evs);
        }
    }

    #[test]
    fn integer_procedure_handles_any_sign_and_size_of_c() {
        // ln(1 - phi_f) <= 0 for phi_f in (0, 1]; other values of c, positive ones included,
        // must still give the rational procedure's verdict.
        let mut rng = Rng(9);
        for c in [
            0.0,
            -0.0,
            0.5,
            3.0,
            1e-5,
            -1e-5,
            -5e-324,
            5e-324,
            -f64::MIN_POSITIVE,
            -700.0,
            -36.7,
            50.0,
            -libm::ldexp(1.0, 6),
            f64::NAN,
            f64::NEG_INFINITY,
        ] {
            for (stake, total) in [(1u64, 1u64), (1, 3), (5, 1000), (0, 7)] {
                let mut evs = alloc::vec![[0u8; 64], [0xff; 64], ev_from_top(1 << 63, 0)];
                evs.push(random_ev(&mut rng));
                for ev in evs {
                    assert_eq!(
                        reference_is_lottery_won(&ev, stake, total, c),
                        ratio_won(&ev, stake, total, c),
                        "c={c} stake={stake} total={total}"
                    );
                }
            }
        }
    }

    #[test]
    fn integer_procedure_agrees_at_the_exact_boundary() {
        // Bisect the integer procedure's verdict over all 2^512 evaluations down to two
        // neighbours that differ, then ask the rational procedure about them: the adversarial
        // case where the expansion must run until the error is below 2^-512.
        use num_bigint::BigUint;
        let to_ev = |v: &BigUint| {
            let mut ev = [0u8; 64];
            let bytes = v.to_bytes_le();
            ev[..bytes.len()].copy_from_slice(&bytes);
            ev
        };
        for (stake, total, phi_f) in [
            (1u64, 1000u64, 0.2),
            (37, 100, 0.65),
            (1, 1, 0.95),
            (2, 1, 0.95),
            // x = 36 and 446: where the floating-point screen decides (it must hand the
            // neighbours of a boundary to the exact procedure, or agree with it).
            (1, 1, 1.0 - libm::ldexp(1.0, -52)),
            (2_000, 1, 0.2),
        ] {
            let t = LotteryThreshold::new(stake, total, phi_f).unwrap();
            let (mut lo, mut hi) = (BigUint::from(0u8), (BigUint::one() << 512usize) - 1u8);
            assert!(t.wins_exact(&to_ev(&lo)) && !t.wins_exact(&to_ev(&hi)));
            while &hi - &lo > BigUint::one() {
                let mid = (&lo + &hi) >> 1usize;
                if t.wins_exact(&to_ev(&mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let evs: alloc::vec::Vec<[u8; 64]> = [&lo - 1u8, lo.clone(), hi.clone(), &hi + 1u8]
                .iter()
                .map(to_ev)
                .collect();
            check(stake, total, phi_f, &evs);
        }
    }
}
