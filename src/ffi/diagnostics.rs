//! The library's diagnostics for C: the last error of this thread (code and message), the
//! string name of a code, the version. Apart from `code.rs`, which is only the code table, so
//! that the table depends on nothing in the binding.

use core::ffi::c_char;
use std::ffi::CStr;

use super::boundary::{guard, last_error, set_last_error, write_str};
use super::code::mithril_lite_code;

use mithril_lite_code as C;

/// The string code of a numeric code (`"certificate_hash_mismatch"` for 301), the same as the
/// Rust core's `Error::code()`; `"unknown"` for a number that is no code. The string is static:
/// never free it.
#[no_mangle]
pub extern "C" fn mithril_lite_code_name(code: u32) -> *const c_char {
    // A table lookup that cannot panic; guarded anyway, like every exported function.
    std::panic::catch_unwind(|| {
        mithril_lite_code::from_u32(code).map_or(c"unknown".as_ptr(), |c| c.c_name().as_ptr())
    })
    .unwrap_or(c"unknown".as_ptr())
}

/// The code of the last failed call on this thread (`MITHRIL_LITE_CODE_OK` if none failed
/// yet). Successful calls leave it unchanged, like `errno`: read it right after a failure.
#[no_mangle]
pub extern "C" fn mithril_lite_last_error_code() -> mithril_lite_code {
    std::panic::catch_unwind(|| last_error().map_or(C::Ok, |(c, _)| c)).unwrap_or(C::Panic)
}

/// Copy the message of the last failed call on this thread into `buf` (NUL-terminated UTF-8,
/// empty if none failed yet), snprintf-style: `*len_out` (if not null) gets the message's
/// length without the NUL; when `cap` is too small the message is cut to fit and
/// `MITHRIL_LITE_CODE_BUFFER_TOO_SMALL` is returned. This call never changes the last error.
///
/// # Safety
/// `buf` is null with `cap` 0, or writable for `cap` bytes; `len_out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_last_error_message(
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    let saved = last_error();
    let code = guard(|| {
        let message = saved.as_ref().map_or("", |(_, m)| m.as_str());
        // SAFETY: forwarded caller promise.
        unsafe { write_str(message, buf, cap, len_out) }
    });
    // Reading the message must not replace it (e.g. by buffer_too_small).
    if let Some((c, m)) = saved {
        set_last_error(c, m);
    }
    code
}

/// The library version (`"0.1.0"`), static: never free it.
#[no_mangle]
pub extern "C" fn mithril_lite_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_the_table_s_and_unknown_numbers_say_so() {
        for number in [0u32, 98, 103, 201, 309] {
            let c = mithril_lite_code::from_u32(number).unwrap();
            let name = unsafe { CStr::from_ptr(mithril_lite_code_name(number)) };
            assert_eq!(name, c.c_name());
        }
        let unknown = unsafe { CStr::from_ptr(mithril_lite_code_name(7)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown");
    }

    #[test]
    fn version_is_the_crate_version() {
        let v = unsafe { CStr::from_ptr(mithril_lite_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
