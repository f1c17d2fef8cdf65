//! Native chain walks, mithril-lite against mithril-common 0.8.3, in one process.
//!
//! For each chain directory (the layout of `tests/fixtures/reference-chains/*`), from its
//! `latest` certificate back to genesis:
//! - mithril-lite: the library's public sans-IO walk (`ChainWalk`) driven as the CLI drives it
//!   (src/bin/mithril-lite/driver.rs): certificates fed on this thread, each STM check sent to a
//!   pool of one thread per core as soon as `feed` hands it out;
//! - reference: `MithrilCertificateVerifier::verify_certificate` from certificate to certificate
//!   until genesis (what `verify_certificate_chain` does), with an in-memory retriever that parses
//!   each exact body as a `CertificateMessage` and converts it, as the official client does with
//!   what it downloads (the same retriever as benches/wasm/reference).
//!
//! Timed: from the bodies in memory (and the genesis key's text) to the verdict. Before timing,
//! both sides must accept the chain, agree on the number of certificates, and reject it under
//! another genesis key. Rounds are interleaved (the order flips every round) after warm-up runs;
//! one line per chain gives both medians and the ratio reference / mithril-lite.
//!
//! Usage: chain-bench [--target RATIO] NAME=DIR [[--target RATIO] NAME=DIR ...]
//! Environment: BENCH_ROUNDS (default 15), BENCH_WARMUP (default 2), BENCH_THREADS (default: all
//! cores, as the CLI).

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::process::ExitCode;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Instant;

use async_trait::async_trait;
use mithril_common::certificate_chain::{
    CertificateRetriever, CertificateRetrieverError, CertificateVerifier,
    MithrilCertificateVerifier,
};
use mithril_common::crypto_helper::GenesisVerifier;
use mithril_common::entities::Certificate;
use mithril_common::messages::CertificateMessage;
use mithril_lite::certificate::{CheckOutcome, GenesisVerificationKey};
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, Step, WalkConfig};
use serde_json::value::RawValue;

/// A genesis key that signed none of the chains (the Ed25519 base point, JSON-hex).
fn other_genesis_key() -> String {
    let mut bytes = vec![0x58u8];
    bytes.extend(std::iter::repeat_n(0x66u8, 31));
    let json = serde_json::to_string(&bytes).expect("a byte list serializes");
    json.bytes().map(|b| format!("{b:02x}")).collect()
}

struct Chain {
    name: String,
    target: Option<f64>,
    genesis_key: String,
    latest: String,
    bodies: HashMap<String, String>,
}

fn load_chain(name: &str, dir: &Path, target: Option<f64>) -> Result<Chain, String> {
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file))
            .map_err(|e| format!("{}: {e}", dir.join(file).display()))
    };
    let map: HashMap<String, Box<RawValue>> = serde_json::from_str(&read("certificates.json")?)
        .map_err(|e| format!("{}/certificates.json: {e}", dir.display()))?;
    Ok(Chain {
        name: name.to_string(),
        target,
        genesis_key: read("genesis.vkey")?.trim().to_string(),
        latest: read("latest")?.trim().to_string(),
        bodies: map
            .into_iter()
            .map(|(k, v)| (k, v.get().to_string()))
            .collect(),
    })
}

// ---- mithril-lite: the CLI's way ----------------------------------------------------------------

/// STM checks on worker threads, as the CLI runs them.
struct Pool {
    jobs: Option<mpsc::Sender<PendingCheck>>,
    results: mpsc::Receiver<(usize, CheckOutcome)>,
    handles: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    fn start(n: usize) -> Pool {
        let (job_tx, job_rx) = mpsc::channel::<PendingCheck>();
        let (res_tx, results) = mpsc::channel();
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
                    if res_tx.send((job.index, job.check.run_random())).is_err() {
                        return;
                    }
                })
            })
            .collect();
        Pool {
            jobs: Some(job_tx),
            results,
            handles,
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.jobs.take();
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

/// Walk from `start` to genesis; the number of certificates checked, or the verdict's code.
fn lite_walk(
    pool: &Pool,
    genesis_key: &str,
    start: &str,
    bodies: &HashMap<String, Vec<u8>>,
) -> Result<usize, String> {
    let key = GenesisVerificationKey::decode(genesis_key).map_err(|e| e.to_string())?;
    let mut walk = ChainWalk::new(start, key, WalkConfig::default());
    let jobs = pool.jobs.as_ref().ok_or("pool stopped")?;
    let result = loop {
        while let Ok((index, outcome)) = pool.results.try_recv() {
            walk.complete(index, outcome);
        }
        match walk.step() {
            Step::Fetch(hash) => match bodies.get(&hash) {
                Some(body) => {
                    if let Some(job) = walk.feed(&hash, body).check {
                        jobs.send(job).map_err(|_| "pool stopped")?;
                    }
                }
                None => walk.fetch_failed(&hash, "not in the chain directory"),
            },
            Step::AwaitVerification => {
                let (index, outcome) = pool.results.recv().map_err(|_| "pool stopped")?;
                walk.complete(index, outcome);
            }
            Step::Done(result) => break result,
        }
    };
    // Checks the verdict no longer needed: drained so the next walk starts clean.
    while walk.pending_checks() > 0 {
        let (index, outcome) = pool.results.recv().map_err(|_| "pool stopped")?;
        walk.complete(index, outcome);
    }
    result
        .map(|chain| chain.certificates_checked)
        .map_err(|e| format!("{} ({})", e, e.code()))
}

// ---- mithril-common -----------------------------------------------------------------------------

struct InMemoryRetriever {
    bodies: HashMap<String, String>,
}

#[async_trait]
impl CertificateRetriever for InMemoryRetriever {
    async fn get_certificate_details(
        &self,
        hash: &str,
    ) -> Result<Certificate, CertificateRetrieverError> {
        let body = self
            .bodies
            .get(hash)
            .ok_or_else(|| CertificateRetrieverError(anyhow::anyhow!("no certificate {hash}")))?;
        let message: CertificateMessage = serde_json::from_str(body)
            .map_err(|e| CertificateRetrieverError(anyhow::anyhow!(e)))?;
        Certificate::try_from(message).map_err(CertificateRetrieverError)
    }
}

/// Polls a future that never waits on anything external (the retriever is in memory).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
    }
    panic!("the reference verifier waited on something external");
}

fn reference_walk(
    retriever: &Arc<InMemoryRetriever>,
    genesis_key: &str,
    start: &str,
) -> Result<usize, String> {
    let genesis_verifier =
        GenesisVerifier::try_from_hex(genesis_key).map_err(|e| format!("{e:#}"))?;
    let logger = slog::Logger::root(slog::Discard, slog::o!());
    let retriever: Arc<dyn CertificateRetriever> = retriever.clone();
    let verifier =
        MithrilCertificateVerifier::new(logger, retriever.clone(), Arc::new(genesis_verifier));
    block_on(async {
        let mut certificate = retriever
            .get_certificate_details(start)
            .await
            .map_err(|e| format!("{:#}", anyhow::Error::from(e)))?;
        let mut count = 1;
        while let Some(previous) = verifier
            .verify_certificate(&certificate)
            .await
            .map_err(|e| format!("{e:#}"))?
        {
            certificate = previous;
            count += 1;
        }
        Ok(count)
    })
}

// ---- timing -------------------------------------------------------------------------------------

fn env_count(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: not a count: {v}")),
        _ => Ok(default),
    }
}

fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

fn time_ms<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed().as_secs_f64() * 1e3, out)
}

fn bench_chain(
    chain: &Chain,
    pool: &Pool,
    threads: usize,
    rounds: usize,
    warmup: usize,
) -> Result<(), String> {
    let bytes: HashMap<String, Vec<u8>> = chain
        .bodies
        .iter()
        .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
        .collect();
    let retriever = Arc::new(InMemoryRetriever {
        bodies: chain.bodies.clone(),
    });
    let lite = || lite_walk(pool, &chain.genesis_key, &chain.latest, &bytes);
    let reference = || reference_walk(&retriever, &chain.genesis_key, &chain.latest);

    let lite_count =
        lite().map_err(|e| format!("{}: mithril-lite rejected it: {e}", chain.name))?;
    let reference_count =
        reference().map_err(|e| format!("{}: mithril-common rejected it: {e}", chain.name))?;
    if lite_count != reference_count {
        return Err(format!(
            "{}: mithril-lite checked {lite_count} certificates, mithril-common {reference_count}",
            chain.name
        ));
    }
    let other = other_genesis_key();
    if lite_walk(pool, &other, &chain.latest, &bytes).is_ok() {
        return Err(format!(
            "{}: mithril-lite accepted it under another genesis key",
            chain.name
        ));
    }
    if reference_walk(&retriever, &other, &chain.latest).is_ok() {
        return Err(format!(
            "{}: mithril-common accepted it under another genesis key",
            chain.name
        ));
    }

    for _ in 0..warmup {
        lite()?;
        reference()?;
    }
    let (mut lite_ms, mut reference_ms) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let run_lite = |v: &mut Vec<f64>| -> Result<(), String> {
            let (ms, r) = time_ms(lite);
            r?;
            v.push(ms);
            Ok(())
        };
        let run_reference = |v: &mut Vec<f64>| -> Result<(), String> {
            let (ms, r) = time_ms(reference);
            r?;
            v.push(ms);
            Ok(())
        };
        if round % 2 == 0 {
            run_lite(&mut lite_ms)?;
            run_reference(&mut reference_ms)?;
        } else {
            run_reference(&mut reference_ms)?;
            run_lite(&mut lite_ms)?;
        }
    }
    let (l, r) = (median(&lite_ms), median(&reference_ms));
    let range = |v: &[f64]| {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(0.0, f64::max);
        format!("{}-{}", fmt_ms(min), fmt_ms(max))
    };
    let target = chain
        .target
        .map(|t| format!("target >= {t}x; "))
        .unwrap_or_default();
    println!(
        "{} ({lite_count} certificates to genesis): mithril-lite {} ms ({threads} threads), \
         mithril-common 0.8.3 {} ms, reference/mithril-lite = {:.1}x ({target}medians of {rounds} \
         interleaved rounds; ranges {} ms and {} ms)",
        chain.name,
        fmt_ms(l),
        fmt_ms(r),
        r / l,
        range(&lite_ms),
        range(&reference_ms),
    );
    Ok(())
}

fn run() -> Result<(), String> {
    let rounds = env_count("BENCH_ROUNDS", 15)?.max(1);
    let warmup = env_count("BENCH_WARMUP", 2)?;
    let cores = thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let threads = env_count("BENCH_THREADS", cores)?.max(1);

    let mut chains = Vec::new();
    let mut target = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--target" {
            let v = args.next().ok_or("--target needs a ratio")?;
            target = Some(
                v.parse()
                    .map_err(|_| format!("--target: not a number: {v}"))?,
            );
            continue;
        }
        let (name, dir) = arg
            .split_once('=')
            .ok_or_else(|| format!("expected NAME=DIR, got {arg}"))?;
        chains.push(load_chain(name, &PathBuf::from(dir), target.take())?);
    }
    if chains.is_empty() {
        return Err("usage: chain-bench [--target RATIO] NAME=DIR ...".into());
    }
    println!("native: {cores} cores, mithril-lite walk on {threads} threads; rounds {rounds}, warm-up {warmup}");
    let pool = Pool::start(threads);
    for chain in &chains {
        bench_chain(chain, &pool, threads, rounds, warmup)?;
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chain-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
