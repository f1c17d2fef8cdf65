//! Drives the library's walk: fetches on this thread, STM checks on worker threads.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use mithril_lite::certificate::{CheckOutcome, GenesisVerificationKey};
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, KeyCache, Step, VerifiedChain, WalkConfig};
use mithril_lite::Error;

use crate::args::{Command, Origin, Target, Walking};
use crate::output::{Progress, Report, WalkResult};
use crate::source::{DirSource, FetchError, HttpSource, Source};
use crate::trust_file::TrustFile;

/// Runs STM checks on a few threads so fetching and verifying overlap.
struct Workers {
    jobs: Option<mpsc::Sender<PendingCheck>>,
    results: mpsc::Receiver<(usize, CheckOutcome)>,
    handles: Vec<thread::JoinHandle<()>>,
}

impl Workers {
    fn start(n: usize) -> Workers {
        let (job_tx, job_rx) = mpsc::channel::<PendingCheck>();
        let (res_tx, res_rx) = mpsc::channel();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let handles = (0..n)
            .map(|_| {
                let job_rx = Arc::clone(&job_rx);
                let res_tx = res_tx.clone();
                thread::spawn(move || loop {
                    let job = match job_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    let outcome = job.check.run_random();
                    if res_tx.send((job.index, outcome)).is_err() {
                        return;
                    }
                })
            })
            .collect();
        Workers {
            jobs: Some(job_tx),
            results: res_rx,
            handles,
        }
    }

    fn submit(&self, job: PendingCheck) -> Result<(), String> {
        self.jobs
            .as_ref()
            .and_then(|tx| tx.send(job).ok())
            .ok_or_else(|| "signature-checking threads stopped".to_string())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.jobs.take();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

/// The genesis key: `--genesis-vkey` always wins over a `--network` preset, which wins over
/// DIR/genesis.vkey. Which one is used is said on stderr, so a user sees what they trusted.
fn read_genesis_key(walking: &Walking) -> Result<GenesisVerificationKey, String> {
    let (key, from) = match (&walking.genesis_vkey, walking.network) {
        (None, Some(n)) => (
            n.genesis_key().map_err(|e| e.to_string())?,
            format!("the {} preset", n.name),
        ),
        (given, _) => (
            genesis_key(given.as_deref(), &walking.origin)?,
            if given.is_some() {
                "--genesis-vkey".to_string()
            } else {
                "the directory's genesis.vkey".to_string()
            },
        ),
    };
    if walking.network.is_some() {
        eprintln!("genesis key {} (from {from})", key.to_hex());
    }
    Ok(key)
}

/// The genesis key from `--genesis-vkey` (key text or a file) or from DIR/genesis.vkey.
pub fn genesis_key(given: Option<&str>, origin: &Origin) -> Result<GenesisVerificationKey, String> {
    let text = match (given, origin) {
        (Some(k), _) if Path::new(k).is_file() => {
            std::fs::read_to_string(k).map_err(|e| format!("{k}: {e}"))?
        }
        (Some(k), _) => k.to_string(),
        (None, Origin::Dir(dir)) => {
            let path = dir.join("genesis.vkey");
            std::fs::read_to_string(&path)
                .map_err(|e| format!("{}: {e} (or pass --genesis-vkey)", path.display()))?
        }
        (None, Origin::Aggregator(_)) => return Err("--genesis-vkey is required".into()),
    };
    GenesisVerificationKey::decode(&text).map_err(|e| e.to_string())
}

/// What one walk of a run hands to the next.
struct Carried {
    /// Certificates verified back to genesis, with their epochs: they vouch for the
    /// certificates after them, so later walks stop there (the trust-checkpoint mechanism), and
    /// their epochs tell the walk's progress where it will end.
    trusted: BTreeMap<String, u64>,
    /// Signer keys the checks validated: later certificates of their epochs skip the keys'
    /// decompression and subgroup checks.
    keys: KeyCache,
}

/// Walk one chain. A certificate the source cannot give, for whatever reason, is reported to
/// the walk (`certificate_unavailable` with the source's words, as every host reports it); a
/// failure of the source itself (not a 404) is also kept in `io_failure`, for the exit status.
/// `Err` only when the checking threads stop.
#[allow(clippy::too_many_arguments)]
fn walk_one(
    hash: &str,
    key: &GenesisVerificationKey,
    config: &WalkConfig,
    carried: &mut Carried,
    source: &mut dyn Source,
    workers: &Workers,
    progress: &mut Progress,
    io_failure: &mut Option<String>,
    mut trust_file: Option<&mut TrustFile>,
) -> Result<Result<VerifiedChain, Error>, String> {
    let pending = trust_file.as_ref().map(|t| t.pending().to_vec());
    let mut walk = ChainWalk::new(hash, key.clone(), config.clone())
        .with_trusted_epochs(carried.trusted.iter().map(|(h, e)| (h.clone(), *e)))
        .with_pending(pending.unwrap_or_default())
        .with_key_cache(std::mem::replace(&mut carried.keys, KeyCache::new(key)));
    let mut last_save = Instant::now();
    loop {
        // Take in finished checks without blocking, so progress stays current.
        while let Ok((index, outcome)) = workers.results.try_recv() {
            walk.complete(index, outcome);
        }
        // Save the walk's progress when the core says it is due (a kill then loses little).
        if let Some(file) = trust_file.as_deref_mut() {
            let elapsed = u64::try_from(last_save.elapsed().as_millis()).unwrap_or(u64::MAX);
            if walk.pending_save_due(elapsed) {
                if let Err(e) = file.save_pending(&mut walk) {
                    eprintln!("warning: {e}");
                }
                last_save = Instant::now();
            }
        }
        match walk.step() {
            Step::Fetch(h) => {
                match source.certificate(&h) {
                    Ok(body) => {
                        let fed = walk.feed(&h, &body);
                        if let Some(job) = fed.check {
                            workers.submit(job)?;
                        }
                    }
                    Err(FetchError::NotFound(detail)) => walk.fetch_failed(&h, &detail),
                    Err(FetchError::Io(detail)) => {
                        walk.fetch_failed(&h, &detail);
                        io_failure.get_or_insert(detail);
                    }
                }
                progress.update(&walk.progress());
            }
            Step::AwaitVerification => {
                let (index, outcome) = workers
                    .results
                    .recv()
                    .map_err(|_| "signature-checking threads stopped".to_string())?;
                walk.complete(index, outcome);
                progress.update(&walk.progress());
            }
            Step::Done(result) => {
                progress.update(&walk.progress());
                // Drain checks the verdict no longer needed, so the next walk starts clean.
                while walk.pending_checks() > 0 {
                    match workers.results.recv() {
                        Ok((index, outcome)) => walk.complete(index, outcome),
                        Err(_) => break,
                    }
                }
                carried.keys = walk.take_key_cache();
                return Ok(result);
            }
        }
    }
}

/// Everything one run's walks share: the genesis key, limits, the checking threads, what
/// earlier walks verified and the trust file.
pub struct Verifier {
    key: GenesisVerificationKey,
    config: WalkConfig,
    workers: Workers,
    carried: Carried,
    trust_file: Option<TrustFile>,
}

impl Verifier {
    /// Read the genesis key and the trust file, start the checking threads.
    pub fn new(walking: &Walking) -> Result<Verifier, String> {
        let key = read_genesis_key(walking)?;
        let mut config = WalkConfig::default();
        if let Some(n) = walking.max_chain_length {
            config.max_chain_length = n;
        }
        if let Some(n) = walking.max_certificate_bytes {
            config.max_certificate_bytes = n;
        }
        let threads = walking.threads.unwrap_or_else(|| {
            thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        let trust_file = walking
            .trust
            .as_deref()
            .map(|path| TrustFile::load(path, &key));
        let carried = Carried {
            trusted: trust_file
                .as_ref()
                .map(|t| t.entries().collect())
                .unwrap_or_default(),
            keys: KeyCache::new(&key),
        };
        Ok(Verifier {
            key,
            config,
            workers: Workers::start(threads),
            carried,
            trust_file,
        })
    }

    /// The walk limits in force.
    pub fn config(&self) -> &WalkConfig {
        &self.config
    }

    /// Walk from `hash` back to genesis (or to a trusted certificate), showing progress.
    /// A verified chain vouches for later walks and goes into the trust file. `Err` for I/O
    /// failures (exit status 2: the questions report no verdict then); the verdict is the
    /// inner result.
    pub fn verify(
        &mut self,
        hash: &str,
        source: &mut dyn Source,
        progress: &mut Progress,
    ) -> Result<Result<VerifiedChain, Error>, String> {
        match self.verify_reporting(hash, source, progress)? {
            (_, Some(io_failure)) => Err(io_failure),
            (result, None) => Ok(result),
        }
    }

    /// [`Verifier::verify`] that keeps the verdict when the source failed: then it is
    /// `certificate_unavailable` with the source's words, and the failure comes with it.
    pub fn verify_reporting(
        &mut self,
        hash: &str,
        source: &mut dyn Source,
        progress: &mut Progress,
    ) -> Result<(Result<VerifiedChain, Error>, Option<String>), String> {
        let mut io_failure = None;
        let result = walk_one(
            hash,
            &self.key,
            &self.config,
            &mut self.carried,
            source,
            &self.workers,
            progress,
            &mut io_failure,
            self.trust_file.as_mut(),
        )?;
        progress.finish(&result);
        if let Ok(chain) = &result {
            self.carried
                .trusted
                .extend(chain.links.iter().map(|l| (l.hash.clone(), l.epoch)));
            self.carried.trusted.extend(chain.resumed.iter().cloned());
            if let Some(file) = self.trust_file.as_mut() {
                file.add(chain, &self.key)?;
            }
        }
        Ok((result, io_failure))
    }
}

/// Run a `verify-chain` command; `Ok(true)` when everything verified.
pub fn run(command: &Command) -> Result<bool, String> {
    let mut verifier = Verifier::new(&command.walking)?;
    let config = verifier.config().clone();
    let (mut source, targets): (Box<dyn Source>, Vec<String>) = match &command.walking.origin {
        Origin::Dir(dir) => {
            let source = DirSource::load(dir, config.max_certificate_bytes as u64)?;
            let targets = match &command.target {
                Target::Hash(h) => vec![h.clone()],
                Target::All => sorted_hashes(&source),
                Target::Default => match std::fs::read_to_string(dir.join("latest")) {
                    Ok(latest) => vec![latest.trim().to_string()],
                    Err(_) => sorted_hashes(&source),
                },
            };
            (Box::new(source), targets)
        }
        Origin::Aggregator(url) => {
            let source = HttpSource::new(url, config.max_certificate_bytes);
            let target = match &command.target {
                Target::Hash(h) => h.clone(),
                _ => source.latest_hash()?,
            };
            (Box::new(source), vec![target])
        }
    };

    let mut report = Report::new(command.walking.json, targets.len() > 1);
    let mut io_failure = None;
    for (i, hash) in targets.iter().enumerate() {
        let mut progress = Progress::new(i, targets.len(), hash);
        let (result, failed) = verifier.verify_reporting(hash, source.as_mut(), &mut progress)?;
        io_failure = io_failure.or(failed);
        report.add(WalkResult {
            hash: hash.clone(),
            result,
        });
    }
    let verified = report.print();
    // The verdicts are printed (certificate_unavailable with the source's words, as every host
    // reports a failed fetch); a failing source still exits 2, as documented.
    match io_failure {
        Some(detail) => Err(detail),
        None => Ok(verified),
    }
}

fn sorted_hashes(source: &DirSource) -> Vec<String> {
    let mut hashes: Vec<String> = source.hashes().cloned().collect();
    hashes.sort();
    hashes
}
