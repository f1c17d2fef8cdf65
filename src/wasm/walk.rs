//! `Walk`: the sans-IO chain walk for JavaScript hosts.

use alloc::string::String;
use alloc::vec::Vec;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert;
use super::proofs::VerifiedCertificateHandle;
use crate::certificate::{decode_check_outcome, GenesisVerificationKey};
use crate::chain::walk::PendingCheck;
use crate::chain::{ChainWalk, Progress, Step, WalkConfig, DEFAULT_MAX_CHECKPOINTS};
use crate::error::Error;

/// A chain walk driven from JavaScript.
///
/// Loop: `step()` says `{kind: "fetch", hash}`, `{kind: "verify"}` or
/// `{kind: "done", result}` / `{kind: "done", error}`. After fetching, `feed(hash, bytes)` runs
/// the cheap checks and returns the id of the certificate's STM check (or `undefined`); the host
/// may start fetching the next certificate (`step()` already names it) and then call
/// `runCheck(id)`, or hand the check to another thread as bytes: `checkJob(id)` gives the job,
/// [`run_check_job`] (`runCheckJob`) runs it anywhere the module is loaded, and
/// `completeCheck(id, outcome)` records the outcome, in any order.
#[wasm_bindgen]
pub struct Walk {
    pub(super) inner: ChainWalk,
    /// Checks handed out and not yet run, by ascending position (their id).
    pub(super) checks: Vec<PendingCheck>,
}

fn option_usize(options: &JsValue, key: &str) -> Result<Option<usize>, JsValue> {
    let v = js_sys::Reflect::get(options, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if (1.0..=9_007_199_254_740_991.0).contains(&n) && n.fract() == 0.0 => {
            Ok(Some(n as usize))
        }
        _ => Err(convert::usage_error(
            "invalid_options",
            &alloc::format!("options.{key} must be a positive integer"),
        )),
    }
}

#[wasm_bindgen]
impl Walk {
    /// Start a walk at `certificateHash`. `options`: `{ maxChainLength?, maxCertificateBytes?,
    /// trusted?: (string | {hash: string, epoch: number})[] }` (a checkpoint's epoch lets
    /// `progress()` know where the walk will end). Throws an error with `code` for a bad key or
    /// bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        genesis_verification_key: &str,
        certificate_hash: &str,
        options: JsValue,
    ) -> Result<Walk, JsValue> {
        let key = GenesisVerificationKey::decode(genesis_verification_key)
            .map_err(|e| convert::error(&e))?;
        let mut config = WalkConfig::default();
        let mut trusted: Vec<String> = Vec::new();
        let mut trusted_epochs: Vec<(String, u64)> = Vec::new();
        if options.is_object() {
            if let Some(n) = option_usize(&options, "maxChainLength")? {
                config.max_chain_length = n;
            }
            if let Some(n) = option_usize(&options, "maxCertificateBytes")? {
                config.max_certificate_bytes = n;
            }
            let list = js_sys::Reflect::get(&options, &JsValue::from_str("trusted"))
                .unwrap_or(JsValue::UNDEFINED);
            if !list.is_undefined() && !list.is_null() {
                let array: js_sys::Array = list.dyn_into().map_err(|_| {
                    convert::usage_error(
                        "invalid_options",
                        "options.trusted must be an array of hashes",
                    )
                })?;
                for item in array.iter() {
                    match trusted_entry(&item) {
                        Some((hash, None)) => trusted.push(hash),
                        Some((hash, Some(epoch))) => trusted_epochs.push((hash, epoch)),
                        None => {
                            return Err(convert::usage_error(
                                "invalid_options",
                                "options.trusted must hold hashes or {hash, epoch} objects",
                            ))
                        }
                    }
                }
            }
        } else if !options.is_undefined() && !options.is_null() {
            return Err(convert::usage_error(
                "invalid_options",
                "options must be an object",
            ));
        }
        Ok(Walk {
            inner: ChainWalk::new(certificate_hash, key, config)
                .with_trusted_epochs(trusted_epochs)
                .with_trusted(trusted),
            checks: Vec::new(),
        })
    }

    /// What to do next (see the type's documentation).
    pub fn step(&self) -> JsValue {
        let view = match self.inner.step() {
            Step::Fetch(hash) => StepView::new("fetch").hash(hash),
            Step::AwaitVerification => StepView::new("verify"),
            Step::Done(Ok(chain)) => StepView::new("done").result(convert::chain(&chain)),
            Step::Done(Err(e)) => StepView::new("done").error(convert::error(&e)),
        };
        convert::to_js(&view)
    }

    /// Feed the body of the certificate `hash` (UTF-8 bytes). Returns the id of its STM check,
    /// if there is one to run.
    pub fn feed(&mut self, hash: &str, body: &[u8]) -> Option<u32> {
        super::fault::inject(body);
        let fed = self.inner.feed(hash, body);
        fed.check.map(|check| {
            let id = check.index as u32;
            // Positions grow with each certificate fed: pushing keeps the list ascending.
            self.checks.push(check);
            id
        })
    }

    /// The certificate the walk verified, once `step()` said `done` without an error, as a
    /// handle the proof checks run against (it stays in wasm memory; `free()` it when done).
    /// `undefined` before that, or when the walk failed.
    #[wasm_bindgen(js_name = verifiedCertificate)]
    pub fn verified_certificate(&self) -> Option<VerifiedCertificateHandle> {
        match self.inner.step() {
            Step::Done(Ok(chain)) => Some(VerifiedCertificateHandle::new(chain.certificate)),
            _ => None,
        }
    }

    /// The host could not get certificate `hash`.
    #[wasm_bindgen(js_name = fetchFailed)]
    pub fn fetch_failed(&mut self, hash: &str, detail: &str) {
        self.inner.fetch_failed(hash, detail);
    }

    /// Run STM check `id` now (synchronously) and record its outcome.
    #[wasm_bindgen(js_name = runCheck)]
    pub fn run_check(&mut self, id: u32) {
        if let Some(i) = self.find_check(id) {
            let check = self.checks.remove(i);
            let outcome = check.check.run_random();
            self.inner.complete(check.index, outcome);
        }
    }

    /// The job of check `id` as bytes, for [`run_check_job`] in a worker; the check stays
    /// pending until `completeCheck(id, outcome)`. Empty for an unknown id (running empty bytes
    /// gives an `internal_error` outcome).
    #[wasm_bindgen(js_name = checkJob)]
    pub fn check_job(&self, id: u32) -> Vec<u8> {
        self.find_check(id)
            .and_then(|i| self.checks.get(i))
            .map_or_else(Vec::new, |c| c.check.to_bytes())
    }

    /// Record the outcome bytes [`run_check_job`] returned for check `id` (bytes that do not
    /// decode count as an `internal_error` failure). Unknown ids are ignored.
    #[wasm_bindgen(js_name = completeCheck)]
    pub fn complete_check(&mut self, id: u32, outcome: &[u8]) {
        if let Some(i) = self.find_check(id) {
            let check = self.checks.remove(i);
            self.inner
                .complete(check.index, decode_check_outcome(outcome));
        }
    }

    /// Check `id` could not be run (its worker died, and so did the retry): it fails with
    /// `internal_error` and this detail.
    #[wasm_bindgen(js_name = failCheck)]
    pub fn fail_check(&mut self, id: u32, detail: &str) {
        if let Some(i) = self.find_check(id) {
            let check = self.checks.remove(i);
            let error = Error::Internal {
                detail: String::from(detail),
            };
            self.inner.complete(check.index, Err::<(), Error>(error));
        }
    }

    /// Lottery indices of check `id` (a cost hint for progress reporting), 0 if unknown.
    #[wasm_bindgen(js_name = checkSize)]
    pub fn check_size(&self, id: u32) -> u32 {
        self.find_check(id)
            .and_then(|i| self.checks.get(i))
            .map_or(0, |c| c.check.index_count() as u32)
    }

    /// Certificates fed so far.
    #[wasm_bindgen(js_name = certificatesFed)]
    pub fn certificates_fed(&self) -> u32 {
        self.inner.certificates_fed() as u32
    }

    /// Epoch of the last certificate fed, or `undefined`.
    #[wasm_bindgen(js_name = currentEpoch)]
    pub fn current_epoch(&self) -> Option<f64> {
        self.inner.current_epoch().map(|e| e as f64)
    }

    /// Whether some check has already failed (the verdict comes with `step()`'s `done`).
    #[wasm_bindgen(js_name = hasFailed)]
    pub fn has_failed(&self) -> bool {
        self.inner.has_failed()
    }

    /// How far the walk has come, as the core counts it: `{certificatesFetched,
    /// certificatesChecked, certificatesVerified, pendingChecks, anchorVerified, currentEpoch?,
    /// startEpoch?, checkedEpoch?, verifiedEpoch?, anchorEpoch?, fraction?}` (an absent epoch or
    /// fraction is not known).
    pub fn progress(&self) -> JsValue {
        convert::to_js(&ProgressView::from(self.inner.progress()))
    }

    /// STM checks handed out and not yet run.
    #[wasm_bindgen(js_name = pendingChecks)]
    pub fn pending_checks(&self) -> u32 {
        self.checks.len() as u32
    }
}

/// One entry of `options.trusted`: a hash, or `{hash, epoch}`. `None` for anything else.
fn trusted_entry(item: &JsValue) -> Option<(String, Option<u64>)> {
    if let Some(hash) = item.as_string() {
        return Some((hash, None));
    }
    if !item.is_object() {
        return None;
    }
    let hash = js_sys::Reflect::get(item, &JsValue::from_str("hash"))
        .ok()?
        .as_string()?;
    let epoch = js_sys::Reflect::get(item, &JsValue::from_str("epoch"))
        .ok()?
        .as_f64()?;
    if !(0.0..=9_007_199_254_740_991.0).contains(&epoch) || epoch.fract() != 0.0 {
        return None;
    }
    Some((hash, Some(epoch as u64)))
}

/// `progress()`'s answer (epochs are numbers: far below 2^53).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProgressView {
    certificates_fetched: u64,
    certificates_checked: u64,
    certificates_verified: u64,
    pending_checks: u64,
    anchor_verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    current_epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checked_epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verified_epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    anchor_epoch: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fraction: Option<f64>,
}

impl From<Progress> for ProgressView {
    fn from(p: Progress) -> Self {
        ProgressView {
            certificates_fetched: p.certificates_fetched as u64,
            certificates_checked: p.certificates_checked as u64,
            certificates_verified: p.certificates_verified as u64,
            pending_checks: p.pending_checks as u64,
            anchor_verified: p.anchor_verified,
            current_epoch: p.current_epoch,
            start_epoch: p.start_epoch,
            checked_epoch: p.checked_epoch,
            verified_epoch: p.verified_epoch,
            anchor_epoch: p.anchor_epoch,
            fraction: p.fraction(),
        }
    }
}

impl Walk {
    /// Where check `id` is in the list.
    pub(super) fn find_check(&self, id: u32) -> Option<usize> {
        self.checks
            .binary_search_by(|c| c.index.cmp(&(id as usize)))
            .ok()
    }
}

/// Run an STM check job (`Walk.checkJob`'s bytes) with fresh randomness and return its
/// outcome's bytes for `Walk.completeCheck`: what a worker calls. Never throws; malformed job
/// bytes give an outcome that records an `internal_error`.
#[wasm_bindgen(js_name = runCheckJob)]
pub fn run_check_job(job: &[u8]) -> Vec<u8> {
    super::fault::inject(job);
    crate::certificate::run_check_job(job)
}

/// Check a genesis verification key (JSON-hex or raw hex); returns its raw hex. Throws an
/// error with `code` `invalid_genesis_key` otherwise.
#[wasm_bindgen(js_name = decodeGenesisKey)]
pub fn decode_genesis_key(text: &str) -> Result<String, JsValue> {
    GenesisVerificationKey::decode(text)
        .map(|k| k.to_hex())
        .map_err(|e| convert::error(&e))
}

/// The default limits, every one the core has: `WalkConfig`'s fields (`maxChainLength`,
/// `maxCertificateBytes`, `pairingBatch`, `maxSignaturesPerCertificate`,
/// `maxIndicesPerCertificate`, `maxIndicesPerSignature`), `maxCheckpoints` (how many trust
/// checkpoints a store keeps, `chain::trust::DEFAULT_MAX_CHECKPOINTS`) and `maxProofBytes`
/// (the largest proof or artifact body, `proofs::MAX_BODY_BYTES`) and `maxListBytes` (the largest
/// certificate list, `certificate::MAX_LIST_BYTES`).
#[wasm_bindgen(js_name = defaultLimits)]
pub fn default_limits() -> JsValue {
    let d = WalkConfig::default();
    convert::to_js(&LimitsView {
        max_chain_length: d.max_chain_length as u64,
        max_certificate_bytes: d.max_certificate_bytes as u64,
        pairing_batch: d.pairing_batch as u64,
        max_signatures_per_certificate: d.max_signatures_per_certificate as u64,
        max_indices_per_certificate: d.max_indices_per_certificate as u64,
        max_indices_per_signature: d.max_indices_per_signature as u64,
        max_checkpoints: DEFAULT_MAX_CHECKPOINTS as u64,
        max_proof_bytes: crate::proofs::MAX_BODY_BYTES as u64,
        max_list_bytes: crate::certificate::MAX_LIST_BYTES as u64,
    })
}

/// `defaultLimits()`'s answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LimitsView {
    max_chain_length: u64,
    max_certificate_bytes: u64,
    pairing_batch: u64,
    max_signatures_per_certificate: u64,
    max_indices_per_certificate: u64,
    max_indices_per_signature: u64,
    max_checkpoints: u64,
    max_proof_bytes: u64,
    max_list_bytes: u64,
}

/// `{kind, hash?, result?, error?}`: `step()`'s answer. The result (already a JS object) and
/// the error (a real `Error`) pass through as they are.
#[derive(Serialize)]
struct StepView {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<String>,
    #[serde(
        skip_serializing_if = "JsValue::is_undefined",
        serialize_with = "serde_wasm_bindgen::preserve::serialize"
    )]
    result: JsValue,
    #[serde(
        skip_serializing_if = "JsValue::is_undefined",
        serialize_with = "serde_wasm_bindgen::preserve::serialize"
    )]
    error: JsValue,
}

impl StepView {
    fn new(kind: &'static str) -> Self {
        StepView {
            kind,
            hash: None,
            result: JsValue::UNDEFINED,
            error: JsValue::UNDEFINED,
        }
    }

    fn hash(self, hash: String) -> Self {
        StepView {
            hash: Some(hash),
            ..self
        }
    }

    fn result(self, result: JsValue) -> Self {
        StepView { result, ..self }
    }

    fn error(self, error: JsValue) -> Self {
        StepView { error, ..self }
    }
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    String::from(env!("CARGO_PKG_VERSION"))
}
