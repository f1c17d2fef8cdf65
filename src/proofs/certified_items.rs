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

impl<T> CertifiedItems<T> {
    /// The same result with each certified item converted by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> CertifiedItems<U> {
        CertifiedItems {
            certificate_hash: self.certificate_hash,
            merkle_root: self.merkle_root,
            certified: self.certified.into_iter().map(f).collect(),
            non_certified: self.non_certified,
            latest_block_number: self.latest_block_number,
            block_number_offset: self.block_number_offset,
        }
    }
}

/// Split `requested` identifiers into the proven items they name and those not proven.
///
/// `id` gives each proven item's identifier. With no request, every proven item is certified
/// and `aggregator_non_certified` is passed through.
pub(crate) fn select<T: Clone>(
    requested: &[&str],
    proven: &[T],
    id: fn(&T) -> &str,
    aggregator_non_certified: Vec<String>,
) -> (Vec<T>, Vec<String>) {
    if requested.is_empty() {
        return (proven.to_vec(), aggregator_non_certified);
    }
    let ids: Vec<String> = proven.iter().map(|item| normalize_id(id(item))).collect();
    let (picked, non_certified) = pick(requested, &ids);
    let certified = picked
        .into_iter()
        .filter_map(|i| proven.get(i).cloned())
        .collect();
    (certified, non_certified)
}

/// The non-generic part of [`select`]: for each distinct requested identifier (normalized),
/// the index of the first proven identifier equal to it, or the identifier itself when none
/// is.
fn pick(requested: &[&str], proven_ids: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut picked = Vec::new();
    let mut non_certified = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for id in requested {
        let id = normalize_id(id);
        if seen.contains(&id) {
            continue;
        }
        match proven_ids.iter().position(|proven_id| *proven_id == id) {
            Some(i) => picked.push(i),
            None => non_certified.push(id.clone()),
        }
        seen.push(id);
    }
    (picked, non_certified)
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
        let proven = vec![("aa", 1), ("BB", 2), ("bb", 3)];
        let id: fn(&(&'static str, i32)) -> &'static str = |p| p.0;
        let (c, n) = select(&[" BB", "cc", "bb"], &proven, id, vec!["zz".into()]);
        assert_eq!(c, vec![("BB", 2)]);
        assert_eq!(n, vec![String::from("cc")]);
        let (c, n) = select(&[], &proven, id, vec!["zz".into()]);
        assert_eq!(c, proven);
        assert_eq!(n, vec![String::from("zz")]);
    }
}
