//! The chain walk as a sans-IO state machine.
//!
//! The host asks [`ChainWalk::step`] what to do: fetch a certificate ([`Step::Fetch`]), wait for
//! signature checks it is running ([`Step::AwaitVerification`]), or take the result
//! ([`Step::Done`]). [`ChainWalk::feed`] parses a fetched certificate, runs every cheap check
//! (hashes, epochs, chaining) at once and names the next certificate immediately, so the host
//! can fetch ahead; the expensive STM check (point decoding included) comes back as a
//! [`PendingCheck`] the host runs anywhere (another thread, a worker, as bytes) and reports
//! with [`ChainWalk::complete`]. Or the host calls [`ChainWalk::feed_and_verify`] to do both
//! inline.
//!
//! Two savings span certificates. Check jobs stop before their pairing equation, and the walk
//! checks the equations of up to [`WalkConfig::pairing_batch`] certificates together
//! ([`crate::stm::pairing`]), checking them one by one only when a batch fails. And a
//! [`KeyCache`] keeps the signer keys checks have validated, per (epoch, AVK), so a later
//! certificate of the same epoch (in this walk, or in a later one the host gives the cache
//! to) skips their decompression and subgroup checks.
//!
//! A walk can resume where an interrupted one stopped: [`ChainWalk::save_pending`] records what
//! it fully checked as a pending segment (`chain::trust`, never trust), when
//! [`ChainWalk::pending_save_due`] says so and when the host drops it; a later walk given the
//! segments ([`ChainWalk::with_pending`]) skips their multi-signature checks and the
//! certificates between their ends, and its [`VerifiedChain::resumed`] lists those for the
//! host to commit with the rest once it reaches an anchor.
//!
//! Whatever the order in which checks finish, the reported error is the one the reference
//! verifier reports: every check has a position in the reference's order, and the walk only
//! concludes once every check before the earliest failure has passed. The reference fetches a
//! certificate's predecessor before checking the certificate itself, and so does this order.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use super::config::WalkConfig;
use super::key_cache::KeyCache;
use super::progress::Progress;
use super::rules::{LinkInfo, CHAINING_RULES};
use crate::certificate::{
    Certificate, CheckOutcome, GenesisVerificationKey, MultiSignatureCheck, ProtocolMessage,
    ProtocolParameters, SignedEntityType,
};
use crate::codec::check_size;
use crate::codec::sorted::SortedMap;
use crate::stm::{pairing, AggregateVerificationKey, PairingEquation, ScalarSeed};
use crate::{Error, StmError};

/// What the host should do next.
// Returned by value once per host step: boxing the result would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Step {
    /// Fetch the certificate with this hash and [`ChainWalk::feed`] it (or report
    /// [`ChainWalk::fetch_failed`]). Pending checks may still be running.
    Fetch(String),
    /// Nothing to fetch: run the pending checks and [`ChainWalk::complete`] them.
    AwaitVerification,
    /// The walk is over.
    Done(Result<VerifiedChain, Error>),
}

/// An STM check the host must run and report.
#[derive(Debug, Clone)]
pub struct PendingCheck {
    /// Position of the certificate in the walk (0 = the starting certificate).
    pub index: usize,
    /// The check.
    pub check: MultiSignatureCheck,
}

/// Outcome of feeding a certificate.
#[derive(Debug, Clone, Default)]
pub struct Fed {
    /// The STM check to run, if the certificate is a standard one whose check still matters.
    pub check: Option<PendingCheck>,
}

/// The verified starting certificate, as a wallet wants to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedCertificate {
    /// Hash.
    pub hash: String,
    /// Previous certificate's hash.
    pub previous_hash: String,
    /// Epoch.
    pub epoch: u64,
    /// What it certifies.
    pub signed_entity_type: SignedEntityType,
    /// The signed protocol message (its parts are what the certificate vouches for).
    pub protocol_message: ProtocolMessage,
    /// The signed message (hash of the protocol message).
    pub signed_message: String,
    /// The AVK it was verified with.
    pub aggregate_verification_key: AggregateVerificationKey,
    /// Its protocol parameters.
    pub parameters: ProtocolParameters,
    /// Whether it is the genesis certificate.
    pub is_genesis: bool,
}

impl VerifiedCertificate {
    fn of(c: &Certificate) -> Self {
        VerifiedCertificate {
            hash: c.hash.clone(),
            previous_hash: c.previous_hash.clone(),
            epoch: c.epoch,
            signed_entity_type: c.signed_entity_type.clone(),
            protocol_message: c.protocol_message.clone(),
            signed_message: c.signed_message.clone(),
            aggregate_verification_key: c.aggregate_verification_key.clone(),
            parameters: c.metadata.parameters,
            is_genesis: c.is_genesis(),
        }
    }
}

/// One certificate visited by a successful walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// Hash.
    pub hash: String,
    /// Epoch.
    pub epoch: u64,
    /// Its AVK (the trust a checkpoint would record).
    pub aggregate_verification_key: AggregateVerificationKey,
}

/// Where a successful walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// At the genesis certificate, verified with the genesis key.
    Genesis(String),
    /// At a certificate the host trusted already (a checkpoint).
    Trusted(String),
}

/// A verified chain.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedChain {
    /// The certificate the walk started from.
    pub certificate: VerifiedCertificate,
    /// Certificates checked, the starting one and the anchor included.
    pub certificates_checked: usize,
    /// Where the walk ended.
    pub anchor: Anchor,
    /// The certificates visited, newest first.
    pub links: Vec<ChainLink>,
    /// The certificates the walk did not visit because a pending segment vouched for them
    /// (hash, epoch), newest first: part of the verified chain, for
    /// `TrustCheckpoints::add_chain` (`chain::trust`) to trust with the links.
    pub resumed: Vec<(String, u64)>,
}

/// A pending segment: (hash, epoch) of fully checked, consecutive certificates, newest first
/// (see `chain::trust`, which stores them). Not trust.
pub type PendingSegment = Vec<(String, u64)>;

/// (segment, position) of a packed `ChainWalk::resume` value.
fn unpack(v: u64) -> (usize, usize) {
    ((v >> 32) as usize, (v & 0xffff_ffff) as usize)
}

// Positions of checks in the reference's order. For certificate j: fetching j+1 comes first,
// then j's own checks (steps 1-5), then the chaining rules between j and j+1 (rules 1-5).
fn fetch_pos(j: usize) -> u64 {
    if j == 0 {
        0
    } else {
        20 * (j as u64 - 1) + 1
    }
}
fn integrity_pos(j: usize, step: u64) -> u64 {
    20 * j as u64 + 2 + step
}
fn chain_pos(child: usize, rule: u64) -> u64 {
    20 * child as u64 + 10 + rule
}
const STEP_SELF_LINK: u64 = 1;
const STEP_HASH: u64 = 2;
const STEP_MESSAGE: u64 = 3;
const STEP_SIGNATURE: u64 = 4;
const STEP_EPOCH: u64 = 5;

/// Where a certificate fed to the walk stands, for [`ChainWalk::progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkState {
    /// Its own checks and chaining rules passed; its multi-signature check has not come back
    /// yet.
    Waiting,
    /// Its multi-signature check passed but for its pairing equation, which waits for its
    /// batch.
    Batched,
    /// Every check that concerns it passed.
    Verified,
    /// Some check that concerns it failed, or will not run (an earlier failure made it moot).
    Unverified,
}

/// A walk from one certificate back to genesis (or to a trusted certificate).
#[derive(Debug, Clone)]
pub struct ChainWalk {
    config: WalkConfig,
    genesis_key: GenesisVerificationKey,
    /// Trusted hashes, with their epochs when the host gave them (for the progress estimate).
    trusted: SortedMap<String, Option<u64>>,
    /// Hash of the certificate to fetch next.
    expected: Option<String>,
    links: Vec<LinkInfo>,
    /// Where each certificate of `links` stands (same positions).
    states: Vec<LinkState>,
    first: Option<VerifiedCertificate>,
    /// Positions of the certificates whose STM check is outstanding, ascending (checks are
    /// handed out in feeding order). Includes those in `deferred`.
    pending: Vec<usize>,
    /// Checks that passed but for their pairing equation, waiting for a batch.
    deferred: Vec<(usize, Box<PairingEquation>)>,
    /// Earliest failure so far, by position.
    failure: Option<(u64, Error)>,
    anchor: Option<Anchor>,
    key_cache: KeyCache,
    /// The host's secret seed for pairing batches; `None`: fresh OS randomness per batch.
    batch_seed: Option<ScalarSeed>,
    batches: u64,
    /// Pending segments of earlier walks ([`ChainWalk::with_pending`]).
    segments: Vec<PendingSegment>,
    /// Hash to (segment, position) for every certificate of `segments`: the position that
    /// leaves the most of a segment to skip. Packed in a u64 (segment in the high half) so the
    /// map is a type the trust checkpoints already instantiate (wasm size).
    resume: SortedMap<String, u64>,
    /// Jumps over segments: the position of the link a jump starts from, and the certificates
    /// it skipped (newest first).
    jumps: Vec<(usize, Vec<(String, u64)>)>,
    /// Certificates skipped by jumps (they count towards the chain length).
    skipped: usize,
    /// Length of the pending segment last saved ([`ChainWalk::save_pending`]).
    saved: usize,
}

impl ChainWalk {
    /// Start a walk at `certificate_hash`, trusting only the genesis key.
    pub fn new(
        certificate_hash: &str,
        genesis_key: GenesisVerificationKey,
        config: WalkConfig,
    ) -> Self {
        ChainWalk {
            config,
            key_cache: KeyCache::new(&genesis_key),
            genesis_key,
            trusted: SortedMap::new(),
            expected: Some(String::from(certificate_hash)),
            links: Vec::new(),
            states: Vec::new(),
            first: None,
            pending: Vec::new(),
            deferred: Vec::new(),
            failure: None,
            anchor: None,
            batch_seed: None,
            batches: 0,
            segments: Vec::new(),
            resume: SortedMap::new(),
            jumps: Vec::new(),
            skipped: 0,
            saved: 0,
        }
    }

    /// Start from the keys an earlier walk validated ([`ChainWalk::take_key_cache`]). A cache
    /// made under another genesis key is not used.
    pub fn with_key_cache(mut self, cache: KeyCache) -> Self {
        self.use_key_cache(cache);
        self
    }

    /// [`ChainWalk::with_key_cache`] on a walk already made (before its first feed, for the
    /// cache to serve every certificate).
    pub fn use_key_cache(&mut self, cache: KeyCache) {
        if cache.is_for(&self.genesis_key) {
            self.key_cache = cache;
        }
    }

    /// Check pairing batches with scalars derived from this secret seed instead of fresh OS
    /// randomness (hosts without `std`; without either, each check job checks its own
    /// equation).
    pub fn with_batch_seed(mut self, seed: ScalarSeed) -> Self {
        self.batch_seed = Some(seed);
        self
    }

    /// The validated keys this walk holds (what it was given plus what its checks validated).
    pub fn key_cache(&self) -> &KeyCache {
        &self.key_cache
    }

    /// The genesis verification key the walk ends at (what trust checkpoints record).
    pub fn genesis_key(&self) -> &GenesisVerificationKey {
        &self.genesis_key
    }

    /// Take the key cache, to give it to the next walk under the same genesis key.
    pub fn take_key_cache(&mut self) -> KeyCache {
        core::mem::replace(&mut self.key_cache, KeyCache::new(&self.genesis_key))
    }

    /// Also stop at any of these certificate hashes, trusted from an earlier full walk. The
    /// trusted certificate is still fetched and its content hash-checked, since the chaining
    /// rules need its AVK and parameters.
    pub fn with_trusted<I: IntoIterator<Item = String>>(mut self, hashes: I) -> Self {
        for hash in hashes {
            // A hash already given with its epoch keeps it.
            if !self.trusted.contains_key(&hash) {
                self.trusted.insert(hash, None);
            }
        }
        self
    }

    /// [`ChainWalk::with_trusted`] with the checkpoints' epochs, which also let
    /// [`ChainWalk::progress`] estimate where the walk will end.
    pub fn with_trusted_epochs<I: IntoIterator<Item = (String, u64)>>(
        mut self,
        entries: I,
    ) -> Self {
        for (hash, epoch) in entries {
            self.trusted.insert(hash, Some(epoch));
        }
        self
    }

    /// Resume over pending segments (certificates earlier walks fully checked, newest first;
    /// see `chain::trust`). When the walk feeds a certificate of a segment and its own checks
    /// and chaining rules pass, its multi-signature check is skipped and the walk asks for the
    /// segment's last certificate next, skipping the ones between (their checks and the rules
    /// between them passed before); that one is hash-checked, its multi-signature check
    /// skipped, and the walk goes on from its predecessor as usual. Segments are not trust:
    /// the walk still ends only at genesis or a checkpoint.
    pub fn with_pending<I: IntoIterator<Item = PendingSegment>>(mut self, segments: I) -> Self {
        self.use_pending(segments);
        self
    }

    /// [`ChainWalk::with_pending`] on a walk already made (before its first feed, for the
    /// segments to serve every certificate).
    pub fn use_pending<I: IntoIterator<Item = PendingSegment>>(&mut self, segments: I) {
        for seg in segments {
            let s = self.segments.len();
            for (p, (hash, _)) in seg.iter().enumerate() {
                let left = seg.len() - p;
                let better = match self.resume.get(hash).map(|&v| unpack(v)) {
                    Some((t, q)) => self.segments.get(t).is_none_or(|o| left > o.len() - q),
                    None => true,
                };
                if better {
                    self.resume
                        .insert(hash.clone(), ((s as u64) << 32) | p as u64);
                }
            }
            self.segments.push(seg);
        }
    }

    /// The certificates of this walk that form a pending segment (see `chain::trust`): the
    /// unbroken run of verified certificates from the starting one, with those it skipped over
    /// segments, newest first. Empty when none is verified yet.
    pub fn pending_segment(&self) -> PendingSegment {
        let verified = self.verified_count();
        let mut out = Vec::new();
        for (k, link) in self.links.iter().take(verified).enumerate() {
            out.push((link.hash.clone(), link.epoch));
            // The skipped certificates belong to the run once the jump's target is verified.
            if k + 1 < verified {
                if let Some((_, skipped)) = self.jumps.iter().find(|(from, _)| *from == k) {
                    out.extend(skipped.iter().cloned());
                }
            }
        }
        out
    }

    /// Length of [`ChainWalk::pending_segment`] once the first `verified` links are verified.
    fn pending_len(&self, verified: usize) -> usize {
        verified
            + self
                .jumps
                .iter()
                .filter(|(from, _)| from + 1 < verified)
                .map(|(_, skipped)| skipped.len())
                .sum::<usize>()
    }

    /// Whether the host should save the walk's pending segment now, `elapsed_ms` after it last
    /// saved it (or after the walk started): once [`WalkConfig::pending_save_certificates`]
    /// more certificates are verified, or some more are and [`WalkConfig::pending_save_millis`]
    /// have passed. Never once the walk is over: a verified chain is committed instead, a
    /// failed walk keeps what it saved.
    pub fn pending_save_due(&self, elapsed_ms: u64) -> bool {
        if !matches!(self.step(), Step::Fetch(_) | Step::AwaitVerification) {
            return false;
        }
        // Certificates waiting only for their pairing batch count: saving checks the batch.
        let checked = self
            .states
            .iter()
            .take_while(|s| matches!(s, LinkState::Verified | LinkState::Batched))
            .count();
        let new = self.pending_len(checked).saturating_sub(self.saved);
        new >= self.config.pending_save_certificates.max(1)
            || (new > 0 && elapsed_ms >= self.config.pending_save_millis)
    }

    /// The pending segment to save now ([`ChainWalk::save_pending`], in `chain::trust`, which
    /// stores it), `None` once the walk succeeded (its chain is committed instead). Pairing
    /// equations waiting for their batch are checked first, so the segment holds every
    /// certificate checked so far.
    pub(super) fn pending_to_save(&mut self) -> Option<PendingSegment> {
        if matches!(self.step(), Step::Done(Ok(_))) {
            return None;
        }
        // The equations waiting for a batch are checked now (a smaller batch), so that what
        // passed so far is saved whatever the batch size.
        if !self.deferred.is_empty() {
            self.check_deferred();
        }
        Some(self.pending_segment())
    }

    /// Count the segment [`ChainWalk::pending_to_save`] gave as saved, for
    /// [`ChainWalk::pending_save_due`].
    pub(super) fn pending_saved(&mut self) {
        self.saved = self.pending_len(self.verified_count());
    }

    /// Every certificate the walk skipped over segments, newest first (a plain loop: an
    /// iterator adapter costs the wasm module more).
    fn resumed(&self) -> Vec<(String, u64)> {
        let mut all = Vec::new();
        for (_, skipped) in &self.jumps {
            all.extend_from_slice(skipped);
        }
        all
    }

    fn verified_count(&self) -> usize {
        self.states
            .iter()
            .take_while(|s| **s == LinkState::Verified)
            .count()
    }

    /// How far the walk has come (see [`Progress`]).
    pub fn progress(&self) -> Progress {
        let verified = self.verified_count();
        let checked = self
            .states
            .iter()
            .take_while(|s| matches!(s, LinkState::Verified | LinkState::Batched))
            .count();
        let start_epoch = self.links.first().map(|l| l.epoch);
        let anchor_epoch = match (&self.anchor, self.links.last()) {
            (Some(_), Some(anchor)) => Some(anchor.epoch),
            // The newest checkpoint the walk can still meet: the first one it meets going back
            // when every checkpoint is on this chain.
            _ => start_epoch.and_then(|start| {
                self.trusted
                    .values()
                    .filter_map(|e| *e)
                    .filter(|e| *e <= start)
                    .max()
            }),
        };
        Progress {
            certificates_fetched: self.links.len(),
            certificates_checked: checked,
            certificates_verified: verified,
            pending_checks: self.pending_checks(),
            current_epoch: self.current_epoch(),
            start_epoch,
            checked_epoch: checked.checked_sub(1).map(|i| self.links[i].epoch),
            verified_epoch: verified.checked_sub(1).map(|i| self.links[i].epoch),
            anchor_epoch,
            anchor_verified: self.anchor.is_some() && verified == self.links.len(),
        }
    }

    /// Certificates fed so far.
    pub fn certificates_fed(&self) -> usize {
        self.links.len()
    }

    /// Epoch of the most recently fed certificate.
    pub fn current_epoch(&self) -> Option<u64> {
        self.links.last().map(|l| l.epoch)
    }

    /// Whether some check has already failed. The verdict may still be a different, earlier
    /// failure (in the reference's order) once pending checks and fetches resolve; hosts use
    /// this only to stop reporting progress as success.
    pub fn has_failed(&self) -> bool {
        self.failure.is_some()
    }

    /// STM checks handed out and not yet completed.
    pub fn pending_checks(&self) -> usize {
        self.pending.len() - self.deferred.len()
    }

    /// The earliest position at which check `j` can still fail: a job not yet completed may
    /// still find a point that does not decode (which the reference reports when it fetches
    /// the certificate); a deferred one only its signature.
    fn pending_pos(&self, j: usize) -> u64 {
        if self.deferred.iter().any(|(d, _)| *d == j) {
            integrity_pos(j, STEP_SIGNATURE)
        } else {
            fetch_pos(j)
        }
    }

    fn failure_pos(&self) -> u64 {
        self.failure.as_ref().map_or(u64::MAX, |(p, _)| *p)
    }

    fn fail(&mut self, pos: u64, error: Error) {
        if self.failure.as_ref().is_none_or(|(p, _)| pos < *p) {
            self.failure = Some((pos, error));
        }
    }

    /// What to do next.
    pub fn step(&self) -> Step {
        let failure_pos = self.failure.as_ref().map_or(u64::MAX, |(p, _)| *p);
        if let Some(hash) = &self.expected {
            if fetch_pos(self.links.len()) < failure_pos {
                return Step::Fetch(hash.clone());
            }
        }
        if self
            .pending
            .iter()
            .any(|&j| self.pending_pos(j) < failure_pos)
        {
            return Step::AwaitVerification;
        }
        if let Some((_, error)) = &self.failure {
            return Step::Done(Err(error.clone()));
        }
        match (&self.anchor, &self.first) {
            (Some(anchor), Some(first)) => Step::Done(Ok(VerifiedChain {
                certificate: first.clone(),
                certificates_checked: self.links.len(),
                anchor: anchor.clone(),
                links: self
                    .links
                    .iter()
                    .map(|l| ChainLink {
                        hash: l.hash.clone(),
                        epoch: l.epoch,
                        aggregate_verification_key: l.avk.clone(),
                    })
                    .collect(),
                resumed: self.resumed(),
            })),
            // Unreachable by construction (a walk always expects, waits, fails or anchors);
            // answer with an error rather than panic.
            _ => Step::Done(Err(Error::CertificateUnavailable {
                certificate: String::new(),
                detail: "the walk ended without reaching an anchor".into(),
            })),
        }
    }

    /// The host could not get the certificate the walk asked for.
    pub fn fetch_failed(&mut self, hash: &str, detail: &str) {
        self.fetch_failed_inner(hash, detail);
        self.settle();
    }

    fn fetch_failed_inner(&mut self, hash: &str, detail: &str) {
        if self.expected.as_deref() == Some(hash) {
            self.expected = None;
            let pos = fetch_pos(self.links.len());
            self.fail(
                pos,
                Error::CertificateUnavailable {
                    certificate: hash.into(),
                    detail: detail.into(),
                },
            );
        }
    }

    /// Feed the body of the certificate the walk asked for (`hash` is the hash it asked for).
    /// Cheap checks run now; the STM check is returned for the host to run.
    pub fn feed(&mut self, hash: &str, body: &[u8]) -> Fed {
        let fed = self.feed_inner(hash, body);
        self.settle();
        fed
    }

    fn feed_inner(&mut self, hash: &str, body: &[u8]) -> Fed {
        let j = self.links.len();
        let pos = fetch_pos(j);
        match self.expected.take() {
            Some(expected) if expected == hash => {}
            other => {
                let unexpected = Error::UnexpectedCertificate {
                    expected: other.clone().unwrap_or_default(),
                    got: hash.into(),
                };
                self.expected = other;
                self.fail(pos, unexpected);
                return Fed::default();
            }
        }
        // Certificates skipped over pending segments count: the limit is the fresh walk's.
        if j + self.skipped >= self.config.max_chain_length {
            self.fail(
                pos,
                Error::ChainTooLong {
                    limit: self.config.max_chain_length,
                },
            );
            return Fed::default();
        }
        if let Err(e) = check_size("certificate", body, self.config.max_certificate_bytes) {
            self.fail(pos, e.into());
            return Fed::default();
        }
        let cert = match Certificate::from_json(body) {
            Ok(c) => c,
            Err(e) => {
                self.fail(pos, e.in_certificate(hash));
                return Fed::default();
            }
        };
        if j == 0 && cert.hash != hash {
            // The reference trusts the server here; a light client must not.
            self.fail(
                pos,
                Error::UnexpectedCertificate {
                    expected: hash.into(),
                    got: cert.hash.clone(),
                },
            );
            return Fed::default();
        }
        // Counts bound the STM check's work: refused while reading, before it is handed out.
        if let Err(e) = self.config.check_counts(hash, &cert) {
            self.fail(pos, e);
            return Fed::default();
        }

        let link = LinkInfo::of(&cert);
        let mut linked = true;
        // After a jump over a pending segment, the rules between the jump's ends are the
        // segment's (they passed when it was checked).
        let jumped_to = self.jumps.last().is_some_and(|(from, _)| from + 1 == j);
        if j > 0 && !jumped_to {
            let child = self.links[j - 1].clone();
            for (rule, check) in CHAINING_RULES.iter().enumerate() {
                if let Err(e) = check(&child, &link) {
                    self.fail(chain_pos(j - 1, rule as u64 + 1), e);
                    linked = false;
                    break;
                }
            }
        }
        if j == 0 {
            self.first = Some(VerifiedCertificate::of(&cert));
        }
        self.links.push(link);
        // Settled below, or once its multi-signature check comes back.
        self.states.push(LinkState::Waiting);

        if self.trusted.contains_key(hash) {
            let hashed = match cert.check_hash() {
                Ok(()) => true,
                Err(e) => {
                    self.fail(integrity_pos(j, STEP_HASH), e);
                    false
                }
            };
            self.set_state(j, linked && hashed);
            self.anchor = Some(Anchor::Trusted(cert.hash.clone()));
            return Fed::default();
        }

        if cert.is_genesis() {
            let checks: [(u64, Result<(), Error>); 4] = [
                (STEP_HASH, cert.check_hash()),
                (STEP_MESSAGE, cert.check_protocol_message()),
                (
                    STEP_SIGNATURE,
                    cert.check_genesis_signature(&self.genesis_key),
                ),
                (STEP_EPOCH, cert.check_epoch_part()),
            ];
            let passed = self.record_first_failure(j, checks);
            self.set_state(j, linked && passed);
            self.anchor = Some(Anchor::Genesis(cert.hash.clone()));
            return Fed::default();
        }

        // A standard certificate: its predecessor is needed, and is asked for right away.
        self.expected = Some(cert.previous_hash.clone());
        let checks: [(u64, Result<(), Error>); 4] = [
            (STEP_SELF_LINK, cert.check_not_self_linked()),
            (STEP_HASH, cert.check_hash()),
            (STEP_MESSAGE, cert.check_protocol_message()),
            (STEP_EPOCH, cert.check_epoch_part()),
        ];
        let passed = self.record_first_failure(j, checks);
        if !(linked && passed) {
            self.set_state(j, false);
        } else if let Some((s, p)) = self.resume.get(hash).map(|&v| unpack(v)) {
            // Checked by an earlier walk: no multi-signature check, and on to the segment's end.
            self.set_state(j, true);
            let seg = self.segments.get(s).map_or(&[][..], |v| &v[..]);
            if let (Some((end, _)), Some(skipped)) =
                (seg.last(), seg.get(p + 1..seg.len().saturating_sub(1)))
            {
                self.expected = Some(end.clone());
                let skipped = skipped.to_vec();
                self.skipped += skipped.len();
                self.jumps.push((j, skipped));
            }
            return Fed::default();
        }
        let Some(check) = cert.multi_signature_check() else {
            self.set_state(j, false);
            return Fed::default();
        };
        let check = if integrity_pos(j, STEP_SIGNATURE) > self.failure_pos() {
            // An earlier check already failed: only a point that does not decode could still
            // come first (the certificate stays unverified).
            self.set_state(j, false);
            check.points_only()
        } else if self.defers_pairing() {
            check.defer_pairing()
        } else {
            check
        };
        let known = self.key_cache.known(
            cert.epoch,
            &cert.aggregate_verification_key,
            check.entry_keys(),
        );
        // j is the number of certificates fed before this one: above every pending position,
        // so the list stays ascending.
        self.pending.push(j);
        Fed {
            check: Some(PendingCheck {
                index: j,
                check: check.with_known_keys(known),
            }),
        }
    }

    fn defers_pairing(&self) -> bool {
        self.config.pairing_batch >= 2 && (cfg!(feature = "std") || self.batch_seed.is_some())
    }

    /// Record the first failure among a certificate's own checks; whether they all passed.
    fn record_first_failure(&mut self, j: usize, checks: [(u64, Result<(), Error>); 4]) -> bool {
        if let Some((step, Err(e))) = checks.into_iter().find(|(_, r)| r.is_err()) {
            self.fail(integrity_pos(j, step), e);
            return false;
        }
        true
    }

    /// Settle certificate `j`: verified if `passed`.
    fn set_state(&mut self, j: usize, passed: bool) {
        if let Some(state) = self.states.get_mut(j) {
            *state = if passed {
                LinkState::Verified
            } else {
                LinkState::Unverified
            };
        }
    }

    /// Settle a certificate whose multi-signature check (or its pairing equation) was waiting.
    fn settle_waiting(&mut self, j: usize, passed: bool) {
        if matches!(
            self.states.get(j),
            Some(LinkState::Waiting | LinkState::Batched)
        ) {
            self.states[j] = if passed {
                LinkState::Verified
            } else {
                LinkState::Unverified
            };
        }
    }

    /// Report the outcome of a [`PendingCheck`] (in any order; a second report of the same
    /// check is ignored).
    pub fn complete(&mut self, index: usize, outcome: impl Into<CheckOutcome>) {
        let outcome = outcome.into();
        if self.pending.binary_search(&index).is_err()
            || self.deferred.iter().any(|(j, _)| *j == index)
        {
            return;
        }
        if let Some(link) = self.links.get(index) {
            self.key_cache
                .insert(link.epoch, &link.avk, outcome.validated_keys);
        }
        match outcome.result {
            Ok(Some(equation)) => {
                self.deferred.push((index, equation));
                if let Some(state @ LinkState::Waiting) = self.states.get_mut(index) {
                    *state = LinkState::Batched;
                }
            }
            Ok(None) => {
                self.pending.retain(|&j| j != index);
                self.settle_waiting(index, true);
            }
            Err(e) => {
                self.pending.retain(|&j| j != index);
                self.settle_waiting(index, false);
                let pos = match e {
                    // A point that does not decode is found when the reference fetches the
                    // certificate; a failed job might have found one.
                    Error::CertificateMalformed { .. } | Error::Internal { .. } => fetch_pos(index),
                    _ => integrity_pos(index, STEP_SIGNATURE),
                };
                self.fail(pos, e);
            }
        }
        self.settle();
    }

    /// Check the deferred pairing equations once a batch is full, or once nothing else can
    /// happen before them (no job outstanding, nothing to fetch).
    fn settle(&mut self) {
        if self.deferred.is_empty() {
            return;
        }
        let can_fetch = self.expected.is_some() && fetch_pos(self.links.len()) < self.failure_pos();
        let outstanding = self.pending.len() - self.deferred.len();
        if self.deferred.len() >= self.config.pairing_batch.max(1)
            || (outstanding == 0 && !can_fetch)
        {
            self.check_deferred();
        }
    }

    fn check_deferred(&mut self) {
        let failure_pos = self.failure_pos();
        let deferred = core::mem::take(&mut self.deferred);
        self.pending
            .retain(|j| !deferred.iter().any(|(d, _)| d == j));
        // After the earliest failure an equation cannot change the verdict: it is not checked,
        // and its certificate stays unverified.
        let (batch, moot): (Vec<(usize, Box<PairingEquation>)>, Vec<_>) = deferred
            .into_iter()
            .partition(|(j, _)| integrity_pos(*j, STEP_SIGNATURE) < failure_pos);
        for (j, _) in moot {
            self.settle_waiting(j, false);
        }
        let all_hold = batch.len() > 1
            && match self.next_batch_seed() {
                Some(seed) => {
                    let equations: Vec<&PairingEquation> =
                        batch.iter().map(|(_, e)| &**e).collect();
                    pairing::all_hold(&equations, &seed)
                }
                None => false,
            };
        for (j, equation) in batch {
            let holds = all_hold || equation.holds();
            self.settle_waiting(j, holds);
            if !holds {
                let certificate = self
                    .links
                    .get(j)
                    .map(|l| l.hash.clone())
                    .unwrap_or_default();
                self.fail(
                    integrity_pos(j, STEP_SIGNATURE),
                    Error::MultiSignature {
                        certificate,
                        error: StmError::SignatureInvalid,
                    },
                );
            }
        }
    }

    fn next_batch_seed(&mut self) -> Option<ScalarSeed> {
        self.batches += 1;
        if let Some(seed) = &self.batch_seed {
            return Some(seed.derive(self.batches));
        }
        #[cfg(feature = "std")]
        {
            ScalarSeed::random().ok()
        }
        #[cfg(not(feature = "std"))]
        {
            None
        }
    }

    /// Drive the walk to its verdict, inline: the loop every simple host would write.
    /// `fetch(hash)` returns the certificate's body, or an error whose text becomes the
    /// `certificate_unavailable` detail (the host's words); each STM check runs on this
    /// thread as soon as its certificate is fed. Hosts that fetch ahead or check on other
    /// threads drive [`ChainWalk::step`] themselves.
    #[cfg(feature = "std")]
    pub fn run<B, E, F>(mut self, mut fetch: F) -> Result<VerifiedChain, Error>
    where
        B: AsRef<[u8]>,
        E: core::fmt::Display,
        F: FnMut(&str) -> Result<B, E>,
    {
        loop {
            match self.step() {
                Step::Fetch(hash) => match fetch(&hash) {
                    Ok(body) => self.feed_and_verify(&hash, body.as_ref()),
                    Err(e) => self.fetch_failed(&hash, &alloc::format!("{e}")),
                },
                // Inline checks leave nothing pending; answer rather than loop or panic.
                Step::AwaitVerification => {
                    return Err(Error::Internal {
                        detail: String::from("an inline walk waits for a check"),
                    })
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// Feed a certificate and run its STM check inline with the given seed (pairing batches
    /// then use a seed derived from it).
    pub fn feed_and_verify_with_seed(&mut self, hash: &str, body: &[u8], seed: &ScalarSeed) {
        if self.batch_seed.is_none() {
            self.batch_seed = Some(seed.derive(u64::MAX));
        }
        if let Some(p) = self.feed(hash, body).check {
            let outcome = p.check.run(seed);
            self.complete(p.index, outcome);
        }
    }

    /// Feed a certificate and run its STM check inline, with OS randomness.
    #[cfg(feature = "std")]
    pub fn feed_and_verify(&mut self, hash: &str, body: &[u8]) {
        if let Some(p) = self.feed(hash, body).check {
            let outcome = p.check.run_random();
            self.complete(p.index, outcome);
        }
    }
}
