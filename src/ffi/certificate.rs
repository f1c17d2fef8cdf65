//! `mithril_lite_certificate`: a certificate verified by a walk, and what a wallet reads of it.

use core::ffi::c_char;

use serde_json::{json, Value};

use super::boundary::{free_handle, guard, handle_ref, write_out, write_str, FfiError, Opaque};
use super::code::mithril_lite_code;
use crate::certificate::GenesisVerificationKey;
use crate::chain::walk::Anchor;
use crate::chain::VerifiedChain;

/// A certificate verified back to genesis (or to a trust checkpoint) by a walk, with that
/// chain. From `mithril_lite_walk_result`; free it with `mithril_lite_certificate_free`. Proof
/// checks (`mithril_lite_verify_*`) take it as the certificate the proof must be signed by.
pub struct mithril_lite_certificate {
    _opaque: [u8; 0],
}

pub(crate) struct VerifiedCertificateHandle {
    pub chain: VerifiedChain,
    /// The key the walk used (checkpoints record it).
    pub genesis_key: GenesisVerificationKey,
}

impl Opaque for mithril_lite_certificate {
    type Inner = VerifiedCertificateHandle;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlCERTIF");
    const NAME: &'static str = "mithril_lite_certificate";
}

/// Free the certificate `*certificate` and set `*certificate` to null, so freeing twice through
/// the same variable does nothing. Null `certificate` or `*certificate`: nothing to do.
///
/// # Safety
/// `certificate` is null or points to a pointer from `mithril_lite_walk_result` (or null).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_free(
    certificate: *mut *mut mithril_lite_certificate,
) {
    guard(|| unsafe {
        free_handle(certificate)?;
        Ok(mithril_lite_code::Ok)
    });
}

/// Copy one string property of a certificate out, with the buffer rules of
/// `mithril_lite_last_error_message`.
unsafe fn string_property(
    certificate: *const mithril_lite_certificate,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
    get: impl FnOnce(&VerifiedCertificateHandle) -> String,
) -> mithril_lite_code {
    guard(|| unsafe {
        let c = handle_ref(certificate)?;
        write_str(&get(c), buf, cap, len_out)
    })
}

/// The certificate's hash (hex). Buffer rules as `mithril_lite_last_error_message`: `*len_out`
/// (if not null) gets the length without the NUL; 65 bytes are enough.
///
/// # Safety
/// `certificate` is a live certificate; `buf` is null with `cap` 0, or writable for `cap`
/// bytes; `len_out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_hash(
    certificate: *const mithril_lite_certificate,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    unsafe {
        string_property(certificate, buf, cap, len_out, |c| {
            c.chain.certificate.hash.clone()
        })
    }
}

/// The certificate's epoch, in `*epoch_out`.
///
/// # Safety
/// `certificate` is a live certificate; `epoch_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_epoch(
    certificate: *const mithril_lite_certificate,
    epoch_out: *mut u64,
) -> mithril_lite_code {
    guard(|| unsafe {
        let c = handle_ref(certificate)?;
        write_out(epoch_out, c.chain.certificate.epoch, "epoch_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// What the certificate signs, as JSON in the aggregator's form, e.g.
/// `{"CardanoTransactions":[23,705]}` or `{"MithrilStakeDistribution":23}`. Buffer rules as
/// `mithril_lite_certificate_hash`.
///
/// # Safety
/// As `mithril_lite_certificate_hash`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_signed_entity_type(
    certificate: *const mithril_lite_certificate,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    unsafe {
        string_property(certificate, buf, cap, len_out, |c| {
            c.chain.certificate.signed_entity_type.to_json()
        })
    }
}

/// The signed protocol message parts as a JSON object (part name to value, in hashing
/// order), e.g. `{"snapshot_digest":"...","current_epoch":"23",...}`. Buffer rules as
/// `mithril_lite_certificate_hash`.
///
/// # Safety
/// As `mithril_lite_certificate_hash`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_protocol_message(
    certificate: *const mithril_lite_certificate,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    unsafe {
        string_property(certificate, buf, cap, len_out, |c| {
            c.chain.certificate.protocol_message.parts_json()
        })
    }
}

/// Everything about the certificate and its chain as one JSON object: `hash`,
/// `previous_hash`, `epoch`, `signed_entity_type`, `signed_entity_type_name`,
/// `protocol_message`, `signed_message`, `aggregate_verification_key` (JSON-hex),
/// `parameters` (`k`, `m`, `phi_f`), `is_genesis`, `certificates_checked`, `anchor`
/// (`{"kind": "genesis" | "trusted", "hash"}`) and `chain` (`[{"hash", "epoch"}]`, newest
/// first). Buffer rules as `mithril_lite_certificate_hash`.
///
/// # Safety
/// As `mithril_lite_certificate_hash`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_certificate_json(
    certificate: *const mithril_lite_certificate,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let c = handle_ref(certificate)?;
        write_str(&certificate_json(&c.chain)?.to_string(), buf, cap, len_out)
    })
}

fn certificate_json(chain: &VerifiedChain) -> Result<Value, FfiError> {
    let c = &chain.certificate;
    let internal = |e: serde_json::Error| FfiError::new(mithril_lite_code::Internal, e.to_string());
    let parts: Value = serde_json::from_str(&c.protocol_message.parts_json()).map_err(internal)?;
    let (kind, anchor) = match &chain.anchor {
        Anchor::Genesis(h) => ("genesis", h),
        Anchor::Trusted(h) => ("trusted", h),
    };
    Ok(json!({
        "hash": c.hash,
        "previous_hash": c.previous_hash,
        "epoch": c.epoch,
        "signed_entity_type": serde_json::from_str::<Value>(&c.signed_entity_type.to_json())
            .map_err(internal)?,
        "signed_entity_type_name": c.signed_entity_type.name(),
        "protocol_message": parts,
        "signed_message": c.signed_message,
        "aggregate_verification_key": c.aggregate_verification_key.to_json_hex(),
        "parameters": {"m": c.parameters.m, "k": c.parameters.k, "phi_f": c.parameters.phi_f},
        "is_genesis": c.is_genesis,
        "certificates_checked": chain.certificates_checked,
        "anchor": {"kind": kind, "hash": anchor},
        "chain": chain
            .links
            .iter()
            .map(|l| json!({"hash": l.hash, "epoch": l.epoch}))
            .collect::<Vec<_>>(),
    }))
}
