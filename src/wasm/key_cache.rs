//! `KeyCache`: the core's per-epoch cache of validated signer keys, kept by a JavaScript
//! verifier across its walks (the warm path: a new certificate of a known epoch skips its
//! keys' decompression and subgroup checks).

use wasm_bindgen::prelude::*;

use super::convert;
use super::walk::Walk;
use crate::certificate::GenesisVerificationKey;
use crate::chain::KeyCache;

/// Validated signer keys under one genesis key. Give it to each walk before its first feed
/// (`walk.useKeyCache(cache)`), and take back what the walk validated once it is done
/// (`cache.absorb(walk)`). Bounded by the core (4 epochs of at most 4,096 keys).
#[wasm_bindgen(js_name = KeyCache)]
pub struct KeyCacheHandle {
    inner: KeyCache,
}

#[wasm_bindgen(js_class = KeyCache)]
impl KeyCacheHandle {
    /// An empty cache for walks under this genesis key (JSON-hex or raw hex). Throws an error
    /// with `code` `invalid_genesis_key` for a bad key.
    #[wasm_bindgen(constructor)]
    pub fn new(genesis_verification_key: &str) -> Result<KeyCacheHandle, JsValue> {
        let key = GenesisVerificationKey::decode(genesis_verification_key)
            .map_err(|e| convert::error(&e))?;
        Ok(KeyCacheHandle {
            inner: KeyCache::new(&key),
        })
    }

    /// Number of keys held.
    pub fn size(&self) -> u32 {
        self.inner.len() as u32
    }

    /// Take in the keys `walk` validated (the walk keeps none afterwards). A walk under
    /// another genesis key brings nothing.
    pub fn absorb(&mut self, walk: &mut Walk) {
        self.inner.absorb(walk.inner.take_key_cache());
    }
}

#[wasm_bindgen]
impl Walk {
    /// Start from the keys in `cache` (a copy; call before the first `feed`). A cache made
    /// under another genesis key is not used.
    #[wasm_bindgen(js_name = useKeyCache)]
    pub fn use_key_cache(&mut self, cache: &KeyCacheHandle) {
        self.inner.use_key_cache(cache.inner.clone());
    }
}
