//! The C ABI's jobs mode, driven through the exported functions as a C host would: checks
//! taken from the walk, run on other threads and completed in reverse, random and as-finished
//! order give inline mode's verdict (code and message), including chains with several
//! failures where only the reference's first may be reported; misuse gives codes.

#![cfg(feature = "ffi")]
// The test is a C host written in Rust: raw pointers and unsafe calls throughout.
#![allow(unsafe_code)]

mod common;

use std::ffi::{CStr, CString};
use std::ptr::null_mut;
use std::thread::JoinHandle;

use common::{fixture, ChainDir, Rng};
use mithril_lite::certificate::Certificate;
use mithril_lite::ffi::*;

/// A check handle on its way to or from a worker thread.
struct Job(*mut mithril_lite_check);
// SAFETY: a check handle owns its inputs and may run on any thread; one thread uses it at a
// time here (the worker, then the walk's thread after join).
unsafe impl Send for Job {}

/// Completion orders of the jobs-mode host.
#[derive(Clone, Copy, Debug)]
enum Order {
    /// Run every check taken so far when the walk waits, then complete them last first.
    Reverse,
    /// Run each check on its own thread at once; complete a random finished one at random
    /// moments (between feeds too).
    Random(u64),
}

fn last_message() -> String {
    let mut buf = vec![0 as std::ffi::c_char; 4096];
    unsafe { mithril_lite_last_error_message(buf.as_mut_ptr(), buf.len(), null_mut()) };
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

/// A verdict: the code, and the message (failures) or the verified certificate's hash.
type Verdict = (mithril_lite_code, String);

fn verifier(dir: &ChainDir) -> *mut mithril_lite_verifier {
    let key = CString::new(dir.genesis_key.trim()).unwrap();
    let mut v = null_mut();
    assert_eq!(
        unsafe { mithril_lite_verifier_new(key.as_ptr(), &mut v) },
        mithril_lite_code::Ok
    );
    v
}

fn free_verifier(mut v: *mut mithril_lite_verifier) {
    unsafe { mithril_lite_verifier_free(&mut v) };
    assert!(v.is_null());
}

fn needed(walk: *mut mithril_lite_walk) -> (mithril_lite_code, String) {
    let mut buf = [0 as std::ffi::c_char; 65];
    let rc =
        unsafe { mithril_lite_walk_next_needed(walk, buf.as_mut_ptr(), buf.len(), null_mut()) };
    let hash = unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned();
    (rc, hash)
}

/// Feed the certificate `hash` from the fixture (or report it unavailable).
fn feed(walk: *mut mithril_lite_walk, dir: &ChainDir, hash: &str) {
    let rc = match dir.certificates.get(hash) {
        Some(body) => unsafe { mithril_lite_walk_feed(walk, body.as_ptr(), body.len()) },
        None => unsafe { mithril_lite_walk_fetch_failed(walk, c"not in the fixture".as_ptr()) },
    };
    assert_eq!(rc, mithril_lite_code::Ok, "{}", last_message());
}

fn result(walk: *mut mithril_lite_walk) -> Verdict {
    let mut cert = null_mut();
    let rc = unsafe { mithril_lite_walk_result(walk, &mut cert) };
    let verdict = if rc == mithril_lite_code::Ok {
        let mut buf = [0 as std::ffi::c_char; 65];
        let hash_rc =
            unsafe { mithril_lite_certificate_hash(cert, buf.as_mut_ptr(), buf.len(), null_mut()) };
        assert_eq!(hash_rc, mithril_lite_code::Ok);
        let hash = unsafe { CStr::from_ptr(buf.as_ptr()) };
        (rc, hash.to_string_lossy().into_owned())
    } else {
        assert!(cert.is_null());
        (rc, last_message())
    };
    unsafe { mithril_lite_certificate_free(&mut cert) };
    verdict
}

fn walk_inline(dir: &ChainDir, start: &str) -> Verdict {
    let v = verifier(dir);
    let start = CString::new(start).unwrap();
    let mut walk = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_new(v, start.as_ptr(), &mut walk) },
        mithril_lite_code::Ok
    );
    loop {
        match needed(walk) {
            (mithril_lite_code::Ok, hash) => feed(walk, dir, &hash),
            (mithril_lite_code::Done, _) => break,
            (rc, _) => panic!("inline next_needed: {rc:?}"),
        }
    }
    let verdict = result(walk);
    unsafe {
        mithril_lite_walk_free(&mut walk);
        free_verifier(v);
    }
    verdict
}

fn run_on_thread(job: Job) -> JoinHandle<Job> {
    std::thread::spawn(move || {
        let job = job;
        assert_eq!(
            unsafe { mithril_lite_check_run(job.0) },
            mithril_lite_code::Ok
        );
        job
    })
}

fn index_of(job: &Job) -> usize {
    let mut index = usize::MAX;
    assert_eq!(
        unsafe { mithril_lite_check_index(job.0, &mut index) },
        mithril_lite_code::Ok
    );
    index
}

fn complete(walk: *mut mithril_lite_walk, mut job: Job) {
    let rc = unsafe { mithril_lite_walk_complete(walk, &mut job.0) };
    assert_eq!(rc, mithril_lite_code::Ok, "{}", last_message());
    assert!(
        job.0.is_null(),
        "complete frees the check and nulls the pointer"
    );
}

fn walk_jobs(dir: &ChainDir, start: &str, order: Order) -> Verdict {
    let v = verifier(dir);
    let start = CString::new(start).unwrap();
    let mut walk = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_new_with_jobs(v, start.as_ptr(), &mut walk) },
        mithril_lite_code::Ok
    );
    let mut rng = Rng(match order {
        Order::Reverse => 0,
        Order::Random(seed) => seed,
    });
    let mut taken: Vec<Job> = Vec::new(); // Reverse: not run yet
    let mut running: Vec<JoinHandle<Job>> = Vec::new(); // Random: in flight
    let mut completed = 0usize;
    loop {
        if let Order::Random(_) = order {
            if !running.is_empty() && rng.chance(40) {
                let job = running
                    .swap_remove(rng.below(running.len()))
                    .join()
                    .unwrap();
                complete(walk, job);
                completed += 1;
                continue;
            }
        }
        match needed(walk) {
            (mithril_lite_code::Ok, hash) => {
                feed(walk, dir, &hash);
                loop {
                    let mut check = null_mut();
                    let rc = unsafe { mithril_lite_walk_take_check(walk, &mut check) };
                    assert_eq!(rc, mithril_lite_code::Ok);
                    if check.is_null() {
                        break;
                    }
                    match order {
                        Order::Reverse => taken.push(Job(check)),
                        Order::Random(_) => running.push(run_on_thread(Job(check))),
                    }
                }
            }
            (mithril_lite_code::AwaitChecks, _) => match order {
                Order::Reverse => {
                    assert!(!taken.is_empty(), "the walk waits for checks nobody holds");
                    // Run them all at once, each on its own thread, then complete them last
                    // (oldest certificate) first.
                    let handles: Vec<_> = taken.drain(..).map(run_on_thread).collect();
                    let mut ran: Vec<Job> =
                        handles.into_iter().map(|h| h.join().unwrap()).collect();
                    ran.sort_by_key(|job| std::cmp::Reverse(index_of(job)));
                    for job in ran {
                        complete(walk, job);
                        completed += 1;
                    }
                }
                Order::Random(_) => {
                    assert!(
                        !running.is_empty(),
                        "the walk waits for checks nobody holds"
                    );
                    let job = running
                        .swap_remove(rng.below(running.len()))
                        .join()
                        .unwrap();
                    complete(walk, job);
                    completed += 1;
                }
            },
            (mithril_lite_code::Done, _) => break,
            (rc, _) => panic!("jobs next_needed: {rc:?} {}", last_message()),
        }
    }
    let verdict = result(walk);
    // Checks still out no longer matter: completing them changes nothing, freeing is allowed.
    let mut leftovers: Vec<Job> = running.into_iter().map(|h| h.join().unwrap()).collect();
    for (i, job) in leftovers.drain(..).enumerate() {
        if i % 2 == 0 {
            complete(walk, job);
        } else {
            let mut p = job.0;
            unsafe { mithril_lite_check_free(&mut p) };
            assert!(p.is_null());
        }
    }
    for mut job in taken {
        unsafe { mithril_lite_check_free(&mut job.0) };
    }
    assert_eq!(result(walk), verdict, "late completions change nothing");
    let mut pending = usize::MAX;
    unsafe { mithril_lite_walk_pending_checks(walk, &mut pending) };
    assert!(completed > 0 || pending == 0 || verdict.0 != mithril_lite_code::Ok);
    unsafe {
        mithril_lite_walk_free(&mut walk);
        free_verifier(v);
    }
    verdict
}

const ORDERS: [Order; 4] = [
    Order::Reverse,
    Order::Random(1),
    Order::Random(0x5eed),
    Order::Random(0xdead_beef),
];

fn same_verdict_in_every_order(dir: &ChainDir, start: &str) -> Verdict {
    let inline = walk_inline(dir, start);
    for order in ORDERS {
        assert_eq!(
            walk_jobs(dir, start, order),
            inline,
            "{order:?} from {start}"
        );
    }
    inline
}

#[test]
fn valid_chains_verify_in_every_completion_order() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = latest_devnet(&dir);
    let verdict = same_verdict_in_every_order(&dir, &latest);
    assert_eq!(verdict, (mithril_lite_code::Ok, latest));
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let verdict = same_verdict_in_every_order(&dir, &latest);
    assert_eq!(verdict, (mithril_lite_code::Ok, latest));
}

#[test]
fn reference_negatives_get_the_inline_verdict_in_every_completion_order() {
    let mut failing = 0;
    for chain in ["two-per-epoch", "mainnet-params"] {
        let root = fixture(&format!("reference-chains/{chain}/negative"));
        for entry in std::fs::read_dir(root).unwrap() {
            let dir = ChainDir::load(&entry.unwrap().path());
            let latest = dir.latest.clone().unwrap();
            let (code, _) = same_verdict_in_every_order(&dir, &latest);
            failing += usize::from(code != mithril_lite_code::Ok);
        }
    }
    // Every variant is a broken chain (11 per chain).
    assert_eq!(failing, 22);
}

/// The devnet chain's latest certificate and the path back to genesis.
fn latest_devnet(dir: &ChainDir) -> String {
    let list = std::fs::read_to_string(fixture("devnet/certificates-list.json")).unwrap();
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let latest = list[0]["hash"].as_str().unwrap().to_string();
    assert!(dir.certificates.contains_key(&latest));
    latest
}

fn path_from(dir: &ChainDir, start: &str) -> Vec<String> {
    let mut path = vec![start.to_string()];
    loop {
        let body: serde_json::Value =
            serde_json::from_str(&dir.certificates[path.last().unwrap()]).unwrap();
        let previous = body["previous_hash"].as_str().unwrap();
        if previous.is_empty() {
            return path;
        }
        path.push(previous.to_string());
    }
}

/// A devnet chain whose certificates at the given path positions carry another certificate's
/// multi-signature (their STM checks fail, every cheaper check passes: hashes and links are
/// recomputed down to the new starting certificate). Returns the new starting hash and the new
/// hashes along the path.
fn with_foreign_signatures(dir: &mut ChainDir, at: &[usize]) -> (String, Vec<String>) {
    let latest = latest_devnet(dir);
    let path = path_from(dir, &latest);
    let deepest = *at.iter().max().unwrap();
    let mut new_hashes = path.clone();
    for i in (0..=deepest).rev() {
        let mut cert: serde_json::Value =
            serde_json::from_str(&dir.certificates[&path[i]]).unwrap();
        if at.contains(&i) {
            // The multi-signature of a certificate two epochs away (another message, another
            // signer set): it decodes, and the STM check refuses it.
            let donor: serde_json::Value =
                serde_json::from_str(&dir.certificates[&path[i + 2]]).unwrap();
            assert_ne!(donor["multi_signature"], cert["multi_signature"]);
            cert["multi_signature"] = donor["multi_signature"].clone();
        }
        if i < deepest {
            cert["previous_hash"] = new_hashes[i + 1].clone().into();
        }
        let text = serde_json::to_string(&cert).unwrap();
        let hash = Certificate::from_json(text.as_bytes())
            .unwrap()
            .compute_hash();
        cert["hash"] = hash.clone().into();
        new_hashes[i] = hash.clone();
        dir.certificates
            .insert(hash, serde_json::to_string(&cert).unwrap());
    }
    (new_hashes[0].clone(), new_hashes)
}

#[test]
fn the_first_of_several_failures_is_the_verdict_in_every_completion_order() {
    // Two failed STM checks (positions 1 and 4): the verdict names position 1's certificate,
    // whose check is completed last in reverse order.
    let mut dir = ChainDir::load(&fixture("devnet"));
    let (start, hashes) = with_foreign_signatures(&mut dir, &[1, 4]);
    let (code, message) = same_verdict_in_every_order(&dir, &start);
    assert!(
        code as u32 >= 200 && (code as u32) < 300,
        "{code:?}: {message}"
    );
    assert!(message.contains(&hashes[1]), "{message}");
    assert!(!message.contains(&hashes[4]), "{message}");

    // An STM failure at 0 and a later certificate that cannot be fetched: the STM failure
    // comes first in the reference's order, though the walk learns of the other earlier.
    let mut dir = ChainDir::load(&fixture("devnet"));
    let (start, hashes) = with_foreign_signatures(&mut dir, &[0]);
    dir.certificates.remove(&hashes[5]);
    let (code, message) = same_verdict_in_every_order(&dir, &start);
    assert!(
        code as u32 >= 200 && (code as u32) < 300,
        "{code:?}: {message}"
    );
    assert!(message.contains(&hashes[0]), "{message}");

    // The predecessor of a certificate is fetched before the certificate is checked (as the
    // reference does): a missing predecessor beats the certificate's own STM failure.
    let mut dir = ChainDir::load(&fixture("devnet"));
    let (start, hashes) = with_foreign_signatures(&mut dir, &[0]);
    dir.certificates.remove(&hashes[1]);
    let (code, message) = same_verdict_in_every_order(&dir, &start);
    assert_eq!(code, mithril_lite_code::CertificateUnavailable, "{message}");
}

/// A jobs walk started on the devnet chain, with one check taken (fed the first certificate).
fn walk_with_a_check(dir: &ChainDir) -> (*mut mithril_lite_walk, *mut mithril_lite_check) {
    let v = verifier(dir);
    let latest = CString::new(latest_devnet(dir)).unwrap();
    let mut walk = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_new_with_jobs(v, latest.as_ptr(), &mut walk) },
        mithril_lite_code::Ok
    );
    free_verifier(v);
    let (_, hash) = needed(walk);
    feed(walk, dir, &hash);
    let mut check = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_take_check(walk, &mut check) },
        mithril_lite_code::Ok
    );
    assert!(!check.is_null());
    (walk, check)
}

#[test]
fn misuse_gives_codes() {
    let dir = ChainDir::load(&fixture("devnet"));
    let (mut walk, mut check) = walk_with_a_check(&dir);
    let (mut other, mut other_check) = walk_with_a_check(&dir);
    unsafe {
        // Nothing more to take after one feed (the out-parameter is set to null).
        let mut none = check;
        assert_eq!(
            mithril_lite_walk_take_check(walk, &mut none),
            mithril_lite_code::Ok
        );
        assert!(none.is_null());
        assert_eq!(
            mithril_lite_walk_take_check(walk, std::ptr::null_mut()),
            mithril_lite_code::NullPointer
        );
        // Completing before running; running twice.
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut check),
            mithril_lite_code::InvalidState
        );
        assert!(
            !check.is_null(),
            "a refused completion leaves the check alone"
        );
        assert_eq!(mithril_lite_check_run(check), mithril_lite_code::Ok);
        assert_eq!(
            mithril_lite_check_run(check),
            mithril_lite_code::InvalidState
        );
        // Another walk's check, another handle type, null.
        assert_eq!(mithril_lite_check_run(other_check), mithril_lite_code::Ok);
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut other_check),
            mithril_lite_code::InvalidArgument
        );
        assert!(!other_check.is_null());
        let mut as_check = walk as *mut mithril_lite_check;
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut as_check),
            mithril_lite_code::InvalidHandle
        );
        assert_eq!(
            mithril_lite_check_run(walk as *mut mithril_lite_check),
            mithril_lite_code::InvalidHandle
        );
        assert_eq!(
            mithril_lite_walk_complete(check as *mut mithril_lite_walk, &mut check),
            mithril_lite_code::InvalidHandle
        );
        assert_eq!(
            mithril_lite_check_run(null_mut()),
            mithril_lite_code::NullPointer
        );
        assert_eq!(
            mithril_lite_walk_complete(walk, null_mut()),
            mithril_lite_code::NullPointer
        );
        // Completing, then completing again through the same variable.
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut check),
            mithril_lite_code::Ok
        );
        assert!(check.is_null());
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut check),
            mithril_lite_code::NullPointer
        );
        assert_eq!(
            mithril_lite_walk_complete(other, &mut other_check),
            mithril_lite_code::Ok
        );
        // An inline walk hands out no checks.
        let v = verifier(&dir);
        let latest = CString::new(latest_devnet(&dir)).unwrap();
        let mut inline = null_mut();
        mithril_lite_walk_new(v, latest.as_ptr(), &mut inline);
        let mut c = null_mut();
        assert_eq!(
            mithril_lite_walk_take_check(inline, &mut c),
            mithril_lite_code::InvalidState
        );
        let mut count = usize::MAX;
        assert_eq!(
            mithril_lite_walk_pending_checks(inline, &mut count),
            mithril_lite_code::Ok
        );
        assert_eq!(count, 0);
        mithril_lite_walk_free(&mut inline);
        free_verifier(v);
        mithril_lite_check_free(&mut c);
        mithril_lite_check_free(null_mut());
        mithril_lite_walk_free(&mut walk);
        mithril_lite_walk_free(&mut other);
    }
}

#[test]
fn a_walk_waiting_for_checks_refuses_feeds_and_has_no_verdict() {
    // Feed the whole chain without completing a check: the walk then waits for all of them.
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let v = verifier(&dir);
    let latest = CString::new(dir.latest.clone().unwrap()).unwrap();
    let mut walk = null_mut();
    let mut checks = Vec::new();
    unsafe {
        mithril_lite_walk_new_with_jobs(v, latest.as_ptr(), &mut walk);
        free_verifier(v);
        loop {
            match needed(walk) {
                (mithril_lite_code::Ok, hash) => {
                    feed(walk, &dir, &hash);
                    let mut c = null_mut();
                    mithril_lite_walk_take_check(walk, &mut c);
                    if !c.is_null() {
                        checks.push(c);
                    }
                }
                (rc, _) => {
                    assert_eq!(rc, mithril_lite_code::AwaitChecks);
                    break;
                }
            }
        }
        let mut pending = 0;
        mithril_lite_walk_pending_checks(walk, &mut pending);
        assert_eq!(pending, checks.len());
        assert!(pending > 1);
        assert_eq!(
            mithril_lite_walk_feed(walk, b"{}".as_ptr(), 2),
            mithril_lite_code::InvalidState
        );
        assert_eq!(
            mithril_lite_walk_fetch_failed(walk, null_mut()),
            mithril_lite_code::InvalidState
        );
        let mut cert = null_mut();
        assert_eq!(
            mithril_lite_walk_result(walk, &mut cert),
            mithril_lite_code::InvalidState
        );
        // Complete all but the first: still waiting; then the first: done.
        for c in checks.iter_mut().skip(1).rev() {
            assert_eq!(mithril_lite_check_run(*c), mithril_lite_code::Ok);
            assert_eq!(mithril_lite_walk_complete(walk, c), mithril_lite_code::Ok);
            assert_eq!(needed(walk).0, mithril_lite_code::AwaitChecks);
        }
        assert_eq!(mithril_lite_check_run(checks[0]), mithril_lite_code::Ok);
        assert_eq!(
            mithril_lite_walk_complete(walk, &mut checks[0]),
            mithril_lite_code::Ok
        );
        assert_eq!(needed(walk).0, mithril_lite_code::Done);
        assert_eq!(
            mithril_lite_walk_result(walk, &mut cert),
            mithril_lite_code::Ok
        );
        mithril_lite_certificate_free(&mut cert);
        mithril_lite_walk_free(&mut walk);
    }
}

#[test]
fn one_check_run_by_two_threads_at_once_runs_once() {
    // A host bug (the same handle given to two workers): one run happens, the other gets a
    // code, whichever comes second; never a data race or a second run.
    let dir = ChainDir::load(&fixture("devnet"));
    for _ in 0..8 {
        let (mut walk, mut check) = walk_with_a_check(&dir);
        // The address crosses to both threads as a number: what a C host would do.
        let address = check as usize;
        let run = move || unsafe { mithril_lite_check_run(address as *mut mithril_lite_check) };
        let codes: Vec<mithril_lite_code> = std::thread::scope(|s| {
            let a = s.spawn(run);
            let b = s.spawn(run);
            vec![a.join().unwrap(), b.join().unwrap()]
        });
        let ok = codes
            .iter()
            .filter(|c| **c == mithril_lite_code::Ok)
            .count();
        assert_eq!(ok, 1, "{codes:?}");
        assert!(
            codes.contains(&mithril_lite_code::InvalidState),
            "{codes:?}"
        );
        unsafe {
            assert_eq!(
                mithril_lite_walk_complete(walk, &mut check),
                mithril_lite_code::Ok
            );
            mithril_lite_walk_free(&mut walk);
        }
    }
}

/// One inline walk from `start` with the verifier `v`; the walk is freed.
fn walk_with(v: *mut mithril_lite_verifier, dir: &ChainDir, start: &str) -> Verdict {
    let start = CString::new(start).unwrap();
    let mut walk = null_mut();
    assert_eq!(
        unsafe { mithril_lite_walk_new(v, start.as_ptr(), &mut walk) },
        mithril_lite_code::Ok
    );
    while let (mithril_lite_code::Ok, hash) = needed(walk) {
        feed(walk, dir, &hash);
    }
    let verdict = result(walk);
    unsafe { mithril_lite_walk_free(&mut walk) };
    verdict
}

#[test]
fn a_verifier_keeps_the_keys_its_walks_validated() {
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let v = verifier(&dir);
    let cached = || {
        let mut n = usize::MAX;
        assert_eq!(
            unsafe { mithril_lite_verifier_cached_keys(v, &mut n) },
            mithril_lite_code::Ok
        );
        n
    };
    assert_eq!(cached(), 0);
    let first = walk_with(v, &dir, &latest);
    assert_eq!(first.0, mithril_lite_code::Ok, "{}", first.1);
    let after_one = cached();
    assert!(after_one > 0);
    // The next walk starts from those keys and verifies the same; nothing is lost.
    assert_eq!(walk_with(v, &dir, &latest), first);
    assert!(cached() >= after_one);
    free_verifier(v);
}
