//! The public networks (the core's `chain::NETWORKS`) for C: each one's names, genesis
//! verification key and aggregator URL as static NUL-terminated strings, and a verifier made
//! from a network's key.

use core::ffi::c_char;

use super::boundary::{c_str, give_out, guard, invalid_argument, prepare_out, write_out, FfiError};
use super::code::mithril_lite_code;
use super::verifier::{mithril_lite_verifier, Verifier};
use crate::chain::{network, Network, NETWORKS};

/// A public Mithril network, as `mithril_lite_network_get` and `mithril_lite_network_find`
/// fill it. The four strings are static, NUL-terminated and UTF-8: never free them; they stay
/// valid for the life of the process.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct mithril_lite_network {
    /// Short name: `"mainnet"`, `"preprod"` or `"preview"`.
    pub name: *const c_char,
    /// The name Mithril's configuration uses (`"release-mainnet"`, ...).
    pub mithril_name: *const c_char,
    /// The published genesis verification key, 64 hex characters (the raw key): what
    /// `mithril_lite_verifier_new` takes.
    pub genesis_verification_key: *const c_char,
    /// Base URL of the network's aggregator API (`{aggregator}/certificate/{hash}`).
    pub aggregator: *const c_char,
}

/// Room for the longest field of the table and its NUL (checked at compile time).
const FIELD: usize = 128;

/// One network's fields, NUL-terminated, in static storage: made from the core's table when
/// this crate compiles, so the keys are written down once (in `chain::networks`).
#[derive(Clone, Copy)]
struct CNetwork {
    name: [u8; FIELD],
    mithril_name: [u8; FIELD],
    genesis_verification_key: [u8; FIELD],
    aggregator: [u8; FIELD],
}

/// `s` followed by NUL bytes; a compile error if it does not fit or holds a NUL itself.
const fn nul_terminated(s: &str) -> [u8; FIELD] {
    let bytes = s.as_bytes();
    assert!(bytes.len() < FIELD, "a network field is too long for FIELD");
    let mut out = [0u8; FIELD];
    let mut i = 0;
    while i < bytes.len() {
        assert!(bytes[i] != 0, "a network field holds a NUL");
        out[i] = bytes[i];
        i += 1;
    }
    out
}

static C_NETWORKS: [CNetwork; NETWORKS.len()] = {
    let empty = [0u8; FIELD];
    let mut out = [CNetwork {
        name: empty,
        mithril_name: empty,
        genesis_verification_key: empty,
        aggregator: empty,
    }; NETWORKS.len()];
    let mut i = 0;
    while i < NETWORKS.len() {
        let n = &NETWORKS[i];
        out[i] = CNetwork {
            name: nul_terminated(n.name),
            mithril_name: nul_terminated(n.mithril_name),
            genesis_verification_key: nul_terminated(n.genesis_verification_key),
            aggregator: nul_terminated(n.aggregator),
        };
        i += 1;
    }
    out
};

impl mithril_lite_network {
    const NONE: Self = mithril_lite_network {
        name: core::ptr::null(),
        mithril_name: core::ptr::null(),
        genesis_verification_key: core::ptr::null(),
        aggregator: core::ptr::null(),
    };

    /// The static strings of entry `index` of the core's table.
    fn at(index: usize) -> Self {
        let c = &C_NETWORKS[index];
        mithril_lite_network {
            name: c.name.as_ptr().cast(),
            mithril_name: c.mithril_name.as_ptr().cast(),
            genesis_verification_key: c.genesis_verification_key.as_ptr().cast(),
            aggregator: c.aggregator.as_ptr().cast(),
        }
    }
}

/// The index in the core's table of the network called `name`, or the error C gets for an
/// unknown one (`MITHRIL_LITE_CODE_INVALID_ARGUMENT`, the known names in the message).
fn index_of(name: &str) -> Result<usize, FfiError> {
    // The core decides which entry a name means; equal entries are the same network.
    let found = network(name).and_then(|n| NETWORKS.iter().position(|m| m == n));
    found.ok_or_else(|| {
        let known: Vec<&str> = NETWORKS.iter().map(|n: &Network| n.name).collect();
        invalid_argument(format!(
            "unknown network {name:?} (known: {})",
            known.join(", ")
        ))
    })
}

/// How many public networks the library knows (`mithril_lite_network_get` takes 0 to this
/// minus 1). Mainnet is index 0.
#[no_mangle]
pub extern "C" fn mithril_lite_network_count() -> usize {
    NETWORKS.len()
}

/// Fill `*network_out` with network `index` (0: mainnet). An index past the end gives
/// `MITHRIL_LITE_CODE_INVALID_ARGUMENT` and `*network_out` all null.
///
/// # Safety
/// `network_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_network_get(
    index: usize,
    network_out: *mut mithril_lite_network,
) -> mithril_lite_code {
    guard(|| unsafe {
        write_out(network_out, mithril_lite_network::NONE, "network_out")?;
        if index >= NETWORKS.len() {
            return Err(invalid_argument(format!(
                "network index {index} is past the end ({} networks)",
                NETWORKS.len()
            )));
        }
        write_out(network_out, mithril_lite_network::at(index), "network_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Fill `*network_out` with the network called `name`: its short name (`"mainnet"`,
/// `"preprod"`, `"preview"`) or its Mithril name (`"release-mainnet"`, ...), ASCII case
/// ignored. An unknown name gives `MITHRIL_LITE_CODE_INVALID_ARGUMENT` (the message lists the
/// known ones) and `*network_out` all null.
///
/// # Safety
/// `name` is a NUL-terminated string; `network_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_network_find(
    name: *const c_char,
    network_out: *mut mithril_lite_network,
) -> mithril_lite_code {
    guard(|| unsafe {
        write_out(network_out, mithril_lite_network::NONE, "network_out")?;
        let index = index_of(c_str(name, "the network name")?)?;
        write_out(network_out, mithril_lite_network::at(index), "network_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Create a verifier with the published genesis verification key of the network called
/// `name` (as `mithril_lite_network_find` reads it), the default limits and no trust
/// checkpoints. To use another key (a key given explicitly always wins over a preset), call
/// `mithril_lite_verifier_new` with it instead. An unknown name gives
/// `MITHRIL_LITE_CODE_INVALID_ARGUMENT`; on failure `*verifier_out` is null.
///
/// # Safety
/// `name` is a NUL-terminated string; `verifier_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_new_for_network(
    name: *const c_char,
    verifier_out: *mut *mut mithril_lite_verifier,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(verifier_out)?;
        let index = index_of(c_str(name, "the network name")?)?;
        let key = NETWORKS[index].genesis_key()?;
        give_out(verifier_out, Verifier::new(key));
        Ok(mithril_lite_code::Ok)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn text(p: *const c_char) -> &'static str {
        unsafe { CStr::from_ptr(p) }.to_str().unwrap()
    }

    #[test]
    fn every_entry_reads_back_as_the_core_s() {
        assert_eq!(mithril_lite_network_count(), NETWORKS.len());
        for (i, n) in NETWORKS.iter().enumerate() {
            let mut out = mithril_lite_network::NONE;
            assert_eq!(
                unsafe { mithril_lite_network_get(i, &mut out) },
                mithril_lite_code::Ok
            );
            assert_eq!(text(out.name), n.name);
            assert_eq!(text(out.mithril_name), n.mithril_name);
            assert_eq!(
                text(out.genesis_verification_key),
                n.genesis_verification_key
            );
            assert_eq!(text(out.aggregator), n.aggregator);
            let mut found = mithril_lite_network::NONE;
            let upper = std::ffi::CString::new(n.mithril_name.to_ascii_uppercase()).unwrap();
            assert_eq!(
                unsafe { mithril_lite_network_find(upper.as_ptr(), &mut found) },
                mithril_lite_code::Ok
            );
            // The same static strings, not copies.
            assert_eq!(found.genesis_verification_key, out.genesis_verification_key);
        }
        let mut out = mithril_lite_network::at(0);
        assert_eq!(
            unsafe { mithril_lite_network_get(NETWORKS.len(), &mut out) },
            mithril_lite_code::InvalidArgument
        );
        assert!(out.name.is_null() && out.aggregator.is_null());
        let mut out = mithril_lite_network::at(0);
        assert_eq!(
            unsafe { mithril_lite_network_find(c"devnet-test".as_ptr(), &mut out) },
            mithril_lite_code::InvalidArgument
        );
        assert!(out.genesis_verification_key.is_null());
        assert_eq!(
            unsafe { mithril_lite_network_find(core::ptr::null(), &mut out) },
            mithril_lite_code::NullPointer
        );
    }

    #[test]
    fn a_verifier_for_a_network_has_its_key() {
        let mut verifier = core::ptr::null_mut();
        let code =
            unsafe { mithril_lite_verifier_new_for_network(c"preprod".as_ptr(), &mut verifier) };
        assert_eq!(code, mithril_lite_code::Ok);
        let key = unsafe { super::super::boundary::handle_ref(verifier) }
            .unwrap()
            .key
            .to_hex();
        assert_eq!(key, NETWORKS[1].genesis_verification_key);
        unsafe { super::super::verifier::mithril_lite_verifier_free(&mut verifier) };
        assert!(verifier.is_null());
        let code =
            unsafe { mithril_lite_verifier_new_for_network(c"nowhere".as_ptr(), &mut verifier) };
        assert_eq!(code, mithril_lite_code::InvalidArgument);
        assert!(verifier.is_null());
    }
}
