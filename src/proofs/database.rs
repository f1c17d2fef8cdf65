//! Cardano database (v2) artifacts checked against their certificates (signed entity
//! `CardanoDatabase{epoch, immutable_file_number}`).
//!
//! The certificate signs `cardano_database_merkle_root`: the mountain-range root over the
//! immutable files' SHA-256 digests (the ASCII of their hex), ordered by file name. The
//! artifact names that root and its beacon; the digests themselves are a separate download
//! (`/artifact/cardano-database/digests`). Without them the content cannot be checked offline,
//! which the result says as a distinct outcome.

use alloc::string::String;
use alloc::vec::Vec;

use serde::Deserialize;

use super::binding::{check_certificate_hash, check_signed_entity, check_signed_parts, parse_body};
use super::error::ProofError;
use super::json::Timestamp;
use super::mmr::mmr_root;
use crate::certificate::{PartKey, SignedEntityType};
use crate::chain::VerifiedCertificate;
use crate::codec::hex;
use crate::codec::sorted::sort_by;

/// The digest of one immutable file, as the digests list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmutableFileDigest {
    /// File name, e.g. `00042.chunk`.
    pub immutable_file_name: String,
    /// Hex SHA-256 of the file.
    pub digest: String,
}

/// `CardanoDatabaseDigestListItemMessage`.
#[derive(Deserialize)]
struct WireDigest {
    immutable_file_name: String,
    digest: String,
}

/// Parse a digests list (`[{"immutable_file_name": .., "digest": ..}, ..]`, the reference's
/// `CardanoDatabaseDigestListMessage`).
pub fn parse_digests(body: &[u8]) -> Result<Vec<ImmutableFileDigest>, ProofError> {
    let list: Vec<WireDigest> = parse_body("immutable file digests", body)?;
    Ok(list
        .into_iter()
        .map(|d| ImmutableFileDigest {
            immutable_file_name: d.immutable_file_name,
            digest: d.digest,
        })
        .collect())
}

/// The database root: the mountain range over the digests ordered by file name. Refuses a
/// file listed twice and an empty list.
pub fn cardano_database_root(digests: &[ImmutableFileDigest]) -> Result<Vec<u8>, ProofError> {
    // By name, and by position among equal names: the file reported as listed twice is the
    // first one, in list order, whose name came before.
    let mut by_name: Vec<(&str, usize)> = digests
        .iter()
        .enumerate()
        .map(|(i, d)| (d.immutable_file_name.as_str(), i))
        .collect();
    sort_by(&mut by_name, |a, b| a < b);
    let repeated = by_name
        .windows(2)
        .filter_map(|w| match w {
            [(a, _), (b, i)] if a == b => Some(*i),
            _ => None,
        })
        .min();
    if let Some(d) = repeated.and_then(|i| digests.get(i)) {
        return Err(ProofError::malformed(
            "immutable file digests",
            alloc::format!("{} is listed twice", d.immutable_file_name),
        ));
    }
    mmr_root(
        by_name
            .iter()
            .filter_map(|(_, i)| digests.get(*i))
            .map(|d| d.digest.as_str()),
    )
    .ok_or_else(|| ProofError::malformed("immutable file digests", "the list is empty"))
}

/// What could be checked of the database content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestsCheck {
    /// The digests were given and their root is the signed one: each file can now be checked
    /// against its digest.
    Verified {
        /// Number of immutable files covered.
        immutable_files: usize,
    },
    /// The artifact carries only download locations for the digests: the signed root cannot
    /// be recomputed offline (download the digests and check them with
    /// [`verify_cardano_database`] or [`verify_database_digests`]).
    NotIncluded,
}

/// A Cardano database artifact certified by its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedCardanoDatabase {
    /// The artifact's hash.
    pub hash: String,
    /// The certificate.
    pub certificate_hash: String,
    /// Hex of the signed Merkle root.
    pub merkle_root: String,
    /// Beacon epoch.
    pub epoch: u64,
    /// Beacon immutable file number.
    pub immutable_file_number: u64,
    /// Whether the content digests were checked.
    pub digests: DigestsCheck,
}

/// `CardanoDatabaseSnapshotMessage`, the artifact. Every member the reference requires is
/// read (and refused when the reference refuses it); only the checked ones are used.
#[derive(Deserialize)]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
struct WireCardanoDatabase {
    hash: String,
    merkle_root: String,
    network: String,
    beacon: WireBeacon,
    certificate_hash: String,
    total_db_size_uncompressed: u64,
    digests: WireLocations<DigestLocation>,
    immutables: WireImmutables,
    ancillary: WireLocations<AncillaryLocation>,
    cardano_node_version: String,
    created_at: Timestamp,
}

/// `CardanoDbBeacon`.
#[derive(Deserialize)]
struct WireBeacon {
    epoch: u64,
    immutable_file_number: u64,
}

/// `DigestsMessagePart` and `AncillaryMessagePart`: a size and download locations.
#[derive(Deserialize)]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
struct WireLocations<L> {
    size_uncompressed: u64,
    locations: Vec<L>,
}

/// `ImmutablesMessagePart`.
#[derive(Deserialize)]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
struct WireImmutables {
    average_size_uncompressed: u64,
    locations: Vec<ImmutablesLocation>,
}

/// `CompressionAlgorithm`: only `"zstandard"` exists.
#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum CompressionAlgorithm {
    Zstandard,
}

/// `DigestLocation`, tagged by `type`; an unknown type is accepted as `Unknown`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
enum DigestLocation {
    CloudStorage {
        uri: String,
        compression_algorithm: Option<CompressionAlgorithm>,
    },
    Aggregator {
        uri: String,
    },
    #[serde(other)]
    Unknown,
}

/// `MultiFilesUri`: `{"Template": "..."}`.
#[derive(Deserialize)]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
enum MultiFilesUri {
    Template(String),
}

/// `ImmutablesLocation`, tagged by `type`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
enum ImmutablesLocation {
    Ipfs {
        uri: MultiFilesUri,
        compression_algorithm: Option<CompressionAlgorithm>,
    },
    CloudStorage {
        uri: MultiFilesUri,
        compression_algorithm: Option<CompressionAlgorithm>,
    },
    #[serde(other)]
    Unknown,
}

/// `AncillaryLocation`, tagged by `type`.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[allow(dead_code)] // read to accept and refuse as the reference does, not used
enum AncillaryLocation {
    CloudStorage {
        uri: String,
        compression_algorithm: Option<CompressionAlgorithm>,
    },
    #[serde(other)]
    Unknown,
}

/// Check that `digests` lead to the database root `certificate` signs; returns the root's hex.
pub fn verify_database_digests(
    digests: &[ImmutableFileDigest],
    certificate: &VerifiedCertificate,
) -> Result<String, ProofError> {
    let root = hex::encode(&cardano_database_root(digests)?);
    check_signed_parts(
        certificate,
        &[(PartKey::CardanoDatabaseMerkleRoot, root.clone())],
    )?;
    Ok(root)
}

/// Check a Cardano database artifact (`/artifact/cardano-database/{hash}`) against the
/// certificate it names: same certificate, its beacon is the signed entity, its Merkle root
/// is the signed one, and, when `digests` are given, they lead to that root.
pub fn verify_cardano_database(
    body: &[u8],
    certificate: &VerifiedCertificate,
    digests: Option<&[ImmutableFileDigest]>,
) -> Result<CertifiedCardanoDatabase, ProofError> {
    let wire: WireCardanoDatabase = parse_body("cardano database", body)?;
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_signed_entity(
        certificate,
        &SignedEntityType::CardanoDatabase {
            epoch: wire.beacon.epoch,
            immutable_file_number: wire.beacon.immutable_file_number,
        },
    )?;
    check_signed_parts(
        certificate,
        &[(PartKey::CardanoDatabaseMerkleRoot, wire.merkle_root.clone())],
    )?;
    let digests = match digests {
        None => DigestsCheck::NotIncluded,
        Some(list) => {
            verify_database_digests(list, certificate)?;
            DigestsCheck::Verified {
                immutable_files: list.len(),
            }
        }
    };
    Ok(CertifiedCardanoDatabase {
        hash: wire.hash,
        certificate_hash: wire.certificate_hash,
        merkle_root: wire.merkle_root,
        epoch: wire.beacon.epoch,
        immutable_file_number: wire.beacon.immutable_file_number,
        digests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn d(name: &str, digest: &str) -> ImmutableFileDigest {
        ImmutableFileDigest {
            immutable_file_name: name.into(),
            digest: digest.into(),
        }
    }

    #[test]
    fn root_orders_by_file_name() {
        let list = vec![
            d("00002.chunk", "bb"),
            d("00001.primary", "aa"),
            d("00001.chunk", "cc"),
        ];
        assert_eq!(
            cardano_database_root(&list).unwrap(),
            mmr_root(["cc", "aa", "bb"]).unwrap()
        );
        let dup = vec![d("00001.chunk", "aa"), d("00001.chunk", "aa")];
        assert_eq!(
            cardano_database_root(&dup).unwrap_err().code(),
            "proof_malformed"
        );
        assert!(cardano_database_root(&[]).is_err());
        // Two names repeated: the one reported is the first seen again in list order.
        let dups = vec![
            d("00003.chunk", "aa"),
            d("00002.chunk", "bb"),
            d("00001.chunk", "cc"),
            d("00002.chunk", "bb"),
            d("00001.chunk", "cc"),
            d("00003.chunk", "aa"),
        ];
        let e = cardano_database_root(&dups).unwrap_err().to_string();
        assert!(e.contains("00002.chunk is listed twice"), "{e}");
        let parsed =
            parse_digests(br#"[{"immutable_file_name":"00001.chunk","digest":"cc"}]"#).unwrap();
        assert_eq!(parsed, vec![d("00001.chunk", "cc")]);
    }
}
