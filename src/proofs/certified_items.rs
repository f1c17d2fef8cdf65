//! What a transaction or block proof establishes once checked against its certificate, and
//! the selection of the items a wallet asked about.

use alloc::string::String;
use alloc::vec::Vec;

use super::error::ProofError;
use super::map_proof::MkMapProof;

/// Items proven by a proof body and certified by a verified certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertifiedItems<T> {
    /// The certificate that signs the proof's root.
    pub certificate_hash: String,
    /// Hex of the proof's root (the signed Merkle root).
    pub merkle_root: String,
    /// The requested items the proof certifies (all proven items when nothing was requested),
    /// in request order.
    pub certified: Vec<T>,
    /// The requested identifiers the proof does not certify (when nothing was requested: the
    /// aggregator's own `non_certified_*` list, which nothing can confirm).
    pub non_certified: Vec<String>,
    /// The latest block number the certificate covers.
    pub latest_block_number: u64,
    /// The certified block-number offset (the security parameter, v2 only): blocks up to
    /// `latest_block_number` are final once the chain tip reaches
    /// `latest_block_number + offset`.
    pub block_number_offset: Option<u64>,
}

/// Normalize a requested identifier (a hex hash): trimmed, lower case.
pub(crate) fn normalize_id(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// Split `requested` identifiers into the proven items they name and those not proven.
///
/// `proven` pairs each proven item with its identifier. With no request, every proven item is
/// certified and `aggregator_non_certified` is passed through.
pub(crate) fn select<T: Clone, S: AsRef<str>>(
    requested: &[S],
    proven: &[(String, T)],
    aggregator_non_certified: Vec<String>,
) -> (Vec<T>, Vec<String>) {
    if requested.is_empty() {
        return (
            proven.iter().map(|(_, item)| item.clone()).collect(),
            aggregator_non_certified,
        );
    }
    let mut certified = Vec::new();
    let mut non_certified = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for id in requested {
        let id = normalize_id(id.as_ref());
        if seen.contains(&id) {
            continue;
        }
        match proven.iter().find(|(proven_id, _)| *proven_id == id) {
            Some((_, item)) => certified.push(item.clone()),
            None => non_certified.push(id.clone()),
        }
        seen.push(id);
    }
    (certified, non_certified)
}

/// Verify `proof` and check that every item's leaf is one of its leaves.
pub(crate) fn verify_items<'a>(
    proof: &MkMapProof,
    items: impl IntoIterator<Item = (&'a str, Vec<u8>)>,
) -> Result<(), ProofError> {
    proof.verify()?;
    for (id, leaf) in items {
        if !proof.contains(&leaf) {
            return Err(ProofError::ItemNotCertified { item: id.into() });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn selection() {
        let proven = vec![("aa".into(), 1), ("bb".into(), 2)];
        let (c, n) = select(&[" BB", "cc", "bb"], &proven, vec!["zz".into()]);
        assert_eq!(c, vec![2]);
        assert_eq!(n, vec![String::from("cc")]);
        let (c, n) = select::<_, &str>(&[], &proven, vec!["zz".into()]);
        assert_eq!(c, vec![1, 2]);
        assert_eq!(n, vec![String::from("zz")]);
    }
}
