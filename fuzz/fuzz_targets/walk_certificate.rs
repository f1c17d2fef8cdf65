//! A fuzzed certificate body fed to the chain walk, in place of one certificate of the
//! two-per-epoch reference chain.
//!
//! Input: `[position][mode][body]`. The walk starts at the certificate above `position` (at
//! it for position 0) and, unless `mode` bit 0 is set, trusts the one below it, so each run
//! checks two or three certificates. Property: the walk never panics, and whatever it accepts
//! is exactly what it accepts with the genuine body (a body cannot change what is verified).
#![no_main]

use std::collections::HashMap;
use std::sync::Mutex;

use fuzz_common::{chains, verdict, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite::chain::{VerifiedChain, WalkConfig};
use mithril_lite::Error;

type Verdict = Result<VerifiedChain, Error>;

static GENUINE: Mutex<Option<HashMap<(usize, bool), Verdict>>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let chain = &chains()[0].1;
    let n = chain.order.len();
    let j = input.u8() as usize % n;
    let full = input.u8() & 1 == 1;
    let body = input.rest();
    let start = &chain.order[j.saturating_sub(1)];
    let trusted: Vec<String> = match chain.order.get(j + 1) {
        Some(below) if !full => vec![below.clone()],
        _ => Vec::new(),
    };
    let replaced = chain.order[j].as_str();
    let got = chain.walk(
        start,
        &trusted,
        WalkConfig::default(),
        Some((replaced, body)),
    );

    let mut genuine = GENUINE.lock().unwrap();
    let genuine = genuine
        .get_or_insert_with(HashMap::new)
        .entry((j, full))
        .or_insert_with(|| chain.walk(start, &trusted, WalkConfig::default(), None));
    if let Ok(got) = &got {
        assert_eq!(
            Ok(got),
            verdict(genuine),
            "a fuzzed body of {replaced} made the walk accept something else"
        );
    }
    if body == chain.certificates[replaced].as_bytes() {
        assert_eq!(
            verdict(&got),
            verdict(genuine),
            "the genuine body, another verdict"
        );
    }
});
