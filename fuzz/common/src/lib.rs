//! What the fuzz targets share: the fixtures (read from `tests/fixtures`, or from the
//! directory in `MITHRIL_LITE_FIXTURES`), verdicts of the untouched inputs, genuine check jobs,
//! and a cursor that reads the fuzzer's bytes as instructions.
//!
//! Every target reads its input as `[selector bytes][payload]`; the seed generator
//! (`src/bin/fuzz-seed.rs`) writes genuine inputs in the same layout, so the fuzzer starts
//! from real certificates, proofs and jobs.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use mithril_lite::certificate::{GenesisVerificationKey, MultiSignatureCheck};
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, Step, VerifiedCertificate, VerifiedChain, WalkConfig};
use mithril_lite::proofs::{CertifiedItems, ProofError};
use mithril_lite::stm::ScalarSeed;
use mithril_lite::Error;

/// The fixture directory (`tests/fixtures` of the repository).
pub fn fixtures() -> PathBuf {
    match std::env::var_os("MITHRIL_LITE_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures")),
    }
}

/// Read a fixture file mapping keys to JSON bodies, keeping each body's exact text (stakes
/// exceed 2^53). Sorted by key, so selectors are stable.
pub fn bodies(rel: &str) -> Vec<(String, String)> {
    let path = fixtures().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    let map: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

/// A certificate chain fixture.
pub struct Chain {
    /// Hash -> exact certificate JSON.
    pub certificates: HashMap<String, String>,
    /// The genesis key, as the fixture gives it (JSON-hex).
    pub genesis_key: String,
    /// From the latest certificate back along `previous_hash` (as far as the fixture goes).
    pub order: Vec<String>,
}

impl Chain {
    /// Load a chain directory (relative to the fixtures) starting at its `latest` file, or at
    /// the greatest hash when it has none.
    pub fn load(rel: &str) -> Chain {
        let dir = fixtures().join(rel);
        let certificates: HashMap<String, String> = bodies(&format!("{rel}/certificates.json"))
            .into_iter()
            .collect();
        let genesis_key = std::fs::read_to_string(dir.join("genesis.vkey")).unwrap();
        let latest = std::fs::read_to_string(dir.join("latest"))
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|_| certificates.keys().max().unwrap().clone());
        let mut order = vec![latest];
        loop {
            let body = &certificates[order.last().unwrap()];
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            let previous = v["previous_hash"].as_str().unwrap_or_default().to_string();
            if previous.is_empty()
                || !certificates.contains_key(&previous)
                || order.contains(&previous)
            {
                break;
            }
            order.push(previous);
        }
        Chain {
            certificates,
            genesis_key,
            order,
        }
    }

    /// The genesis key.
    pub fn key(&self) -> GenesisVerificationKey {
        GenesisVerificationKey::decode(&self.genesis_key).unwrap()
    }

    /// Walk inline from `start`, stopping at `trusted`, with `replace` standing in for the
    /// fixture's body of one certificate. Deterministic (fixed scalar seed).
    pub fn walk(
        &self,
        start: &str,
        trusted: &[String],
        config: WalkConfig,
        replace: Option<(&str, &[u8])>,
    ) -> Result<VerifiedChain, Error> {
        let mut walk =
            ChainWalk::new(start, self.key(), config).with_trusted(trusted.iter().cloned());
        let seed = fixed_seed(1);
        loop {
            match walk.step() {
                Step::Fetch(h) => match self.body(&h, replace) {
                    Some(body) => walk.feed_and_verify_with_seed(&h, body, &seed),
                    None => walk.fetch_failed(&h, "not in the fixture"),
                },
                Step::AwaitVerification => {
                    panic!("an inline walk left a check pending")
                }
                Step::Done(result) => return result,
            }
        }
    }

    /// The body the host serves for `hash`.
    pub fn body<'a>(&'a self, hash: &str, replace: Option<(&str, &'a [u8])>) -> Option<&'a [u8]> {
        match replace {
            Some((h, body)) if h == hash => Some(body),
            _ => self.certificates.get(hash).map(|b| b.as_bytes()),
        }
    }

    /// The check jobs a walk from `start` hands out (fed in order, every job run inline so
    /// the walk goes on), as (index, job).
    pub fn jobs(&self, start: &str, config: WalkConfig) -> Vec<(usize, MultiSignatureCheck)> {
        let mut walk = ChainWalk::new(start, self.key(), config);
        let seed = fixed_seed(2);
        let mut jobs = Vec::new();
        loop {
            match walk.step() {
                Step::Fetch(h) => match self.certificates.get(&h) {
                    Some(body) => {
                        if let Some(PendingCheck { index, check }) =
                            walk.feed(&h, body.as_bytes()).check
                        {
                            walk.complete(index, check.run(&seed));
                            jobs.push((index, check));
                        }
                    }
                    None => walk.fetch_failed(&h, "not in the fixture"),
                },
                Step::AwaitVerification => unreachable!("every job completes when handed out"),
                Step::Done(_) => return jobs,
            }
        }
    }
}

/// The chains the walk targets use: the reference chains and their negatives (the devnet
/// chain, 43 certificates, is in the proofs targets' set-up).
pub fn chains() -> &'static [(String, Chain)] {
    static CHAINS: OnceLock<Vec<(String, Chain)>> = OnceLock::new();
    CHAINS.get_or_init(|| {
        let mut names = vec![String::from("reference-chains/two-per-epoch")];
        let negative = fixtures().join("reference-chains/two-per-epoch/negative");
        let mut more: Vec<String> = std::fs::read_dir(negative)
            .unwrap()
            .map(|e| {
                format!(
                    "reference-chains/two-per-epoch/negative/{}",
                    e.unwrap().file_name().to_string_lossy()
                )
            })
            .collect();
        more.sort();
        names.extend(more);
        names
            .into_iter()
            .map(|n| {
                let c = Chain::load(&n);
                (n, c)
            })
            .collect()
    })
}

/// The devnet chain.
pub fn devnet() -> &'static Chain {
    static DEVNET: OnceLock<Chain> = OnceLock::new();
    DEVNET.get_or_init(|| Chain::load("devnet"))
}

/// Verified devnet certificates, by hash, for the proof targets: every certificate the
/// devnet proof and artifact fixtures name, reached by a full walk to genesis.
pub fn devnet_certificate(hash: &str) -> Option<VerifiedCertificate> {
    static CACHE: OnceLock<std::sync::Mutex<HashMap<String, Option<VerifiedCertificate>>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(c) = cache.lock().unwrap().get(hash) {
        return c.clone();
    }
    let verified = devnet()
        .certificates
        .contains_key(hash)
        .then(|| devnet().walk(hash, &[], WalkConfig::default(), None))
        .and_then(Result::ok)
        .map(|chain| chain.certificate);
    cache
        .lock()
        .unwrap()
        .insert(hash.to_string(), verified.clone());
    verified
}

/// The `certificate_hash` a proof or artifact body names (fixture bodies only).
pub fn certificate_hash_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["certificate_hash"].as_str().unwrap().to_string()
}

/// A fixed scalar seed (the targets must be deterministic to be reproducible).
pub fn fixed_seed(n: u8) -> ScalarSeed {
    ScalarSeed::from_bytes([n; 32])
}

/// Genuine check jobs from the fixtures, for the job targets: every job of the reference
/// chains (valid and negative), under three walk configurations (pairing left to the walk or
/// not), plus one whose first signature point does not decode.
pub fn genuine_jobs() -> &'static [MultiSignatureCheck] {
    static JOBS: OnceLock<Vec<MultiSignatureCheck>> = OnceLock::new();
    JOBS.get_or_init(|| {
        let mut jobs: Vec<MultiSignatureCheck> = Vec::new();
        for (_, chain) in chains() {
            for batch in [0, 8] {
                let config = WalkConfig {
                    pairing_batch: batch,
                    ..WalkConfig::default()
                };
                for (_, job) in chain.jobs(&chain.order[0], config) {
                    if !jobs.contains(&job) {
                        jobs.push(job);
                    }
                }
            }
        }
        if let Some(spoiled) = jobs.first().and_then(|j| spoil_first_sigma(&j.to_bytes())) {
            jobs.push(spoiled);
        }
        jobs
    })
}

/// The job with its first entry's signature point spoiled (the compression flag cleared), so
/// that it does not decode. Offsets follow `MultiSignatureCheck::to_bytes`'s layout.
fn spoil_first_sigma(job: &[u8]) -> Option<MultiSignatureCheck> {
    let mut at = 4;
    for _ in 0..3 {
        // certificate, message, AVK root: u32 length then the bytes.
        let len = u32::from_le_bytes(job.get(at..at + 4)?.try_into().ok()?) as usize;
        at += 4 + len;
    }
    // nr_leaves, total_stake, m, k, phi_f, flags, offset, entry count.
    at += 5 * 8 + 1 + 8 + 4;
    let mut spoiled = job.to_vec();
    *spoiled.get_mut(at)? &= 0x7f;
    MultiSignatureCheck::from_bytes(&spoiled).ok()
}

/// Reads the fuzzer's input as instructions; past the end every read gives zeros, so any
/// input is a complete program.
pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// Read `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data }
    }

    /// One byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((b, rest)) => {
                self.data = rest;
                *b
            }
            None => 0,
        }
    }

    /// A little-endian u16 (0 past the end).
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A u16-length-prefixed blob.
    pub fn blob(&mut self) -> &'a [u8] {
        let n = self.u16() as usize;
        self.take(n)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        self.take(self.data.len())
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// A verdict reduced to what two walks must agree on: Ok with the chain, or the error code.
pub fn verdict(r: &Result<VerifiedChain, Error>) -> Result<&VerifiedChain, &'static str> {
    r.as_ref().map_err(Error::code)
}

/// The proof or artifact fixtures of one devnet file, and the verified certificates they
/// name (sorted by hash: a selector byte picks one).
pub struct ProofFixtures {
    /// (certificate hash, exact body), in the file's key order.
    pub bodies: Vec<(String, String)>,
    /// The distinct certificates the bodies name, verified by a walk to genesis.
    pub certificates: Vec<VerifiedCertificate>,
}

impl ProofFixtures {
    /// Load `devnet/{file}`.
    pub fn load(file: &str) -> ProofFixtures {
        let bodies: Vec<(String, String)> = bodies(&format!("devnet/{file}"))
            .into_iter()
            .map(|(_, body)| (certificate_hash_of(&body), body))
            .collect();
        let mut hashes: Vec<&String> = bodies.iter().map(|(h, _)| h).collect();
        hashes.sort();
        hashes.dedup();
        let certificates = hashes
            .into_iter()
            .map(|h| devnet_certificate(h).unwrap_or_else(|| panic!("{h} does not verify")))
            .collect();
        ProofFixtures {
            bodies,
            certificates,
        }
    }

    /// The position of a certificate among [`ProofFixtures::certificates`].
    pub fn selector(&self, hash: &str) -> u8 {
        self.certificates
            .iter()
            .position(|c| c.hash == hash)
            .unwrap() as u8
    }
}

/// A request that names every item in `known` (upper-cased and padded, which must not
/// matter) and one item no proof certifies.
pub fn request_of(known: &[String]) -> Vec<String> {
    let mut requested: Vec<String> = known
        .iter()
        .enumerate()
        .map(|(i, id)| {
            if i % 2 == 0 {
                format!(" {} ", id.to_uppercase())
            } else {
                id.clone()
            }
        })
        .collect();
    requested.push("00".repeat(32));
    requested
}

/// A proof check of the library: a body against a certificate, for a request.
pub type ProofCheck<T> =
    fn(&[u8], &VerifiedCertificate, &[String]) -> Result<CertifiedItems<T>, ProofError>;

/// What one proof target checks: its fixture file (`devnet/{file}`), the library's check, and
/// an item's identifier. The three proof targets (transactions v1 and v2, blocks) share their
/// setup and their properties through it.
pub struct ProofTarget<T: 'static> {
    /// The devnet fixture file of genuine bodies.
    pub file: &'static str,
    /// The library's check of a body against a certificate.
    pub verify: ProofCheck<T>,
    /// An item's identifier (what a request names).
    pub id: fn(&T) -> &str,
}

/// A proof target's fixtures, every item the genuine bodies certify, and a request naming them.
pub struct ProofSetup<T> {
    /// The bodies and their verified certificates.
    pub fixtures: ProofFixtures,
    /// Every item some genuine body certifies (with its leaf data).
    pub known: Vec<T>,
    /// A request naming every known item (and one unknown).
    pub requested: Vec<String>,
}

impl<T: PartialEq + core::fmt::Debug> ProofTarget<T> {
    /// Load the fixtures and what they genuinely certify.
    pub fn setup(&self) -> ProofSetup<T> {
        let fixtures = ProofFixtures::load(self.file);
        let mut known: Vec<T> = Vec::new();
        for (hash, body) in &fixtures.bodies {
            let c = &fixtures.certificates[fixtures.selector(hash) as usize];
            for item in (self.verify)(body.as_bytes(), c, &[]).unwrap().certified {
                if !known.contains(&item) {
                    known.push(item);
                }
            }
        }
        let ids: Vec<String> = known.iter().map(|i| (self.id)(i).to_string()).collect();
        let requested = request_of(&ids);
        ProofSetup {
            fixtures,
            known,
            requested,
        }
    }

    /// Input: `[certificate][request][body]`. Never a panic; an accepted body names the
    /// certificate it was checked against; every item it certifies is one a genuine body
    /// certifies (leaf data included: none can be forged), was requested when a request is
    /// given, and is not also reported as not certified.
    pub fn check(&self, s: &ProofSetup<T>, data: &[u8]) {
        let mut input = Cursor::new(data);
        let certificates = &s.fixtures.certificates;
        let certificate = &certificates[input.u8() as usize % certificates.len()];
        let requested: &[String] = if input.u8() & 1 == 1 {
            &s.requested
        } else {
            &[]
        };
        let Ok(items) = (self.verify)(input.rest(), certificate, requested) else {
            return;
        };
        assert_eq!(items.certificate_hash, certificate.hash);
        for item in &items.certified {
            let id = (self.id)(item);
            assert!(
                s.known.contains(item),
                "certified an item no genuine proof certifies: {item:?}"
            );
            assert!(
                !items.non_certified.iter().any(|n| n == id),
                "{id} both certified and not"
            );
            if !requested.is_empty() {
                assert!(
                    requested.iter().any(|r| r.trim().eq_ignore_ascii_case(id)),
                    "certified {id}, which was not requested"
                );
            }
        }
    }
}
