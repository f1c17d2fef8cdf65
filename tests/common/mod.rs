//! Helpers shared by the integration tests: drive a walk over a fixture directory.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{ChainWalk, Step, VerifiedChain, WalkConfig};
use mithril_lite::Error;

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// A fixture directory: hash -> exact certificate JSON text, genesis key, latest hash.
pub struct ChainDir {
    pub certificates: HashMap<String, String>,
    pub genesis_key: String,
    pub latest: Option<String>,
}

impl ChainDir {
    pub fn load(dir: &Path) -> ChainDir {
        let text = std::fs::read_to_string(dir.join("certificates.json")).unwrap();
        // Keep each certificate's exact JSON text (stakes exceed 2^53).
        let map: HashMap<String, Box<serde_json::value::RawValue>> =
            serde_json::from_str(&text).unwrap();
        let certificates = map
            .into_iter()
            .map(|(k, v)| (k, v.get().to_string()))
            .collect();
        let genesis_key = std::fs::read_to_string(dir.join("genesis.vkey")).unwrap();
        let latest = std::fs::read_to_string(dir.join("latest"))
            .ok()
            .map(|s| s.trim().to_string());
        ChainDir {
            certificates,
            genesis_key,
            latest,
        }
    }

    pub fn walk(&self, hash: &str) -> Result<VerifiedChain, Error> {
        let key = GenesisVerificationKey::decode(&self.genesis_key)?;
        let mut walk = ChainWalk::new(hash, key, WalkConfig::default());
        loop {
            match walk.step() {
                Step::Fetch(h) => match self.certificates.get(&h) {
                    Some(body) => walk.feed_and_verify(&h, body.as_bytes()),
                    None => walk.fetch_failed(&h, "certificate not found"),
                },
                Step::AwaitVerification => panic!("inline verification leaves nothing pending"),
                Step::Done(result) => return result,
            }
        }
    }
}
