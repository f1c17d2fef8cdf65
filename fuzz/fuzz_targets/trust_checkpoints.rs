//! Trust-checkpoint bytes (what a host stores between runs) read back.
//!
//! Input: the bytes. Properties: never a panic; the decoding is canonical: version-2 bytes that
//! decode encode back to exactly themselves, version-1 bytes (read for older stores) encode to
//! version-2 bytes of the same set, and a set merged with itself is unchanged (or, above
//! the eviction bound, cut to it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mithril_lite::chain::trust::CHECKPOINT_VERSION;
use mithril_lite::chain::TrustCheckpoints;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = TrustCheckpoints::decode(data) else {
        return;
    };
    let encoded = t.encode();
    if data[4] == CHECKPOINT_VERSION {
        assert_eq!(encoded, data, "a non-canonical encoding was accepted");
    } else {
        assert_eq!(
            encoded[4], CHECKPOINT_VERSION,
            "an older version is rewritten as the current one"
        );
        assert_eq!(
            TrustCheckpoints::decode(&encoded).as_ref(),
            Ok(&t),
            "the rewrite keeps the set"
        );
    }
    let mut twice = t.clone();
    twice.merge(t.clone()).expect("same genesis key");
    // Reading never evicts; merging keeps the newest max(), so only a set within it is unchanged.
    if t.len() <= t.max() {
        assert_eq!(twice, t);
    } else {
        assert_eq!(twice.len(), t.max());
    }
    for (hash, _) in t.entries() {
        assert!(t.contains(hash) && hash.len() == 64, "{hash}");
    }
});
