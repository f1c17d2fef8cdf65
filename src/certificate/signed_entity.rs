//! What a certificate certifies (`signed_entity_type`), and its contribution to the
//! certificate hash.

use alloc::string::String;
use sha2::{Digest, Sha256};

use serde::Deserialize;

/// The signed entity type. On the wire it is externally tagged, e.g.
/// `{"CardanoTransactions":[24,719]}`, and read as the reference's derived `SignedEntityType`
/// (with `CardanoImmutableFilesFull`, which the reference client refuses: it is a type
/// aggregators once signed, and historical certificates that sign it stay verifiable). An
/// unknown or discontinued type is read, as the reference reads it (its untagged
/// `SignedEntityTypeMessage`), and refused for a standard certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedEntityType {
    /// Mithril stake distribution of an epoch.
    MithrilStakeDistribution(u64),
    /// Cardano stake distribution of an epoch.
    CardanoStakeDistribution(u64),
    /// Full immutable-files snapshot (discontinued; still found in older chains).
    CardanoImmutableFilesFull {
        /// Epoch.
        epoch: u64,
        /// Last immutable file number.
        immutable_file_number: u64,
    },
    /// Cardano database (v2 snapshots).
    CardanoDatabase {
        /// Epoch.
        epoch: u64,
        /// Last immutable file number.
        immutable_file_number: u64,
    },
    /// Cardano transactions up to a block number.
    CardanoTransactions(u64, u64),
    /// Cardano blocks and transactions: epoch, block number, block-number offset.
    CardanoBlocksTransactions(u64, u64, u64),
}

/// The reference's derived `SignedEntityType`, variant for variant: epochs and block numbers are
/// newtypes of `u64` (read as the number), the two database beacons one struct
/// (`CardanoDbBeacon`, an object or the array of its fields).
///
/// Unlike the reference's, it has `CardanoImmutableFilesFull` with its beacon (historical
/// certificates that sign it stay verifiable).
#[derive(Deserialize)]
pub(crate) enum WireSignedEntityType {
    MithrilStakeDistribution(u64),
    CardanoStakeDistribution(u64),
    CardanoImmutableFilesFull(WireDbBeacon),
    CardanoDatabase(WireDbBeacon),
    CardanoTransactions(u64, u64),
    CardanoBlocksTransactions(u64, u64, u64),
}

/// The certificate's `signed_entity_type` field as the reference reads it
/// (`SignedEntityTypeMessage`): untagged, so serde buffers the whole value first (serde_json's
/// nesting limit and number ranges apply to all of it), then a known type, a discontinued one
/// (its beacon ignored) or anything else. Only a standard certificate needs a known type; a
/// genesis certificate's is not read at all (the reference takes
/// `MithrilStakeDistribution(epoch)` for it).
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum WireSignedEntityTypeMessage {
    Known(WireSignedEntityType),
    // Read for the buffering and the variant order only: what it holds is never used.
    #[allow(dead_code)]
    Discontinued(WireDiscontinued),
    #[allow(dead_code)]
    Unknown(serde::de::IgnoredAny),
}

/// The reference's `DiscontinuedEntityPayload`. `CardanoImmutableFilesFull` with a readable
/// beacon is already [`WireSignedEntityType`]'s (historical certificates stay verifiable).
#[derive(Deserialize)]
pub(crate) enum WireDiscontinued {
    #[allow(dead_code)]
    CardanoImmutableFilesFull(serde::de::IgnoredAny),
}

impl WireSignedEntityTypeMessage {
    /// The type, when it is one this verifier knows.
    pub(crate) fn known(self) -> Option<SignedEntityType> {
        match self {
            WireSignedEntityTypeMessage::Known(w) => Some(w.into()),
            _ => None,
        }
    }
}

/// `CardanoDbBeacon`.
#[derive(Deserialize)]
pub(crate) struct WireDbBeacon {
    epoch: u64,
    immutable_file_number: u64,
}

impl From<WireSignedEntityType> for SignedEntityType {
    fn from(w: WireSignedEntityType) -> Self {
        match w {
            WireSignedEntityType::MithrilStakeDistribution(e) => {
                SignedEntityType::MithrilStakeDistribution(e)
            }
            WireSignedEntityType::CardanoStakeDistribution(e) => {
                SignedEntityType::CardanoStakeDistribution(e)
            }
            WireSignedEntityType::CardanoImmutableFilesFull(b) => {
                SignedEntityType::CardanoImmutableFilesFull {
                    epoch: b.epoch,
                    immutable_file_number: b.immutable_file_number,
                }
            }
            WireSignedEntityType::CardanoDatabase(b) => SignedEntityType::CardanoDatabase {
                epoch: b.epoch,
                immutable_file_number: b.immutable_file_number,
            },
            WireSignedEntityType::CardanoTransactions(e, b) => {
                SignedEntityType::CardanoTransactions(e, b)
            }
            WireSignedEntityType::CardanoBlocksTransactions(e, b, o) => {
                SignedEntityType::CardanoBlocksTransactions(e, b, o)
            }
        }
    }
}

impl SignedEntityType {
    /// The variant's name, as on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            SignedEntityType::MithrilStakeDistribution(_) => "MithrilStakeDistribution",
            SignedEntityType::CardanoStakeDistribution(_) => "CardanoStakeDistribution",
            SignedEntityType::CardanoImmutableFilesFull { .. } => "CardanoImmutableFilesFull",
            SignedEntityType::CardanoDatabase { .. } => "CardanoDatabase",
            SignedEntityType::CardanoTransactions(..) => "CardanoTransactions",
            SignedEntityType::CardanoBlocksTransactions(..) => "CardanoBlocksTransactions",
        }
    }

    /// Feed the certificate hash: beacon integers big-endian; blocks-transactions is prefixed
    /// with its database index (5, u16) because it shares its beacon shape with others.
    pub fn feed_hash(&self, hasher: &mut Sha256) {
        match self {
            SignedEntityType::MithrilStakeDistribution(e)
            | SignedEntityType::CardanoStakeDistribution(e) => {
                hasher.update(e.to_be_bytes());
            }
            SignedEntityType::CardanoImmutableFilesFull {
                epoch,
                immutable_file_number,
            }
            | SignedEntityType::CardanoDatabase {
                epoch,
                immutable_file_number,
            } => {
                hasher.update(epoch.to_be_bytes());
                hasher.update(immutable_file_number.to_be_bytes());
            }
            SignedEntityType::CardanoTransactions(e, b) => {
                hasher.update(e.to_be_bytes());
                hasher.update(b.to_be_bytes());
            }
            SignedEntityType::CardanoBlocksTransactions(e, b, o) => {
                hasher.update(5u16.to_be_bytes());
                hasher.update(e.to_be_bytes());
                hasher.update(b.to_be_bytes());
                hasher.update(o.to_be_bytes());
            }
        }
    }

    /// Compact JSON, as on the wire (for reports).
    pub fn to_json(&self) -> String {
        use alloc::format;
        match self {
            SignedEntityType::MithrilStakeDistribution(e) | SignedEntityType::CardanoStakeDistribution(e) => {
                format!("{{\"{}\":{e}}}", self.name())
            }
            SignedEntityType::CardanoImmutableFilesFull { epoch, immutable_file_number }
            | SignedEntityType::CardanoDatabase { epoch, immutable_file_number } => format!(
                "{{\"{}\":{{\"epoch\":{epoch},\"immutable_file_number\":{immutable_file_number}}}}}",
                self.name()
            ),
            SignedEntityType::CardanoTransactions(e, b) => format!("{{\"{}\":[{e},{b}]}}", self.name()),
            SignedEntityType::CardanoBlocksTransactions(e, b, o) => {
                format!("{{\"{}\":[{e},{b},{o}]}}", self.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<SignedEntityType, serde_json::Error> {
        serde_json::from_str::<WireSignedEntityType>(json).map(SignedEntityType::from)
    }

    #[test]
    fn parses_every_wire_shape_and_prints_it_back() {
        for json in [
            r#"{"MithrilStakeDistribution":15}"#,
            r#"{"CardanoStakeDistribution":22}"#,
            r#"{"CardanoDatabase":{"epoch":20,"immutable_file_number":5}}"#,
            r#"{"CardanoImmutableFilesFull":{"epoch":20,"immutable_file_number":5}}"#,
            r#"{"CardanoTransactions":[24,719]}"#,
            r#"{"CardanoBlocksTransactions":[23,705,1]}"#,
        ] {
            let t = parse(json).unwrap();
            assert_eq!(t.to_json(), json);
        }
        for bad in [
            r#"{"Unknown":1}"#,
            r#""MithrilStakeDistribution""#,
            r#"{"MithrilStakeDistribution":-1}"#,
            r#"{"CardanoTransactions":[24]}"#,
            r#"{"CardanoTransactions":[24,719,1]}"#,
            r#"{"CardanoDatabase":{"epoch":20}}"#,
            r#"{"MithrilStakeDistribution":1,"CardanoStakeDistribution":1}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse(r#"{"CardanoDatabase":[20,5]}"#).unwrap(),
            SignedEntityType::CardanoDatabase {
                epoch: 20,
                immutable_file_number: 5
            }
        );
    }

    #[test]
    fn blocks_transactions_feed_has_the_database_index() {
        let mut a = Sha256::new();
        SignedEntityType::CardanoBlocksTransactions(1, 2, 3).feed_hash(&mut a);
        let mut b = Sha256::new();
        b.update([0u8, 5]);
        for v in [1u64, 2, 3] {
            b.update(v.to_be_bytes());
        }
        assert_eq!(a.finalize(), b.finalize());
    }
}
