//! Trust-checkpoint bytes (what a host stores between runs) read back.
//!
//! Input: the bytes. Properties: never a panic; the decoding is canonical: version-2 and
//! version-3 bytes (3: with pending segments) that decode encode back to exactly themselves,
//! version-1 bytes (read for older stores) encode to version-2 bytes of the same set, and a set
//! merged with itself keeps its checkpoints (or, above the eviction bound, is cut to it) and
//! gains no pending segment.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mithril_lite::chain::TrustCheckpoints;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = TrustCheckpoints::decode(data) else {
        return;
    };
    let encoded = t.encode();
    if data[4] >= 2 {
        assert_eq!(encoded, data, "a non-canonical encoding was accepted");
    } else {
        assert_eq!(encoded[4], 2, "version 1 is rewritten as version 2");
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
        assert!(twice.entries().eq(t.entries()));
    } else {
        assert_eq!(twice.len(), t.max());
    }
    // A segment may be cut at a checkpoint it holds, never grown.
    assert!(twice.pending_segments().len() <= t.pending_segments().len());
    for (hash, _) in t.entries() {
        assert!(t.contains(hash) && hash.len() == 64, "{hash}");
    }
});
