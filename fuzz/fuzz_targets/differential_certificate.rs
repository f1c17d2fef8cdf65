//! A fuzzed certificate text judged by mithril-common 0.8.3 and by mithril-lite at the tip of
//! a genuine fixture chain (the certificate-level differential of tests/differential, driven
//! by the fuzzer).
//!
//! Input: `[tip][flags][text]`. `tip` numbers the genuine certificates of the devnet and the
//! two-per-epoch chains (in that order, sorted by hash; modulo their count; the mainnet-params
//! chain's 70 KB certificates take seconds per input under the sanitizer, so only the native
//! run mutates them): the walk asks for that certificate's hash and is served `text` for it. Flags bit 0:
//! first set the text's top-level `hash` to its recomputed hash (the reference's computation,
//! mithril-lite's where the reference cannot read it) and ask for that hash, so edits reach
//! the checks past the hash. Property: both accept or both refuse.
//!
//! The chains load in libFuzzer's initialisation (outside the per-input timeout), unchecked:
//! tests/differential's binary checks every genuine certificate on both sides on each run.
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{fixtures, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite_differential::mutate::with_hash;
use mithril_lite_differential::verdict::{load_chains_unchecked, Chain};

/// The chains whose certificates are fuzzed: the first two of `CHAINS` (devnet, two-per-epoch).
const FUZZED_CHAINS: usize = 2;

fn chains() -> &'static [Chain] {
    static CHAINS: OnceLock<Vec<Chain>> = OnceLock::new();
    CHAINS.get_or_init(|| load_chains_unchecked(&fixtures()).expect("the fixture chains load"))
}

fuzz_target!(init: {
    chains();
}, |data: &[u8]| {
    let mut input = Cursor::new(data);
    let tips: Vec<(&Chain, &String)> = chains()[..FUZZED_CHAINS]
        .iter()
        .flat_map(|c| c.hashes.iter().map(move |h| (c, h)))
        .collect();
    let (chain, hash) = tips[input.u8() as usize % tips.len()];
    let rehash = input.u8() & 1 == 1;
    let text = input.rest();
    // The rehashed text, when asked for and there is one to make.
    let rehashed = if rehash {
        chain.recompute_hash(text).and_then(|new_hash| {
            let t = with_hash(std::str::from_utf8(text).ok()?, &new_hash)?;
            Some((new_hash, t.into_bytes()))
        })
    } else {
        None
    };
    let (requested, text) = rehashed.unwrap_or_else(|| (hash.clone(), text.to_vec()));
    let reference = chain.reference(&text);
    let lite = chain.lite(&requested, &text);
    assert_eq!(
        reference.is_ok(),
        lite.is_ok(),
        "verdicts differ on {} (asked for {requested}):\n  reference: {reference:?}\n  mithril-lite: {lite:?}",
        chain.name
    );
});
