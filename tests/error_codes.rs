//! The error code tables (`CODES`, generated with `code()`, `numeric_code()` and `Display` from
//! one row per variant) against everything that repeats them outside Rust: the C header's enum,
//! the npm package's TypeScript unions, the README's table, and the numbers other documents
//! quote. Each check compares whole sets, so a row missing or extra on either side fails.

use std::collections::{BTreeMap, BTreeSet};

use mithril_lite::chain::CheckpointError;
use mithril_lite::codec::CodecError;
use mithril_lite::proofs::ProofError;
use mithril_lite::{Error, StmError};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Each enum's table, by name (for messages).
fn tables() -> [(&'static str, &'static [(&'static str, u32)]); 5] {
    [
        ("Error", Error::CODES),
        ("CodecError", CodecError::CODES),
        ("StmError", StmError::CODES),
        ("ProofError", ProofError::CODES),
        ("CheckpointError", CheckpointError::CODES),
    ]
}

/// Every (code, number) of the core, once (`input_too_large` is in two tables).
fn all_codes() -> BTreeSet<(&'static str, u32)> {
    tables()
        .iter()
        .flat_map(|(_, rows)| rows.iter().copied())
        .collect()
}

/// The codes a JavaScript caller can meet: the wasm module's verdicts (no trust checkpoint
/// errors: the package keeps its checkpoints in JavaScript).
fn js_codes() -> BTreeSet<&'static str> {
    Error::CODES
        .iter()
        .chain(CodecError::CODES)
        .chain(StmError::CODES)
        .chain(ProofError::CODES)
        .map(|(code, _)| *code)
        .collect()
}

#[test]
fn codes_and_numbers_are_unique_across_all_enums() {
    let mut by_code: BTreeMap<&str, (u32, &str)> = BTreeMap::new();
    let mut by_number: BTreeMap<u32, (&str, &str)> = BTreeMap::new();
    for (table, rows) in tables() {
        assert!(!rows.is_empty(), "{table} has no rows");
        let mut own = BTreeSet::new();
        for &(code, number) in rows {
            assert!(own.insert(code), "{table} lists {code} twice");
            assert!(
                !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{table}: {code:?} is not a snake_case code"
            );
            // One code, one number, whichever enums share it (only input_too_large does).
            if let Some((n, other)) = by_code.insert(code, (number, table)) {
                assert_eq!(
                    n, number,
                    "{code} is {n} in {other} but {number} in {table}"
                );
            }
            if let Some((c, other)) = by_number.insert(number, (code, table)) {
                assert_eq!(c, code, "{number} is {c} in {other} but {code} in {table}");
            }
        }
    }
    let shared: Vec<&str> = by_code
        .keys()
        .copied()
        .filter(|code| {
            tables()
                .iter()
                .filter(|(_, rows)| rows.iter().any(|r| r.0 == *code))
                .count()
                > 1
        })
        .collect();
    assert_eq!(shared, ["input_too_large"], "codes in more than one enum");
}

/// `typedef enum { MITHRIL_LITE_CODE_X = N, ... } mithril_lite_code;` as (name, number).
fn header_enum(header: &str) -> Vec<(String, u32)> {
    let start = header
        .find("typedef enum {")
        .expect("the header has no typedef enum");
    let body = &header[start..];
    let end = body
        .find("} mithril_lite_code;")
        .expect("the enum is not mithril_lite_code");
    body[..end]
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("MITHRIL_LITE_CODE_"))
        .map(|l| {
            let (name, value) = l.trim_end_matches(',').split_once(" = ").expect(l);
            (name.to_string(), value.parse().expect(l))
        })
        .collect()
}

/// The C enum's name for a core code: its upper-case form, except the internal error, which the
/// binding names `INTERNAL` (its own bugs share the code).
fn c_name(code: &str) -> String {
    match code {
        "internal_error" => "MITHRIL_LITE_CODE_INTERNAL".into(),
        _ => format!("MITHRIL_LITE_CODE_{}", code.to_ascii_uppercase()),
    }
}

#[test]
fn the_c_header_enum_has_exactly_the_core_codes() {
    let entries = header_enum(&read("include/mithril_lite.h"));
    let core = all_codes();
    let core_numbers: BTreeSet<u32> = core.iter().map(|(_, n)| *n).collect();
    let from_header: BTreeSet<(String, u32)> = entries
        .iter()
        .filter(|(_, n)| core_numbers.contains(n))
        .cloned()
        .collect();
    let expected: BTreeSet<(String, u32)> =
        core.iter().map(|(code, n)| (c_name(code), *n)).collect();
    assert_eq!(
        from_header.difference(&expected).collect::<Vec<_>>(),
        Vec::<&(String, u32)>::new(),
        "in the header's enum but not in the code tables"
    );
    assert_eq!(
        expected.difference(&from_header).collect::<Vec<_>>(),
        Vec::<&(String, u32)>::new(),
        "in the code tables but not in the header's enum"
    );
    // The rest is the binding's own (statuses, null pointers, panics): below 100, unique.
    let mut numbers = BTreeSet::new();
    for (name, n) in &entries {
        assert!(numbers.insert(*n), "{n} twice in the header");
        assert!(
            core_numbers.contains(n) || *n < 100,
            "{name} = {n}: from 100 up, numbers are the core's"
        );
    }
}

/// The quoted strings of `export type NAME = ... ;` in a declaration file, comments left out.
fn ts_union(declarations: &str, name: &str) -> BTreeSet<String> {
    let head = format!("export type {name} =");
    let start = declarations
        .find(&head)
        .unwrap_or_else(|| panic!("index.d.ts has no {name}"));
    let body = &declarations[start + head.len()..];
    let body = &body[..body.find(';').expect("an unterminated type")];
    let mut code = String::new();
    let mut rest = body;
    while let Some(i) = rest.find("/*") {
        code.push_str(&rest[..i]);
        let close = rest[i..].find("*/").expect("an unterminated comment");
        rest = &rest[i + close + 2..];
    }
    code.push_str(rest);
    code.split('\'')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_typescript_unions_list_exactly_the_codes_javascript_can_meet() {
    let declarations = read("pkg/index.d.ts");
    let proofs = ts_union(&declarations, "ProofErrorCode");
    let verification = ts_union(&declarations, "VerificationErrorCode");
    let proof_codes: BTreeSet<String> = ProofError::CODES
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    assert_eq!(proofs, proof_codes, "ProofErrorCode");
    // VerificationErrorCode is the chain and STM codes, and ProofErrorCode by name.
    let listed: BTreeSet<String> = verification.union(&proofs).cloned().collect();
    let expected: BTreeSet<String> = js_codes().iter().map(|c| c.to_string()).collect();
    assert_eq!(
        listed.difference(&expected).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "in index.d.ts but not a code of the wasm module's verdicts"
    );
    assert_eq!(
        expected.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "a verdict's code missing from index.d.ts"
    );
    let union = &declarations[declarations
        .find("export type VerificationErrorCode =")
        .unwrap()..];
    assert!(
        union[..union.find(';').unwrap()].contains("| ProofErrorCode"),
        "VerificationErrorCode no longer includes ProofErrorCode"
    );
}

/// The `| \`code\` | number |` rows of a Markdown text, in order.
fn table_rows(markdown: &str) -> Vec<(String, u32)> {
    markdown
        .lines()
        .filter_map(|line| {
            let mut cells = line
                .trim_start()
                .strip_prefix('|')?
                .split('|')
                .map(str::trim);
            let code = cells.next()?.strip_prefix('`')?.strip_suffix('`')?;
            let number = cells.next()?.parse().ok()?;
            Some((code.to_string(), number))
        })
        .collect()
}

#[test]
fn the_readme_table_lists_exactly_the_codes() {
    let readme = read("README.md");
    let start = readme
        .find("\n## Error codes\n")
        .expect("README has no Error codes section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let rows = table_rows(section);
    let listed: BTreeSet<(String, u32)> = rows.iter().cloned().collect();
    assert_eq!(listed.len(), rows.len(), "a row twice in README's table");
    let expected: BTreeSet<(String, u32)> = all_codes()
        .iter()
        .map(|(c, n)| (c.to_string(), *n))
        .collect();
    assert_eq!(
        listed.difference(&expected).collect::<Vec<_>>(),
        Vec::<&(String, u32)>::new(),
        "in README's table but not in the code tables"
    );
    assert_eq!(
        expected.difference(&listed).collect::<Vec<_>>(),
        Vec::<&(String, u32)>::new(),
        "in the code tables but not in README's table"
    );
}

/// Other documents quote some numbers in tables of their own (the npm package's proof codes,
/// the mobile guide's): where they name a core code, the number is the core's.
#[test]
fn other_documents_quote_the_core_numbers() {
    let numbers: BTreeMap<&str, u32> = all_codes().into_iter().collect();
    for path in ["pkg/README.md", "docs/mobile.md"] {
        let mut quoted = 0;
        for (code, n) in table_rows(&read(path)) {
            if let Some(core) = numbers.get(code.as_str()) {
                assert_eq!(*core, n, "{path}: `{code}` is quoted as {n}");
                quoted += 1;
            }
        }
        assert!(
            quoted > 0,
            "{path} quotes no code any more: drop it from this test"
        );
    }
}
