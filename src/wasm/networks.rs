//! The core's table of public networks (`chain::NETWORKS`) for JavaScript: the package's
//! `networks()` and `CertificateVerifier.forNetwork` read it from here, so the keys exist once.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert;
use crate::chain::{network as find_network, Network, NETWORKS};

/// `{name, mithrilName, genesisVerificationKey, aggregator}`: one network as a plain object.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NetworkView {
    name: &'static str,
    mithril_name: &'static str,
    genesis_verification_key: &'static str,
    aggregator: &'static str,
}

impl From<&Network> for NetworkView {
    fn from(n: &Network) -> Self {
        NetworkView {
            name: n.name,
            mithril_name: n.mithril_name,
            genesis_verification_key: n.genesis_verification_key,
            aggregator: n.aggregator,
        }
    }
}

/// Every public network the library knows (mainnet first), as plain objects
/// `{name, mithrilName, genesisVerificationKey, aggregator}` (the key as raw hex).
#[wasm_bindgen]
pub fn networks() -> JsValue {
    let list: alloc::vec::Vec<NetworkView> = NETWORKS.iter().map(NetworkView::from).collect();
    convert::to_js(&list)
}

/// The network called `name` (short or Mithril name, ASCII case ignored), or `undefined`.
#[wasm_bindgen]
pub fn network(name: &str) -> JsValue {
    find_network(name).map_or(JsValue::UNDEFINED, |n| {
        convert::to_js(&NetworkView::from(n))
    })
}
