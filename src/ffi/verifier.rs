//! `mithril_lite_verifier`: the genesis key, the walk limits and the trust checkpoints.

use core::ffi::c_char;
use std::sync::{Arc, Mutex};

use super::boundary::invalid_argument;
use super::boundary::{
    byte_slice, c_str, free_handle, give_out, guard, handle_mut, handle_ref, prepare_out,
    write_bytes, write_out, Opaque,
};
use super::certificate::mithril_lite_certificate;
use super::code::mithril_lite_code;
use crate::certificate::GenesisVerificationKey;
use crate::chain::{KeyCache, TrustCheckpoints, WalkConfig, DEFAULT_MAX_CHECKPOINTS};

/// A verifier: the genesis verification key every walk ends at, the walk limits, and the
/// trust checkpoints (certificates verified earlier, where walks may stop). Create it with
/// `mithril_lite_verifier_new`, free it with `mithril_lite_verifier_free`.
pub struct mithril_lite_verifier {
    _opaque: [u8; 0],
}

pub(crate) struct Verifier {
    pub key: GenesisVerificationKey,
    pub config: WalkConfig,
    pub trust: TrustCheckpoints,
    /// Signer keys its walks validated (the core's per-epoch key cache): each walk starts
    /// from a copy and puts what it validated back when it is freed, so the next certificate
    /// of a known epoch skips their decompression and subgroup checks. Shared with the walks,
    /// which may outlive the verifier.
    pub keys: Arc<Mutex<KeyCache>>,
}

impl Verifier {
    /// A verifier of `key` with the default limits, no checkpoints and an empty key cache.
    pub(crate) fn new(key: GenesisVerificationKey) -> Self {
        let trust = TrustCheckpoints::new(&key);
        let keys = Arc::new(Mutex::new(KeyCache::new(&key)));
        Verifier {
            key,
            config: WalkConfig::default(),
            trust,
            keys,
        }
    }
}

impl Opaque for mithril_lite_verifier {
    type Inner = Verifier;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlVERIFR");
    const NAME: &'static str = "mithril_lite_verifier";
}

/// Create a verifier from a genesis verification key (the aggregator's `genesis.vkey` text:
/// JSON-hex, or 64 hex characters of the raw key), with the default limits and no trust
/// checkpoints. On success `*verifier_out` is the new verifier (free it with
/// `mithril_lite_verifier_free`); on failure it is null.
///
/// # Safety
/// `genesis_vkey` is a NUL-terminated string; `verifier_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_new(
    genesis_vkey: *const c_char,
    verifier_out: *mut *mut mithril_lite_verifier,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(verifier_out)?;
        let text = c_str(genesis_vkey, "the genesis verification key")?;
        let key = GenesisVerificationKey::decode(text)?;
        give_out(verifier_out, Verifier::new(key));
        Ok(mithril_lite_code::Ok)
    })
}

/// Free the verifier `*verifier` and set `*verifier` to null, so freeing twice through the
/// same variable does nothing. Null `verifier` or `*verifier`: nothing to do. Walks and
/// certificates made from it stay valid (they hold their own copies).
///
/// # Safety
/// `verifier` is null or points to a pointer from `mithril_lite_verifier_new` (or null).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_free(verifier: *mut *mut mithril_lite_verifier) {
    guard(|| unsafe {
        free_handle(verifier)?;
        Ok(mithril_lite_code::Ok)
    });
}

/// The default limits of a walk and of a verifier's trust checkpoints: the core's `WalkConfig`
/// defaults and `chain::trust::DEFAULT_MAX_CHECKPOINTS` (`mithril_lite_default_limits`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct mithril_lite_limits {
    /// Most certificates one walk may visit, the starting one and genesis included.
    pub max_chain_length: usize,
    /// Largest certificate body accepted, in bytes.
    pub max_certificate_bytes: usize,
    /// Most pairing equations checked together.
    pub pairing_batch: usize,
    /// Most signature entries in one certificate's multi-signature.
    pub max_signatures_per_certificate: usize,
    /// Most lottery indices in one certificate, all entries together.
    pub max_indices_per_certificate: usize,
    /// Most lottery indices claimed by one signature entry.
    pub max_indices_per_signature: usize,
    /// Most trust checkpoints a verifier keeps.
    pub max_checkpoints: usize,
}

/// The default limits, in `*limits_out` (a host that reads certificate bodies itself stops at
/// `max_certificate_bytes` plus one).
///
/// # Safety
/// `limits_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_default_limits(
    limits_out: *mut mithril_lite_limits,
) -> mithril_lite_code {
    guard(|| unsafe {
        let d = WalkConfig::default();
        let limits = mithril_lite_limits {
            max_chain_length: d.max_chain_length,
            max_certificate_bytes: d.max_certificate_bytes,
            pairing_batch: d.pairing_batch,
            max_signatures_per_certificate: d.max_signatures_per_certificate,
            max_indices_per_certificate: d.max_indices_per_certificate,
            max_indices_per_signature: d.max_indices_per_signature,
            max_checkpoints: DEFAULT_MAX_CHECKPOINTS,
        };
        write_out(limits_out, limits, "limits_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Set the limits of the walks started after this call: the most certificates one walk may
/// visit (default 10,000) and the largest certificate body accepted in bytes (default
/// 8 MiB). Both must be at least 1.
///
/// # Safety
/// `verifier` is a live verifier.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_set_limits(
    verifier: *mut mithril_lite_verifier,
    max_chain_length: usize,
    max_certificate_bytes: usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_mut(verifier)?;
        if max_chain_length == 0 || max_certificate_bytes == 0 {
            return Err(invalid_argument("the limits must be at least 1"));
        }
        v.config.max_chain_length = max_chain_length;
        v.config.max_certificate_bytes = max_certificate_bytes;
        Ok(mithril_lite_code::Ok)
    })
}

/// Trust every certificate of the chain `certificate` was verified with (from
/// `mithril_lite_walk_result`): later walks stop at any of them. The verifier keeps the newest
/// 1,000 checkpoints (`chain::trust::DEFAULT_MAX_CHECKPOINTS`: by epoch, then hash). Refused with
/// `MITHRIL_LITE_CODE_CHECKPOINT_GENESIS_KEY_MISMATCH` when the walk used another genesis key.
///
/// # Safety
/// `verifier` and `certificate` are live handles.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_trust(
    verifier: *mut mithril_lite_verifier,
    certificate: *const mithril_lite_certificate,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_mut(verifier)?;
        let c = handle_ref(certificate)?;
        v.trust.add_chain(&c.chain, &c.genesis_key)?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Number of trusted certificates, in `*count_out`.
///
/// # Safety
/// `verifier` is a live verifier; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_checkpoint_count(
    verifier: *const mithril_lite_verifier,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_ref(verifier)?;
        write_out(count_out, v.trust.len(), "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Number of signer keys in the verifier's key cache (what its freed walks validated), in
/// `*count_out`.
///
/// # Safety
/// `verifier` is a live verifier; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_cached_keys(
    verifier: *const mithril_lite_verifier,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_ref(verifier)?;
        let count = v.keys.lock().map_or(0, |c| c.len());
        write_out(count_out, count, "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Export the trust checkpoints as versioned bytes (format in `chain::trust`: magic `MLTC`,
/// version 2, genesis key, sorted entries, SHA-256 checksum; version 3 when they hold the
/// pending progress of unfinished walks, `mithril_lite_walk_save_pending`) for the app's own storage: the same
/// bytes the CLI's `--trust FILE` and the npm package's stores keep. `*len_out` gets the
/// length; the bytes are written only if `cap` is enough, else
/// `MITHRIL_LITE_CODE_BUFFER_TOO_SMALL` (call with `buf` null and `cap` 0 to ask the size).
///
/// # Safety
/// `verifier` is a live verifier; `buf` is null with `cap` 0, or writable for `cap` bytes;
/// `len_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_export_checkpoints(
    verifier: *const mithril_lite_verifier,
    buf: *mut u8,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_ref(verifier)?;
        write_bytes(&v.trust.encode(), buf, cap, len_out)
    })
}

/// Add checkpoints exported earlier (by any verifier with the same genesis key, the CLI or the
/// npm package; format version 1, 2 or 3, pending progress included), keeping the newest
/// 1,000. Malformed or corrupted
/// bytes give `MITHRIL_LITE_CODE_CHECKPOINT_MALFORMED`, another format version
/// `MITHRIL_LITE_CODE_CHECKPOINT_UNSUPPORTED_VERSION`, another genesis key
/// `MITHRIL_LITE_CODE_CHECKPOINT_GENESIS_KEY_MISMATCH`; nothing is added then.
///
/// # Safety
/// `verifier` is a live verifier; `bytes` is readable for `len` bytes (null if `len` is 0).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_import_checkpoints(
    verifier: *mut mithril_lite_verifier,
    bytes: *const u8,
    len: usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let v = handle_mut(verifier)?;
        let bytes = byte_slice(bytes, len, "the checkpoint bytes")?;
        v.trust.merge_bytes(bytes)?;
        Ok(mithril_lite_code::Ok)
    })
}

/// Forget every trust checkpoint and pending progress (later walks go back to genesis).
///
/// # Safety
/// `verifier` is a live verifier.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verifier_clear_checkpoints(
    verifier: *mut mithril_lite_verifier,
) -> mithril_lite_code {
    guard(|| unsafe {
        handle_mut(verifier)?.trust.clear();
        Ok(mithril_lite_code::Ok)
    })
}
