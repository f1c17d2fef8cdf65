//! RFC 3339 date-times, read exactly as the reference reads certificate metadata dates.
//!
//! The reference deserializes `initiated_at` / `sealed_at` with chrono 0.4's `DateTime` parser,
//! a relaxed RFC 3339 reader, and the certificate hash covers the resulting instants in
//! nanoseconds. A date that one side accepts and the other refuses, or reads as another instant,
//! would change verdicts, so this reader accepts exactly what that parser accepts and yields the
//! same instant (tests/rfc3339.rs compares the two on millions of strings). What it accepts:
//!
//! - `year-month-day`, one `T`, `t` or space, `hour:minute:second`, an optional fraction, an
//!   offset. Month, day, hour, minute and second take one or two digits; an unsigned year one to
//!   four; a year with a `+` or `-` sign any number of digits.
//! - Whitespace (Unicode's, as `str::trim_start`) before every number, every `-` and `:`, the
//!   offset, and after the whole; not before the date/time separator, before the fraction's
//!   `.`, or after a year's sign.
//! - The fraction: a `.` and at least one digit; digits past the ninth are ignored (truncation).
//! - Second 60, a leap second: second 59 plus one whole second of nanoseconds.
//! - The offset: `Z`, `z`, `UTC` in any case, or `+` / `-` / U+2212 MINUS SIGN, two hour
//!   digits, any run of `:` and whitespace, two minute digits below 60; less than 24 hours.
//! - The date must exist in the proleptic Gregorian calendar and fall, both as written and once
//!   shifted to UTC, within years -262143 ..= 262142 (chrono's date range).

/// Why a date was refused: a short reason for error messages.
pub type Reason = &'static str;

const SHORT: Reason = "premature end";
const UNEXPECTED: Reason = "unexpected character";
const RANGE: Reason = "out of range";
const TRAILING: Reason = "trailing characters";

/// The year range of chrono's dates (both ends valid).
const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;

/// Nanoseconds since the Unix epoch of the RFC 3339 date-time `text`: `Ok(None)` for a valid
/// date whose instant does not fit an i64 (before 1677-09-21 or after 2262-04-11); the caller
/// decides what that means (the certificate hash takes 0).
pub fn parse_nanos(text: &str) -> Result<Option<i64>, Reason> {
    let mut s = text;
    let year = year(&mut s)?;
    separator(&mut s, b'-')?;
    let month = field(&mut s, 2)?;
    separator(&mut s, b'-')?;
    let day = field(&mut s, 2)?;
    // Right after the day's digits: no whitespace may come first.
    s = match s.as_bytes().first() {
        Some(b'T' | b't' | b' ') => s.get(1..).unwrap_or_default(),
        Some(_) => return Err(UNEXPECTED),
        None => return Err(SHORT),
    };
    let hour = field(&mut s, 2)?;
    separator(&mut s, b':')?;
    let minute = field(&mut s, 2)?;
    separator(&mut s, b':')?;
    let second = field(&mut s, 2)?;
    let fraction = fraction(&mut s)?;
    let offset = offset(&mut s)?;
    if !s.trim_start().is_empty() {
        return Err(TRAILING);
    }

    if !(MIN_YEAR..=MAX_YEAR).contains(&year)
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(RANGE);
    }
    // A leap second stays on second 59 and carries a full extra second in its fraction.
    let (second, fraction) = if second == 60 {
        (59, fraction + NANOS_PER_SECOND)
    } else {
        (second, fraction)
    };
    let utc_seconds = hour * 3600 + minute * 60 + second - offset;
    let day_number = days_from_epoch(year, month, day) + utc_seconds.div_euclid(SECONDS_PER_DAY);
    // The offset may move the date one day past either end of the range.
    if day_number < days_from_epoch(MIN_YEAR, 1, 1)
        || day_number > days_from_epoch(MAX_YEAR, 12, 31)
    {
        return Err(RANGE);
    }
    let seconds = day_number * SECONDS_PER_DAY + utc_seconds.rem_euclid(SECONDS_PER_DAY);
    let nanos = i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(fraction);
    Ok(i64::try_from(nanos).ok())
}

/// Read 1 to `max` ASCII digits (no whitespace first). Returns the value (saturated far
/// beyond any valid field, which keeps long runs of digits out of range) and the digit count.
fn digits(s: &mut &str, max: usize) -> Result<(i64, usize), Reason> {
    let bytes = s.as_bytes();
    let count = bytes
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if count == 0 {
        return Err(if bytes.is_empty() { SHORT } else { UNEXPECTED });
    }
    let value = bytes.iter().take(count).fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    *s = s.get(count..).unwrap_or_default();
    Ok((value, count))
}

/// A numeric field of 1 to `width` digits, after optional whitespace.
fn field(s: &mut &str, width: usize) -> Result<i64, Reason> {
    *s = s.trim_start();
    Ok(digits(s, width)?.0)
}

/// The year: four digits at most, unless signed.
fn year(s: &mut &str) -> Result<i64, Reason> {
    *s = s.trim_start();
    if let Some(rest) = s.strip_prefix('-') {
        *s = rest;
        Ok(-digits(s, usize::MAX)?.0)
    } else if let Some(rest) = s.strip_prefix('+') {
        *s = rest;
        Ok(digits(s, usize::MAX)?.0)
    } else {
        field(s, 4)
    }
}

/// Optional whitespace, then the byte `expected`.
fn separator(s: &mut &str, expected: u8) -> Result<(), Reason> {
    *s = s.trim_start();
    match s.as_bytes().first() {
        Some(&b) if b == expected => {
            *s = s.get(1..).unwrap_or_default();
            Ok(())
        }
        Some(_) => Err(UNEXPECTED),
        None => Err(SHORT),
    }
}

/// An optional `.` and fraction of a second, in nanoseconds.
fn fraction(s: &mut &str) -> Result<i64, Reason> {
    let Some(rest) = s.strip_prefix('.') else {
        return Ok(0);
    };
    *s = rest;
    let (value, count) = digits(s, 9)?;
    *s = s.trim_start_matches(|c: char| c.is_ascii_digit());
    // count is 1..=9.
    Ok(value * 10i64.pow(9 - count as u32))
}

/// The UTC offset (after optional whitespace), in seconds east of UTC.
fn offset(s: &mut &str) -> Result<i64, Reason> {
    *s = s.trim_start();
    if s.as_bytes()
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"UTC"))
    {
        *s = s.get(3..).unwrap_or_default();
        return Ok(0);
    }
    let negative = if let Some(rest) = s.strip_prefix(['Z', 'z']) {
        *s = rest;
        return Ok(0);
    } else if let Some(rest) = s.strip_prefix('+') {
        *s = rest;
        false
    } else if let Some(rest) = s.strip_prefix(['-', '\u{2212}']) {
        *s = rest;
        true
    } else {
        return Err(if s.is_empty() { SHORT } else { UNEXPECTED });
    };
    let hours = two_digits(s, b'9')?;
    *s = s.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    let minutes = two_digits(s, b'5')?;
    let seconds = hours * 3600 + minutes * 60;
    if seconds >= SECONDS_PER_DAY {
        return Err(RANGE);
    }
    Ok(if negative { -seconds } else { seconds })
}

/// Exactly two ASCII digits (no whitespace), the first at most `first_max`.
fn two_digits(s: &mut &str, first_max: u8) -> Result<i64, Reason> {
    match s.as_bytes().get(..2) {
        Some(&[a, b]) if a.is_ascii_digit() && b.is_ascii_digit() => {
            if a > first_max {
                return Err(RANGE);
            }
            *s = s.get(2..).unwrap_or_default();
            Ok(i64::from(a - b'0') * 10 + i64::from(b - b'0'))
        }
        Some(_) => Err(UNEXPECTED),
        None => Err(SHORT),
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (month 1..=12).
fn days_from_epoch(year: i64, month: i64, day: i64) -> i64 {
    // Count years from March, so that February's leap day is the last day of a counted year
    // and each year's leap day depends only on that year number.
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    // Days of the months March..=January before month m (0 = March), a 153-days-per-5-months
    // cycle: 31 30 31 30 31 | 31 30 31 30 31 | 31 ...
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let days_before_year = 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400);
    // 719,468: days from 0000-03-01 to 1970-01-01.
    days_before_year + day_of_year - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(days_from_epoch(1970, 1, 1), 0);
        assert_eq!(days_from_epoch(1969, 12, 31), -1);
        assert_eq!(days_from_epoch(2000, 3, 1), 11_017);
        assert_eq!(
            days_from_epoch(2024, 2, 29) + 1,
            days_from_epoch(2024, 3, 1)
        );
        assert!(is_leap_year(2000) && is_leap_year(-4) && is_leap_year(0));
        assert!(!is_leap_year(1900) && !is_leap_year(-100) && !is_leap_year(2023));
    }

    #[test]
    fn examples() {
        let ok = |t: &str| parse_nanos(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(ok("1970-01-01T00:00:01.000000002Z"), Some(1_000_000_002));
        assert_eq!(ok("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(ok(" 1970-1-1t0:0:0.0000000019999 utc "), Some(1));
        assert_eq!(
            ok("1970-01-01 00 : 00 : 00 -00 :: 01"),
            Some(60_000_000_000)
        );
        assert_eq!(ok("1969-12-31T23:59:60.5\u{2212}0000"), Some(500_000_000));
        assert_eq!(ok("+1970-01-01T00:00:00z"), Some(0));
        assert_eq!(ok("2500-01-01T00:00:00Z"), None);
        assert_eq!(ok("+262142-12-31T23:59:59Z"), None);
        assert_eq!(ok("2262-04-11T23:47:16.854775807Z"), Some(i64::MAX));
        assert_eq!(ok("1677-09-21T00:12:43.145224192Z"), Some(i64::MIN));
        assert_eq!(ok("2262-04-11T23:47:16.854775808Z"), None);
        for bad in [
            "",
            "yesterday",
            "1970-01-01",
            "1970-01-01 T00:00:00Z",
            "1970-01-01T00:00:00 .5Z",
            "1970-01-01T00:00:00.Z",
            "1970-01-01T00:00:00",
            "1970-01-01T00:00:00+1",
            "1970-01-01T00:00:00+01:60",
            "1970-01-01T00:00:00+24:00",
            "1970-01-01T00:00:00Zx",
            "1970-02-29T00:00:00Z",
            "1970-01-01T24:00:00Z",
            "1970-01-01T00:00:61Z",
            "19700-01-01T00:00:00Z",
            "+262142-12-31T23:59:59-00:01",
            "-262143-01-01T00:00:00+00:01",
        ] {
            assert!(parse_nanos(bad).is_err(), "{bad}");
        }
    }
}
