//! `mithril_lite_walk`: the core's sans-IO chain walk. Inline mode (the default) runs each STM
//! check inside `feed`; jobs mode hands them out as check handles (`check.rs`).

use core::ffi::c_char;
use core::sync::atomic::{AtomicU64, Ordering};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use super::boundary::{
    byte_slice, c_str, free_handle, give_out, guard, handle_mut, handle_ref, prepare_out,
    write_out, write_str, FfiError, Opaque,
};
use super::certificate::{mithril_lite_certificate, VerifiedCertificateHandle};
use super::code::mithril_lite_code;
use super::verifier::mithril_lite_verifier;
use crate::certificate::GenesisVerificationKey;
use crate::chain::walk::PendingCheck;
use crate::chain::{ChainWalk, KeyCache, Progress, Step};

/// A chain walk from one certificate back to genesis (or to a trust checkpoint). The host
/// loops: `mithril_lite_walk_next_needed` names the certificate to fetch, the host fetches
/// it and passes the body to `mithril_lite_walk_feed` (or reports
/// `mithril_lite_walk_fetch_failed`), until `next_needed` returns `MITHRIL_LITE_CODE_DONE`;
/// then `mithril_lite_walk_result` gives the verified certificate or the verdict's error.
///
/// A walk made by `mithril_lite_walk_new_with_jobs` does not run the multi-signature checks
/// itself: the host takes them as `mithril_lite_check` handles, runs them on any thread and
/// completes the walk with them (see `mithril_lite_walk_take_check`).
///
/// A walk is used by one thread at a time (it may move between threads).
pub struct mithril_lite_walk {
    _opaque: [u8; 0],
}

pub(crate) struct Walk {
    pub(crate) walk: ChainWalk,
    genesis_key: GenesisVerificationKey,
    /// Identifies the walk to its check handles (a check completes only the walk it came
    /// from; ids are never reused within a process).
    pub(crate) id: u64,
    /// Jobs mode: checks are handed out instead of run inside `feed`.
    pub(crate) jobs: bool,
    /// Jobs mode: checks handed out by the core and not yet taken by the host.
    pub(crate) untaken: VecDeque<PendingCheck>,
    /// The verifier's key cache, where the keys this walk validated go when it is freed.
    keys_home: Arc<Mutex<KeyCache>>,
}

impl Drop for Walk {
    fn drop(&mut self) {
        let validated = self.walk.take_key_cache();
        // A poisoned lock means a panic while merging: the cache only saves work, skip it.
        if let Ok(mut home) = self.keys_home.lock() {
            home.absorb(validated);
        }
    }
}

/// Source of walk ids (starts at 1, so 0 never names a walk).
static NEXT_WALK_ID: AtomicU64 = AtomicU64::new(1);

/// What a walk needs next.
enum Need {
    Fetch(String),
    /// Jobs mode: nothing to fetch until handed-out checks are completed.
    Checks,
    Done,
}

impl Opaque for mithril_lite_walk {
    type Inner = Walk;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlWALK__");
    const NAME: &'static str = "mithril_lite_walk";
}

impl Walk {
    fn new(
        walk: ChainWalk,
        genesis_key: GenesisVerificationKey,
        jobs: bool,
        keys_home: Arc<Mutex<KeyCache>>,
    ) -> Self {
        let known = keys_home.lock().map(|c| c.clone()).ok();
        let walk = match known {
            Some(cache) => walk.with_key_cache(cache),
            None => walk,
        };
        Walk {
            walk,
            genesis_key,
            id: NEXT_WALK_ID.fetch_add(1, Ordering::Relaxed),
            jobs,
            untaken: VecDeque::new(),
            keys_home,
        }
    }

    fn needed(&self) -> Result<Need, FfiError> {
        match self.walk.step() {
            Step::Fetch(hash) => Ok(Need::Fetch(hash)),
            Step::Done(_) => Ok(Need::Done),
            Step::AwaitVerification if self.jobs => Ok(Need::Checks),
            // Inline mode runs every check inside feed: the core never waits for one.
            Step::AwaitVerification => Err(not_handed_out()),
        }
    }

    fn expecting(&self) -> Result<String, FfiError> {
        match self.needed()? {
            Need::Fetch(hash) => Ok(hash),
            Need::Checks => Err(FfiError::new(
                mithril_lite_code::InvalidState,
                format!(
                    "the walk waits for {} checks to be completed: it needs no certificate now",
                    self.walk.pending_checks()
                ),
            )),
            Need::Done => Err(FfiError::new(
                mithril_lite_code::InvalidState,
                "the walk is done: it needs no more certificates",
            )),
        }
    }
}

fn not_handed_out() -> FfiError {
    FfiError::new(
        mithril_lite_code::Internal,
        "the walk waits for a signature check the binding did not hand out",
    )
}

/// Start a walk at `certificate_hash` with `verifier`'s genesis key, limits and trust
/// checkpoints (copied: the walk does not use `verifier` afterwards, which may be freed), and
/// the signer keys its earlier walks validated: when the walk is freed, the keys it validated
/// go back to the verifier's cache (bounded: 4 epochs of at most 4,096 keys).
/// On success `*walk_out` is the new walk (free it with `mithril_lite_walk_free`); on failure
/// it is null.
///
/// # Safety
/// `verifier` is a live verifier; `certificate_hash` is a NUL-terminated string; `walk_out`
/// is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_new(
    verifier: *const mithril_lite_verifier,
    certificate_hash: *const c_char,
    walk_out: *mut *mut mithril_lite_walk,
) -> mithril_lite_code {
    // SAFETY: forwarded caller promise.
    unsafe { new_walk(verifier, certificate_hash, walk_out, false) }
}

/// Start a walk as `mithril_lite_walk_new` does, in jobs mode: `mithril_lite_walk_feed` runs
/// every check of a certificate but its multi-signature check, which it hands out instead
/// (`mithril_lite_walk_take_check`); the host runs it on any thread
/// (`mithril_lite_check_run`) and gives it back (`mithril_lite_walk_complete`), in any order.
/// `mithril_lite_walk_next_needed` returns `MITHRIL_LITE_CODE_AWAIT_CHECKS` when the walk
/// needs no certificate until checks are completed. The verdict is the same as inline mode's
/// whatever the order in which checks run and are completed.
///
/// # Safety
/// As `mithril_lite_walk_new`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_new_with_jobs(
    verifier: *const mithril_lite_verifier,
    certificate_hash: *const c_char,
    walk_out: *mut *mut mithril_lite_walk,
) -> mithril_lite_code {
    // SAFETY: forwarded caller promise.
    unsafe { new_walk(verifier, certificate_hash, walk_out, true) }
}

/// # Safety
/// As `mithril_lite_walk_new`.
unsafe fn new_walk(
    verifier: *const mithril_lite_verifier,
    certificate_hash: *const c_char,
    walk_out: *mut *mut mithril_lite_walk,
    jobs: bool,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(walk_out)?;
        let v = handle_ref(verifier)?;
        let hash = c_str(certificate_hash, "the certificate hash")?;
        // With their epochs: the walk's progress then knows where it will end.
        let walk = ChainWalk::new(hash, v.key.clone(), v.config.clone()).with_checkpoints(&v.trust);
        give_out(
            walk_out,
            Walk::new(walk, v.key.clone(), jobs, Arc::clone(&v.keys)),
        );
        Ok(mithril_lite_code::Ok)
    })
}

/// Free the walk `*walk` and set `*walk` to null, so freeing twice through the same variable
/// does nothing. Null `walk` or `*walk`: nothing to do. A certificate taken from the walk stays
/// valid.
///
/// # Safety
/// `walk` is null or points to a pointer from `mithril_lite_walk_new` (or null).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_free(walk: *mut *mut mithril_lite_walk) {
    guard(|| unsafe {
        free_handle(walk)?;
        Ok(mithril_lite_code::Ok)
    });
}

/// What the walk needs next: `MITHRIL_LITE_CODE_OK` with the hash of the certificate to fetch
/// copied into `buf` (hex, NUL-terminated; 65 bytes are enough for every hash the walk asks
/// for), or `MITHRIL_LITE_CODE_DONE` when the verdict is ready. Jobs mode only:
/// `MITHRIL_LITE_CODE_AWAIT_CHECKS` when nothing is to be fetched until checks are completed
/// (take any check not yet taken, wait for one to finish, complete it, ask again); a
/// certificate may be asked for while checks are still out. Buffer rules as
/// `mithril_lite_last_error_message` (`*len_out` gets the hash length).
///
/// # Safety
/// `walk` is a live walk; `buf` is null with `cap` 0, or writable for `cap` bytes; `len_out` is
/// null or writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_next_needed(
    walk: *const mithril_lite_walk,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        match handle_ref(walk)?.needed()? {
            Need::Fetch(hash) => write_str(&hash, buf, cap, len_out),
            Need::Checks => Ok(mithril_lite_code::AwaitChecks),
            Need::Done => Ok(mithril_lite_code::Done),
        }
    })
}

/// Feed the body (JSON bytes) of the certificate `mithril_lite_walk_next_needed` named. Every
/// check of that certificate runs now, its multi-signature check included (on this thread);
/// in jobs mode the multi-signature check (when the verdict still depends on it) is handed
/// out instead: take it with `mithril_lite_walk_take_check` after each feed.
///
/// Returns `MITHRIL_LITE_CODE_OK` once the body is taken, even if the certificate fails a
/// check: the verdict is the one the reference verifier reports first in its order, which can
/// be a later certificate's failure (the reference fetches a certificate's predecessor before
/// checking it), so keep looping on `next_needed`. Usage errors: `MITHRIL_LITE_CODE_INVALID_STATE`
/// if the walk needs nothing, `MITHRIL_LITE_CODE_NULL_POINTER` for a null `body` with a
/// non-zero `len`.
///
/// # Safety
/// `walk` is a live walk; `body` is readable for `len` bytes (null if `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_feed(
    walk: *mut mithril_lite_walk,
    body: *const u8,
    len: usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_mut(walk)?;
        let body = byte_slice(body, len, "the certificate body")?;
        let hash = w.expecting()?;
        if w.jobs {
            let fed = w.walk.feed(&hash, body);
            w.untaken.extend(fed.check);
        } else {
            w.walk.feed_and_verify(&hash, body);
        }
        Ok(mithril_lite_code::Ok)
    })
}

/// Report that the certificate `next_needed` named could not be fetched (`detail`, may be
/// null, says why: it is part of the `certificate_unavailable` verdict's message).
///
/// # Safety
/// `walk` is a live walk; `detail` is null or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_fetch_failed(
    walk: *mut mithril_lite_walk,
    detail: *const c_char,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_mut(walk)?;
        let detail = if detail.is_null() {
            "the host could not fetch it"
        } else {
            c_str(detail, "the detail")?
        };
        let hash = w.expecting()?;
        w.walk.fetch_failed(&hash, detail);
        Ok(mithril_lite_code::Ok)
    })
}

/// Certificates fed so far (for progress reports), in `*count_out`.
///
/// # Safety
/// `walk` is a live walk; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_certificates_fed(
    walk: *const mithril_lite_walk,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_ref(walk)?;
        write_out(count_out, w.walk.certificates_fed(), "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// A walk's progress (`mithril_lite_walk_progress`): the core's `chain::Progress`. An epoch or
/// the fraction is meaningful only when its `has_` flag is true.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct mithril_lite_progress {
    /// Certificates fetched and read so far.
    pub certificates_fetched: usize,
    /// Certificates checked, counted from the starting one: verified, or verified but for a
    /// pairing equation waiting for its batch (what a progress bar follows).
    pub certificates_checked: usize,
    /// Certificates verified, counted from the starting one: every check that concerns them
    /// passed (their multi-signature's pairing equation included, which may wait for a batch).
    pub certificates_verified: usize,
    /// Multi-signature checks handed out and not yet completed.
    pub pending_checks: usize,
    /// Epoch of the certificate read last.
    pub current_epoch: u64,
    /// Whether `current_epoch` is set.
    pub has_current_epoch: bool,
    /// Epoch of the starting certificate.
    pub start_epoch: u64,
    /// Whether `start_epoch` is set.
    pub has_start_epoch: bool,
    /// Epoch of the last (oldest) checked certificate.
    pub checked_epoch: u64,
    /// Whether `checked_epoch` is set.
    pub has_checked_epoch: bool,
    /// Epoch of the last (oldest) verified certificate.
    pub verified_epoch: u64,
    /// Whether `verified_epoch` is set.
    pub has_verified_epoch: bool,
    /// Epoch the walk is expected to end at (the newest trust checkpoint at or before the
    /// starting epoch; the anchor's own once read; unknown for genesis until reached).
    pub anchor_epoch: u64,
    /// Whether `anchor_epoch` is set.
    pub has_anchor_epoch: bool,
    /// The anchor and every certificate before it are verified: the walk succeeded.
    pub anchor_verified: bool,
    /// Share of the walk done, 0 to 1, by checked epochs towards the anchor (1 once the anchor
    /// is verified).
    pub fraction: f64,
    /// Whether `fraction` is set (the anchor's epoch is known).
    pub has_fraction: bool,
}

impl From<Progress> for mithril_lite_progress {
    fn from(p: Progress) -> Self {
        let fraction = p.fraction();
        mithril_lite_progress {
            certificates_fetched: p.certificates_fetched,
            certificates_checked: p.certificates_checked,
            certificates_verified: p.certificates_verified,
            pending_checks: p.pending_checks,
            current_epoch: p.current_epoch.unwrap_or(0),
            has_current_epoch: p.current_epoch.is_some(),
            start_epoch: p.start_epoch.unwrap_or(0),
            has_start_epoch: p.start_epoch.is_some(),
            checked_epoch: p.checked_epoch.unwrap_or(0),
            has_checked_epoch: p.checked_epoch.is_some(),
            verified_epoch: p.verified_epoch.unwrap_or(0),
            has_verified_epoch: p.verified_epoch.is_some(),
            anchor_epoch: p.anchor_epoch.unwrap_or(0),
            has_anchor_epoch: p.anchor_epoch.is_some(),
            anchor_verified: p.anchor_verified,
            fraction: fraction.unwrap_or(0.0),
            has_fraction: fraction.is_some(),
        }
    }
}

/// The walk's progress, in `*progress_out` (what a host shows its user: the core counts, the
/// host only displays).
///
/// # Safety
/// `walk` is a live walk; `progress_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_progress(
    walk: *const mithril_lite_walk,
    progress_out: *mut mithril_lite_progress,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_ref(walk)?;
        write_out(progress_out, w.walk.progress().into(), "progress_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Multi-signature checks handed out by a jobs-mode walk (taken or not) and not yet
/// completed, in `*count_out` (0 for an inline walk).
///
/// # Safety
/// `walk` is a live walk; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_pending_checks(
    walk: *const mithril_lite_walk,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_ref(walk)?;
        write_out(count_out, w.walk.pending_checks(), "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// The verdict of a finished walk. `MITHRIL_LITE_CODE_OK`: `*certificate_out` is the verified
/// starting certificate (a new handle: free it with `mithril_lite_certificate_free`).
/// Otherwise the verdict's code (e.g. `MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH`, message in
/// `mithril_lite_last_error_message`) and `*certificate_out` is null;
/// `MITHRIL_LITE_CODE_INVALID_STATE` if the walk still needs certificates or checks. May be
/// called more than once.
///
/// # Safety
/// `walk` is a live walk; `certificate_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_result(
    walk: *const mithril_lite_walk,
    certificate_out: *mut *mut mithril_lite_certificate,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(certificate_out)?;
        let w = handle_ref(walk)?;
        match w.walk.step() {
            Step::Done(Ok(chain)) => {
                give_out(
                    certificate_out,
                    VerifiedCertificateHandle {
                        chain,
                        genesis_key: w.genesis_key.clone(),
                    },
                );
                Ok(mithril_lite_code::Ok)
            }
            Step::Done(Err(e)) => Err(e.into()),
            Step::Fetch(hash) => Err(FfiError::new(
                mithril_lite_code::InvalidState,
                format!("the walk is not done: it needs certificate {hash}"),
            )),
            Step::AwaitVerification if w.jobs => Err(FfiError::new(
                mithril_lite_code::InvalidState,
                format!(
                    "the walk is not done: it waits for {} checks to be completed",
                    w.walk.pending_checks()
                ),
            )),
            Step::AwaitVerification => Err(not_handed_out()),
        }
    })
}

/// Whether the host should save the walk's progress now, `elapsed_ms` after it last did (or
/// after the walk started), in `*due_out`: the core's cadence (every 8 more certificates
/// checked, or 2 seconds with at least one; never once the walk is done). Save with
/// `mithril_lite_walk_save_pending`.
///
/// # Safety
/// `walk` is a live walk; `due_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_pending_save_due(
    walk: *const mithril_lite_walk,
    elapsed_ms: u64,
    due_out: *mut bool,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_ref(walk)?;
        write_out(due_out, w.walk.pending_save_due(elapsed_ms), "due_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Record the walk's progress in `verifier` as a pending segment (`chain::trust`: the
/// certificates it fully checked so far; never trust, and not counted by
/// `mithril_lite_verifier_checkpoint_count`), for the host to store with
/// `mithril_lite_verifier_export_checkpoints` in one write. A later walk of `verifier` (or of
/// a verifier that imported those bytes) skips their multi-signature checks and commits them
/// only when it reaches genesis or a checkpoint (`mithril_lite_verifier_trust`). Call it when
/// `mithril_lite_walk_pending_save_due` says so and before dropping an unfinished walk; a
/// successful walk adds nothing (trust its result instead). Another genesis key:
/// `MITHRIL_LITE_CODE_CHECKPOINT_GENESIS_KEY_MISMATCH`.
///
/// # Safety
/// `walk` and `verifier` are live handles.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_walk_save_pending(
    walk: *mut mithril_lite_walk,
    verifier: *mut mithril_lite_verifier,
) -> mithril_lite_code {
    guard(|| unsafe {
        let w = handle_mut(walk)?;
        let v = handle_mut(verifier)?;
        w.walk.save_pending(&mut v.trust)?;
        Ok(mithril_lite_code::Ok)
    })
}
