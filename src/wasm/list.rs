//! `listHashes`: the certificate list a walk of the newest certificate starts from, read by the
//! core (`certificate::list_hashes`) instead of a JSON scanner in JavaScript.

use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;

/// The `hash` of every entry of an aggregator's `/certificates` body (newest first), or
/// `undefined` when the body is not such a list (or is over `certificate::MAX_LIST_BYTES`).
#[wasm_bindgen(js_name = listHashes)]
pub fn list_hashes(body: &[u8]) -> Option<Vec<String>> {
    crate::certificate::list_hashes(body)
}
