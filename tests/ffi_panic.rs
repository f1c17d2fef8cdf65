//! The C ABI after a panic: a real panic through an exported function (the test-only
//! `mithril_lite_test_panic`, feature `fault-injection`, which panics while holding the
//! verifier's key-cache lock) returns `MITHRIL_LITE_CODE_PANIC` with a last-error message that
//! says so, and then the same verifier, and a new one, verify the devnet chain.
//!
//! Run: `cargo test --features ffi,fault-injection --test ffi_panic`.

#![cfg(all(feature = "ffi", feature = "fault-injection"))]
// The test is a C host written in Rust: raw pointers and unsafe calls throughout.
#![allow(unsafe_code)]

mod common;

use std::ffi::{CStr, CString};
use std::ptr::null_mut;

use common::{fixture, ChainDir};
use mithril_lite::ffi::*;

fn last_message() -> String {
    let mut buf = vec![0 as std::ffi::c_char; 4096];
    unsafe { mithril_lite_last_error_message(buf.as_mut_ptr(), buf.len(), null_mut()) };
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn new_verifier(dir: &ChainDir) -> *mut mithril_lite_verifier {
    let key = CString::new(dir.genesis_key.trim()).unwrap();
    let mut v = null_mut();
    assert_eq!(
        unsafe { mithril_lite_verifier_new(key.as_ptr(), &mut v) },
        mithril_lite_code::Ok
    );
    v
}

/// Walk from `start` with `verifier` (inline checks); the verified certificate's hash, or the
/// failure's code and message.
fn verify(
    verifier: *mut mithril_lite_verifier,
    dir: &ChainDir,
    start: &str,
) -> Result<String, (mithril_lite_code, String)> {
    let start = CString::new(start).unwrap();
    let mut walk = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_new(verifier, start.as_ptr(), &mut walk) },
        mithril_lite_code::Ok
    );
    loop {
        let mut buf = [0 as std::ffi::c_char; 65];
        let rc =
            unsafe { mithril_lite_walk_next_needed(walk, buf.as_mut_ptr(), buf.len(), null_mut()) };
        match rc {
            mithril_lite_code::Ok => {
                let hash = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
                let fed = match dir.certificates.get(hash) {
                    Some(body) => unsafe {
                        mithril_lite_walk_feed(walk, body.as_ptr(), body.len())
                    },
                    None => unsafe {
                        mithril_lite_walk_fetch_failed(walk, c"not in the fixture".as_ptr())
                    },
                };
                assert_eq!(fed, mithril_lite_code::Ok, "{}", last_message());
            }
            mithril_lite_code::Done => break,
            other => panic!("next_needed: {other:?}: {}", last_message()),
        }
    }
    let mut cert = null_mut();
    let rc = unsafe { mithril_lite_walk_result(walk, &mut cert) };
    let verdict = if rc == mithril_lite_code::Ok {
        let mut buf = [0 as std::ffi::c_char; 65];
        assert_eq!(
            unsafe { mithril_lite_certificate_hash(cert, buf.as_mut_ptr(), buf.len(), null_mut()) },
            mithril_lite_code::Ok
        );
        Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    } else {
        Err((rc, last_message()))
    };
    unsafe {
        mithril_lite_certificate_free(&mut cert);
        mithril_lite_walk_free(&mut walk);
    }
    verdict
}

fn latest_devnet() -> String {
    let list = std::fs::read_to_string(fixture("devnet/certificates-list.json")).unwrap();
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    list[0]["hash"].as_str().unwrap().to_string()
}

#[test]
fn the_library_and_the_verifier_stay_usable_after_a_panic() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = latest_devnet();
    let verifier = new_verifier(&dir);
    assert_eq!(verify(verifier, &dir, &latest), Ok(latest.clone()));

    // The panic is caught at the boundary: a code and a message, no unwinding into the caller.
    let rc = unsafe { mithril_lite_test_panic(verifier) };
    assert_eq!(rc, mithril_lite_code::Panic);
    assert_eq!(mithril_lite_last_error_code(), mithril_lite_code::Panic);
    let message = last_message();
    assert!(
        message.starts_with("internal error (panic): ")
            && message
                .contains("fault injection: a panic while the verifier's key cache is locked"),
        "{message}"
    );
    let name = unsafe { CStr::from_ptr(mithril_lite_code_name(rc as u32)) };
    assert_eq!(name.to_str().unwrap(), "panic");

    // The same verifier (its key-cache lock now poisoned) verifies the chain again, and so does
    // a new one.
    assert_eq!(verify(verifier, &dir, &latest), Ok(latest.clone()));
    let mut cached = usize::MAX;
    assert_eq!(
        unsafe { mithril_lite_verifier_cached_keys(verifier, &mut cached) },
        mithril_lite_code::Ok
    );
    let fresh = new_verifier(&dir);
    assert_eq!(verify(fresh, &dir, &latest), Ok(latest.clone()));

    // A failure after the panic replaces the panic as the last error, as usual.
    let missing = "00".repeat(32);
    let err = verify(verifier, &dir, &missing).unwrap_err();
    assert_ne!(err.0, mithril_lite_code::Panic, "{err:?}");

    unsafe {
        mithril_lite_verifier_free(&mut { verifier });
        mithril_lite_verifier_free(&mut { fresh });
    }
}
