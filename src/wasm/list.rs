//! `newestListedHash`: the hash a walk of the newest certificate starts from, read from the
//! aggregator's `/certificates` body by the core (`certificate::newest_hash`), so the package
//! keeps no list rules (size bound, format, what a hash is) of its own.

use alloc::string::{String, ToString};
use wasm_bindgen::prelude::*;

use super::convert;
use crate::certificate::{newest_hash, ListFault};

/// The newest certificate's hash in a `/certificates` body. Throws an error whose `code` is the
/// package's `AggregatorError` code for it: `certificate_list_empty` when nothing is listed,
/// `certificate_list_malformed` otherwise (over `certificate::MAX_LIST_BYTES`, not a list of
/// entries with a `hash`, or a newest hash that is not 64 hex digits); the message says which.
#[wasm_bindgen(js_name = newestListedHash)]
pub fn newest_listed_hash(body: &[u8]) -> Result<String, JsValue> {
    newest_hash(body).map_err(|fault| {
        let code = match fault {
            ListFault::Empty => "certificate_list_empty",
            _ => "certificate_list_malformed",
        };
        convert::usage_error(code, &fault.to_string())
    })
}
