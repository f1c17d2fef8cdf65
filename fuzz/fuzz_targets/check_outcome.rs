//! A check outcome's bytes (what a worker hands back) read by the walk's host.
//!
//! Input: the bytes (seeds: outcomes of the reference chains' jobs). Properties: never a
//! panic, even checking a pairing equation made of fuzzed points; bytes that read back write
//! back to exactly themselves; bytes that do not read back give `internal_error`, never a
//! pass; `decode_check_outcome` is `CheckOutcome::from_bytes`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mithril_lite::certificate::{decode_check_outcome, CheckOutcome};

fuzz_target!(|data: &[u8]| {
    let outcome = CheckOutcome::from_bytes(data);
    let bytes = outcome.to_bytes();
    assert_eq!(decode_check_outcome(data).to_bytes(), bytes);
    assert_eq!(
        CheckOutcome::from_bytes(&bytes).to_bytes(),
        bytes,
        "re-encoding is stable"
    );
    if bytes != data {
        // Did not read back: refused, as an internal error.
        assert_eq!(outcome.error().map(|e| e.code()), Some("internal_error"));
        assert!(outcome.clone().into_result().is_err());
    }
    let _ = outcome.into_result();
});
