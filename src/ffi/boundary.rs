//! What every exported function shares: the panic boundary, the per-thread last error, and
//! the checked conversions of C pointers (handles, strings, byte buffers, out-parameters).

use core::ffi::c_char;
use std::cell::RefCell;
use std::ffi::CStr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::string::{String, ToString};

use super::code::mithril_lite_code;
use crate::chain::CheckpointError;
use crate::proofs::ProofError;
use crate::Error;

/// A failure to report to C: a code and a message for [`mithril_lite_last_error_message`].
///
/// [`mithril_lite_last_error_message`]: super::diagnostics::mithril_lite_last_error_message
#[derive(Debug)]
pub(crate) struct FfiError {
    pub code: mithril_lite_code,
    pub message: String,
}

impl FfiError {
    pub fn new(code: mithril_lite_code, message: impl Into<String>) -> Self {
        FfiError {
            code,
            message: message.into(),
        }
    }

    pub fn null(what: &str) -> Self {
        FfiError::new(
            mithril_lite_code::NullPointer,
            format!("{what} is a null pointer"),
        )
    }
}

impl From<Error> for FfiError {
    fn from(e: Error) -> Self {
        FfiError::new(
            mithril_lite_code::from_core(e.numeric_code()),
            e.to_string(),
        )
    }
}

impl From<ProofError> for FfiError {
    fn from(e: ProofError) -> Self {
        FfiError::new(
            mithril_lite_code::from_core(e.numeric_code()),
            e.to_string(),
        )
    }
}

impl From<CheckpointError> for FfiError {
    fn from(e: CheckpointError) -> Self {
        FfiError::new(
            mithril_lite_code::from_core(e.numeric_code()),
            e.to_string(),
        )
    }
}

thread_local! {
    /// The last failure on this thread (errno-style: only failures set it).
    static LAST_ERROR: RefCell<Option<(mithril_lite_code, String)>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(code: mithril_lite_code, message: String) {
    // try_: never panic here, not even while the thread is being torn down.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some((code, message));
        }
    });
}

/// The last failure on this thread, if any.
pub(crate) fn last_error() -> Option<(mithril_lite_code, String)> {
    LAST_ERROR
        .try_with(|slot| slot.try_borrow().ok().and_then(|s| s.clone()))
        .ok()
        .flatten()
}

/// Run an exported function's body: a panic becomes [`mithril_lite_code::Panic`] instead of
/// unwinding into C (undefined behaviour), and a failure is recorded as the last error.
/// `Ok` carries a success code ([`mithril_lite_code::Ok`], or a status such as
/// [`mithril_lite_code::Done`]).
pub(crate) fn guard<F>(body: F) -> mithril_lite_code
where
    F: FnOnce() -> Result<mithril_lite_code, FfiError>,
{
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            set_last_error(e.code, e.message);
            e.code
        }
        Err(payload) => {
            set_last_error(
                mithril_lite_code::Panic,
                format!("internal error (panic): {}", panic_message(&*payload)),
            );
            mithril_lite_code::Panic
        }
    }
}

/// What a caught panic said (its `&str` or `String` payload).
pub(crate) fn panic_message(payload: &(dyn core::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".into())
}

/// An opaque handle type of the C API: C only ever holds a pointer to it. The value behind
/// the pointer is a [`Tagged`] of [`Opaque::Inner`].
pub(crate) trait Opaque {
    /// What the handle holds.
    type Inner;
    /// Tag identifying live handles of this type.
    const MAGIC: u64;
    /// The C type name, for messages.
    const NAME: &'static str;
}

/// Every handle starts with its type's tag (`repr(C)`: at offset 0 whatever the type), so a
/// pointer to another handle type, or to a freed handle, is recognised (best effort: a
/// pointer to unmapped memory cannot be detected).
#[repr(C)]
pub(crate) struct Tagged<T> {
    magic: u64,
    value: T,
}

fn tag_check<H: Opaque>(p: *const H) -> Result<*mut Tagged<H::Inner>, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(H::NAME));
    }
    let tagged = p as *mut Tagged<H::Inner>;
    if !tagged.is_aligned() {
        return Err(invalid_handle::<H>());
    }
    // SAFETY: non-null and aligned; the caller promises a pointer from this API. The tag is
    // read through a raw pointer before any reference to the value is made.
    let magic = unsafe { core::ptr::addr_of!((*tagged).magic).read_volatile() };
    if magic != H::MAGIC {
        return Err(invalid_handle::<H>());
    }
    Ok(tagged)
}

fn invalid_handle<H: Opaque>() -> FfiError {
    FfiError::new(
        mithril_lite_code::InvalidHandle,
        format!(
            "the pointer is not a live {} (another handle type, or freed)",
            H::NAME
        ),
    )
}

/// Borrow a handle's value.
///
/// # Safety
/// `p` is null or a pointer returned by this API (possibly freed since: detected by tag).
pub(crate) unsafe fn handle_ref<'a, H: Opaque>(p: *const H) -> Result<&'a H::Inner, FfiError> {
    let tagged = tag_check(p)?;
    // SAFETY: a live handle of this type (tag checked).
    Ok(unsafe { &(*tagged).value })
}

/// Borrow a handle's value mutably.
///
/// # Safety
/// As [`handle_ref`], and no other reference to the handle is in use (one thread at a time).
pub(crate) unsafe fn handle_mut<'a, H: Opaque>(p: *mut H) -> Result<&'a mut H::Inner, FfiError> {
    let tagged = tag_check(p)?;
    // SAFETY: a live handle of this type (tag checked), used by one caller at a time.
    Ok(unsafe { &mut (*tagged).value })
}

/// Check an out-parameter for a new handle and set it to null, before any work: on failure the
/// caller finds null there.
///
/// # Safety
/// `out` is null or valid for writing a pointer.
pub(crate) unsafe fn prepare_out<H: Opaque>(out: *mut *mut H) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::null("the out-parameter"));
    }
    if !out.is_aligned() {
        return Err(FfiError::new(
            mithril_lite_code::InvalidArgument,
            "the out-parameter is not aligned",
        ));
    }
    // SAFETY: non-null, aligned, writable by the caller's promise.
    unsafe { out.write(core::ptr::null_mut()) };
    Ok(())
}

/// Box a new handle and hand it to C through `out` (checked by [`prepare_out`]).
///
/// # Safety
/// `out` passed [`prepare_out`].
pub(crate) unsafe fn give_out<H: Opaque>(out: *mut *mut H, value: H::Inner) {
    let boxed = Box::new(Tagged {
        magic: H::MAGIC,
        value,
    });
    // SAFETY: checked by prepare_out.
    unsafe { out.write(Box::into_raw(boxed) as *mut H) };
}

/// Free the handle `*pp` and set `*pp` to null. Null `pp` or `*pp`: nothing to do. A pointer
/// that is not a live handle of this type is left alone (leaked rather than freed wrongly).
///
/// # Safety
/// `pp` is null or valid for reading and writing a pointer.
pub(crate) unsafe fn free_handle<H: Opaque>(pp: *mut *mut H) -> Result<(), FfiError> {
    if pp.is_null() || !pp.is_aligned() {
        return Ok(());
    }
    // SAFETY: non-null, aligned, valid by the caller's promise.
    let p = unsafe { pp.read() };
    if p.is_null() {
        return Ok(());
    }
    let tagged = tag_check(p as *const H)?;
    // SAFETY: a live handle this API boxed; the tag is cleared first so a stale copy of the
    // pointer is recognised (as long as the memory is not reused).
    unsafe {
        core::ptr::addr_of_mut!((*tagged).magic).write_volatile(0);
        drop(Box::from_raw(tagged));
        pp.write(core::ptr::null_mut());
    }
    Ok(())
}

/// A NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string that outlives the call.
pub(crate) unsafe fn c_str<'a>(p: *const c_char, what: &str) -> Result<&'a str, FfiError> {
    if p.is_null() {
        return Err(FfiError::null(what));
    }
    // SAFETY: non-null, NUL-terminated by the caller's promise.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| {
        FfiError::new(
            mithril_lite_code::InvalidUtf8,
            format!("{what} is not UTF-8"),
        )
    })
}

/// A byte-buffer argument (`p` may be null when `len` is 0).
///
/// # Safety
/// `p` is null or valid for reading `len` bytes for the duration of the call.
pub(crate) unsafe fn byte_slice<'a>(
    p: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], FfiError> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(FfiError::null(what));
    }
    if len > isize::MAX as usize {
        return Err(FfiError::new(
            mithril_lite_code::InvalidArgument,
            format!("{what}: length {len} is not a buffer length"),
        ));
    }
    // SAFETY: non-null, readable for len bytes by the caller's promise.
    Ok(unsafe { core::slice::from_raw_parts(p, len) })
}

/// Store a value through a required out-parameter.
///
/// # Safety
/// `out` is null or valid for writing a `T`.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, what: &str) -> Result<(), FfiError> {
    if out.is_null() {
        return Err(FfiError::null(what));
    }
    if !out.is_aligned() {
        return Err(FfiError::new(
            mithril_lite_code::InvalidArgument,
            format!("{what} is not aligned"),
        ));
    }
    // SAFETY: non-null, aligned, writable by the caller's promise.
    unsafe { out.write(value) };
    Ok(())
}

/// Copy a string into a caller buffer, snprintf-style: `*len_out` (when not null) gets the
/// string's length in bytes without the NUL; the string and a NUL are written when `cap` is
/// larger than that length; otherwise as much as fits, cut at a UTF-8 character boundary, is
/// written NUL-terminated (nothing when `cap` is 0) and the result is
/// [`mithril_lite_code::BufferTooSmall`].
///
/// # Safety
/// `buf` is null (then `cap` must be 0) or valid for writing `cap` bytes; `len_out` is null or
/// valid for writing a `size_t`.
pub(crate) unsafe fn write_str(
    s: &str,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> Result<mithril_lite_code, FfiError> {
    if buf.is_null() && cap > 0 {
        return Err(FfiError::null("the buffer"));
    }
    if !len_out.is_null() {
        // SAFETY: checked alignment and non-null in write_out.
        unsafe { write_out(len_out, s.len(), "the length out-parameter")? };
    }
    let fits = s.len() < cap;
    let n = if fits {
        s.len()
    } else {
        let mut n = cap.saturating_sub(1);
        while n > 0 && !s.is_char_boundary(n) {
            n -= 1;
        }
        n
    };
    if cap > 0 {
        // SAFETY: buf is writable for cap bytes and n < cap.
        unsafe {
            core::ptr::copy_nonoverlapping(s.as_ptr(), buf as *mut u8, n);
            buf.add(n).write(0);
        }
    }
    if fits {
        Ok(mithril_lite_code::Ok)
    } else {
        Err(FfiError::new(
            mithril_lite_code::BufferTooSmall,
            format!(
                "the buffer holds {cap} bytes, {} are needed (with the NUL)",
                s.len() + 1
            ),
        ))
    }
}

/// Copy bytes into a caller buffer: `*len_out` gets their length; nothing is written unless
/// all of them fit (a partial binary blob is of no use), else
/// [`mithril_lite_code::BufferTooSmall`].
///
/// # Safety
/// `buf` is null (then `cap` must be 0) or valid for writing `cap` bytes; `len_out` is valid
/// for writing a `size_t`.
pub(crate) unsafe fn write_bytes(
    bytes: &[u8],
    buf: *mut u8,
    cap: usize,
    len_out: *mut usize,
) -> Result<mithril_lite_code, FfiError> {
    if buf.is_null() && cap > 0 {
        return Err(FfiError::null("the buffer"));
    }
    // SAFETY: forwarded caller promise.
    unsafe { write_out(len_out, bytes.len(), "the length out-parameter")? };
    if bytes.len() > cap {
        return Err(FfiError::new(
            mithril_lite_code::BufferTooSmall,
            format!("the buffer holds {cap} bytes, {} are needed", bytes.len()),
        ));
    }
    if !bytes.is_empty() {
        // SAFETY: buf is writable for cap >= len bytes.
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), buf, bytes.len()) };
    }
    Ok(mithril_lite_code::Ok)
}

/// Convenience for the other modules.
pub(crate) fn invalid_argument(message: impl Into<String>) -> FfiError {
    FfiError::new(mithril_lite_code::InvalidArgument, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_a_code_and_a_message() {
        let code = guard(|| panic!("boom {}", 7));
        assert_eq!(code, mithril_lite_code::Panic);
        let (c, m) = last_error().unwrap();
        assert_eq!(c, mithril_lite_code::Panic);
        assert!(m.contains("boom 7"), "{m}");
        let code = guard(|| Err(FfiError::null("x")));
        assert_eq!(code, mithril_lite_code::NullPointer);
        assert_eq!(last_error().unwrap().0, mithril_lite_code::NullPointer);
        // Success leaves the last error alone (errno-style).
        assert_eq!(guard(|| Ok(mithril_lite_code::Ok)), mithril_lite_code::Ok);
        assert_eq!(last_error().unwrap().0, mithril_lite_code::NullPointer);
    }

    #[test]
    fn strings_are_cut_at_character_boundaries() {
        let mut buf = [0x55 as c_char; 8];
        let mut len = 0usize;
        let s = "ab\u{e9}\u{e9}\u{e9}"; // 8 bytes
        let r = unsafe { write_str(s, buf.as_mut_ptr(), buf.len(), &mut len) };
        assert_eq!(r.unwrap_err().code, mithril_lite_code::BufferTooSmall);
        assert_eq!(len, 8);
        // 7 bytes available: "ab" + two 2-byte characters = 6, then the NUL.
        let got = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap();
        assert_eq!(got, "ab\u{e9}\u{e9}");
        let mut big = [0 as c_char; 9];
        let r = unsafe { write_str(s, big.as_mut_ptr(), big.len(), core::ptr::null_mut()) };
        assert_eq!(r.unwrap(), mithril_lite_code::Ok);
        assert_eq!(unsafe { CStr::from_ptr(big.as_ptr()) }.to_str().unwrap(), s);
        // Size query.
        let r = unsafe { write_str(s, core::ptr::null_mut(), 0, &mut len) };
        assert_eq!(r.unwrap_err().code, mithril_lite_code::BufferTooSmall);
        assert_eq!(len, 8);
        let r = unsafe { write_str(s, core::ptr::null_mut(), 3, &mut len) };
        assert_eq!(r.unwrap_err().code, mithril_lite_code::NullPointer);
    }

    #[test]
    fn bytes_are_all_or_nothing() {
        let mut buf = [7u8; 3];
        let mut len = 0usize;
        let r = unsafe { write_bytes(b"abcd", buf.as_mut_ptr(), 3, &mut len) };
        assert_eq!(r.unwrap_err().code, mithril_lite_code::BufferTooSmall);
        assert_eq!((len, buf), (4, [7; 3]));
        let r = unsafe { write_bytes(b"abc", buf.as_mut_ptr(), 3, &mut len) };
        assert_eq!(r.unwrap(), mithril_lite_code::Ok);
        assert_eq!(&buf, b"abc");
        let r = unsafe { write_bytes(b"", core::ptr::null_mut(), 0, core::ptr::null_mut()) };
        assert_eq!(r.unwrap_err().code, mithril_lite_code::NullPointer);
    }

    #[test]
    fn byte_and_string_arguments() {
        assert_eq!(
            unsafe { byte_slice(core::ptr::null(), 0, "b") }.unwrap(),
            b""
        );
        assert_eq!(
            unsafe { byte_slice(core::ptr::null(), 1, "b") }
                .unwrap_err()
                .code,
            mithril_lite_code::NullPointer
        );
        let bad = [0xffu8 as c_char, 0];
        assert_eq!(
            unsafe { c_str(bad.as_ptr(), "s") }.unwrap_err().code,
            mithril_lite_code::InvalidUtf8
        );
    }
}
