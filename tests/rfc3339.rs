//! codec::rfc3339 against chrono, the parser the reference reads metadata dates with: for
//! every string, both accept or both refuse, and an accepted date yields the same instant
//! (`timestamp_nanos_opt`, None when it does not fit an i64 nanosecond count).
//!
//! Millions of strings: calendar sweeps, random dates over chrono's whole year range in every
//! spelling the parser tolerates, instants around the i64 limits, the fixtures' dates, every
//! single-character edit of seed dates plus random multiple edits, and random short strings.

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate};
use common::Rng;
use mithril_lite::codec::rfc3339::parse_nanos;

/// Tally of agreeing verdicts; panics on the first disagreement.
#[derive(Default)]
struct Tally {
    accepted: u64,
    refused: u64,
}

impl Tally {
    fn check(&mut self, text: &str) {
        let theirs = text
            .parse::<DateTime<FixedOffset>>()
            .map(|t| t.timestamp_nanos_opt());
        let ours = parse_nanos(text);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) if a == b => self.accepted += 1,
            (Err(_), Err(_)) => self.refused += 1,
            _ => panic!("{text:?}: ours {ours:?}, chrono {theirs:?}"),
        }
    }

    /// Both verdicts must have occurred often enough for the run to mean something.
    fn expect_at_least(&self, accepted: u64, refused: u64) {
        assert!(
            self.accepted >= accepted && self.refused >= refused,
            "accepted {}, refused {}",
            self.accepted,
            self.refused
        );
    }
}

const MIN_YEAR: i64 = -262_143;
const MAX_YEAR: i64 = 262_142;

/// Whitespace chrono's parser skips (Unicode White_Space), and some it does not.
const SPACES: &[&str] = &[
    " ", "  ", "\t", "\n", "\r", "\u{a0}", "\u{2003}", "\u{3000}",
];
const NOT_SPACES: &[&str] = &["\u{200b}", "\u{feff}", "_", "\u{0}"];

#[test]
fn chrono_year_range_is_the_one_documented() {
    assert_eq!(i64::from(chrono::Datelike::year(&NaiveDate::MIN)), MIN_YEAR);
    assert_eq!(i64::from(chrono::Datelike::year(&NaiveDate::MAX)), MAX_YEAR);
}

fn year_text(year: i64) -> String {
    if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else if year < 0 {
        format!("-{:04}", -year)
    } else {
        format!("+{year}")
    }
}

#[test]
fn calendar_sweep() {
    // Every month and day number 0..=32 of years around the epoch, across several 400-year
    // cycles with negative years, and at both ends of the range (and just past them).
    let mut tally = Tally::default();
    let years = (-405..=2405)
        .chain(MIN_YEAR - 2..=MIN_YEAR + 2)
        .chain(MAX_YEAR - 2..=MAX_YEAR + 2)
        .chain([-10_000, -9_999, 9_999, 10_000, 99_999, 100_000]);
    for year in years {
        let y = year_text(year);
        for month in 0..=13 {
            for day in 0..=32 {
                tally.check(&format!("{y}-{month:02}-{day:02}T12:00:00Z"));
            }
        }
        // The offsets that move the date past either end of the range.
        for time in ["T00:00:00+00:01", "T23:59:59-00:01", "T23:59:60.9-23:59"] {
            tally.check(&format!("{y}-01-01{time}"));
            tally.check(&format!("{y}-12-31{time}"));
        }
    }
    tally.expect_at_least(1_000_000, 100_000);
}

/// A date in one of the many spellings chrono accepts, with a few ways of going wrong.
fn random_date(rng: &mut Rng) -> String {
    let year = match rng.below(10) {
        0..=3 => rng.range(MIN_YEAR - 2, MAX_YEAR + 2),
        4..=6 => rng.range(1600, 2400),
        7 => rng.range(-1000, 12_000),
        8 => rng.pick(&[MIN_YEAR, MIN_YEAR + 1, MAX_YEAR - 1, MAX_YEAR, 1677, 2262]),
        _ => rng.range(-3, 3),
    };
    let month = if rng.chance(95) {
        rng.range(1, 12)
    } else {
        rng.range(0, 99)
    };
    let day = if rng.chance(90) {
        rng.range(1, 31)
    } else {
        rng.range(0, 99)
    };
    let hour = if rng.chance(95) {
        rng.range(0, 23)
    } else {
        rng.range(0, 99)
    };
    let minute = if rng.chance(95) {
        rng.range(0, 59)
    } else {
        rng.range(0, 99)
    };
    let second = match rng.below(20) {
        0 => 60,
        1 => rng.range(0, 99),
        2 => 59,
        _ => rng.range(0, 59),
    };

    let mut s = String::new();
    let space = |rng: &mut Rng, s: &mut String| {
        if rng.chance(4) {
            s.push_str(rng.pick(SPACES));
        }
        if rng.next() % 400 == 0 {
            s.push_str(rng.pick(NOT_SPACES));
        }
    };
    // Numbers with one, two (or sometimes three) digits.
    let num = |rng: &mut Rng, s: &mut String, v: i64| match rng.below(60) {
        0 => s.push_str(&format!("{v}")),
        1 => s.push_str(&format!("{v:03}")),
        _ => s.push_str(&format!("{v:02}")),
    };

    space(rng, &mut s);
    match rng.below(10) {
        0 => s.push_str(&format!(
            "{}{:0w$}",
            if year < 0 { "-" } else { "+" },
            year.abs(),
            w = rng.below(14)
        )),
        1 => s.push_str(&format!("{year}")),
        2 => s.push_str(&format!("{year:05}")),
        _ => s.push_str(&year_text(year)),
    }
    space(rng, &mut s);
    s.push('-');
    space(rng, &mut s);
    num(rng, &mut s, month);
    space(rng, &mut s);
    s.push('-');
    space(rng, &mut s);
    num(rng, &mut s, day);
    s.push_str(match rng.below(40) {
        0 => "t",
        1 => " ",
        2 => "",
        3 => "  ",
        4 => "_",
        _ => "T",
    });
    space(rng, &mut s);
    num(rng, &mut s, hour);
    space(rng, &mut s);
    s.push(':');
    space(rng, &mut s);
    num(rng, &mut s, minute);
    space(rng, &mut s);
    if rng.chance(97) {
        s.push(':');
    }
    space(rng, &mut s);
    num(rng, &mut s, second);
    if rng.chance(60) {
        if rng.chance(3) {
            s.push_str(rng.pick(SPACES));
        }
        s.push('.');
        for _ in 0..rng.below(16) {
            s.push(char::from(b'0' + rng.below(10) as u8));
        }
    }
    space(rng, &mut s);
    match rng.below(30) {
        0..=2 => s.push_str(rng.pick(&["Z", "z", "UTC", "utc", "uTc", "UT", "Utc+01:00"])),
        3 => {}
        _ => {
            s.push_str(if rng.chance(98) {
                rng.pick(&["+", "-", "\u{2212}", "+", "-"])
            } else {
                rng.pick(&["\u{2013}", "--", "+-"])
            });
            let hours = if rng.chance(95) {
                rng.range(0, 23)
            } else {
                rng.range(0, 99)
            };
            let minutes = if rng.chance(90) {
                rng.range(0, 59)
            } else {
                rng.range(0, 99)
            };
            if rng.chance(3) {
                s.push_str(&format!("{hours}"));
            } else {
                s.push_str(&format!("{hours:02}"));
            }
            s.push_str(if rng.chance(95) {
                rng.pick(&[":", ":", "", "::", " : ", "\t"])
            } else {
                rng.pick(&[".", "-", "_"])
            });
            if rng.chance(3) {
                s.push_str(&format!("{minutes}"));
            } else {
                s.push_str(&format!("{minutes:02}"));
            }
        }
    }
    if rng.chance(5) {
        s.push_str(rng.pick(SPACES));
    }
    if rng.chance(2) {
        s.push_str(rng.pick(&["x", "0", "Z", ".", "\u{e9}"]));
    }
    s
}

#[test]
fn random_dates() {
    let mut rng = Rng(1);
    let mut tally = Tally::default();
    for _ in 0..1_500_000 {
        tally.check(&random_date(&mut rng));
    }
    tally.expect_at_least(600_000, 400_000);
}

#[test]
fn instants_formatted_by_chrono() {
    // Instants over the whole range and around the ends of the i64 nanosecond range, written
    // by chrono in several offsets and precisions.
    let mut rng = Rng(2);
    let mut tally = Tally::default();
    let min = NaiveDate::MIN
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    let max = NaiveDate::MAX
        .and_hms_opt(23, 59, 59)
        .unwrap()
        .and_utc()
        .timestamp();
    let edge = i64::MAX / 1_000_000_000;
    for _ in 0..500_000 {
        let seconds = match rng.below(4) {
            0 => rng.range(min, max),
            1 => rng.range(edge - 100_000, edge + 100_000),
            2 => rng.range(-edge - 100_000, -edge + 100_000),
            _ => rng.pick(&[min, max, edge, -edge - 1, edge + 1, -edge - 2, 0, -1]),
        };
        let nanos = if rng.chance(50) {
            rng.range(0, 999_999_999) as u32
        } else {
            rng.pick(&[
                0,
                1,
                145_224_191,
                145_224_192,
                854_775_807,
                854_775_808,
                999_999_999,
            ])
        };
        let offset = FixedOffset::east_opt(rng.range(-86_399, 86_399) as i32 / 60 * 60).unwrap();
        let Some(t) = DateTime::from_timestamp(seconds, nanos) else {
            continue;
        };
        let local = t.with_timezone(&offset);
        let format = rng.pick(&[
            "%Y-%m-%dT%H:%M:%S%.f%:z",
            "%Y-%m-%dT%H:%M:%S%.9f%z",
            "%Y-%m-%d %H:%M:%S%.3f%:z",
            "%Y-%m-%dT%H:%M:%S%:z",
        ]);
        tally.check(&local.format(format).to_string());
        tally.check(&t.to_rfc3339());
    }
    tally.expect_at_least(900_000, 0);
}

/// Dates found in the fixtures' JSON: string values of keys ending in `_at`.
fn fixture_dates() -> Vec<String> {
    let mut dates = Vec::new();
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap();
                for piece in text.split("_at\"").skip(1) {
                    let rest = piece.trim_start().trim_start_matches(':').trim_start();
                    if let Some(value) = rest.strip_prefix('"') {
                        if let Some(end) = value.find('"') {
                            dates.push(value[..end].to_string());
                        }
                    }
                }
            }
        }
    }
    dates.sort();
    dates.dedup();
    dates
}

#[test]
fn fixture_dates_agree() {
    let dates = fixture_dates();
    assert!(dates.len() > 50, "{} dates found", dates.len());
    let mut tally = Tally::default();
    for d in &dates {
        tally.check(d);
    }
    assert_eq!(tally.accepted as usize, dates.len());
}

/// Characters the edits insert or substitute.
const POOL: &[char] = &[
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '+', ':', '.', ' ', '\t', '\u{3000}',
    'T', 't', 'Z', 'z', 'U', 'u', 'C', 'c', '\u{2212}', 'x',
];

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = [
        "2026-05-21T14:41:53.660381099Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:60.999999999+00:00",
        "2024-02-29 23:59:59.5-23:59",
        "2023-02-28t00:00:00.123456789123z",
        "2000-1-1T1:2:3UTC",
        "+262142-12-31T23:59:59+00:00",
        "-262143-01-01T00:00:00-00:00",
        "2262-04-11T23:47:16.854775807Z",
        "1677-09-21T00:12:43.145224192Z",
        "2262-04-12T00:47:16.854775807+01:00",
        "1677-09-20T23:12:43.145224192-01:00",
        "-0001-12-31T12:00:00+0530",
        "9999-12-31T23:59:59\u{2212}12:34",
        " 2026 - 05 - 21 T 14 : 41 : 53 . 6 + 01 : 00 ",
        "2026-05-21T14:41:53+01 :: 30",
        "0000-03-01T00:00:00z",
        "1900-03-01T00:00:00Z",
        "-00000000002024-01-01T00:00:00Z",
        "+0000000000000000002024-01-01T00:00:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    seeds.extend(fixture_dates().into_iter().take(8));
    seeds
}

/// Every single-character deletion, insertion and substitution of `seed`.
fn single_edits(seed: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = seed.chars().collect();
    for i in 0..=chars.len() {
        if i < chars.len() {
            let mut v = chars.clone();
            v.remove(i);
            out.push(v.iter().collect());
        }
        for &c in POOL {
            let mut v = chars.clone();
            v.insert(i, c);
            out.push(v.iter().collect());
            if i < chars.len() {
                let mut v = chars.clone();
                v[i] = c;
                out.push(v.iter().collect());
            }
        }
    }
}

#[test]
fn edits_of_seed_dates() {
    let mut tally = Tally::default();
    let mut rng = Rng(3);
    let mut edits = Vec::new();
    for seed in seeds() {
        tally.check(&seed);
        edits.clear();
        single_edits(&seed, &mut edits);
        for e in &edits {
            tally.check(e);
        }
        // Two, three and four random edits at a time.
        for _ in 0..40_000 {
            let mut v: Vec<char> = seed.chars().collect();
            for _ in 0..2 + rng.below(3) {
                let i = rng.below(v.len() + 1);
                match rng.below(3) {
                    0 if i < v.len() => {
                        v.remove(i);
                    }
                    1 if i < v.len() => v[i] = rng.pick(POOL),
                    _ => v.insert(i, rng.pick(POOL)),
                }
            }
            tally.check(&v.iter().collect::<String>());
        }
    }
    tally.expect_at_least(50_000, 500_000);
}

#[test]
fn random_short_strings() {
    // Mostly digits, with the separators placed at random.
    let mut rng = Rng(4);
    let mut tally = Tally::default();
    let alphabet: Vec<char> = POOL
        .iter()
        .copied()
        .chain(['0', '1', '2', '5', '9'].iter().copied().cycle().take(30))
        .collect();
    let mut s = String::new();
    for _ in 0..1_000_000 {
        s.clear();
        for _ in 0..rng.below(28) {
            s.push(rng.pick(&alphabet));
        }
        tally.check(&s);
    }
    // Template-shaped strings: each part drawn from a few close variants.
    for _ in 0..500_000 {
        s.clear();
        // The first variant of each part is the valid one, drawn half of the time.
        for part in [
            &["2024", "1", "02", "+1", "-0", "-", "+", ""][..],
            &["-", " -", "- ", ":", ""],
            &["02", "1", "13", "0", "001", ""],
            &["-", " -", "--", ""],
            &["29", "1", "31", "30", "0", ""],
            &["T", "t", " ", "  ", "TT", ""],
            &["23", "0", "24", " 1", ""],
            &[":", " :", "::", ""],
            &["59", "0", "60", ""],
            &[":", ": ", ""],
            &["60", "0", "59", "61", "5 ", ""],
            &["", ".", ". ", ".0", ".123456789012"],
            &["+", "Z", "z", "UTC", "U", "-", " ", ""],
            &["01", "1", "23", "24", "99", ""],
            &[":", "", " ", "::"],
            &["00", "59", "60", "5", ""],
            &["", "", " ", "x"],
        ] {
            s.push_str(if rng.chance(50) {
                part[0]
            } else {
                rng.pick(part)
            });
        }
        tally.check(&s);
    }
    tally.expect_at_least(2_000, 1_000_000);
}
