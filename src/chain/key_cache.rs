//! Validated signer keys, per (epoch, AVK), so that a second certificate of an epoch skips
//! the decompression and subgroup checks of keys already checked.
//!
//! Every certificate of an epoch is signed by signers registered for that epoch, and carries
//! their G2 keys again. Decompressing a key (a square root) and checking its subgroup are most
//! of a key's cost; the cache keeps each validated key in blst's uncompressed form, from which
//! a check rebuilds it with an on-curve test and a comparison with the certificate's own
//! compressed bytes ([`crate::stm::VerificationKey`]). A key in the cache is only ever used for
//! exactly the compressed bytes it was validated from.
//!
//! Bounds: at most [`KEY_CACHE_EPOCHS`] (epoch, AVK) entries, the newest epochs kept, and at
//! most [`KEY_CACHE_KEYS_PER_ENTRY`] keys in each: about 4 × 4096 × 288 bytes = 4.5 MiB at
//! worst, a few hundred KB for a mainnet epoch. A cache belongs to one genesis key: a walk
//! under another key starts with an empty one.

use alloc::vec::Vec;

use crate::certificate::GenesisVerificationKey;
use crate::codec::sorted::SortedMap;
use crate::stm::AggregateVerificationKey;

/// Most (epoch, AVK) entries a cache keeps.
pub const KEY_CACHE_EPOCHS: usize = 4;
/// Most keys a cache keeps per (epoch, AVK).
pub const KEY_CACHE_KEYS_PER_ENTRY: usize = 4096;

#[derive(Debug, Clone)]
struct Entry {
    epoch: u64,
    avk: AggregateVerificationKey,
    keys: SortedMap<[u8; 96], [u8; 192]>,
}

/// Validated G2 keys by (epoch, AVK), for one genesis key. Carry it from one walk to the next
/// ([`super::ChainWalk::with_key_cache`], [`super::ChainWalk::take_key_cache`]).
#[derive(Debug, Clone)]
pub struct KeyCache {
    genesis_key: [u8; 32],
    entries: Vec<Entry>,
}

impl KeyCache {
    /// An empty cache for walks under `genesis_key`.
    pub fn new(genesis_key: &GenesisVerificationKey) -> Self {
        KeyCache {
            genesis_key: genesis_key.to_bytes(),
            entries: Vec::new(),
        }
    }

    /// Whether this cache was made for `genesis_key`.
    pub fn is_for(&self, genesis_key: &GenesisVerificationKey) -> bool {
        self.genesis_key == genesis_key.to_bytes()
    }

    /// Number of keys held, over all entries.
    pub fn len(&self) -> usize {
        self.entries.iter().map(|e| e.keys.len()).sum()
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entry(&self, epoch: u64, avk: &AggregateVerificationKey) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.epoch == epoch && e.avk == *avk)
    }

    /// For each of `keys`, its validated uncompressed form if the cache holds it for this
    /// (epoch, AVK).
    pub(crate) fn known<'a>(
        &self,
        epoch: u64,
        avk: &AggregateVerificationKey,
        keys: impl Iterator<Item = &'a [u8; 96]>,
    ) -> Vec<Option<[u8; 192]>> {
        let entry = self.entry(epoch, avk);
        keys.map(|k| entry.and_then(|e| e.keys.get(k)).copied())
            .collect()
    }

    /// Remember keys a check validated for this (epoch, AVK).
    pub(crate) fn insert(
        &mut self,
        epoch: u64,
        avk: &AggregateVerificationKey,
        keys: Vec<([u8; 96], [u8; 192])>,
    ) {
        if keys.is_empty() {
            return;
        }
        let i = match self
            .entries
            .iter()
            .position(|e| e.epoch == epoch && e.avk == *avk)
        {
            Some(i) => i,
            None => {
                if self.entries.len() >= KEY_CACHE_EPOCHS {
                    // Evict the oldest epoch; an older one than all kept is not worth keeping.
                    let (oldest, min_epoch) = self
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (i, e.epoch))
                        .min_by_key(|&(_, ep)| ep)
                        .unwrap_or((0, 0));
                    if epoch < min_epoch {
                        return;
                    }
                    self.entries.swap_remove(oldest);
                }
                self.entries.push(Entry {
                    epoch,
                    avk: avk.clone(),
                    keys: SortedMap::new(),
                });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[i];
        for (compressed, uncompressed) in keys {
            if entry.keys.len() >= KEY_CACHE_KEYS_PER_ENTRY {
                break;
            }
            entry.keys.insert(compressed, uncompressed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn avk(n: u8) -> AggregateVerificationKey {
        AggregateVerificationKey {
            root: alloc::vec![n; 32],
            nr_leaves: 3,
            total_stake: 10,
        }
    }

    fn key() -> GenesisVerificationKey {
        GenesisVerificationKey::decode(
            include_str!("../../tests/fixtures/devnet/genesis.vkey").trim(),
        )
        .unwrap()
    }

    #[test]
    fn keys_are_found_only_under_their_epoch_and_avk() {
        let mut c = KeyCache::new(&key());
        c.insert(5, &avk(1), alloc::vec![([1; 96], [2; 192])]);
        let probe = [[1u8; 96], [9; 96]];
        assert_eq!(c.known(5, &avk(1), probe.iter()), [Some([2; 192]), None]);
        assert_eq!(c.known(6, &avk(1), probe.iter()), [None, None]);
        assert_eq!(c.known(5, &avk(2), probe.iter()), [None, None]);
        assert!(c.is_for(&key()));
    }

    #[test]
    fn bounded_in_entries_and_keys() {
        let mut c = KeyCache::new(&key());
        for epoch in 0..10u64 {
            c.insert(
                epoch,
                &avk(epoch as u8),
                alloc::vec![([epoch as u8; 96], [0; 192])],
            );
        }
        assert_eq!(c.entries.len(), KEY_CACHE_EPOCHS);
        // The newest epochs are kept; an older one is not let in.
        assert!(c.entries.iter().all(|e| e.epoch >= 6));
        c.insert(1, &avk(1), alloc::vec![([1; 96], [0; 192])]);
        assert!(c.entries.iter().all(|e| e.epoch >= 6));
        let many: Vec<_> = (0..KEY_CACHE_KEYS_PER_ENTRY + 10)
            .map(|i| {
                let mut k = [0u8; 96];
                k[..8].copy_from_slice(&(i as u64).to_le_bytes());
                (k, [0u8; 192])
            })
            .collect();
        c.insert(20, &avk(20), many);
        assert_eq!(
            c.entry(20, &avk(20)).unwrap().keys.len(),
            KEY_CACHE_KEYS_PER_ENTRY
        );
    }
}
