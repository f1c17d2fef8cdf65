//! Trust-checkpoint bytes (what a host stores between runs) read back.
//!
//! Input: the bytes. Properties: never a panic; the decoding is canonical: bytes that decode
//! encode back to exactly themselves, and a set merged with itself is unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mithril_lite::chain::TrustCheckpoints;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = TrustCheckpoints::decode(data) else {
        return;
    };
    assert_eq!(t.encode(), data, "a non-canonical encoding was accepted");
    let mut twice = t.clone();
    twice.merge(t.clone()).expect("same genesis key");
    assert_eq!(twice, t);
    for (hash, _) in t.entries() {
        assert!(t.contains(hash) && hash.len() == 64, "{hash}");
    }
});
