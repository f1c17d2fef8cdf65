//! Test-only fault injection (feature `fault-injection`, never in the published module:
//! scripts/build-wasm.sh builds it only with `--fault-injection`, into target/): ways to make
//! the module trap on purpose, so the tests can prove that the package's JavaScript contains a
//! trap (pkg/src/instance.js: the call rejects with `internal_error`, the next one runs on a
//! fresh instance). Under `panic = "abort"` a panic is an `unreachable` trap.
//!
//! - `testPanic()`: panics;
//! - a certificate body fed to `Walk.feed`, or a job given to `runCheckJob`, that is exactly
//!   [`PANIC_BYTES`]: panics there, in the middle of a walk or in a pool's worker.
//!
//! Without the feature, [`inject`] is empty and nothing else exists.

#[cfg(feature = "fault-injection")]
use wasm_bindgen::prelude::*;

/// The bytes that make `feed` and `runCheckJob` panic (with the feature).
#[cfg(feature = "fault-injection")]
pub const PANIC_BYTES: &[u8] = b"mithril-lite fault injection: panic";

/// Panic if `input` is [`PANIC_BYTES`] (with the feature; nothing otherwise).
#[inline(always)]
pub(super) fn inject(input: &[u8]) {
    #[cfg(feature = "fault-injection")]
    if input == PANIC_BYTES {
        panic!("mithril-lite fault injection: panic on the injected input");
    }
    #[cfg(not(feature = "fault-injection"))]
    let _ = input;
}

/// Panic (a trap under `panic = "abort"`). Test-only: feature `fault-injection`.
#[cfg(feature = "fault-injection")]
#[wasm_bindgen(js_name = testPanic)]
pub fn test_panic() {
    panic!("mithril-lite fault injection: testPanic()");
}
