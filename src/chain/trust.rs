//! Trust checkpoints: certificates this library verified back to genesis once, kept by the host
//! so later walks stop there ([`ChainWalk::with_trusted`]). Every binding (CLI `--trust FILE`,
//! C ABI, wasm/npm) stores the same bytes, and the rules below apply to all of them.
//!
//! # What a checkpoint vouches for
//!
//! An entry (certificate hash, epoch) says: this certificate, and its whole chain back to the
//! genesis certificate, were verified under the recorded genesis key by this library. Nothing
//! more: a walk that meets a checkpointed hash still fetches that certificate and checks that its
//! body hashes to it, then stops. Entries are only ever added from a fully verified walk
//! ([`TrustCheckpoints::add_chain`]) or from bytes such a walk produced earlier.
//!
//! # Byte format
//!
//! [`TrustCheckpoints::encode`] writes version 3 when the set holds pending segments (see
//! below), version 2 otherwise (so that a set without them stays readable by older releases);
//! [`TrustCheckpoints::decode`] reads versions 1 to 3, bounds-checked, refusing anything that is
//! not exactly a canonical encoding. Integers are little-endian:
//!
//! | bytes | content |
//! | --- | --- |
//! | 4 | magic `MLTC` |
//! | 1 | version (3, 2; 1 for the oldest form) |
//! | 32 | the genesis verification key the certificates were verified with |
//! | 4 | number of entries `n` (u32) |
//! | 40 × n | entries, by strictly ascending hash: certificate hash (32 bytes), epoch (u64) |
//! | 4 | version 3 only: number of pending segments `s` (u32, 1 to [`MAX_PENDING_SEGMENTS`]) |
//! | | version 3 only, `s` times: length `l` (u32, 1 to [`MAX_SEGMENT_LENGTH`]), then `l` entries as above, newest first (epochs never increase, no hash twice) |
//! | 32 | versions 2 and 3: SHA-256 of every byte before it |
//!
//! Version 2 adds the checksum so that a corrupted store (a flipped bit in a file, a truncated
//! localStorage value) is refused as a whole instead of trusting a garbled hash or epoch.
//! Version 1 (written by earlier releases, without a checksum) is still read; it is rewritten as
//! version 2 at the next save.
//!
//! The genesis key is recorded because a checkpoint is only meaningful under the key its chain
//! was verified with: [`TrustCheckpoints::load`] refuses bytes of another key, and merging them
//! is refused too.
//!
//! # Eviction
//!
//! A set keeps at most [`TrustCheckpoints::max`] entries ([`DEFAULT_MAX_CHECKPOINTS`] unless
//! [`TrustCheckpoints::with_max`] says otherwise): after every insertion or merge, only the
//! newest are kept, by descending epoch, then ascending hash within an epoch. A walk goes from the
//! newest certificate backwards and stops at the first checkpoint it meets, so the newest ones
//! shorten walks the most. Decoding never evicts (it reads what was stored).
//!
//! # Pending segments (walks that resume)
//!
//! A pending segment is a run of certificates, newest first, that an interrupted walk fed one
//! after the other and fully checked: each one's own checks (its multi-signature included) and
//! the chaining rules between each one and the next passed. It is **not** trust: no walk stops
//! at it, and it says nothing about the chain below its last certificate. A later walk that
//! meets one of its certificates skips the multi-signature checks of the rest of the segment and
//! fetches the segment's last certificate next (`ChainWalk::with_pending`); only when that walk
//! reaches genesis or a checkpoint do the segment's certificates become checkpoints
//! ([`TrustCheckpoints::add_chain`]), and the segments it made redundant go. A set keeps at most
//! [`MAX_PENDING_SEGMENTS`] segments (those with the newest first certificate), each at most
//! [`MAX_SEGMENT_LENGTH`] long (the default chain-length limit). Segments live in the same bytes,
//! under the same checksum and genesis key, so that one write stores the whole new state.
//!
//! # A trust root
//!
//! Whoever can write the stored bytes can make a walk stop at a certificate of their choice, or
//! skip the checks of certificates they list as a pending segment: keep them where only the
//! wallet can write. Bytes that do not decode, or that hold another
//! genesis key, are never trusted: bindings ignore them (a full walk) and say so.
//!
//! [`ChainWalk::with_trusted`]: super::ChainWalk::with_trusted

use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

pub use super::walk::PendingSegment;
use super::walk::{ChainWalk, VerifiedChain};
use crate::certificate::GenesisVerificationKey;
use crate::codec::hex;
use crate::codec::sorted::{sort_by, SortedMap};
use crate::error_table::error_table;

/// First bytes of an encoded checkpoint set.
pub const CHECKPOINT_MAGIC: [u8; 4] = *b"MLTC";
/// The newest format version (written when the set holds pending segments; versions 1 and 2
/// are still read, and 2 is written for a set without them).
pub const CHECKPOINT_VERSION: u8 = 3;
/// Most pending segments a set keeps (those whose first certificate is the newest).
pub const MAX_PENDING_SEGMENTS: usize = 4;
/// Most certificates in one pending segment: a walk's default chain-length limit.
pub const MAX_SEGMENT_LENGTH: usize = 10_000;
/// How many checkpoints a set keeps unless told otherwise: the newest 1,000 cover years of
/// epochs (a few certificates an epoch end up trusted), in 40 KB.
pub const DEFAULT_MAX_CHECKPOINTS: usize = 1000;
const HEADER_LEN: usize = 4 + 1 + 32 + 4;
const ENTRY_LEN: usize = 32 + 8;
const CHECKSUM_LEN: usize = 32;

/// Why checkpoint bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckpointError {
    /// The bytes are not a canonical encoding (wrong magic, truncated, trailing bytes, entries
    /// out of order or repeated, a checksum that does not match), or a hash is not a 32-byte
    /// hex hash.
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
            "trust checkpoints have format version {version}, this library reads versions 1 to \
             {CHECKPOINT_VERSION}"
        );
        GenesisKeyMismatch => "checkpoint_genesis_key_mismatch", 502,
            "the trust checkpoints were verified with another genesis verification key";
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CheckpointError {}

// What a walk takes from and gives to a checkpoint set. Declared here, beside the set, so that
// the walk (below trust: it knows nothing of how checkpoints are kept) does not import it.
impl ChainWalk {
    /// Trust every checkpoint of `checkpoints` (their hashes and epochs), and resume over its
    /// pending segments ([`ChainWalk::with_pending`]).
    pub fn with_checkpoints(self, checkpoints: &TrustCheckpoints) -> Self {
        self.with_trusted_epochs(checkpoints.entries().map(|(h, e)| (String::from(h), e)))
            .with_pending(checkpoints.pending_segments().iter().cloned())
    }

    /// Record the walk's pending segment in `set` (walks under the same genesis key only), for
    /// the host to store `set` in one write, and count it as saved for
    /// [`ChainWalk::pending_save_due`]. Pairing equations waiting for their batch are checked
    /// first, so the segment holds every certificate checked so far. A walk that succeeded
    /// adds nothing: hosts commit its chain ([`TrustCheckpoints::add_chain`]).
    pub fn save_pending(&mut self, set: &mut TrustCheckpoints) -> Result<(), CheckpointError> {
        if set.genesis_key() != self.genesis_key().to_bytes() {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        if let Some(segment) = self.pending_to_save() {
            set.add_pending(&segment)?;
            self.pending_saved();
        }
        Ok(())
    }
}

/// Certificates verified back to genesis under one genesis key, with their epochs, bounded to
/// the newest [`max`](TrustCheckpoints::max), and the pending segments of interrupted walks
/// (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustCheckpoints {
    genesis_key: [u8; 32],
    /// Hash (lower-case hex) to epoch.
    entries: SortedMap<String, u64>,
    /// Most entries kept after an insertion or a merge.
    max: usize,
    /// Pending segments, newest first segment first.
    pending: Vec<PendingSegment>,
}

impl TrustCheckpoints {
    /// No checkpoints yet, for chains verified with `genesis_key`, keeping at most
    /// [`DEFAULT_MAX_CHECKPOINTS`].
    pub fn new(genesis_key: &GenesisVerificationKey) -> Self {
        TrustCheckpoints {
            genesis_key: genesis_key.to_bytes(),
            entries: SortedMap::new(),
            max: DEFAULT_MAX_CHECKPOINTS,
            pending: Vec::new(),
        }
    }

    /// Keep at most `max` checkpoints (the newest; 0 keeps none), evicting at once.
    pub fn with_max(mut self, max: usize) -> Self {
        self.set_max(max);
        self
    }

    /// As [`with_max`](Self::with_max), in place.
    pub fn set_max(&mut self, max: usize) {
        self.max = max;
        self.evict();
    }

    /// The most checkpoints kept after an insertion or a merge.
    pub fn max(&self) -> usize {
        self.max
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

    /// The trusted certificates as (hash, epoch), newest first: by descending epoch, then
    /// ascending hash (the order eviction keeps).
    pub fn newest_first(&self) -> Vec<(&str, u64)> {
        let mut list: Vec<(&str, u64)> = self.entries().collect();
        // A total order (hashes are distinct), so the crate's one heapsort gives one result
        // (no `slice::sort` instantiation in the wasm module: codec::sorted explains).
        sort_by(&mut list, |a, b| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0));
        list
    }

    /// Trust one certificate. The hash must be 32 bytes of hex (stored lower-case). Only for
    /// a certificate this library verified back to genesis under this key.
    pub fn insert(&mut self, hash: &str, epoch: u64) -> Result<(), CheckpointError> {
        let bytes = hash_bytes(hash)?;
        self.entries.insert(hex::encode(&bytes), epoch);
        self.evict();
        Ok(())
    }

    /// Trust every certificate of a successful walk, the pending segments it resumed over
    /// included, and drop what of the pending segments it made redundant. `genesis_key` is
    /// the key the walk used: a chain verified under another key than these checkpoints' is
    /// refused.
    pub fn add_chain(
        &mut self,
        chain: &VerifiedChain,
        genesis_key: &GenesisVerificationKey,
    ) -> Result<(), CheckpointError> {
        if genesis_key.to_bytes() != self.genesis_key {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        // All or nothing: check every hash before inserting any.
        let mut decoded = Vec::with_capacity(chain.links.len() + chain.resumed.len());
        for link in &chain.links {
            decoded.push((hex::encode(&hash_bytes(&link.hash)?), link.epoch));
        }
        for (hash, epoch) in &chain.resumed {
            decoded.push((hex::encode(&hash_bytes(hash)?), *epoch));
        }
        self.entries.extend(decoded);
        self.evict();
        self.prune_pending();
        Ok(())
    }

    /// The pending segments, the one with the newest first certificate first.
    pub fn pending_segments(&self) -> &[PendingSegment] {
        &self.pending
    }

    /// Record a pending segment: certificates an interrupted walk fully checked, newest first
    /// (what `ChainWalk::pending_segment` gives; never anything else). Segments it contains go
    /// (a walk that resumed over a segment lists its certificates; one that ends inside
    /// another segment needs no joining: a walk jumps from one to the next); then only the
    /// newest [`MAX_PENDING_SEGMENTS`] stay. Hashes must be 32 bytes of hex; an
    /// empty segment, or one longer than [`MAX_SEGMENT_LENGTH`], adds nothing.
    pub fn add_pending(&mut self, segment: &[(String, u64)]) -> Result<(), CheckpointError> {
        let mut seg: PendingSegment = Vec::with_capacity(segment.len());
        for (hash, epoch) in segment {
            seg.push((hex::encode(&hash_bytes(hash)?), *epoch));
        }
        if seg.is_empty() || seg.len() > MAX_SEGMENT_LENGTH {
            return Ok(());
        }
        // (The map type the entries use: no new instantiation in the wasm module.)
        let index = SortedMap::from_entries(seg.clone());
        if index.len() != seg.len() {
            // A hash twice: not a chain; nothing to resume over.
            return Ok(());
        }
        if self
            .pending
            .iter()
            .any(|other| seg.iter().all(|(h, _)| other.iter().any(|(o, _)| o == h)))
        {
            return Ok(());
        }
        // Segments it contains go, and so does one with the same first certificate (the new one
        // is the later word on it), so that no two segments tie in their order.
        let first = seg.first().map(|(h, _)| h.clone());
        self.pending.retain(|other| {
            other.first().map(|(h, _)| h.clone()) != first
                && !other.iter().all(|(h, _)| index.contains_key(h))
        });
        self.pending.push(seg);
        self.order_pending();
        Ok(())
    }

    /// Newest first segment first (descending epoch, then ascending hash), at most
    /// [`MAX_PENDING_SEGMENTS`].
    fn order_pending(&mut self) {
        sort_by(&mut self.pending, newer_segment);
        self.pending.truncate(MAX_PENDING_SEGMENTS);
    }

    /// A segment is cut after its first checkpointed certificate (a walk that meets it stops
    /// there), and goes when that is its first one.
    fn prune_pending(&mut self) {
        let entries = &self.entries;
        for seg in &mut self.pending {
            if let Some(p) = seg.iter().position(|(h, _)| entries.contains_key(h)) {
                seg.truncate(if p == 0 { 0 } else { p + 1 });
            }
        }
        self.pending.retain(|seg| !seg.is_empty());
    }

    /// Add the checkpoints of `other` (verified under the same genesis key), then keep the
    /// newest [`max`](Self::max) of this set.
    pub fn merge(&mut self, other: TrustCheckpoints) -> Result<(), CheckpointError> {
        if other.genesis_key != self.genesis_key {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        self.entries.extend(other.entries);
        self.evict();
        for seg in &other.pending {
            self.add_pending(seg)?;
        }
        self.prune_pending();
        Ok(())
    }

    /// Merge stored bytes into this set if they [`decode`](Self::decode) and hold this set's
    /// genesis key; otherwise merge nothing and say why (such bytes must not be trusted).
    pub fn merge_bytes(&mut self, bytes: &[u8]) -> Result<(), CheckpointError> {
        self.merge(Self::decode(bytes)?)
    }

    /// Forget every checkpoint and pending segment.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.pending.clear();
    }

    /// Forget the pending segments only.
    pub fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// Drop the oldest entries beyond `max`.
    fn evict(&mut self) {
        if self.entries.len() <= self.max {
            return;
        }
        let kept: Vec<(String, u64)> = self
            .newest_first()
            .into_iter()
            .take(self.max)
            .map(|(h, e)| (String::from(h), e))
            .collect();
        self.entries = SortedMap::from_entries(kept);
    }

    /// The encoding: version 3 with pending segments, version 2 without (see the module
    /// documentation).
    pub fn encode(&self) -> Vec<u8> {
        let len = HEADER_LEN + ENTRY_LEN * self.entries.len() + CHECKSUM_LEN;
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&CHECKPOINT_MAGIC);
        out.push(if self.pending.is_empty() { 2 } else { 3 });
        out.extend_from_slice(&self.genesis_key);
        // More than u32::MAX checkpoints would need over 170 GB: not a case to encode.
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        for (hash, epoch) in &self.entries {
            // Inserted hashes are 32-byte hex by construction.
            let bytes = hash_bytes(hash).unwrap_or([0; 32]);
            out.extend_from_slice(&bytes);
            out.extend_from_slice(&epoch.to_le_bytes());
        }
        if !self.pending.is_empty() {
            // Bounded by MAX_PENDING_SEGMENTS and MAX_SEGMENT_LENGTH: the counts fit.
            out.extend_from_slice(&(self.pending.len() as u32).to_le_bytes());
            for seg in &self.pending {
                out.extend_from_slice(&(seg.len() as u32).to_le_bytes());
                for (hash, epoch) in seg {
                    out.extend_from_slice(&hash_bytes(hash).unwrap_or([0; 32]));
                    out.extend_from_slice(&epoch.to_le_bytes());
                }
            }
        }
        let sum = Sha256::digest(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Read stored bytes for walks under `genesis_key`: [`decode`](Self::decode), then refuse
    /// checkpoints of another key. What every binding calls on what it stored.
    pub fn load(
        bytes: &[u8],
        genesis_key: &GenesisVerificationKey,
    ) -> Result<Self, CheckpointError> {
        let set = Self::decode(bytes)?;
        if set.genesis_key != genesis_key.to_bytes() {
            return Err(CheckpointError::GenesisKeyMismatch);
        }
        Ok(set)
    }

    /// Read a version-3, 2 or 1 encoding, keeping at most [`DEFAULT_MAX_CHECKPOINTS`] from the
    /// next insertion or merge on. Refuses anything else, including a non-canonical encoding
    /// (entries out of order or repeated, trailing bytes, segments out of bounds or out of
    /// order) and, in versions 2 and 3, any byte that does not match the checksum.
    pub fn decode(bytes: &[u8]) -> Result<Self, CheckpointError> {
        let malformed = |detail| CheckpointError::Malformed { detail };
        if bytes.len() < 5 {
            return Err(malformed("shorter than the header"));
        }
        if bytes[..4] != CHECKPOINT_MAGIC {
            return Err(malformed("wrong magic bytes"));
        }
        let version = bytes[4];
        let bytes = match version {
            1 => bytes,
            2 | 3 => {
                // Checked first: a corrupted count or entry must not be read at all.
                if bytes.len() < HEADER_LEN + CHECKSUM_LEN {
                    return Err(malformed("shorter than the header"));
                }
                let (content, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
                if Sha256::digest(content).as_slice() != sum {
                    return Err(malformed("the checksum does not match (corrupted bytes)"));
                }
                content
            }
            _ => return Err(CheckpointError::UnsupportedVersion { version }),
        };
        if bytes.len() < HEADER_LEN {
            return Err(malformed("shorter than the header"));
        }
        let mut genesis_key = [0u8; 32];
        genesis_key.copy_from_slice(&bytes[5..37]);
        let mut count = [0u8; 4];
        count.copy_from_slice(&bytes[37..41]);
        let count = u32::from_le_bytes(count) as usize;
        let body = &bytes[HEADER_LEN..];
        let (body, tail) = match count.checked_mul(ENTRY_LEN) {
            Some(n) if n == body.len() && version < 3 => (body, &[][..]),
            Some(n) if n < body.len() && version == 3 => body.split_at(n),
            Some(n) if n >= body.len() => return Err(malformed("truncated entries")),
            _ => return Err(malformed("bytes after the last entry")),
        };
        let pending = if version == 3 {
            decode_segments(tail)?
        } else {
            Vec::new()
        };
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
            max: DEFAULT_MAX_CHECKPOINTS,
            pending,
        })
    }
}

/// Read version 3's pending segments (the bytes after the entries, checksum excluded).
fn decode_segments(mut bytes: &[u8]) -> Result<Vec<PendingSegment>, CheckpointError> {
    let malformed = |detail| CheckpointError::Malformed { detail };
    let take_u32 = |bytes: &mut &[u8]| -> Result<usize, CheckpointError> {
        if bytes.len() < 4 {
            return Err(malformed("truncated pending segments"));
        }
        let (n, rest) = bytes.split_at(4);
        *bytes = rest;
        let mut b = [0u8; 4];
        b.copy_from_slice(n);
        Ok(u32::from_le_bytes(b) as usize)
    };
    let count = take_u32(&mut bytes)?;
    if count == 0 || count > MAX_PENDING_SEGMENTS {
        return Err(malformed("a pending segment count out of bounds"));
    }
    let mut segments: Vec<PendingSegment> = Vec::with_capacity(count);
    for _ in 0..count {
        let len = take_u32(&mut bytes)?;
        if len == 0 || len > MAX_SEGMENT_LENGTH {
            return Err(malformed("a pending segment length out of bounds"));
        }
        // Bounded above: no overflow.
        if bytes.len() < len * ENTRY_LEN {
            return Err(malformed("truncated pending segments"));
        }
        let (data, rest) = bytes.split_at(len * ENTRY_LEN);
        bytes = rest;
        let mut seg: PendingSegment = Vec::with_capacity(len);
        for entry in data.chunks_exact(ENTRY_LEN) {
            let (hash, epoch) = entry.split_at(32);
            let mut e = [0u8; 8];
            e.copy_from_slice(epoch);
            let epoch = u64::from_le_bytes(e);
            if seg.last().is_some_and(|(_, prev)| *prev < epoch) {
                return Err(malformed("a pending segment is not newest first"));
            }
            seg.push((hex::encode(hash), epoch));
        }
        let distinct = SortedMap::from_entries(seg.clone());
        if distinct.len() != seg.len() {
            return Err(malformed("a pending segment holds a hash twice"));
        }
        segments.push(seg);
    }
    if !bytes.is_empty() {
        return Err(malformed("bytes after the last pending segment"));
    }
    // Canonical: strictly in the order a set keeps them.
    if !segments.windows(2).all(|w| newer_segment(&w[0], &w[1])) {
        return Err(malformed("pending segments out of order"));
    }
    Ok(segments)
}

/// Whether segment `a` orders before `b`: its first certificate has a higher epoch, or the
/// same epoch and a lower hash.
fn newer_segment(a: &PendingSegment, b: &PendingSegment) -> bool {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) => x.1 > y.1 || (x.1 == y.1 && x.0 < y.0),
        _ => false,
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
        assert_eq!(bytes.len(), HEADER_LEN + 3 * ENTRY_LEN + CHECKSUM_LEN);
        assert_eq!(&bytes[..5], b"MLTC\x02");
        assert_eq!(&bytes[5..37], &key().to_bytes());
        assert_eq!(&bytes[37..41], &[3, 0, 0, 0]);
        assert_eq!(&bytes[41..73], &[1u8; 32]);
        assert_eq!(&bytes[73..81], &3u64.to_le_bytes());
        let end = bytes.len() - CHECKSUM_LEN;
        assert_eq!(&bytes[end..], Sha256::digest(&bytes[..end]).as_slice());
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

    /// The version-1 form of `t`: no checksum.
    fn encode_v1(t: &TrustCheckpoints) -> Vec<u8> {
        let mut bytes = t.encode();
        bytes.truncate(bytes.len() - CHECKSUM_LEN);
        bytes[4] = 1;
        bytes
    }

    #[test]
    fn version_1_is_still_read() {
        let t = sample();
        let v1 = encode_v1(&t);
        assert_eq!(v1.len(), HEADER_LEN + 3 * ENTRY_LEN);
        assert_eq!(TrustCheckpoints::decode(&v1).unwrap(), t);
        // Re-encoded as version 2.
        assert_eq!(TrustCheckpoints::decode(&v1).unwrap().encode(), t.encode());
        // A version-1 encoding with a checksum appended has trailing bytes.
        let mut long = v1.clone();
        long.extend_from_slice(&[0; CHECKSUM_LEN]);
        assert_eq!(
            TrustCheckpoints::decode(&long).unwrap_err().code(),
            "checkpoint_malformed"
        );
    }

    #[test]
    fn corruption_anywhere_is_refused() {
        // A corrupted store must never be trusted, not even in part: every change of any one
        // byte (to each of several values) is refused, whatever it hits.
        let good = sample().encode();
        for i in 0..good.len() {
            for mask in [0x01u8, 0x80, 0xff, 0x5a] {
                let mut bad = good.clone();
                bad[i] ^= mask;
                assert!(
                    TrustCheckpoints::decode(&bad).is_err(),
                    "byte {i} xor {mask:#x} was accepted"
                );
            }
        }
        // Bytes inserted or removed anywhere, too.
        for i in 0..good.len() {
            let mut shorter = good.clone();
            shorter.remove(i);
            assert!(
                TrustCheckpoints::decode(&shorter).is_err(),
                "byte {i} removed"
            );
            let mut longer = good.clone();
            longer.insert(i, good[i]);
            assert!(
                TrustCheckpoints::decode(&longer).is_err(),
                "byte {i} repeated"
            );
        }
    }

    #[test]
    fn load_refuses_another_key() {
        let bytes = sample().encode();
        assert_eq!(TrustCheckpoints::load(&bytes, &key()).unwrap(), sample());
        let mut other = [0u8; 32];
        other.copy_from_slice(&key().to_bytes());
        other[0] ^= 1;
        let mut foreign = TrustCheckpoints::decode(&bytes).unwrap();
        foreign.genesis_key = other;
        assert_eq!(
            TrustCheckpoints::load(&foreign.encode(), &key()).unwrap_err(),
            CheckpointError::GenesisKeyMismatch
        );
    }

    #[test]
    fn eviction_keeps_the_newest() {
        let mut t = TrustCheckpoints::new(&key()).with_max(3);
        assert_eq!(t.max(), 3);
        for (i, epoch) in [5u64, 9, 1, 9, 7].iter().enumerate() {
            t.insert(&alloc::format!("{:02x}", 0x10 + i).repeat(32), *epoch)
                .unwrap();
        }
        // Epoch 9 twice (ascending hash), then 7; 5 and 1 are gone.
        let kept: Vec<(String, u64)> = t
            .newest_first()
            .into_iter()
            .map(|(h, e)| (String::from(&h[..2]), e))
            .collect();
        assert_eq!(kept, [("11".into(), 9), ("13".into(), 9), ("14".into(), 7)]);
        // Ties by hash: of three of the newest epoch with room for two, the lowest hashes stay.
        let mut tie = TrustCheckpoints::new(&key()).with_max(2);
        for h in ["cc", "aa", "bb"] {
            tie.insert(&h.repeat(32), 4).unwrap();
        }
        assert_eq!(
            tie.hashes()
                .map(|h| String::from(&h[..2]))
                .collect::<Vec<_>>(),
            ["aa", "bb"]
        );
        // A merge evicts too, to the receiving set's bound; an older set brings nothing.
        let mut old = TrustCheckpoints::new(&key());
        old.insert(&"01".repeat(32), 0).unwrap();
        t.merge(old).unwrap();
        assert_eq!(t.len(), 3);
        assert!(!t.contains(&"01".repeat(32)));
        // Lowering the bound evicts at once; decoding does not evict.
        let mut big = TrustCheckpoints::new(&key());
        for i in 0..(DEFAULT_MAX_CHECKPOINTS as u64 + 5) {
            big.entries.insert(hex::encode(&sha(i)), i);
        }
        let decoded = TrustCheckpoints::decode(&big.encode()).unwrap();
        assert_eq!(decoded.len(), DEFAULT_MAX_CHECKPOINTS + 5);
        let mut decoded = decoded;
        decoded.insert(&"02".repeat(32), 0).unwrap();
        assert_eq!(decoded.len(), DEFAULT_MAX_CHECKPOINTS);
        assert!(!decoded.contains(&"02".repeat(32)));
        assert!(decoded.contains(&hex::encode(&sha(DEFAULT_MAX_CHECKPOINTS as u64 + 4))));
        decoded.set_max(0);
        assert!(decoded.is_empty());
    }

    fn sha(i: u64) -> [u8; 32] {
        Sha256::digest(i.to_le_bytes()).into()
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
        bad[4] = 4;
        assert_eq!(
            TrustCheckpoints::decode(&bad).unwrap_err(),
            CheckpointError::UnsupportedVersion { version: 4 }
        );
        // Version 3 without segments is not canonical (a checksum that matches, even).
        let mut bad = good[..good.len() - CHECKSUM_LEN].to_vec();
        bad[4] = 3;
        bad.extend_from_slice(&0u32.to_le_bytes());
        let sum = Sha256::digest(&bad);
        bad.extend_from_slice(&sum);
        assert_eq!(code(&bad), "checkpoint_malformed");
        // Every truncation, and one extra byte.
        for n in 0..good.len() {
            assert!(TrustCheckpoints::decode(&good[..n]).is_err(), "length {n}");
        }
        let mut long = good.clone();
        long.push(0);
        assert_eq!(code(&long), "checkpoint_malformed");
        // Structural faults, in both versions (version 2 with a checksum that matches them).
        let v1 = encode_v1(&sample());
        let both = |content: &[u8]| {
            let mut v2 = content.to_vec();
            v2[4] = 2;
            let sum = Sha256::digest(&v2);
            v2.extend_from_slice(&sum);
            [code(content), code(&v2)]
        };
        let malformed = ["checkpoint_malformed"; 2];
        // A count that overflows the multiplication, or one entry too many or too few.
        let mut huge = v1[..HEADER_LEN].to_vec();
        huge[37..41].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(both(&huge), malformed);
        for n in [2u32, 4] {
            let mut wrong = v1.clone();
            wrong[37..41].copy_from_slice(&n.to_le_bytes());
            assert_eq!(both(&wrong), malformed, "count {n}");
        }
        // Entries swapped, or repeated.
        let mut swapped = v1.clone();
        let (a, b) = (HEADER_LEN, HEADER_LEN + ENTRY_LEN);
        let first = swapped[a..b].to_vec();
        swapped.copy_within(b..b + ENTRY_LEN, a);
        swapped[b..b + ENTRY_LEN].copy_from_slice(&first);
        assert_eq!(both(&swapped), malformed);
        let mut repeated = v1.clone();
        repeated.copy_within(a..b, b);
        assert_eq!(both(&repeated), malformed);
        // The helper makes valid bytes of a valid content.
        assert!(TrustCheckpoints::decode(&v1).is_ok());
        let mut resummed = v1.clone();
        resummed[4] = 2;
        let sum = Sha256::digest(&resummed);
        resummed.extend_from_slice(&sum);
        assert_eq!(resummed, good);
    }

    #[test]
    fn keys_must_match() {
        let mut t = sample();
        let mut other = sample();
        other.genesis_key[0] ^= 1;
        assert_eq!(
            t.merge(other.clone()).unwrap_err(),
            CheckpointError::GenesisKeyMismatch
        );
        let foreign_bytes = other.encode();
        assert_eq!(
            t.merge_bytes(&foreign_bytes).unwrap_err(),
            CheckpointError::GenesisKeyMismatch
        );
        assert_eq!(
            t.merge_bytes(b"junk").unwrap_err().code(),
            "checkpoint_malformed"
        );
        assert_eq!(t, sample(), "refused bytes merge nothing");
        let mut more = TrustCheckpoints::new(&key());
        more.insert(&"ee".repeat(32), 1).unwrap();
        t.merge_bytes(&more.encode()).unwrap();
        assert_eq!(t.len(), 4);
        assert!(t.insert("abc", 1).is_err());
        assert!(t.insert(&"ab".repeat(31), 1).is_err());
        t.clear();
        assert!(t.is_empty());
    }

    fn h(i: u8) -> String {
        alloc::format!("{i:02x}").repeat(32)
    }

    /// Segment of `ids` (hash bytes) at descending epochs from `top`.
    fn seg(ids: &[u8], top: u64) -> PendingSegment {
        ids.iter()
            .enumerate()
            .map(|(n, i)| (h(*i), top - n as u64))
            .collect()
    }

    fn with_segments() -> TrustCheckpoints {
        let mut t = sample();
        t.add_pending(&seg(&[0x50, 0x51, 0x52], 40)).unwrap();
        t.add_pending(&seg(&[0x60], 30)).unwrap();
        t
    }

    #[test]
    fn version_3_round_trip_and_layout() {
        let t = with_segments();
        let bytes = t.encode();
        assert_eq!(bytes[4], 3);
        let entries_end = HEADER_LEN + 3 * ENTRY_LEN;
        assert_eq!(&bytes[entries_end..entries_end + 4], &[2, 0, 0, 0]);
        assert_eq!(&bytes[entries_end + 4..entries_end + 8], &[3, 0, 0, 0]);
        assert_eq!(
            bytes.len(),
            entries_end + 4 + (4 + 3 * ENTRY_LEN) + (4 + ENTRY_LEN) + CHECKSUM_LEN
        );
        let back = TrustCheckpoints::decode(&bytes).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.pending_segments()[0], seg(&[0x50, 0x51, 0x52], 40));
        assert_eq!(back.len(), 3, "segments are not checkpoints");
        assert!(!back.contains(&h(0x50)));
        // Without segments, version 2 again.
        let mut cleared = back;
        cleared.clear_pending();
        assert_eq!(cleared.encode(), sample().encode());
    }

    #[test]
    fn version_3_corruption_anywhere_is_refused() {
        let good = with_segments().encode();
        for i in 0..good.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= mask;
                assert!(TrustCheckpoints::decode(&bad).is_err(), "byte {i} ^ {mask}");
            }
            let mut shorter = good.clone();
            shorter.remove(i);
            assert!(
                TrustCheckpoints::decode(&shorter).is_err(),
                "byte {i} removed"
            );
        }
        // Structural faults under a matching checksum.
        let content = &good[..good.len() - CHECKSUM_LEN];
        let resum = |mut c: Vec<u8>| {
            let sum = Sha256::digest(&c);
            c.extend_from_slice(&sum);
            TrustCheckpoints::decode(&c).map(|_| ()).unwrap_err().code()
        };
        let seg_at = HEADER_LEN + 3 * ENTRY_LEN;
        for count in [0u32, 1, 3, 5] {
            let mut c = content.to_vec();
            c[seg_at..seg_at + 4].copy_from_slice(&count.to_le_bytes());
            assert_eq!(resum(c), "checkpoint_malformed", "count {count}");
        }
        for len in [0u32, 2, 4, 10_001] {
            let mut c = content.to_vec();
            c[seg_at + 4..seg_at + 8].copy_from_slice(&len.to_le_bytes());
            assert_eq!(resum(c), "checkpoint_malformed", "length {len}");
        }
        // Epochs rising within a segment; segments out of order; a hash twice.
        let mut t = sample();
        t.pending = vec![vec![(h(1), 5), (h(2), 6)]];
        assert_eq!(
            resum(t.encode()[..t.encode().len() - 32].to_vec()),
            "checkpoint_malformed"
        );
        t.pending = vec![seg(&[1], 5), seg(&[2], 6)];
        assert_eq!(
            resum(t.encode()[..t.encode().len() - 32].to_vec()),
            "checkpoint_malformed"
        );
        t.pending = vec![vec![(h(1), 5), (h(1), 5)]];
        assert_eq!(
            resum(t.encode()[..t.encode().len() - 32].to_vec()),
            "checkpoint_malformed"
        );
        t.pending = vec![seg(&[2], 6), seg(&[1], 5)];
        assert!(
            TrustCheckpoints::decode(&t.encode()).is_ok(),
            "the helper's control"
        );
    }

    #[test]
    fn pending_segments_join_shrink_and_stay_bounded() {
        let mut t = TrustCheckpoints::new(&key());
        t.add_pending(&seg(&[3, 4, 5], 10)).unwrap();
        // A segment that ends inside another: both stay (walks jump from one to the next).
        t.add_pending(&seg(&[1, 2, 3], 12)).unwrap();
        assert_eq!(
            t.pending_segments(),
            [seg(&[1, 2, 3], 12), seg(&[3, 4, 5], 10)]
        );
        // One that contains others replaces them; a contained one changes nothing.
        t.add_pending(&seg(&[1, 2, 3, 4, 5], 12)).unwrap();
        assert_eq!(t.pending_segments(), [seg(&[1, 2, 3, 4, 5], 12)]);
        t.add_pending(&seg(&[2, 3], 11)).unwrap();
        assert_eq!(t.pending_segments().len(), 1);
        // Empty: nothing; a bad hash: refused.
        t.add_pending(&[]).unwrap();
        assert!(t.add_pending(&[(String::from("xy"), 1)]).is_err());
        // At most MAX_PENDING_SEGMENTS, the newest.
        for i in 0..6u8 {
            t.add_pending(&seg(&[0x80 + i], 100 + u64::from(i)))
                .unwrap();
        }
        assert_eq!(t.pending_segments().len(), MAX_PENDING_SEGMENTS);
        assert_eq!(t.pending_segments()[0], seg(&[0x85], 105));
        assert!(!t.pending_segments().contains(&seg(&[1, 2, 3, 4, 5], 12)));
        // Committing a chain cuts segments at their first checkpoint.
        let mut t = TrustCheckpoints::new(&key());
        t.add_pending(&seg(&[1, 2, 3, 4], 12)).unwrap();
        t.add_pending(&seg(&[7, 8], 20)).unwrap();
        t.insert(&h(3), 10).unwrap();
        t.prune_pending();
        assert_eq!(
            t.pending_segments(),
            [seg(&[7, 8], 20), seg(&[1, 2, 3], 12)]
        );
        t.insert(&h(7), 20).unwrap();
        t.prune_pending();
        assert_eq!(t.pending_segments(), [seg(&[1, 2, 3], 12)]);
        // Merging brings the other set's segments.
        let mut other = TrustCheckpoints::new(&key());
        other.add_pending(&seg(&[9], 30)).unwrap();
        t.merge(other).unwrap();
        assert_eq!(t.pending_segments()[0], seg(&[9], 30));
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
        assert!(
            alloc::format!("{}", all[1]).contains("version 9, this library reads versions 1 to 3")
        );
    }
}
