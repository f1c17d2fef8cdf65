//! Exact decomposition of IEEE-754 doubles, for the places that must reproduce the reference's
//! exact arithmetic on an f64 (the lottery's rational `ln(1 - phi_f)`, the U8F24 parameter hash).

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
