//! The protocol message: the parts a certificate signs, and their hash (`signed_message`).

use alloc::string::String;
use sha2::{Digest, Sha256};

use serde::Deserialize;

use crate::codec::hex;
use crate::codec::sorted::SortedMap;

/// A protocol-message part key. The derived order is the declaration order, which is the order
/// in which the reference hashes the parts (not alphabetical). On the wire a key is its name
/// (`snake_case`); an unknown name is refused, as the reference's enum key refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKey {
    /// `snapshot_digest`
    SnapshotDigest,
    /// `cardano_transactions_merkle_root`
    CardanoTransactionsMerkleRoot,
    /// `cardano_blocks_transactions_merkle_root`
    CardanoBlocksTransactionsMerkleRoot,
    /// `next_aggregate_verification_key`
    NextAggregateVerificationKey,
    /// `next_protocol_parameters`
    NextProtocolParameters,
    /// `current_epoch`
    CurrentEpoch,
    /// `latest_block_number`
    LatestBlockNumber,
    /// `cardano_blocks_transactions_block_number_offset`
    CardanoBlocksTransactionsBlockNumberOffset,
    /// `cardano_stake_distribution_epoch`
    CardanoStakeDistributionEpoch,
    /// `cardano_stake_distribution_merkle_root`
    CardanoStakeDistributionMerkleRoot,
    /// `cardano_database_merkle_root`
    CardanoDatabaseMerkleRoot,
    /// `next_aggregate_verification_key_snark`
    NextAggregateVerificationKeySnark,
}

impl PartKey {
    /// Every key, in hashing order.
    pub const ALL: [PartKey; 12] = [
        PartKey::SnapshotDigest,
        PartKey::CardanoTransactionsMerkleRoot,
        PartKey::CardanoBlocksTransactionsMerkleRoot,
        PartKey::NextAggregateVerificationKey,
        PartKey::NextProtocolParameters,
        PartKey::CurrentEpoch,
        PartKey::LatestBlockNumber,
        PartKey::CardanoBlocksTransactionsBlockNumberOffset,
        PartKey::CardanoStakeDistributionEpoch,
        PartKey::CardanoStakeDistributionMerkleRoot,
        PartKey::CardanoDatabaseMerkleRoot,
        PartKey::NextAggregateVerificationKeySnark,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartKey::SnapshotDigest => "snapshot_digest",
            PartKey::CardanoTransactionsMerkleRoot => "cardano_transactions_merkle_root",
            PartKey::CardanoBlocksTransactionsMerkleRoot => {
                "cardano_blocks_transactions_merkle_root"
            }
            PartKey::NextAggregateVerificationKey => "next_aggregate_verification_key",
            PartKey::NextProtocolParameters => "next_protocol_parameters",
            PartKey::CurrentEpoch => "current_epoch",
            PartKey::LatestBlockNumber => "latest_block_number",
            PartKey::CardanoBlocksTransactionsBlockNumberOffset => {
                "cardano_blocks_transactions_block_number_offset"
            }
            PartKey::CardanoStakeDistributionEpoch => "cardano_stake_distribution_epoch",
            PartKey::CardanoStakeDistributionMerkleRoot => "cardano_stake_distribution_merkle_root",
            PartKey::CardanoDatabaseMerkleRoot => "cardano_database_merkle_root",
            PartKey::NextAggregateVerificationKeySnark => "next_aggregate_verification_key_snark",
        }
    }

    /// The key with this wire name, if it is one.
    pub fn from_name(name: &str) -> Option<PartKey> {
        PartKey::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// How the message is hashed (`"legacy"` or `"rigid"` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashScheme {
    /// SHA-256 over `key || value` for each part, in key order.
    #[default]
    Legacy,
    /// The SNARK-era scheme (not supported by this verifier).
    Rigid,
}

/// A protocol message: its parts in hashing order.
///
/// Read as the reference's `ProtocolMessage`: `message_parts` a map from part key to string (a
/// repeated key keeps its last value, as a map does), `hash_scheme` defaulting to legacy.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ProtocolMessage {
    /// Parts by key; iteration follows the hashing order.
    #[serde(rename = "message_parts")]
    pub parts: SortedMap<PartKey, String>,
    /// Hash scheme.
    #[serde(default)]
    pub hash_scheme: HashScheme,
}

impl ProtocolMessage {
    /// Value of a part.
    pub fn get(&self, key: PartKey) -> Option<&str> {
        self.parts.get(&key).map(String::as_str)
    }

    /// Set a part (the light-wallet flow overwrites artifact parts, then re-hashes).
    pub fn set(&mut self, key: PartKey, value: String) {
        self.parts.insert(key, value);
    }

    /// Legacy hash, hex: SHA-256 over `key || value` of each part in key order.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        for (k, v) in &self.parts {
            h.update(k.as_str().as_bytes());
            h.update(v.as_bytes());
        }
        hex::encode(&h.finalize())
    }

    /// Parts as a compact JSON object (for reports), in hashing order.
    pub fn parts_json(&self) -> String {
        let mut out = String::from("{");
        for (i, (k, v)) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(k.as_str());
            out.push_str("\":");
            // Values are hex, digits or JSON-hex: escape the few characters JSON requires.
            out.push('"');
            for c in v.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => out.push_str(&alloc::format!("\\u{:04x}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        out.push('}');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<ProtocolMessage, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn hashes_in_declaration_order() {
        let m = parse(r#"{"message_parts":{"current_epoch":"5","snapshot_digest":"d"}}"#).unwrap();
        let mut h = Sha256::new();
        h.update(b"snapshot_digestdcurrent_epoch5");
        assert_eq!(m.hash(), hex::encode(&h.finalize()));
        assert_eq!(
            m.parts_json(),
            r#"{"snapshot_digest":"d","current_epoch":"5"}"#
        );
    }

    #[test]
    fn refuses_unknown_keys_and_schemes() {
        assert!(parse(r#"{"message_parts":{"surprise":"1"}}"#).is_err());
        assert!(parse(r#"{"message_parts":{},"hash_scheme":"other"}"#).is_err());
        assert_eq!(
            parse(r#"{"message_parts":{},"hash_scheme":"rigid"}"#)
                .unwrap()
                .hash_scheme,
            HashScheme::Rigid
        );
        assert_eq!(
            parse(r#"{"message_parts":{}}"#).unwrap().hash_scheme,
            HashScheme::Legacy
        );
        // A derived unit enum also reads as `{"variant": null}` in serde_json, as the
        // reference's `ProtocolMessageHashScheme` does; `null` alone is refused.
        assert_eq!(
            parse(r#"{"message_parts":{},"hash_scheme":{"rigid":null}}"#)
                .unwrap()
                .hash_scheme,
            HashScheme::Rigid
        );
        assert!(parse(r#"{"message_parts":{},"hash_scheme":null}"#).is_err());
        // A repeated part keeps its last value, as the reference's map.
        assert_eq!(
            parse(r#"{"message_parts":{"current_epoch":"1","current_epoch":"2"}}"#)
                .unwrap()
                .get(PartKey::CurrentEpoch),
            Some("2")
        );
    }
}
