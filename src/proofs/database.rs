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

use super::certificate_binding::{
    check_certificate_hash, check_signed_entity, check_signed_parts, fields, parse_body,
};
use super::error::ProofError;
use super::mmr::mmr_root;
use crate::certificate::{PartKey, SignedEntityType};
use crate::chain::VerifiedCertificate;
use crate::codec::hex;
use crate::codec::json::{Fields, JsonReader, JsonResult};
use crate::codec::sorted::sort_by;

/// The digest of one immutable file, as the digests list gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmutableFileDigest {
    /// File name, e.g. `00042.chunk`.
    pub immutable_file_name: String,
    /// Hex SHA-256 of the file.
    pub digest: String,
}

/// Parse a digests list (`[{"immutable_file_name": .., "digest": ..}, ..]`).
pub fn parse_digests(body: &[u8]) -> Result<Vec<ImmutableFileDigest>, ProofError> {
    parse_body("immutable file digests", body, |r| {
        r.vec(&mut |r| {
            let mut d = ImmutableFileDigest {
                immutable_file_name: String::new(),
                digest: String::new(),
            };
            r.record(&DIGEST, &mut |r, i| {
                let v = r.string()?;
                if i == 0 {
                    d.immutable_file_name = v;
                } else {
                    d.digest = v;
                }
                Ok(())
            })?;
            Ok(d)
        })
    })
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

const DIGEST: Fields = fields(&["immutable_file_name", "digest"]);
const BEACON: Fields = fields(&["epoch", "immutable_file_number"]);
const DATABASE: Fields = fields(&["hash", "merkle_root", "beacon", "certificate_hash"]);

/// The fields of the artifact that are checked.
#[derive(Default)]
struct WireCardanoDatabase {
    hash: String,
    merkle_root: String,
    epoch: u64,
    immutable_file_number: u64,
    certificate_hash: String,
}

fn read_database(r: &mut JsonReader<'_>) -> JsonResult<WireCardanoDatabase> {
    let mut w = WireCardanoDatabase::default();
    r.record(&DATABASE, &mut |r, i| {
        match i {
            0 => w.hash = r.string()?,
            1 => w.merkle_root = r.string()?,
            2 => r.record(&BEACON, &mut |r, i| {
                let v = r.u64()?;
                if i == 0 {
                    w.epoch = v;
                } else {
                    w.immutable_file_number = v;
                }
                Ok(())
            })?,
            _ => w.certificate_hash = r.string()?,
        }
        Ok(())
    })?;
    Ok(w)
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
    let wire = parse_body("cardano database", body, read_database)?;
    check_certificate_hash(&wire.certificate_hash, certificate)?;
    check_signed_entity(
        certificate,
        &SignedEntityType::CardanoDatabase {
            epoch: wire.epoch,
            immutable_file_number: wire.immutable_file_number,
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
        epoch: wire.epoch,
        immutable_file_number: wire.immutable_file_number,
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
