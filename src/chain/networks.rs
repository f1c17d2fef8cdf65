//! The public Mithril networks a wallet verifies against: each one's genesis verification key
//! (the trust root of every chain walk) and its aggregator's address.
//!
//! The keys are the published ones (Mithril's infrastructure configuration,
//! `tests/fixtures/networks.json` keeps the copy the tests compare this table with). A key
//! given explicitly by a host always wins over a preset; hosts say which one they used.

use crate::certificate::GenesisVerificationKey;
use crate::Error;

/// A public Mithril network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    /// Short name (`mainnet`, `preprod`, `preview`).
    pub name: &'static str,
    /// The name Mithril's configuration uses (`release-mainnet`, ...).
    pub mithril_name: &'static str,
    /// Genesis verification key, raw hex of its 32 bytes.
    pub genesis_verification_key: &'static str,
    /// Base URL of the network's aggregator API (`{aggregator}/certificate/{hash}`).
    pub aggregator: &'static str,
}

impl Network {
    /// The genesis key, decoded (the tests decode every entry of the table).
    pub fn genesis_key(&self) -> Result<GenesisVerificationKey, Error> {
        GenesisVerificationKey::decode(self.genesis_verification_key)
    }
}

/// Every network this library knows, mainnet first.
pub const NETWORKS: &[Network] = &[
    Network {
        name: "mainnet",
        mithril_name: "release-mainnet",
        genesis_verification_key:
            "bf428cb98a0bedcffa901b02bc1e0c519bcc0ab34b178ac4d9050e14394f27b0",
        aggregator: "https://aggregator.release-mainnet.api.mithril.network/aggregator",
    },
    Network {
        name: "preprod",
        mithril_name: "release-preprod",
        genesis_verification_key:
            "7f497ca1068983d5cf75c655b0c7a2f1447b77910de8f331e502f9cdcd27eb2c",
        aggregator: "https://aggregator.release-preprod.api.mithril.network/aggregator",
    },
    Network {
        name: "preview",
        mithril_name: "pre-release-preview",
        // The same key as preprod: the preview network's chain starts from preprod's genesis
        // key (Mithril's configuration).
        genesis_verification_key:
            "7f497ca1068983d5cf75c655b0c7a2f1447b77910de8f331e502f9cdcd27eb2c",
        aggregator: "https://aggregator.pre-release-preview.api.mithril.network/aggregator",
    },
];

/// The network called `name` (short or Mithril name, ASCII case ignored).
pub fn network(name: &str) -> Option<&'static Network> {
    NETWORKS
        .iter()
        .find(|n| n.name.eq_ignore_ascii_case(name) || n.mithril_name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_matches_the_published_keys() {
        let published: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/networks.json")).unwrap();
        for n in NETWORKS {
            let entry = &published[n.mithril_name];
            assert_eq!(
                entry["genesis_vkey_raw_hex"].as_str(),
                Some(n.genesis_verification_key),
                "{}",
                n.name
            );
            assert_eq!(entry["aggregator"].as_str(), Some(n.aggregator));
            // The JSON-hex spelling (the genesis.vkey file) decodes to the same key.
            let json_hex = entry["genesis_vkey_json_hex"].as_str().unwrap();
            assert_eq!(
                GenesisVerificationKey::decode(json_hex).unwrap().to_hex(),
                n.genesis_key().unwrap().to_hex()
            );
            assert_eq!(network(n.name), Some(n));
            assert_eq!(network(&n.mithril_name.to_ascii_uppercase()), Some(n));
        }
        assert_eq!(network("devnet-test"), None);
        assert_eq!(network(""), None);
    }
}
