//! Exact decomposition of IEEE-754 doubles, for the places that must reproduce the reference's
//! exact arithmetic on an f64 (the lottery's rational `ln(1 - phi_f)`, the U8F24 parameter hash),
//! and the correctly rounded decimal -> f64 conversion of JSON numbers.
//!
//! The conversion is ours rather than core's `str::parse::<f64>` for the size of the wasm
//! module: core's parser carries tables of powers of five (about 15 KB gzipped). Numbers like
//! `0.2` take a fast path of one exact IEEE operation; the rest (long mantissas, large
//! exponents; not seen in certificates) an exact slow path over [`Nat`], where simplicity
//! beats speed.

use crate::codec::bigint::Nat;

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

/// Significant digits kept by [`parse_json_number`]. Every double and every midpoint between two
/// neighbouring doubles has at most 768 significant digits, so past 800 only "is any dropped
/// digit nonzero" matters to round-to-nearest; that is kept as a trailing digit 1.
const MAX_DIGITS: usize = 800;

/// The f64 nearest to a JSON number (`-? int frac? exp?`, RFC 8259), ties to even, exactly as
/// core's `str::parse::<f64>`: `±inf` past the largest double, `±0` below the smallest. `None`
/// when `text` is not a JSON number. Work and memory stay bounded on any input length.
pub fn parse_json_number(text: &[u8]) -> Option<f64> {
    let (negative, rest) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut bytes = rest.iter().copied().peekable();
    // value = digits * 10^exp10, digits the significant digits read so far (at most MAX_DIGITS,
    // then `sticky` if any later digit is nonzero).
    let mut digits: alloc::vec::Vec<u8> = alloc::vec::Vec::new();
    let mut sticky = false;
    let mut exp10: i64 = 0;
    let mut int_digits = 0usize;
    let mut frac_digits = None;
    let mut first = None;
    loop {
        match bytes.peek() {
            Some(&d @ b'0'..=b'9') => {
                let d = d - b'0';
                let in_frac = frac_digits.is_some();
                if in_frac {
                    frac_digits = frac_digits.map(|n: usize| n + 1);
                } else {
                    first.get_or_insert(d);
                    int_digits += 1;
                }
                if digits.is_empty() && d == 0 {
                    // A leading zero: only its place counts.
                    exp10 -= i64::from(in_frac);
                } else if digits.len() < MAX_DIGITS {
                    digits.push(d);
                    exp10 -= i64::from(in_frac);
                } else {
                    sticky |= d != 0;
                    exp10 += i64::from(!in_frac);
                }
            }
            Some(b'.') if frac_digits.is_none() && int_digits > 0 => frac_digits = Some(0),
            _ => break,
        }
        bytes.next();
    }
    // The JSON grammar: an int part without leading zero, a non-empty fraction if any.
    if int_digits == 0 || (first == Some(0) && int_digits > 1) || frac_digits == Some(0) {
        return None;
    }
    if let Some(b'e' | b'E') = bytes.peek() {
        bytes.next();
        let exp_negative = bytes.peek() == Some(&b'-');
        if let Some(b'+' | b'-') = bytes.peek() {
            bytes.next();
        }
        // Saturated far outside the double range: the value is then 0 or infinite anyway.
        let mut exp: i64 = 0;
        let mut exp_digits = 0;
        while let Some(&d @ b'0'..=b'9') = bytes.peek() {
            exp = (exp * 10 + i64::from(d - b'0')).min(1 << 40);
            exp_digits += 1;
            bytes.next();
        }
        if exp_digits == 0 {
            return None;
        }
        exp10 += if exp_negative { -exp } else { exp };
    }
    if bytes.next().is_some() {
        return None;
    }
    let magnitude = if digits.is_empty() {
        0.0
    } else {
        if sticky {
            digits.push(1);
            exp10 -= 1;
        }
        while digits.last() == Some(&0) {
            digits.pop();
            exp10 += 1;
        }
        magnitude(&digits, exp10)
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The f64 nearest to `digits * 10^exp10`, `digits` decimal digits without leading or trailing
/// zeros (not empty, at most MAX_DIGITS + 1).
fn magnitude(digits: &[u8], exp10: i64) -> f64 {
    // digits * 10^exp10 lies in [10^(top - 1), 10^top).
    let top = digits.len() as i64 + exp10;
    if top > 309 {
        // >= 10^309, above f64::MAX (~1.8e308) even after rounding.
        return f64::INFINITY;
    }
    if top < -323 {
        // < 10^-324, below half the smallest subnormal (2^-1075 ~ 2.5e-324).
        return 0.0;
    }
    // Fast path: an integer of at most 53 bits times or over a power of ten at most 10^22, both
    // exact doubles, so the one IEEE operation rounds correctly.
    if digits.len() <= 19 && exp10.unsigned_abs() <= 22 {
        let w = digits.iter().fold(0u64, |w, &d| w * 10 + u64::from(d));
        if w <= 1 << 53 {
            let mut power = 1.0;
            for _ in 0..exp10.unsigned_abs() {
                power *= 10.0;
            }
            return if exp10 >= 0 {
                w as f64 * power
            } else {
                w as f64 / power
            };
        }
    }
    slow_path(digits, exp10 as i32)
}

/// `5^k`.
fn pow5(k: u32) -> Nat {
    // 5^13 is the largest power of five below 2^32.
    let mut p = Nat::from_u64(1);
    for _ in 0..k / 13 {
        p.mul_add_small(1_220_703_125, 0);
    }
    p.mul_add_small(5u32.pow(k % 13), 0);
    p
}

/// Correct rounding by exact integer division: `digits * 10^exp10 = num / den * 2^exp2`, scaled
/// so that the quotient has 55 or 56 bits; those and the remainder's being nonzero decide the
/// rounding. `exp10` is within [-1125, 310] here (see [`magnitude`]).
fn slow_path(digits: &[u8], exp10: i32) -> f64 {
    let mut num = Nat::default();
    for chunk in digits.chunks(9) {
        let (scale, value) = chunk
            .iter()
            .fold((1u32, 0u32), |(s, v), &d| (s * 10, v * 10 + u32::from(d)));
        num.mul_add_small(scale, value);
    }
    // 10^k = 5^k * 2^k: the power of two goes to the binary exponent.
    let mut exp2 = i64::from(exp10);
    let mut den = Nat::from_u64(1);
    if exp10 >= 0 {
        num = num.mul(&pow5(exp10.unsigned_abs()));
    } else {
        den = pow5(exp10.unsigned_abs());
    }
    // Scale to num / den in (2^54, 2^56).
    let shift = num.bit_len() as i64 - den.bit_len() as i64 - 55;
    if shift >= 0 {
        den = den.shl(shift as usize);
    } else {
        num = num.shl(shift.unsigned_abs() as usize);
    }
    exp2 += shift;
    // Shift-subtract, one quotient bit at a time from 2^55 down.
    let mut quotient = 0u64;
    let mut part = den.shl(55);
    for bit in (0..56).rev() {
        if num >= part {
            num.sub_assign(&part);
            quotient |= 1 << bit;
        }
        part.halve();
    }
    let inexact = !num.is_zero();
    // value = (quotient + fraction) * 2^exp2, quotient in [2^54, 2^56). Keep 53 bits, fewer
    // for a subnormal (unit in the last place at least 2^-1074).
    let high_bit = 63 - i64::from(quotient.leading_zeros());
    let ulp = (high_bit + exp2 - 52).max(-1074);
    // At least 2 (high_bit >= 54); past 60 everything rounds to 0 (quotient < 2^56).
    let dropped = (ulp - exp2).min(60) as u32;
    let mut mantissa = quotient >> dropped;
    let half = 1u64 << (dropped - 1);
    let rest = quotient & ((half << 1) - 1);
    if rest > half || (rest == half && (inexact || mantissa & 1 == 1)) {
        mantissa += 1;
    }
    let mut ulp = ulp;
    if mantissa == 1 << 53 {
        mantissa >>= 1;
        ulp += 1;
    }
    if ulp > 971 {
        // 2^53 * 2^972 = 2^1025 > f64::MAX.
        return f64::INFINITY;
    }
    // Normal: biased exponent ulp + 1075 over the 52 stored bits, the implicit bit 2^52 of the
    // mantissa adding one to it; subnormal (mantissa < 2^52): ulp = -1074 and exponent field 0.
    f64::from_bits((((ulp + 1074) as u64) << 52) + mantissa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::SplitMix64 as Rng;
    use alloc::string::String;

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
    }

    fn digits(rng: &mut Rng, out: &mut String, n: u64) {
        // Runs of 0s and 9s make carries and ties more likely than uniform digits do.
        let style = rng.below(4);
        for _ in 0..n {
            let d = match style {
                0 => [b'0', b'9'][rng.below(2) as usize],
                1 if rng.below(8) != 0 => b'0',
                _ => b'0' + rng.below(10) as u8,
            };
            out.push(d as char);
        }
    }

    /// Our parser against core's, bit for bit, on a JSON number.
    fn same(text: &str) {
        let ours = parse_json_number(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
        let core: f64 = text.parse().unwrap();
        assert_eq!(ours.to_bits(), core.to_bits(), "{text}");
    }

    /// The exact decimal expansion of `mantissa * 2^exp2` (mantissa > 0).
    fn exact_decimal(mantissa: u64, exp2: i32) -> String {
        use num_bigint::BigUint;
        if exp2 >= 0 {
            return (BigUint::from(mantissa) << exp2 as usize).to_string();
        }
        // mantissa / 2^k = mantissa * 5^k / 10^k.
        let k = exp2.unsigned_abs();
        let digits = (BigUint::from(mantissa) * BigUint::from(5u8).pow(k)).to_string();
        let k = k as usize;
        if digits.len() > k {
            let (int, frac) = digits.split_at(digits.len() - k);
            alloc::format!("{int}.{frac}")
        } else {
            alloc::format!("0.{}{digits}", "0".repeat(k - digits.len()))
        }
    }

    #[test]
    fn json_numbers_parse_as_core_parses_them() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "0e5",
            "-0E-999999999999999999999",
            "0.000000000000000000000000000000000000000000000000000000e999999999",
            "1",
            "0.1",
            "0.2",
            "0.65",
            "1e308",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1.8e308",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9999999999999999999999999999999999999999999999999999999999999999999999",
            "2.2250738585072011e-308",
            "2.2250738585072012e-308",
            "2.2250738585072014e-308",
            "4.9e-324",
            "5e-324",
            "2.4e-324",
            "2.5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-324",
            "1e-400",
            "1e400",
            "-1e309",
            "9007199254740992",
            "9007199254740993",
            "9007199254740993.0000000000000000001",
            "9007199254740995",
            "18014398509481987",
            "1e22",
            "1e23",
            "123456789012345678901234567890",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.1000000000000000055511151231257827021181583404541015624999999999999999",
            "0.1000000000000000055511151231257827021181583404541015625000000000000001",
            "0.3000000000000000444089209850062616169452667236328125",
            "0.000000000000000000000000000000000000000000000000000000000000000000000000000001",
            "1E+2",
            "1e+0002",
            "1e-0002",
            "1E000000000000000000000000000000000000000022",
            "-123.456e-7",
            "12345678901234567890e-30",
        ] {
            same(text);
        }
    }

    #[test]
    fn exact_midpoints_round_to_even() {
        // Midpoints between neighbouring doubles (normal and subnormal, the largest and the
        // smallest included), exactly and nudged either way in their last places.
        let mut rng = Rng(3);
        let mut cases: alloc::vec::Vec<(u64, i32)> = alloc::vec![
            (1, -1075),
            (3, -1075),
            ((1 << 53) - 1, -1075),
            ((1 << 53) + 1, -1075),
            ((1 << 54) - 1, 970),
            ((1 << 54) + 1, 0),
            ((1 << 53) + 1, 0),
            ((1 << 53) + 3, 0),
        ];
        for _ in 0..400 {
            let bits = rng.next() & 0x7fef_ffff_ffff_ffff;
            let (_, m, e) = decompose(f64::from_bits(bits)).unwrap();
            cases.push((2 * m + 1, e - 1));
        }
        for (m, e) in cases {
            let exact = exact_decimal(m, e);
            same(&exact);
            let point = if exact.contains('.') { "" } else { "." };
            same(&alloc::format!(
                "{exact}{point}0000000000000000000000000001"
            ));
            // One less in the last place (a 5 after the point, an even digit in an integer):
            // just below the midpoint.
            let mut below = exact.clone().into_bytes();
            if let Some(last) = below.last_mut().filter(|d| **d != b'0') {
                *last -= 1;
                same(core::str::from_utf8(&below).unwrap());
            }
            same(&alloc::format!("-{exact}e-1"));
        }
    }

    #[test]
    fn random_json_numbers_parse_as_core_parses_them() {
        let mut rng = Rng(1);
        let mut text = String::new();
        for round in 0..1_500_000u64 {
            text.clear();
            if rng.below(2) == 0 {
                text.push('-');
            }
            if round % 3 == 0 {
                // A double's shortest representation, or one with 17 or 9 significant digits,
                // maybe nudged in its last digit.
                let v = f64::from_bits(rng.next() & 0x7fef_ffff_ffff_ffff);
                match rng.below(3) {
                    0 => text.push_str(&alloc::format!("{v:e}")),
                    1 => text.push_str(&alloc::format!("{v:.16e}")),
                    _ => text.push_str(&alloc::format!("{v:.8e}")),
                }
                if rng.below(2) == 0 {
                    let at = text.find('e').unwrap() - 1;
                    let d = text.as_bytes()[at];
                    let nudged = if d == b'9' { b'8' } else { d + 1 };
                    text.replace_range(at..=at, core::str::from_utf8(&[nudged]).unwrap());
                }
                same(&text);
                continue;
            }
            // Digits: mostly short, sometimes hundreds.
            let int_len = match rng.below(32) {
                0 => rng.below(400),
                1..=10 => 0,
                _ => rng.below(25),
            };
            if int_len == 0 {
                text.push('0');
            } else {
                text.push((b'1' + rng.below(9) as u8) as char);
                digits(&mut rng, &mut text, int_len - 1);
            }
            if rng.below(3) != 0 {
                text.push('.');
                let frac_len = match rng.below(32) {
                    0 => 1 + rng.below(900),
                    _ => 1 + rng.below(25),
                };
                digits(&mut rng, &mut text, frac_len);
            }
            if rng.below(3) != 0 {
                text.push(if rng.below(2) == 0 { 'e' } else { 'E' });
                match rng.below(3) {
                    0 => text.push('-'),
                    1 => text.push('+'),
                    _ => {}
                }
                for _ in 0..rng.below(3) {
                    text.push('0');
                }
                let exp = match rng.below(4) {
                    0 => rng.below(20),
                    1 => rng.below(400),
                    2 => 280 + rng.below(60),
                    _ => rng.below(1200),
                };
                text.push_str(&alloc::format!("{exp}"));
            }
            same(&text);
        }
    }

    #[test]
    fn long_inputs_stay_cheap_and_exact() {
        // A 100,000-digit mantissa and exponents far outside the double range: bounded work,
        // and still core's value.
        let mut long = String::from("1");
        long.push_str(&"0".repeat(50_000));
        long.push_str(".0");
        long.push_str(&"7".repeat(50_000));
        long.push_str("e-50000");
        same(&long);
        let mut ones = String::from("0.");
        ones.push_str(&"0".repeat(100_000));
        ones.push_str("1e100290");
        same(&ones);
        same("1e-999999999");
        same("1e999999999");
        same("-1e-99999999999999999999999999999999999999999999999999999999999999999999999");
        same("0.5e999999999999999999999999999999999999999999999999999999999999999");
        let mut tie = String::from("9007199254740993");
        tie.push_str(&"0".repeat(100_000));
        same(&tie);
        tie.push('1');
        same(&tie);
    }

    #[test]
    fn non_json_text_is_refused() {
        for bad in [
            "", "-", "+1", ".5", "1.", "01", "-01", "1e", "1e+", "1.5.2", "1e5e5", "inf", "NaN",
            "0x10", " 1", "1 ", "--1", "1_000", "١",
        ] {
            assert_eq!(parse_json_number(bad.as_bytes()), None, "{bad}");
        }
    }
}
