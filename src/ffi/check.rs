//! `mithril_lite_check`: one multi-signature check of a jobs-mode walk, as a handle the host
//! takes from the walk, runs on any thread and completes the walk with.
//!
//! The handle owns the check's inputs (the core's `PendingCheck` is `Send + 'static`), so
//! running it needs no walk and touches nothing shared: any number of checks run at once, on
//! any threads, while their walk goes on feeding. The walk only learns the outcome when the
//! handle is completed into it, on the walk's thread.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, TryLockError};

use super::boundary::invalid_argument;
use super::boundary::{free_handle, give_out, guard, handle_mut, handle_ref, prepare_out};
use super::boundary::{panic_message, write_out, FfiError, Opaque};
use super::code::mithril_lite_code;
use super::walk::mithril_lite_walk;
use crate::certificate::{CheckOutcome, MultiSignatureCheck};
use crate::Error;

/// The multi-signature check of one certificate, handed out by a jobs-mode walk
/// (`mithril_lite_walk_take_check`). Run it once with `mithril_lite_check_run` (any thread),
/// then give it back with `mithril_lite_walk_complete`, which frees it. `mithril_lite_check_free`
/// frees a check that will not be completed (e.g. once the walk is done).
pub struct mithril_lite_check {
    _opaque: [u8; 0],
}

pub(crate) struct Check {
    /// The walk it belongs to (`Walk::id`).
    walk_id: u64,
    /// Its position in the walk (0 = the starting certificate).
    index: usize,
    /// Behind a mutex so that a host running one handle twice at once gets a code, not a
    /// data race (checks are still meant to be used by one thread at a time).
    state: Mutex<State>,
}

enum State {
    Ready(MultiSignatureCheck),
    Running,
    Ran(CheckOutcome),
}

// The C side shares check handles between threads: a check must stay Send + Sync (a core
// change that put an Rc or a Cell in the job would fail here, not in an app).
const _: fn() = || {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Check>();
};

impl Opaque for mithril_lite_check {
    type Inner = Check;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlCHECK_");
    const NAME: &'static str = "mithril_lite_check";
}

/// Take the next multi-signature check a jobs-mode walk handed out: `MITHRIL_LITE_CODE_OK` with
/// `*check_out` a new check handle, or `MITHRIL_LITE_CODE_OK` with `*check_out` null when
/// there is none to take. A feed hands out at most one check: call this after each
/// `mithril_lite_walk_feed` (checks not taken are freed with the walk, and a walk waiting for
/// them never finishes). `MITHRIL_LITE_CODE_INVALID_STATE` for an inline-mode walk.
///
/// # Safety
/// `walk` is a live walk; `check_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_take_check(
    walk: *mut mithril_lite_walk,
    check_out: *mut *mut mithril_lite_check,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(check_out)?;
        let w = handle_mut(walk)?;
        if !w.jobs {
            return Err(FfiError::new(
                mithril_lite_code::InvalidState,
                "an inline walk runs its checks inside mithril_lite_walk_feed: it hands none out \
                 (mithril_lite_walk_new_with_jobs makes a walk that does)",
            ));
        }
        if let Some(pending) = w.untaken.pop_front() {
            give_out(
                check_out,
                Check {
                    walk_id: w.id,
                    index: pending.index,
                    state: Mutex::new(State::Ready(pending.check)),
                },
            );
        }
        Ok(mithril_lite_code::Ok)
    })
}

/// Run the check (the expensive part of a walk: pairings and the lottery checks) with fresh OS
/// randomness, and keep its outcome in the handle for `mithril_lite_walk_complete`.
///
/// Thread-safe: needs no walk, so it may run on any thread, while the walk is fed or other
/// checks run (of the same walk or others). The handle itself is used by one thread at a time
/// (hand it over through the host's own queue or lock); running a handle that is being run or
/// has run gives `MITHRIL_LITE_CODE_INVALID_STATE`.
///
/// Returns `MITHRIL_LITE_CODE_OK` once the check has run, whatever its outcome: a failed
/// check is the verdict only if the walk decides so (the reference's first error may be an
/// earlier one), so the outcome is read from `mithril_lite_walk_result`.
///
/// # Safety
/// `check` is a live check handle.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_check_run(
    check: *mut mithril_lite_check,
) -> mithril_lite_code {
    guard(|| unsafe {
        let c = handle_ref(check)?;
        let job = {
            let mut state = match c.state.try_lock() {
                Ok(state) => state,
                Err(TryLockError::WouldBlock) => return Err(busy()),
                // No code panics while holding the lock; recover the state anyway.
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
            };
            match core::mem::replace(&mut *state, State::Running) {
                State::Ready(job) => job,
                other => {
                    let message = match other {
                        State::Running => "the check is running on another thread",
                        _ => "the check has run already",
                    };
                    *state = other;
                    return Err(FfiError::new(mithril_lite_code::InvalidState, message));
                }
            }
        };
        // Not under the lock: the run is long.
        let (outcome, panic) = run_kept(|| job.run_random());
        *c.state.lock().unwrap_or_else(|p| p.into_inner()) = State::Ran(outcome);
        match panic {
            Some(message) => Err(FfiError::new(mithril_lite_code::Panic, message)),
            None => Ok(mithril_lite_code::Ok),
        }
    })
}

/// Run a check. A panic (a bug) becomes a failed outcome, the core's internal error, so that
/// the walk never takes it for a pass nor waits for this check forever; its message is
/// returned too, for the run's own `MITHRIL_LITE_CODE_PANIC`.
fn run_kept(run: impl FnOnce() -> CheckOutcome) -> (CheckOutcome, Option<String>) {
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(outcome) => (outcome, None),
        Err(payload) => {
            let detail = format!(
                "a signature check panicked (a bug): {}",
                panic_message(&*payload)
            );
            let outcome = CheckOutcome::from(Err(Error::Internal {
                detail: detail.clone(),
            }));
            (outcome, Some(format!("internal error (panic): {detail}")))
        }
    }
}

fn busy() -> FfiError {
    FfiError::new(
        mithril_lite_code::InvalidState,
        "the check is in use on another thread",
    )
}

/// The check's position in its walk (0 = the starting certificate, then one per certificate
/// fed), in `*index_out`: for progress reports and for hosts that schedule checks.
///
/// # Safety
/// `check` is a live check handle; `index_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_check_index(
    check: *const mithril_lite_check,
    index_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let c = handle_ref(check)?;
        write_out(index_out, c.index, "index_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Give a check that has run back to the walk it came from, in any order, and free it: on
/// `MITHRIL_LITE_CODE_OK` `*check` is set to null. A check may be completed after the walk's
/// verdict is ready (it no longer matters then). On the walk's thread (a walk is used by one
/// thread at a time). Completing may take a moment: the walk checks the last step of its
/// checks (their pairing equations) in batches across certificates, here or in a later feed.
///
/// Misuse leaves `*check` as it was: `MITHRIL_LITE_CODE_NULL_POINTER` when `check` or `*check`
/// is null (a check completed already, through the same variable);
/// `MITHRIL_LITE_CODE_INVALID_ARGUMENT` when the check comes from another walk;
/// `MITHRIL_LITE_CODE_INVALID_STATE` when it has not run yet (or is running);
/// `MITHRIL_LITE_CODE_INVALID_HANDLE` for a pointer that is not a live check.
///
/// # Safety
/// `walk` is a live walk; `check` points to a pointer from `mithril_lite_walk_take_check`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_complete(
    walk: *mut mithril_lite_walk,
    check: *mut *mut mithril_lite_check,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_mut(walk)?;
        if check.is_null() {
            return Err(FfiError::null("the check"));
        }
        if !check.is_aligned() {
            return Err(invalid_argument("the pointer to the check is not aligned"));
        }
        let p = check.read();
        if p.is_null() {
            return Err(FfiError::null("the check (completed or freed already?)"));
        }
        let c = handle_ref(p)?;
        if c.walk_id != w.id {
            return Err(invalid_argument(
                "the check belongs to another walk: complete it into the walk it was taken from",
            ));
        }
        let index = c.index;
        let outcome = {
            let mut state = match c.state.try_lock() {
                Ok(state) => state,
                Err(TryLockError::WouldBlock) => return Err(busy()),
                Err(TryLockError::Poisoned(p)) => p.into_inner(),
            };
            match core::mem::replace(&mut *state, State::Running) {
                State::Ran(outcome) => outcome,
                other => {
                    let message = match other {
                        State::Running => "the check is running: complete it once it has run",
                        _ => "the check has not run yet (mithril_lite_check_run)",
                    };
                    *state = other;
                    return Err(FfiError::new(mithril_lite_code::InvalidState, message));
                }
            }
        };
        free_handle(check)?;
        w.walk.complete(index, outcome);
        Ok(mithril_lite_code::Ok)
    })
}

/// Free the check `*check` without completing it (its walk will never finish if the verdict
/// still depends on it) and set `*check` to null. Null `check` or `*check`: nothing to do. Not
/// while another thread runs it.
///
/// # Safety
/// `check` is null or points to a pointer from `mithril_lite_walk_take_check` (or null).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_check_free(check: *mut *mut mithril_lite_check) {
    guard(|| unsafe {
        free_handle(check)?;
        Ok(mithril_lite_code::Ok)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::walk::{mithril_lite_walk_new_with_jobs, mithril_lite_walk_result};
    use crate::ffi::{mithril_lite_verifier_free, mithril_lite_verifier_new};
    use crate::ffi::{
        mithril_lite_walk_feed, mithril_lite_walk_free, mithril_lite_walk_next_needed,
    };
    use std::ffi::CString;
    use std::ptr::null_mut;

    #[test]
    fn a_panicking_check_fails_its_walk_with_an_internal_error() {
        // No real check panics; the run's panic handling and the walk's side are tested with a
        // closure that does.
        let (outcome, panic) = run_kept(|| panic!("boom {}", 42));
        assert!(panic.unwrap().contains("boom 42"));
        assert_eq!(outcome.error().map(Error::code), Some("internal_error"));

        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference-chains/two-per-epoch"
        );
        let key = std::fs::read_to_string(format!("{dir}/genesis.vkey")).unwrap();
        let latest = std::fs::read_to_string(format!("{dir}/latest")).unwrap();
        let certificates: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&std::fs::read(format!("{dir}/certificates.json")).unwrap())
                .unwrap();
        let body = certificates[latest.trim()].to_string();
        let key = CString::new(key.trim()).unwrap();
        let latest = CString::new(latest.trim()).unwrap();
        unsafe {
            let mut verifier = null_mut();
            assert_eq!(
                mithril_lite_verifier_new(key.as_ptr(), &mut verifier),
                mithril_lite_code::Ok
            );
            let mut walk = null_mut();
            assert_eq!(
                mithril_lite_walk_new_with_jobs(verifier, latest.as_ptr(), &mut walk),
                mithril_lite_code::Ok
            );
            assert_eq!(
                mithril_lite_walk_feed(walk, body.as_ptr(), body.len()),
                mithril_lite_code::Ok
            );
            let mut check = null_mut();
            assert_eq!(
                mithril_lite_walk_take_check(walk, &mut check),
                mithril_lite_code::Ok
            );
            // The panicked run's state, as mithril_lite_check_run leaves it.
            *handle_ref(check).unwrap().state.lock().unwrap() = State::Ran(outcome);
            assert_eq!(
                mithril_lite_check_run(check),
                mithril_lite_code::InvalidState
            );
            assert_eq!(
                mithril_lite_walk_complete(walk, &mut check),
                mithril_lite_code::Ok
            );
            assert!(check.is_null());
            // The core places a failed job's internal error before the predecessor's fetch, so
            // the walk is decided at once: never a pass, never a wait for this check.
            assert_eq!(
                mithril_lite_walk_next_needed(walk, null_mut(), 0, null_mut()),
                mithril_lite_code::Done
            );
            let mut cert = null_mut();
            assert_eq!(
                mithril_lite_walk_result(walk, &mut cert),
                mithril_lite_code::Internal
            );
            assert!(cert.is_null());
            let (_, message) = crate::ffi::boundary::last_error().unwrap();
            assert!(message.contains("boom 42"), "{message}");
            mithril_lite_walk_free(&mut walk);
            mithril_lite_verifier_free(&mut verifier);
        }
    }
}
