//! `mithril_lite_walk`: the core's sans-IO chain walk, with STM checks run inside `feed`.

use core::ffi::c_char;

use super::boundary::{
    byte_slice, c_str, free_handle, give_out, guard, handle_mut, handle_ref, prepare_out,
    write_out, write_str, FfiError, Opaque,
};
use super::certificate::{mithril_lite_certificate, VerifiedCertificateHandle};
use super::code::mithril_lite_code;
use super::verifier::mithril_lite_verifier;
use crate::certificate::GenesisVerificationKey;
use crate::chain::{ChainWalk, Step};

/// A chain walk from one certificate back to genesis (or to a trust checkpoint). The host
/// loops: `mithril_lite_walk_next_needed` names the certificate to fetch, the host fetches
/// it and passes the body to `mithril_lite_walk_feed` (or reports
/// `mithril_lite_walk_fetch_failed`), until `next_needed` returns `MITHRIL_LITE_CODE_DONE`;
/// then `mithril_lite_walk_result` gives the verified certificate or the verdict's error.
pub struct mithril_lite_walk {
    _opaque: [u8; 0],
}

pub(crate) struct Walk {
    walk: ChainWalk,
    genesis_key: GenesisVerificationKey,
}

impl Opaque for mithril_lite_walk {
    type Inner = Walk;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlWALK__");
    const NAME: &'static str = "mithril_lite_walk";
}

impl Walk {
    /// The hash to fetch next, if any. STM checks run inside `feed`, so the core never waits
    /// for one here.
    fn needed(&self) -> Result<Option<String>, FfiError> {
        match self.walk.step() {
            Step::Fetch(hash) => Ok(Some(hash)),
            Step::Done(_) => Ok(None),
            Step::AwaitVerification => Err(FfiError::new(
                mithril_lite_code::Internal,
                "the walk waits for a signature check the binding did not hand out",
            )),
        }
    }

    fn expecting(&self) -> Result<String, FfiError> {
        self.needed()?.ok_or_else(|| {
            FfiError::new(
                mithril_lite_code::InvalidState,
                "the walk is done: it needs no more certificates",
            )
        })
    }
}

/// Start a walk at `certificate_hash` with `verifier`'s genesis key, limits and trust
/// checkpoints (copied: the walk does not use `verifier` afterwards, which may be freed).
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
    guard(|| unsafe {
        prepare_out(walk_out)?;
        let v = handle_ref(verifier)?;
        let hash = c_str(certificate_hash, "the certificate hash")?;
        let walk =
            ChainWalk::new(hash, v.key.clone(), v.config.clone()).with_trusted(v.trust.hashes());
        give_out(
            walk_out,
            Walk {
                walk,
                genesis_key: v.key.clone(),
            },
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
/// for), or `MITHRIL_LITE_CODE_DONE` when the verdict is ready. Buffer rules as
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
            Some(hash) => write_str(&hash, buf, cap, len_out),
            None => Ok(mithril_lite_code::Done),
        }
    })
}

/// Feed the body (JSON bytes) of the certificate `mithril_lite_walk_next_needed` named. Every
/// check of that certificate runs now, its multi-signature check included (on this thread).
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
        w.walk.feed_and_verify(&hash, body);
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

/// The verdict of a finished walk. `MITHRIL_LITE_CODE_OK`: `*certificate_out` is the verified
/// starting certificate (a new handle: free it with `mithril_lite_certificate_free`).
/// Otherwise the verdict's code (e.g. `MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH`, message in
/// `mithril_lite_last_error_message`) and `*certificate_out` is null;
/// `MITHRIL_LITE_CODE_INVALID_STATE` if the walk still needs certificates. May be called more
/// than once.
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
            Step::AwaitVerification => Err(FfiError::new(
                mithril_lite_code::Internal,
                "the walk waits for a signature check the binding did not hand out",
            )),
        }
    })
}
