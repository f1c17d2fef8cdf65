//! Helpers shared by the integration tests: drive a walk over a fixture directory.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{ChainWalk, VerifiedChain, WalkConfig};
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
        ChainWalk::new(hash, key, WalkConfig::default())
            .run(|h| self.certificates.get(h).ok_or("certificate not found"))
    }
}

/// A devnet fixture file mapping keys to bodies: (key, exact JSON text of the body), in key
/// order (the text is kept: stakes and block numbers exceed 2^53).
pub fn devnet_bodies(file: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture(&format!("devnet/{file}"))).unwrap();
    let map: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

/// splitmix64 from a fixed seed: random test inputs that are the same on every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform (up to modulo bias) in `0..n`, `n > 0`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform (up to modulo bias) in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo) as u64 + 1)) as i64
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
