//! Proof and artifact checks against a verified certificate, and their results
//! (`mithril_lite_proof_result`).

use core::ffi::c_char;

use serde_json::{json, Value};

use super::boundary::invalid_argument;
use super::boundary::{
    byte_slice, c_str, free_handle, give_out, guard, handle_ref, prepare_out, write_out, write_str,
    FfiError, Opaque,
};
use super::certificate::mithril_lite_certificate;
use super::code::mithril_lite_code;
use crate::proofs::{self, CertifiedItems, DigestsCheck};

/// What a proof or artifact check established. From the `mithril_lite_verify_*` functions;
/// free it with `mithril_lite_proof_result_free`. Read it whole as JSON
/// (`mithril_lite_proof_result_json`) or through the accessors.
pub struct mithril_lite_proof_result {
    _opaque: [u8; 0],
}

pub(crate) struct ProofResult {
    json: String,
    /// Identifiers (transaction or block hashes) of the certified requested items.
    certified: Vec<String>,
    /// Requested identifiers the proof does not certify.
    non_certified: Vec<String>,
    latest_block_number: Option<u64>,
    block_number_offset: Option<u64>,
    epoch: Option<u64>,
    /// The artifact's own hash (artifacts only).
    artifact_hash: Option<String>,
}

impl Opaque for mithril_lite_proof_result {
    type Inner = ProofResult;
    const MAGIC: u64 = u64::from_le_bytes(*b"mlPROOFR");
    const NAME: &'static str = "mithril_lite_proof_result";
}

impl ProofResult {
    fn items<T>(
        kind: &str,
        items: CertifiedItems<T>,
        id: impl Fn(&T) -> String,
        item_json: impl Fn(&T) -> Value,
    ) -> Self {
        let json = json!({
            "kind": kind,
            "certificate_hash": items.certificate_hash,
            "merkle_root": items.merkle_root,
            "certified": items.certified.iter().map(&item_json).collect::<Vec<_>>(),
            "non_certified": items.non_certified,
            "latest_block_number": items.latest_block_number,
            "block_number_offset": items.block_number_offset,
        });
        ProofResult {
            json: json.to_string(),
            certified: items.certified.iter().map(id).collect(),
            non_certified: items.non_certified,
            latest_block_number: Some(items.latest_block_number),
            block_number_offset: items.block_number_offset,
            epoch: None,
            artifact_hash: None,
        }
    }

    fn artifact(epoch: u64, hash: &str, json: Value) -> Self {
        ProofResult {
            json: json.to_string(),
            certified: Vec::new(),
            non_certified: Vec::new(),
            latest_block_number: None,
            block_number_offset: None,
            epoch: Some(epoch),
            artifact_hash: Some(hash.to_string()),
        }
    }
}

/// The requested identifiers: `count` NUL-terminated strings (`ids` may be null when `count`
/// is 0, which asks for every proven item).
unsafe fn requested<'a>(ids: *const *const c_char, count: usize) -> Result<Vec<&'a str>, FfiError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ids.is_null() {
        return Err(FfiError::null("the requested identifiers"));
    }
    if count > isize::MAX as usize / core::mem::size_of::<*const c_char>() {
        return Err(invalid_argument("too many requested identifiers"));
    }
    // SAFETY: readable for count pointers by the caller's promise.
    let ptrs = unsafe { core::slice::from_raw_parts(ids, count) };
    ptrs.iter()
        .map(|&p| unsafe { c_str(p, "a requested identifier") })
        .collect()
}

/// The common shape of the item proofs: certificate, body, requested identifiers, result.
unsafe fn verify_items(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    ids: *const *const c_char,
    ids_count: usize,
    result_out: *mut *mut mithril_lite_proof_result,
    check: impl FnOnce(
        &[u8],
        &crate::chain::VerifiedCertificate,
        &[&str],
    ) -> Result<ProofResult, FfiError>,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(result_out)?;
        let c = handle_ref(certificate)?;
        let body = byte_slice(body, body_len, "the proof body")?;
        let ids = requested(ids, ids_count)?;
        let result = check(body, &c.chain.certificate, &ids)?;
        give_out(result_out, result);
        Ok(mithril_lite_code::Ok)
    })
}

/// Check a v1 transaction proof (`/proof/cardano-transaction` body) against `certificate`
/// (which must be the proof's `certificate_hash`, verified by a walk). `transaction_hashes`
/// (`count` strings; null with 0 for "every proven transaction") are the transactions the
/// wallet asks about: the result lists which are certified and which are not. On success
/// `*result_out` is a new result (free it with `mithril_lite_proof_result_free`); on failure
/// it is null and the code is the proof error's (400-409, or 100 for an oversized body).
///
/// # Safety
/// `certificate` is a live certificate; `body` is readable for `body_len` bytes;
/// `transaction_hashes` is null with `count` 0, or an array of `count` NUL-terminated strings;
/// `result_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_transactions_proof_v1(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    transaction_hashes: *const *const c_char,
    count: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_items(
            certificate,
            body,
            body_len,
            transaction_hashes,
            count,
            result_out,
            |body, cert, ids| {
                let items = proofs::verify_transactions_proof_v1(body, cert, ids)?;
                Ok(ProofResult::items(
                    "cardano_transactions_v1",
                    items,
                    |h| h.clone(),
                    |h| json!({ "transaction_hash": h }),
                ))
            },
        )
    }
}

/// Check a v2 transaction proof (`/proof/v2/cardano-transaction` body); as
/// `mithril_lite_verify_transactions_proof_v1`, and certified transactions come with their
/// block (`block_hash`, `block_number`, `slot_number` in the JSON) and the result has the
/// certified block-number offset.
///
/// # Safety
/// As `mithril_lite_verify_transactions_proof_v1`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_transactions_proof_v2(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    transaction_hashes: *const *const c_char,
    count: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_items(
            certificate,
            body,
            body_len,
            transaction_hashes,
            count,
            result_out,
            |body, cert, ids| {
                let items = proofs::verify_transactions_proof_v2(body, cert, ids)?;
                Ok(ProofResult::items(
                    "cardano_transactions_v2",
                    items,
                    |t| t.transaction_hash.clone(),
                    |t| {
                        json!({
                            "transaction_hash": t.transaction_hash,
                            "block_hash": t.block_hash,
                            "block_number": t.block_number,
                            "slot_number": t.slot_number,
                        })
                    },
                ))
            },
        )
    }
}

/// Check a block proof (`/proof/v2/cardano-block` body); as
/// `mithril_lite_verify_transactions_proof_v2` with block hashes as the requested items.
///
/// # Safety
/// As `mithril_lite_verify_transactions_proof_v1`, with `block_hashes` for
/// `transaction_hashes`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_blocks_proof(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    block_hashes: *const *const c_char,
    count: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_items(
            certificate,
            body,
            body_len,
            block_hashes,
            count,
            result_out,
            |body, cert, ids| {
                let items = proofs::verify_blocks_proof(body, cert, ids)?;
                Ok(ProofResult::items(
                    "cardano_blocks",
                    items,
                    |b| b.block_hash.clone(),
                    |b| {
                        json!({
                            "block_hash": b.block_hash,
                            "block_number": b.block_number,
                            "slot_number": b.slot_number,
                        })
                    },
                ))
            },
        )
    }
}

/// The common shape of the artifact checks.
unsafe fn verify_artifact(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    result_out: *mut *mut mithril_lite_proof_result,
    check: impl FnOnce(&[u8], &crate::chain::VerifiedCertificate) -> Result<ProofResult, FfiError>,
) -> mithril_lite_code {
    guard(|| unsafe {
        prepare_out(result_out)?;
        let c = handle_ref(certificate)?;
        let body = byte_slice(body, body_len, "the artifact body")?;
        let result = check(body, &c.chain.certificate)?;
        give_out(result_out, result);
        Ok(mithril_lite_code::Ok)
    })
}

/// Check a Mithril stake distribution (`/artifact/mithril-stake-distribution/{hash}` body)
/// against `certificate`: every signer's key and proof of possession, and the aggregate
/// verification key they form is the one the certificate signs. The result has the `epoch`;
/// its JSON has `signers` (`party_id`, `verification_key` hex, `stake`) and the
/// `aggregate_verification_key`. Result ownership and error codes as
/// `mithril_lite_verify_transactions_proof_v1`.
///
/// # Safety
/// `certificate` is a live certificate; `body` is readable for `body_len` bytes; `result_out`
/// is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_mithril_stake_distribution(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_artifact(certificate, body, body_len, result_out, |body, cert| {
            let d = proofs::verify_mithril_stake_distribution(body, cert)?;
            let signers: Vec<Value> = d
                .signers
                .iter()
                .map(|s| {
                    json!({
                        "party_id": s.party_id,
                        "verification_key": crate::codec::hex::encode(&s.verification_key),
                        "stake": s.stake,
                    })
                })
                .collect();
            Ok(ProofResult::artifact(
                d.epoch,
                &d.hash,
                json!({
                    "kind": "mithril_stake_distribution",
                    "hash": d.hash,
                    "epoch": d.epoch,
                    "certificate_hash": d.certificate_hash,
                    "signers": signers,
                    "aggregate_verification_key": d.aggregate_verification_key.to_json_hex(),
                }),
            ))
        })
    }
}

/// Check a Cardano stake distribution (`/artifact/cardano-stake-distribution/{hash}` body)
/// against `certificate`: its Merkle root is the signed one. The result has the `epoch`; its
/// JSON has `merkle_root` and `stake_distribution` (pool id to stake). Result ownership and
/// error codes as `mithril_lite_verify_transactions_proof_v1`.
///
/// # Safety
/// As `mithril_lite_verify_mithril_stake_distribution`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_cardano_stake_distribution(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_artifact(certificate, body, body_len, result_out, |body, cert| {
            let d = proofs::verify_cardano_stake_distribution(body, cert)?;
            Ok(ProofResult::artifact(
                d.epoch,
                &d.hash,
                json!({
                    "kind": "cardano_stake_distribution",
                    "hash": d.hash,
                    "epoch": d.epoch,
                    "certificate_hash": d.certificate_hash,
                    "merkle_root": d.merkle_root,
                    "stake_distribution": d
                        .stake_distribution
                        .iter()
                        .map(|(pool, stake)| (pool.clone(), serde_json::Value::from(*stake)))
                        .collect::<serde_json::Map<_, _>>(),
                }),
            ))
        })
    }
}

/// Check a Cardano database artifact (`/artifact/cardano-database/{hash}` body) against
/// `certificate`: its beacon is the signed entity and its Merkle root the signed one. With
/// `digests` (the `/artifact/cardano-database/digests` JSON list; null with `digests_len` 0
/// when the app does not have it) the root is recomputed from the immutable files' digests
/// too; the JSON's `digests` says which (`"not_included"` or
/// `{"verified_immutable_files": n}`). The result has the beacon `epoch`. Result ownership and
/// error codes as `mithril_lite_verify_transactions_proof_v1`.
///
/// # Safety
/// As `mithril_lite_verify_mithril_stake_distribution`; `digests` is null with `digests_len` 0,
/// or readable for `digests_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_verify_cardano_database(
    certificate: *const mithril_lite_certificate,
    body: *const u8,
    body_len: usize,
    digests: *const u8,
    digests_len: usize,
    result_out: *mut *mut mithril_lite_proof_result,
) -> mithril_lite_code {
    unsafe {
        verify_artifact(certificate, body, body_len, result_out, |body, cert| {
            let digests = if digests.is_null() && digests_len == 0 {
                None
            } else {
                let bytes = byte_slice(digests, digests_len, "the digests")?;
                Some(proofs::parse_digests(bytes)?)
            };
            let d = proofs::verify_cardano_database(body, cert, digests.as_deref())?;
            let digests = match d.digests {
                DigestsCheck::Verified { immutable_files } => {
                    json!({ "verified_immutable_files": immutable_files })
                }
                DigestsCheck::NotIncluded => json!("not_included"),
            };
            Ok(ProofResult::artifact(
                d.epoch,
                &d.hash,
                json!({
                    "kind": "cardano_database",
                    "hash": d.hash,
                    "certificate_hash": d.certificate_hash,
                    "merkle_root": d.merkle_root,
                    "epoch": d.epoch,
                    "immutable_file_number": d.immutable_file_number,
                    "digests": digests,
                }),
            ))
        })
    }
}

/// Free the result `*result` and set `*result` to null, so freeing twice through the same
/// variable does nothing. Null `result` or `*result`: nothing to do.
///
/// # Safety
/// `result` is null or points to a pointer from a `mithril_lite_verify_*` function (or null).
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_free(
    result: *mut *mut mithril_lite_proof_result,
) {
    guard(|| unsafe {
        free_handle(result)?;
        Ok(mithril_lite_code::Ok)
    });
}

/// The whole result as a JSON object (`kind` and the fields each check documents). Buffer
/// rules as `mithril_lite_last_error_message` (`*len_out` gets the length without the NUL).
///
/// # Safety
/// `result` is a live result; `buf` is null with `cap` 0, or writable for `cap` bytes;
/// `len_out` is null or writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_json(
    result: *const mithril_lite_proof_result,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe { write_str(&handle_ref(result)?.json, buf, cap, len_out) })
}

/// Item `index` of one of a result's lists, or `INVALID_ARGUMENT` past its end.
fn list_item<'a>(list: &'a [String], index: usize, what: &str) -> Result<&'a String, FfiError> {
    list.get(index)
        .ok_or_else(|| invalid_argument(format!("item {index} of {} {what} items", list.len())))
}

/// Number of requested items the proof certifies (0 for artifacts), in `*count_out`.
///
/// # Safety
/// `result` is a live result; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_certified_count(
    result: *const mithril_lite_proof_result,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        write_out(count_out, r.certified.len(), "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// The hash of certified item `index` (request order). `MITHRIL_LITE_CODE_INVALID_ARGUMENT` if
/// `index` is not below the certified count. Buffer rules as `mithril_lite_proof_result_json`.
///
/// # Safety
/// As `mithril_lite_proof_result_json`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_certified_item(
    result: *const mithril_lite_proof_result,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        write_str(
            list_item(&r.certified, index, "certified")?,
            buf,
            cap,
            len_out,
        )
    })
}

/// Number of requested items the proof does not certify, in `*count_out`.
///
/// # Safety
/// `result` is a live result; `count_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_non_certified_count(
    result: *const mithril_lite_proof_result,
    count_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        write_out(count_out, r.non_certified.len(), "count_out")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// The identifier of non-certified item `index` (as requested, trimmed and lower-case).
/// `MITHRIL_LITE_CODE_INVALID_ARGUMENT` if `index` is not below the non-certified count. Buffer
/// rules as `mithril_lite_proof_result_json`.
///
/// # Safety
/// As `mithril_lite_proof_result_json`.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_non_certified_item(
    result: *const mithril_lite_proof_result,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        write_str(
            list_item(&r.non_certified, index, "non-certified")?,
            buf,
            cap,
            len_out,
        )
    })
}

/// Store an optional number, or say it does not exist for this result.
unsafe fn optional_u64(
    result: *const mithril_lite_proof_result,
    out: *mut u64,
    what: &str,
    get: impl FnOnce(&ProofResult) -> Option<u64>,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        let value = get(r).ok_or_else(|| {
            FfiError::new(
                mithril_lite_code::NotAvailable,
                format!("this result has no {what}"),
            )
        })?;
        write_out(out, value, "the out-parameter")?;
        Ok(mithril_lite_code::Ok)
    })
}

/// The latest block number the certificate covers (transaction and block proofs), in
/// `*block_out`; `MITHRIL_LITE_CODE_NOT_AVAILABLE` for artifacts.
///
/// # Safety
/// `result` is a live result; `block_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_latest_block_number(
    result: *const mithril_lite_proof_result,
    block_out: *mut u64,
) -> mithril_lite_code {
    unsafe {
        optional_u64(result, block_out, "latest block number", |r| {
            r.latest_block_number
        })
    }
}

/// The certified block-number offset (the security parameter; v2 transaction and block
/// proofs): blocks up to the latest block number are final once the chain tip reaches
/// latest + offset. In `*offset_out`; `MITHRIL_LITE_CODE_NOT_AVAILABLE` for v1 proofs and
/// artifacts.
///
/// # Safety
/// `result` is a live result; `offset_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_block_number_offset(
    result: *const mithril_lite_proof_result,
    offset_out: *mut u64,
) -> mithril_lite_code {
    unsafe {
        optional_u64(result, offset_out, "block number offset", |r| {
            r.block_number_offset
        })
    }
}

/// The artifact's epoch (stake distributions, Cardano databases), in `*epoch_out`;
/// `MITHRIL_LITE_CODE_NOT_AVAILABLE` for transaction and block proofs.
///
/// # Safety
/// `result` is a live result; `epoch_out` is writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_epoch(
    result: *const mithril_lite_proof_result,
    epoch_out: *mut u64,
) -> mithril_lite_code {
    unsafe { optional_u64(result, epoch_out, "epoch", |r| r.epoch) }
}

/// Check that an artifact result is the artifact the app asked the aggregator for (the core's
/// `proofs::check_requested`): `hash` (null: not asked by hash) against the artifact's own
/// hash, case-blind, then `*epoch` (null: not asked by epoch) against its epoch.
/// `MITHRIL_LITE_CODE_ARTIFACT_NOT_REQUESTED` when the aggregator answered another one (valid
/// and certified, but not an answer to the question); `MITHRIL_LITE_CODE_INVALID_ARGUMENT` for
/// a transaction or block proof result (they list what is not certified instead).
///
/// # Safety
/// `result` is a live result; `hash` is null or a NUL-terminated string; `epoch` is null or
/// readable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_result_check_requested(
    result: *const mithril_lite_proof_result,
    hash: *const c_char,
    epoch: *const u64,
) -> mithril_lite_code {
    guard(|| unsafe {
        let r = handle_ref(result)?;
        let (Some(artifact_hash), Some(artifact_epoch)) = (&r.artifact_hash, r.epoch) else {
            return Err(invalid_argument(
                "a transaction or block proof result answers no artifact request",
            ));
        };
        let asked_hash = if hash.is_null() {
            None
        } else {
            Some(c_str(hash, "hash")?)
        };
        // SAFETY: null or readable, by the caller's promise.
        let asked_epoch = if epoch.is_null() { None } else { Some(*epoch) };
        proofs::check_requested(asked_hash, artifact_hash, asked_epoch, artifact_epoch)?;
        Ok(mithril_lite_code::Ok)
    })
}

/// What a proof or artifact body names before it is verified (the core's
/// `proofs::read_envelope`): the certificate whose chain the app walks first, written to `buf`
/// (buffer rules as `mithril_lite_last_error_message`: `*len_out`, if not null, gets the length
/// without the NUL; 65 bytes are enough for a real hash), and, for a transactions proof, its
/// version in `*transactions_version_out` (1: its sets are an array, the v1 route; 2 otherwise;
/// null if not wanted). A body the checks would refuse before naming a certificate (over the
/// body limit, not JSON, no `certificate_hash` string) gives their code (100 or 400) here.
///
/// # Safety
/// `body` is readable for `body_len` bytes; `buf` is null with `cap` 0, or writable for `cap`
/// bytes; `len_out` and `transactions_version_out` are null or writable.
#[no_mangle]
pub unsafe extern "C" fn mithril_lite_proof_certificate_hash(
    body: *const u8,
    body_len: usize,
    buf: *mut c_char,
    cap: usize,
    len_out: *mut usize,
    transactions_version_out: *mut u8,
) -> mithril_lite_code {
    guard(|| unsafe {
        let body = byte_slice(body, body_len, "body")?;
        // The message names the body generically: the C caller did not say which kind it is.
        let envelope = proofs::read_envelope("proof or artifact", body)?;
        if !transactions_version_out.is_null() {
            write_out(
                transactions_version_out,
                envelope.transactions_version(),
                "transactions_version_out",
            )?;
        }
        write_str(&envelope.certificate_hash, buf, cap, len_out)
    })
}
