//! Trust checkpoints: certificates a host verified back to genesis once and keeps in its own
//! storage, so later walks stop there ([`ChainWalk::with_trusted`]).
//!
//! [`TrustCheckpoints::encode`] gives versioned bytes any binding can store (Keychain, files,
//! IndexedDB) and [`TrustCheckpoints::decode`] reads them back, bounds-checked, refusing
//! anything that is not exactly a canonical encoding. Format version 1, integers little-endian:
//!
//! | bytes | content |
//! | --- | --- |
//! | 4 | magic `MLTC` |
//! | 1 | version (1) |
//! | 32 | the genesis verification key the certificates were verified with |
//! | 4 | number of entries `n` (u32) |
//! | 40 × n | entries, by ascending hash: certificate hash (32 bytes), epoch (u64) |
//!
//! The genesis key is recorded because a checkpoint is only meaningful under the key its
//! chain was verified with: merging checkpoints of another key is refused.
//!
//! Checkpoints are trust roots: whoever can write them can make a walk stop at a certificate
//! of their choice. Keep them where only the wallet can write.
//!
//! [`ChainWalk::with_trusted`]: super::ChainWalk::with_trusted

use alloc::string::String;
use alloc::vec::Vec;

use super::walk::VerifiedChain;
use crate::certificate::GenesisVerificationKey;
use crate::codec::hex;
use crate::codec::sorted::SortedMap;
use crate::error::table::error_table;

/// First bytes of an encoded checkpoint set.
pub const CHECKPOINT_MAGIC: [u8; 4] = *b"MLTC";
/// The format version [`TrustCheckpoints::encode`] writes and the only one it reads.
pub const CHECKPOINT_VERSION: u8 = 1;
const HEADER_LEN: usize = 4 + 1 + 32 + 4;
const ENTRY_LEN: usize = 32 + 8;

/// Why checkpoint bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The bytes are not a version-1 encoding (wrong magic, truncated, trailing bytes, entries
    /// out of order or repeated), or a hash is not a 32-byte hex hash.
    Malformed {
        /// What is wrong.
        detail: &'static str,
    },
    /// The encoding has a version this library does not read.
    UnsupportedVersion {
        /// The version byte.
        version: u8,
    },
    /// The checkpoints were verified with another genesis key than the one in use.
    GenesisKeyMismatch,
}

// Numbers: the 500 range.
error_table! {
    CheckpointError {
        Malformed { detail } => "checkpoint_malformed", 500,
            "trust checkpoints do not decode: {detail}";
        UnsupportedVersion { version } => "checkpoint_unsupported_version", 501, (
            "trust checkpoints have format version {version}, this library reads version \
             {CHECKPOINT_VERSION}"
        );
        GenesisKeyMismatch => "checkpoint_genesis_key_mismatch", 502,
            "the trust checkpoints were verified with another genesis verification key";
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CheckpointError {}

/// Certificates verified back to genesis under one genesis key, with their epochs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustCheckpoints {
    genesis_key: [u8; 32],
    /// Hash (lower-case hex) to epoch.
    entries: SortedMap<String, u64>,
}

impl TrustCheckpoints {
    /// No checkpoints yet, for chains verified with `genesis_key`.
    pub fn new(genesis_key: &GenesisVerificationKey) -> Self {
        TrustCheckpoints {
            genesis_key: genesis_key.to_bytes(),
            entries: SortedMap::new(),
        }
    }

    /// The genesis key (raw bytes) the checkpoints were verified with.
    pub fn genesis_key(&self) -> [u8; 32] {
        self.genesis_key
    }

    /// Number of trusted certificates.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `hash` is trusted.
    pub fn contains(&self, hash: &str) -> bool {
        self.entries.contains_key(hash)
    }

    /// The trusted hashes, ascending: what [`ChainWalk::with_trusted`] takes.
    ///
    /// [`ChainWalk::with_trusted`]: super::ChainWalk::with_trusted
    pub fn hashes(&self) -> impl Iterator<Item = String> + '_ {
        self.entries.keys().cloned()
    }

    /// The trusted certificates as (hash, epoch), ascending by hash.
    pub fn entries(&self) -> impl Iterator<Item = (&str, u64)> + '_ {
        self.entries.iter().map(|(h, e)| (h.as_str(), *e))
    }

    /// Trust one certificate. The hash must be 32 bytes of hex (stored lower-case).
    pub fn insert(&mut self, hash: &str, epoch: u64) -> Result<(), CheckpointError> {
        let bytes = hash_bytes(hash)?;
        self.entries.insert(hex::encode(&bytes), epoch);
        Ok(())
    }

    /// Trust every certificate of a successful walk. `genesis_key` is the key the walk used:
    /// a chain verified under another key than these checkpoints' is refused.
    pub fn add_chain(
        &mut self,
        chain: &VerifiedChain,
        genesis_key: &GenesisVerificationKey,
    ) -> Result<(), CheckpointError> {
        if genesis_key.to_bytes() != self.genesis_key {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        // All or nothing: check every hash before inserting any.
        let mut decoded = Vec::with_capacity(chain.links.len());
        for link in &chain.links {
            decoded.push((hex::encode(&hash_bytes(&link.hash)?), link.epoch));
        }
        self.entries.extend(decoded);
        Ok(())
    }

    /// Add the checkpoints of `other` (verified under the same genesis key).
    pub fn merge(&mut self, other: TrustCheckpoints) -> Result<(), CheckpointError> {
        if other.genesis_key != self.genesis_key {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        self.entries.extend(other.entries);
        Ok(())
    }

    /// Forget every checkpoint.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The version-1 encoding (see the module documentation).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + ENTRY_LEN * self.entries.len());
        out.extend_from_slice(&CHECKPOINT_MAGIC);
        out.push(CHECKPOINT_VERSION);
        out.extend_from_slice(&self.genesis_key);
        // More than u32::MAX checkpoints would need over 170 GB: not a case to encode.
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (hash, epoch) in &self.entries {
            // Inserted hashes are 32-byte hex by construction.
            let bytes = hash_bytes(hash).unwrap_or([0; 32]);
            out.extend_from_slice(&bytes);
            out.extend_from_slice(&epoch.to_le_bytes());
        }
        out
    }

    /// Read a version-1 encoding. Refuses anything else, including a non-canonical one
    /// (entries out of order or repeated, trailing bytes).
    pub fn decode(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let malformed = |detail| CheckpointError::Malformed { detail };
        if bytes.len() < 5 {
            return Err(malformed("shorter than the header"));
        }
        if bytes[..4] != CHECKPOINT_MAGIC {
            return Err(malformed("wrong magic bytes"));
        }
        if bytes[4] != CHECKPOINT_VERSION {
            return Err(CheckpointError::UnsupportedVersion { version: bytes[4] });
        }
        if bytes.len() < HEADER_LEN {
            return Err(malformed("shorter than the header"));
        }
        let mut genesis_key = [0u8; 32];
        genesis_key.copy_from_slice(&bytes[5..37]);
        let mut count = [0u8; 4];
        count.copy_from_slice(&bytes[37..41]);
        let count = u32::from_le_bytes(count) as usize;
        let body = &bytes[HEADER_LEN..];
        match count.checked_mul(ENTRY_LEN) {
            Some(n) if n == body.len() => {}
            Some(n) if n > body.len() => return Err(malformed("truncated entries")),
            _ => return Err(malformed("bytes after the last entry")),
        }
        let mut entries = Vec::with_capacity(count);
        let mut previous: Option<&[u8]> = None;
        for entry in body.chunks_exact(ENTRY_LEN) {
            let (hash, epoch) = entry.split_at(32);
            if previous.is_some_and(|p| p >= hash) {
                return Err(malformed(
                    "entries are not in strictly ascending hash order",
                ));
            }
            previous = Some(hash);
            let mut e = [0u8; 8];
            e.copy_from_slice(epoch);
            entries.push((hex::encode(hash), u64::from_le_bytes(e)));
        }
        Ok(TrustCheckpoints {
            genesis_key,
            // Strictly ascending (checked above): taken as they are.
            entries: SortedMap::from_entries(entries),
        })
    }
}

fn hash_bytes(hash: &str) -> Result<[u8; 32], CheckpointError> {
    let malformed = CheckpointError::Malformed {
        detail: "a certificate hash is not 32 bytes of hex",
    };
    hex::decode_array(hash.as_bytes()).ok_or(malformed)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use alloc::vec;

    fn key() -> GenesisVerificationKey {
        // The devnet genesis key (raw hex).
        let text = include_str!("../../tests/fixtures/devnet/genesis.vkey");
        GenesisVerificationKey::decode(text).unwrap()
    }

    fn sample() -> TrustCheckpoints {
        let mut t = TrustCheckpoints::new(&key());
        t.insert(&"ab".repeat(32), 7).unwrap();
        t.insert(&"01".repeat(32), 3).unwrap();
        t.insert(&"CD".repeat(32), 9).unwrap();
        t
    }

    #[test]
    fn round_trip_and_layout() {
        let t = sample();
        let bytes = t.encode();
        assert_eq!(bytes.len(), HEADER_LEN + 3 * ENTRY_LEN);
        assert_eq!(&bytes[..5], b"MLTC\x01");
        assert_eq!(&bytes[5..37], &key().to_bytes());
        assert_eq!(&bytes[37..41], &[3, 0, 0, 0]);
        assert_eq!(&bytes[41..73], &[1u8; 32]);
        assert_eq!(&bytes[73..81], &3u64.to_le_bytes());
        let back = TrustCheckpoints::decode(&bytes).unwrap();
        assert_eq!(back, t);
        assert!(back.contains(&"cd".repeat(32)), "stored lower-case");
        assert_eq!(
            back.entries().map(|(_, e)| e).collect::<Vec<_>>(),
            [3, 7, 9]
        );
        let empty = TrustCheckpoints::new(&key());
        assert_eq!(TrustCheckpoints::decode(&empty.encode()).unwrap(), empty);
    }

    #[test]
    fn decode_refuses_every_malformation() {
        let good = sample().encode();
        let code = |b: &[u8]| TrustCheckpoints::decode(b).unwrap_err().code();
        assert_eq!(code(b""), "checkpoint_malformed");
        assert_eq!(code(b"MLT"), "checkpoint_malformed");
        let mut bad = good.clone();
        bad[0] = b'X';
        assert_eq!(code(&bad), "checkpoint_malformed");
        let mut bad = good.clone();
        bad[4] = 2;
        assert_eq!(
            TrustCheckpoints::decode(&bad).unwrap_err(),
            CheckpointError::UnsupportedVersion { version: 2 }
        );
        // Every truncation, and one extra byte.
        for n in 0..good.len() {
            assert!(TrustCheckpoints::decode(&good[..n]).is_err(), "length {n}");
        }
        let mut long = good.clone();
        long.push(0);
        assert_eq!(code(&long), "checkpoint_malformed");
        // A count that overflows the multiplication.
        let mut huge = good[..HEADER_LEN].to_vec();
        huge[37..41].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(code(&huge), "checkpoint_malformed");
        // Entries swapped, or repeated.
        let mut swapped = good.clone();
        let (a, b) = (HEADER_LEN, HEADER_LEN + ENTRY_LEN);
        let first = swapped[a..b].to_vec();
        swapped.copy_within(b..b + ENTRY_LEN, a);
        swapped[b..b + ENTRY_LEN].copy_from_slice(&first);
        assert_eq!(code(&swapped), "checkpoint_malformed");
        let mut repeated = good.clone();
        repeated.copy_within(a..b, b);
        assert_eq!(code(&repeated), "checkpoint_malformed");
    }

    #[test]
    fn keys_must_match() {
        let mut t = sample();
        let mut other_key_bytes = sample().encode();
        other_key_bytes[5] ^= 1;
        let other = TrustCheckpoints::decode(&other_key_bytes).unwrap();
        assert_eq!(
            t.merge(other).unwrap_err(),
            CheckpointError::GenesisKeyMismatch
        );
        let mut more = TrustCheckpoints::new(&key());
        more.insert(&"ee".repeat(32), 1).unwrap();
        t.merge(more).unwrap();
        assert_eq!(t.len(), 4);
        assert!(t.insert("abc", 1).is_err());
        assert!(t.insert(&"ab".repeat(31), 1).is_err());
        t.clear();
        assert!(t.is_empty());
    }

    /// One value of every variant; the match fails to compile when one is added (the C ABI's
    /// code table test uses this list too).
    pub(crate) fn samples() -> Vec<CheckpointError> {
        let all = vec![
            CheckpointError::Malformed { detail: "x" },
            CheckpointError::UnsupportedVersion { version: 9 },
            CheckpointError::GenesisKeyMismatch,
        ];
        for e in &all {
            match e {
                CheckpointError::Malformed { .. }
                | CheckpointError::UnsupportedVersion { .. }
                | CheckpointError::GenesisKeyMismatch => {}
            }
        }
        all
    }

    /// The samples reach every row (the rows are checked in tests/error_codes.rs).
    #[test]
    fn samples_reach_every_row() {
        let all = samples();
        assert_eq!(all.len(), CheckpointError::CODES.len());
        for (e, row) in all.iter().zip(CheckpointError::CODES) {
            assert_eq!((e.code(), e.numeric_code()), *row);
            assert!(!alloc::string::ToString::to_string(e).is_empty());
        }
        assert!(alloc::format!("{}", all[1]).contains("version 9, this library reads version 1"));
    }
}
