//! Test-only fault injection (feature `fault-injection`, never in a shipped library): an export
//! that panics inside the panic boundary, so that a test can prove the library and the
//! verifier stay usable after a caught panic. Not in `include/mithril_lite.h` (cbindgen.toml
//! excludes it).

use super::boundary::{guard, handle_ref};
use super::code::mithril_lite_code;
use super::verifier::mithril_lite_verifier;

/// Panic on purpose, while holding `verifier`'s key-cache lock (the worst moment: the lock is
/// poisoned). Returns `MITHRIL_LITE_CODE_PANIC`, with the panic's message as the last error.
///
/// # Safety
/// `verifier` is a live verifier.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_test_panic(
    verifier: *const mithril_lite_verifier,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_ref(verifier)?;
        let _held = v.keys.lock();
        panic!("mithril-lite fault injection: a panic while the verifier's key cache is locked");
    })
}
