//! mithril-lite's STM verification alone, exported to JavaScript for the node benchmark
//! (`benches/wasm/bench.mjs`): the same text inputs and the same steps as the reference side's
//! `verifyStm` (benches/wasm/reference), through the library's public API only.
//!
//! Benchmark-only: the library's own wasm binding (feature `wasm`) exports the chain walk.

use mithril_lite::codec::hex;
use mithril_lite::stm::{
    verify_aggregate_random, AggregateSignature, AggregateVerificationKey, Parameters,
};
use wasm_bindgen::prelude::*;

mod floor;
pub use floor::Floor;

fn js_error(what: &str, detail: impl core::fmt::Display) -> JsError {
    JsError::new(&format!("{what}: {detail}"))
}

/// `{"m":..,"k":..,"phi_f":..}` with serde_json and the library's `Deserialize`, as the
/// library reads its wire types.
fn read_params(params_json: &str) -> Result<Parameters, JsError> {
    serde_json::from_str(params_json).map_err(|e| js_error("params", e))
}

/// Decoded STM inputs, to time the verification apart from the decoding.
#[wasm_bindgen]
pub struct DecodedStm {
    params: Parameters,
    msg: Vec<u8>,
    avk: AggregateVerificationKey,
    signature: AggregateSignature,
}

#[wasm_bindgen]
impl DecodedStm {
    /// Decode the inputs of [`verify_stm`] (with every point's subgroup check).
    #[wasm_bindgen(constructor)]
    pub fn new(
        params_json: &str,
        msg_hex: &str,
        avk_json_hex: &str,
        aggregate_json_hex: &str,
    ) -> Result<DecodedStm, JsError> {
        let params = read_params(params_json)?;
        let msg =
            hex::decode(msg_hex.as_bytes()).ok_or_else(|| js_error("message hex", "invalid"))?;
        let (avk, _) =
            AggregateVerificationKey::decode(avk_json_hex).map_err(|e| js_error("AVK", e))?;
        let (signature, _) =
            AggregateSignature::decode(aggregate_json_hex).map_err(|e| js_error("aggregate", e))?;
        Ok(DecodedStm {
            params,
            msg,
            avk,
            signature,
        })
    }

    /// Verify the decoded aggregate (fresh random scalars each time). Throws unless it verifies.
    pub fn verify(&self) -> Result<(), JsError> {
        verify_aggregate_random(&self.msg, &self.avk, &self.params, &self.signature)
            .map_err(|e| js_error("mithril-lite verify", e))
    }
}

/// Decode and verify a concatenation aggregate with mithril-lite.
///
/// `params_json`: `{"m":..,"k":..,"phi_f":..}`; `msg_hex`: the signed message; `avk_json_hex` and
/// `aggregate_json_hex`: the JSON-hex forms a certificate carries. Throws unless it verifies.
#[wasm_bindgen(js_name = verifyStm)]
pub fn verify_stm(
    params_json: &str,
    msg_hex: &str,
    avk_json_hex: &str,
    aggregate_json_hex: &str,
) -> Result<(), JsError> {
    let params = read_params(params_json)?;
    let msg = hex::decode(msg_hex.as_bytes()).ok_or_else(|| js_error("message hex", "invalid"))?;
    let (avk, _) =
        AggregateVerificationKey::decode(avk_json_hex).map_err(|e| js_error("AVK", e))?;
    let (signature, _) =
        AggregateSignature::decode(aggregate_json_hex).map_err(|e| js_error("aggregate", e))?;
    verify_aggregate_random(&msg, &avk, &params, &signature)
        .map_err(|e| js_error("mithril-lite verify", e))
}
