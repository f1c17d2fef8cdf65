//! Trust checkpoints for JavaScript hosts: the core's bytes (`chain::trust`), so the npm
//! package's stores keep only bytes and the rules (format, validation, merge, eviction) stay in
//! the core. A walk's checkpoints come from the walk itself (`Walk.verifiedCheckpoints`), never
//! from values JavaScript builds.

use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

use super::convert;
use super::walk::Walk;
use crate::certificate::GenesisVerificationKey;
use crate::chain::{CheckpointError, Step, TrustCheckpoints};

/// A refused checkpoint set as a JS `Error` named "MithrilVerificationError", with `code` and
/// `numericCode` (the core's `checkpoint_*` codes).
fn checkpoint_error(e: &CheckpointError) -> JsValue {
    let err = js_sys::Error::new(&alloc::format!("{e}"));
    err.set_name("MithrilVerificationError");
    let _ = js_sys::Reflect::set(&err, &"code".into(), &JsValue::from_str(e.code()));
    let code = JsValue::from_f64(f64::from(e.numeric_code()));
    let _ = js_sys::Reflect::set(&err, &"numericCode".into(), &code);
    err.into()
}

/// The checkpoints stored in `bytes` for walks under `genesisKey` (JSON-hex or raw hex),
/// newest first: `[{hash, epoch}]`. Throws an error with `code` `checkpoint_malformed` (also
/// for corrupted bytes), `checkpoint_unsupported_version`, `checkpoint_genesis_key_mismatch`,
/// or `invalid_genesis_key`: such bytes must not be trusted.
#[wasm_bindgen(js_name = readCheckpoints)]
pub fn read_checkpoints(bytes: &[u8], genesis_key: &str) -> Result<js_sys::Array, JsValue> {
    let key = GenesisVerificationKey::decode(genesis_key).map_err(|e| convert::error(&e))?;
    let set = TrustCheckpoints::load(bytes, &key).map_err(|e| checkpoint_error(&e))?;
    // Built by hand: a serde view would add a serializer instantiation to the module.
    let list = js_sys::Array::new();
    for (hash, epoch) in set.newest_first() {
        let entry = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&entry, &"hash".into(), &JsValue::from_str(hash));
        // Epochs are far below 2^53: exact as numbers.
        let _ = js_sys::Reflect::set(&entry, &"epoch".into(), &JsValue::from_f64(epoch as f64));
        list.push(&entry);
    }
    Ok(list)
}

/// The bytes to store after a walk: `fresh` (a walk's `verifiedCheckpoints()`, or its
/// `pendingCheckpoints()`) merged into `stored` (what the store held, or `undefined`), keeping the newest `max`. Stored bytes
/// that do not load under `fresh`'s genesis key (corrupted, another key, not ours) are dropped,
/// never merged. Throws a `checkpoint_*` error if `fresh` itself does not decode.
#[wasm_bindgen(js_name = mergeCheckpoints)]
pub fn merge_checkpoints(
    stored: Option<Vec<u8>>,
    fresh: &[u8],
    max: u32,
) -> Result<Vec<u8>, JsValue> {
    let mut set = TrustCheckpoints::decode(fresh)
        .map_err(|e| checkpoint_error(&e))?
        .with_max(max as usize);
    if let Some(bytes) = stored {
        // Refused bytes are left out: the store is rewritten with the fresh chain alone.
        let _ = set.merge_bytes(&bytes);
    }
    Ok(set.encode())
}

#[wasm_bindgen]
impl Walk {
    /// Resume over the pending segments of stored checkpoint bytes (what the store holds for
    /// this walk's genesis key; see `chain::trust`), before the first `feed`. Bytes that do not
    /// load are not used (the store's reader reports them).
    #[wasm_bindgen(js_name = resumeFrom)]
    pub fn resume_from(&mut self, stored: &[u8]) {
        if let Ok(set) = TrustCheckpoints::load(stored, self.inner.genesis_key()) {
            self.inner
                .use_pending(set.pending_segments().iter().cloned());
        }
    }

    /// The walk's progress as checkpoint bytes holding only its pending segment, for
    /// `mergeCheckpoints` into the store, if a save is due `elapsedMs` after the last one (the
    /// core's cadence, `ChainWalk::pending_save_due`; `Infinity` when the walk is dropped:
    /// whatever it checked since). `undefined` when no save is due, the walk is over (commit
    /// `verifiedCheckpoints()` after a success) or nothing new is checked.
    #[wasm_bindgen(js_name = pendingCheckpoints)]
    pub fn pending_checkpoints(&mut self, elapsed_ms: f64) -> Option<Vec<u8>> {
        // Negative or NaN: no time passed (the cast saturates).
        if !self.inner.pending_save_due(elapsed_ms as u64) {
            return None;
        }
        let mut set = TrustCheckpoints::new(self.inner.genesis_key());
        self.inner.save_pending(&mut set).ok()?;
        (!set.pending_segments().is_empty()).then(|| set.encode())
    }

    /// Once `step()` said `done` without an error: every certificate of the verified chain as
    /// checkpoint bytes (under the walk's genesis key), for `mergeCheckpoints`. `undefined`
    /// before that, or when the walk failed.
    #[wasm_bindgen(js_name = verifiedCheckpoints)]
    pub fn verified_checkpoints(&self) -> Option<Vec<u8>> {
        let Step::Done(Ok(chain)) = self.inner.step() else {
            return None;
        };
        let key = self.inner.genesis_key();
        // Unbounded here: the store's bound applies when merging.
        let mut set = TrustCheckpoints::new(key).with_max(usize::MAX);
        set.add_chain(&chain, key).ok()?;
        Some(set.encode())
    }
}
