//! The C ABI driven as a C host drives it, fed a fuzzed certificate body in place of one
//! certificate of the two-per-epoch reference chain.
//!
//! Input: `[flags][position][body]`: flags bit 0 = jobs mode (checks taken, run and completed
//! through the check handles), bit 1 = completions held until the walk asks for them, bit 2 =
//! a full walk (otherwise the certificate below the fuzzed one is imported as a trust
//! checkpoint). Properties: no call returns a panic, an internal error or a usage error; the
//! walk's result is the Rust core's verdict for the same certificates, code for code (a
//! differential of the binding against the core).
#![no_main]

use std::ffi::{CStr, CString};
use std::ptr::null_mut;

use fuzz_common::{chains, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite::chain::{TrustCheckpoints, WalkConfig};
use mithril_lite::ffi::*;

/// A call that must succeed.
fn ok(rc: mithril_lite_code, what: &str) {
    assert_eq!(rc, mithril_lite_code::Ok, "{what}: {}", name(rc));
}

/// [`ok`], then true (for loop conditions).
fn ok_then(rc: mithril_lite_code, what: &str) -> bool {
    ok(rc, what);
    true
}

fn name(rc: mithril_lite_code) -> String {
    // SAFETY: the returned string is static.
    unsafe { CStr::from_ptr(mithril_lite_code_name(rc as u32)) }
        .to_string_lossy()
        .into_owned()
}

fn epoch_of(body: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["epoch"].as_u64().unwrap()
}

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let flags = input.u8();
    let (jobs, hold, full) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
    let chain = &chains()[0].1;
    let j = input.u8() as usize % chain.order.len();
    let body = input.rest();
    let replaced = chain.order[j].as_str();
    let start = chain.order[j.saturating_sub(1)].clone();
    let trusted: Vec<String> = chain
        .order
        .get(j + 1)
        .filter(|_| !full)
        .cloned()
        .into_iter()
        .collect();
    let core = chain.walk(
        &start,
        &trusted,
        WalkConfig::default(),
        Some((replaced, body)),
    );

    let key = CString::new(chain.genesis_key.trim()).unwrap();
    let start_c = CString::new(start.as_str()).unwrap();
    let mut verifier = null_mut();
    let mut walk = null_mut();
    let mut held = Vec::new();
    // SAFETY: a C host's calls, with live handles and buffers of the stated sizes.
    let (rc, hash) = unsafe {
        ok(
            mithril_lite_verifier_new(key.as_ptr(), &mut verifier),
            "verifier_new",
        );
        if let Some(below) = trusted.first() {
            let mut t = TrustCheckpoints::new(&chain.key());
            t.insert(below, epoch_of(&chain.certificates[below]))
                .unwrap();
            let bytes = t.encode();
            ok(
                mithril_lite_verifier_import_checkpoints(verifier, bytes.as_ptr(), bytes.len()),
                "import_checkpoints",
            );
        }
        let new = if jobs {
            mithril_lite_walk_new_with_jobs
        } else {
            mithril_lite_walk_new
        };
        ok(new(verifier, start_c.as_ptr(), &mut walk), "walk_new");
        // Hashes are whatever the certificates say (a fuzzed previous_hash may be long): the
        // buffer grows to the length the library asks for, as a C host does.
        let mut buf = vec![0 as std::ffi::c_char; 80];
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 10_000, "the walk does not end");
            let mut needed = 0usize;
            let rc = mithril_lite_walk_next_needed(walk, buf.as_mut_ptr(), buf.len(), &mut needed);
            match rc {
                mithril_lite_code::BufferTooSmall => {
                    assert!(
                        needed >= buf.len(),
                        "buffer_too_small with a length that fits"
                    );
                    buf.resize(needed + 1, 0);
                }
                mithril_lite_code::Ok => {
                    let h = CStr::from_ptr(buf.as_ptr()).to_str().unwrap().to_string();
                    match chain.body(&h, Some((replaced, body))) {
                        Some(b) => ok(mithril_lite_walk_feed(walk, b.as_ptr(), b.len()), "feed"),
                        None => ok(
                            mithril_lite_walk_fetch_failed(walk, null_mut()),
                            "fetch_failed",
                        ),
                    }
                    // Jobs mode: take every check the feed handed out (an inline walk has none).
                    let mut check = null_mut();
                    while jobs
                        && ok_then(mithril_lite_walk_take_check(walk, &mut check), "take_check")
                        && !check.is_null()
                    {
                        ok(mithril_lite_check_run(check), "check_run");
                        if hold {
                            held.push(check);
                        } else {
                            ok(mithril_lite_walk_complete(walk, &mut check), "complete");
                        }
                        check = null_mut();
                    }
                }
                mithril_lite_code::AwaitChecks => {
                    let mut check = held.pop().expect("the walk waits for a check nobody holds");
                    ok(mithril_lite_walk_complete(walk, &mut check), "complete");
                }
                mithril_lite_code::Done => break,
                other => panic!("next_needed: {}", name(other)),
            }
        }
        for mut check in held.drain(..) {
            mithril_lite_check_free(&mut check);
        }
        let mut certificate = null_mut();
        let rc = mithril_lite_walk_result(walk, &mut certificate);
        let mut hash = String::new();
        if rc == mithril_lite_code::Ok {
            let mut needed = 0usize;
            if mithril_lite_certificate_hash(certificate, buf.as_mut_ptr(), buf.len(), &mut needed)
                == mithril_lite_code::BufferTooSmall
            {
                buf.resize(needed + 1, 0);
            }
            ok(
                mithril_lite_certificate_hash(certificate, buf.as_mut_ptr(), buf.len(), null_mut()),
                "certificate_hash",
            );
            hash = CStr::from_ptr(buf.as_ptr()).to_str().unwrap().to_string();
            mithril_lite_certificate_free(&mut certificate);
        }
        mithril_lite_walk_free(&mut walk);
        mithril_lite_verifier_free(&mut verifier);
        (rc, hash)
    };
    match &core {
        Ok(chain) => {
            assert_eq!(
                rc,
                mithril_lite_code::Ok,
                "the core accepts, the C ABI says {}",
                name(rc)
            );
            assert_eq!(hash, chain.certificate.hash);
        }
        Err(e) => {
            assert_ne!(
                rc,
                mithril_lite_code::Ok,
                "the core refuses ({e}), the C ABI accepts"
            );
            assert_eq!(
                name(rc),
                e.code(),
                "the C ABI's code is not the core's ({e})"
            );
        }
    }
});
