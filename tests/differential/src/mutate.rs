//! Text-level mutations of a certificate body.
//!
//! One mutation per case, on one of the certificate's JSON documents: the certificate itself,
//! or the JSON inside one of its json-hex strings (`multi_signature`,
//! `aggregate_verification_key`, the protocol message's `next_aggregate_verification_key`),
//! which is decoded, mutated and re-encoded as lowercase hex. Kinds:
//!
//! - `number-edge`, `string-edge`, `other-type`: a value replaced by an edge number (huge,
//!   negative, fractional, exponents, 16-20 significant digits, 1.7976931348623158e308,
//!   0.9999999999999999, -0, 1e400, ...), an edge string (empty, non-hex, unicode escapes,
//!   odd-length hex, whitespace), or another type;
//! - `number-respelled`, `string-respelled`: the same value written another way (`5` as `5.0`,
//!   `5e0`, `50e-1`; a character as a `\u` escape), or a near value (+-1, a digit dropped,
//!   odd-length hex, upper case hex, padded);
//! - `member-duplicate`, `member-unknown`, `member-unknown-deep` (nesting 127, 128, 129, 200),
//!   `member-removed`, `keys-permuted`;
//! - `struct-as-array` (an object written as the array of its values, serde's sequence form
//!   of a struct, sometimes one value short or long), `array-length` (an item dropped or
//!   repeated).

use crate::json::{hex_decode, hex_encode, parse, unescape, Node};
use crate::rng::Rng;

/// Every mutation kind, for the summary's order.
pub const KINDS: &[&str] = &[
    "number-edge",
    "string-edge",
    "other-type",
    "number-respelled",
    "string-respelled",
    "member-duplicate",
    "member-unknown",
    "member-unknown-deep",
    "member-removed",
    "keys-permuted",
    "struct-as-array",
    "array-length",
];

/// Where a mutation happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Certificate,
    MultiSignature,
    Avk,
    NextAvk,
}

impl Place {
    /// Short name for the summary.
    pub fn name(self) -> &'static str {
        match self {
            Place::Certificate => "certificate",
            Place::MultiSignature => "multi_signature",
            Place::Avk => "aggregate_verification_key",
            Place::NextAvk => "next_aggregate_verification_key",
        }
    }
}

/// A mutated certificate text.
pub struct Mutation {
    pub kind: &'static str,
    pub place: Place,
    pub text: String,
}

const EDGE_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "255",
    "256",
    "65535",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "340282366920938463463374607431768211456",
    "0.5",
    "1.0",
    "-0.0",
    "0.0",
    "1e2",
    "1E2",
    "1e+2",
    "1e-2",
    "100e-2",
    "1e400",
    "-1e400",
    "1e-400",
    "1.7976931348623158e308",
    "1.7976931348623157e308",
    "-1.7976931348623158e308",
    "0.9999999999999999",
    "0.99999999999999999",
    "0.123",
    "0.12300000000000001",
    "2.2250738585072014e-308",
    "5e-324",
    "1.00000000000000000001",
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
];

const EDGE_STRINGS: &[&str] = &[
    "",
    " ",
    "0",
    "00",
    "zz",
    "0g",
    "5b5d",
    "7b7d",
    "6e756c6c",
    "\\u0030\\u0030",
    "\\u00e9",
    "é",
    "\\ud800",
    "\\ud83d\\ude00",
    "\\n",
    "\\u0000",
    "null",
    "1",
    "MithrilStakeDistribution",
    "CardanoDatabase",
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00.000000000+00:00",
    "9999-12-31T23:59:59.999999999Z",
    "1970-01-01T00:00:00Z",
    "not a date",
    "rigid",
    "legacy",
];

/// `depth` nested arrays or objects around a number.
fn nested(depth: usize, objects: bool) -> String {
    let (open, close) = if objects {
        ("{\"a\":", "}")
    } else {
        ("[", "]")
    };
    format!("{}0{}", open.repeat(depth), close.repeat(depth))
}

fn random_digits(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    s.push((b'1' + rng.below(9) as u8) as char);
    for _ in 1..n {
        s.push((b'0' + rng.below(10) as u8) as char);
    }
    s
}

fn edge_number(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => {
            // 16-20 significant digits, as an integer or with a point.
            let n = 16 + rng.below(5);
            let digits = random_digits(rng, n);
            if rng.chance(50) {
                digits
            } else {
                let at = rng.below(n);
                format!("{}.{}", &digits[..at.max(1)], &digits[at.max(1)..])
                    .trim_end_matches('.')
                    .to_string()
            }
        }
        _ => rng.pick(EDGE_NUMBERS).to_string(),
    }
}

fn edge_string(rng: &mut Rng) -> String {
    rng.pick(EDGE_STRINGS).to_string()
}

fn other_type(rng: &mut Rng, original: &Node) -> Node {
    match rng.below(8) {
        0 => Node::Null,
        1 => Node::Bool(rng.chance(50)),
        2 => Node::Array(vec![]),
        3 => Node::Object(vec![]),
        4 => Node::Array(vec![original.clone()]),
        5 => Node::Object(vec![("x".into(), original.clone())]),
        6 => Node::String(edge_string(rng)),
        _ => Node::Number(edge_number(rng)),
    }
}

/// A value for an unknown member: anything, the two known divergences included.
fn unknown_value(rng: &mut Rng) -> Node {
    match rng.below(5) {
        0 => Node::Number(edge_number(rng)),
        1 => Node::String(edge_string(rng)),
        2 => Node::Number("1.7976931348623158e308".into()),
        3 => Node::Null,
        _ => other_type(rng, &Node::Number("1".into())),
    }
}

/// Another spelling of the same number, or a near one.
fn respell_number(rng: &mut Rng, n: &str) -> String {
    let int = !n.contains(['.', 'e', 'E']);
    match rng.below(9) {
        0 => format!("{n}.0"),
        1 => format!("{n}e0"),
        2 if int => format!("{n}0e-1"),
        3 => format!("-{n}"),
        4 if int => {
            // +1 on the decimal text.
            let mut d: Vec<u8> = n.bytes().collect();
            let mut i = d.len();
            loop {
                if i == 0 {
                    d.insert(0, b'1');
                    break;
                }
                i -= 1;
                if d[i] == b'9' {
                    d[i] = b'0';
                } else if d[i].is_ascii_digit() {
                    d[i] += 1;
                    break;
                } else {
                    break;
                }
            }
            String::from_utf8(d).unwrap_or_else(|_| n.to_string())
        }
        5 if n.len() > 1 => n[..n.len() - 1].to_string(),
        6 => format!("0{n}"),
        7 => {
            let extra = 1 + rng.below(4);
            format!("{n}{}", random_digits(rng, extra))
        }
        _ => format!("{n}E+0"),
    }
}

/// Another spelling of the same string, or a near one (raw text).
fn respell_string(rng: &mut Rng, raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    match rng.below(8) {
        0 if !chars.is_empty() && !raw.contains('\\') => {
            // One character as a \u escape: the same value.
            let at = rng.below(chars.len());
            let mut s: String = chars[..at].iter().collect();
            s.push_str(&format!("\\u{:04x}", chars[at] as u32));
            s.extend(&chars[at + 1..]);
            s
        }
        1 if !raw.is_empty() => raw[..raw.len() - 1].to_string(),
        2 => raw.to_uppercase(),
        3 => format!(" {raw} "),
        4 => format!("{raw}0"),
        5 if !chars.is_empty() => {
            let at = rng.below(chars.len());
            let mut s: String = chars[..at].iter().collect();
            s.push('g');
            s.extend(&chars[at + 1..]);
            s
        }
        6 => format!("{raw}\\n"),
        _ => format!("{raw}{raw}"),
    }
}

/// Apply one mutation of `kind` at a random node of `doc`; false if the document has no node
/// it applies to. `root_ok`: whether the root itself may be replaced.
fn apply(rng: &mut Rng, doc: &mut Node, kind: &str, root_ok: bool) -> bool {
    let paths: Vec<Vec<usize>> = doc
        .paths()
        .into_iter()
        .filter(|p| root_ok || !p.is_empty())
        .collect();
    let fits = |n: &Node| match kind {
        "number-respelled" => matches!(n, Node::Number(_)),
        "string-respelled" => matches!(n, Node::String(_)),
        "member-duplicate" | "member-removed" => matches!(n, Node::Object(m) if !m.is_empty()),
        "keys-permuted" => matches!(n, Node::Object(m) if m.len() >= 2),
        "member-unknown" | "member-unknown-deep" | "struct-as-array" => {
            matches!(n, Node::Object(_))
        }
        "array-length" => matches!(n, Node::Array(a) if !a.is_empty()),
        _ => true,
    };
    let candidates: Vec<&Vec<usize>> = paths
        .iter()
        .filter(|p| doc.at(p).is_some_and(fits))
        .collect();
    if candidates.is_empty() {
        return false;
    }
    let path = candidates[rng.below(candidates.len())].clone();
    let Some(node) = doc.at_mut(&path) else {
        return false;
    };
    match kind {
        "number-edge" => *node = Node::Number(edge_number(rng)),
        "string-edge" => *node = Node::String(edge_string(rng)),
        "other-type" => *node = other_type(rng, node),
        "number-respelled" => {
            if let Node::Number(n) = node {
                *n = respell_number(rng, n);
            }
        }
        "string-respelled" => {
            if let Node::String(s) = node {
                *s = respell_string(rng, s);
            }
        }
        "member-duplicate" => {
            if let Node::Object(m) = node {
                let i = rng.below(m.len());
                let mut member = m[i].clone();
                if rng.chance(50) {
                    member.1 = other_type(rng, &member.1);
                }
                let at = if rng.chance(50) { i + 1 } else { m.len() };
                m.insert(at, member);
            }
        }
        "member-unknown" | "member-unknown-deep" => {
            if let Node::Object(m) = node {
                let value = if kind == "member-unknown" {
                    unknown_value(rng)
                } else {
                    let depth = rng.pick(&[127usize, 128, 129, 200]);
                    Node::Raw(nested(depth, rng.chance(50)))
                };
                let at = rng.below(m.len() + 1);
                let name = rng.pick(&["unknown", "extra", "hasher", "a", "signature"]);
                m.insert(at, (name.into(), value));
            }
        }
        "member-removed" => {
            if let Node::Object(m) = node {
                let i = rng.below(m.len());
                m.remove(i);
            }
        }
        "keys-permuted" => {
            if let Node::Object(m) = node {
                for i in (1..m.len()).rev() {
                    let j = rng.below(i + 1);
                    m.swap(i, j);
                }
            }
        }
        "struct-as-array" => {
            if let Node::Object(m) = node {
                let mut items: Vec<Node> = m.iter().map(|(_, v)| v.clone()).collect();
                match rng.below(4) {
                    0 => {
                        items.pop();
                    }
                    1 => items.push(Node::Null),
                    _ => {}
                }
                *node = Node::Array(items);
            }
        }
        "array-length" => {
            if let Node::Array(a) = node {
                let i = rng.below(a.len());
                if rng.chance(50) {
                    a.remove(i);
                } else {
                    let item = a[i].clone();
                    a.insert(i, item);
                }
            }
        }
        _ => return false,
    }
    true
}

/// The JSON inside a json-hex member's string, if it is one.
fn inner_doc(node: &Node) -> Option<Node> {
    let Node::String(raw) = node else { return None };
    let bytes = hex_decode(raw)?;
    parse(std::str::from_utf8(&bytes).ok()?).ok()
}

fn inner_slot(cert: &mut Node, place: Place) -> Option<&mut Node> {
    match place {
        Place::Certificate => None,
        Place::MultiSignature => cert.get_mut("multi_signature"),
        Place::Avk => cert.get_mut("aggregate_verification_key"),
        Place::NextAvk => cert
            .get_mut("protocol_message")?
            .get_mut("message_parts")?
            .get_mut("next_aggregate_verification_key"),
    }
}

/// One random mutation of the certificate `text` (valid JSON).
pub fn mutate(rng: &mut Rng, text: &str) -> Result<Mutation, String> {
    let cert = parse(text)?;
    for _ in 0..64 {
        let kind = rng.pick(KINDS);
        let place = match rng.below(10) {
            0..=3 => Place::Certificate,
            4..=6 => Place::MultiSignature,
            7 | 8 => Place::Avk,
            _ => Place::NextAvk,
        };
        let mut out = cert.clone();
        let done = match place {
            Place::Certificate => apply(rng, &mut out, kind, false),
            _ => {
                let Some(slot) = inner_slot(&mut out, place) else {
                    continue;
                };
                let Some(mut doc) = inner_doc(slot) else {
                    continue;
                };
                if !apply(rng, &mut doc, kind, true) {
                    continue;
                }
                *slot = Node::String(hex_encode(doc.write().as_bytes()));
                true
            }
        };
        if done {
            return Ok(Mutation {
                kind,
                place,
                text: out.write(),
            });
        }
    }
    Err("no mutation applies".into())
}

/// `text` with its top-level `hash` members set to `hash` (None if it is not an object).
pub fn with_hash(text: &str, hash: &str) -> Option<String> {
    let mut cert = parse(text).ok()?;
    let Node::Object(members) = &mut cert else {
        return None;
    };
    for (k, v) in members.iter_mut() {
        if unescape(k).as_deref() == Some("hash") {
            *v = Node::String(hash.to_string());
        }
    }
    Some(cert.write())
}

/// The first top-level `hash` member's value, decoded, if it is a string.
pub fn hash_of(text: &str) -> Option<String> {
    match parse(text).ok()?.get("hash")? {
        Node::String(raw) => unescape(raw),
        _ => None,
    }
}
