//! `differential`: seeded text-level mutations of every devnet and reference-chain certificate,
//! each judged by mithril-common 0.8.3 and by mithril-lite at the tip of its genuine chain; the
//! committed regressions (regressions/*.json) are replayed first. Prints the number of cases,
//! the count per mutation kind and place, and every disagreement (both errors; the text is
//! saved under DIFF_OUT). Exits 1 on any disagreement.
//!
//! A case is one mutation of one certificate. Its text is judged as is (the certificate's hash
//! then usually stale, so most such texts die on the hash check) and, when the recomputed hash
//! differs from the text's, again with the hash recomputed the reference's way (mithril-lite's
//! where the reference cannot read the text), so mutations reach the deep checks.
//!
//! Environment:
//! - `DIFF_CASES`: number of cases (default 2,000);
//! - `DIFF_SEED`: the seed (default 1); case `i` draws from `DIFF_SEED + i`, so
//!   `DIFF_SEED=<seed + i> DIFF_CASES=1` replays case `i` alone;
//! - `DIFF_SECONDS`: stop drawing cases after this many seconds (default: no limit; the
//!   summary then gives the number of cases run, for long runs on a shared machine);
//! - `DIFF_FIXTURES`: the fixture root (default: the repository's tests/fixtures);
//! - `DIFF_OUT`: where disagreeing texts are written (default: target/differential-out under
//!   the repository).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use mithril_lite_differential::json::parse;
use mithril_lite_differential::mutate::{hash_of, mutate, with_hash, KINDS};
use mithril_lite_differential::rng::Rng;
use mithril_lite_differential::verdict::{load_chains, Chain, Verdict};
use serde_json::json;

/// Counts for one mutation kind (or the regressions).
#[derive(Default)]
struct Tally {
    cases: u64,
    judged: u64,
    both_accept: u64,
    both_refuse: u64,
    disagree: u64,
}

struct Run {
    out: PathBuf,
    tallies: BTreeMap<String, Tally>,
    places: BTreeMap<&'static str, u64>,
    disagreements: Vec<String>,
}

fn env_u64(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}: not a whole number: {v}")),
        _ => Ok(default),
    }
}

fn show(v: &Verdict) -> String {
    match v {
        Ok(()) => "accepted".into(),
        Err(e) => format!("refused: {e}"),
    }
}

impl Run {
    /// Judge one text on both sides and record it under `label`.
    fn judge(&mut self, label: &str, chain: &Chain, requested: &str, text: &str, origin: &str) {
        let reference = chain.reference(text.as_bytes());
        let lite = chain.lite(requested, text.as_bytes());
        let tally = self.tallies.entry(label.to_string()).or_default();
        tally.judged += 1;
        match (&reference, &lite) {
            (Ok(()), Ok(())) => tally.both_accept += 1,
            (Err(_), Err(_)) => tally.both_refuse += 1,
            _ => {
                tally.disagree += 1;
                let n = self.disagreements.len() + 1;
                let file = self.out.join(format!("disagreement-{n:04}.json"));
                let record = json!({
                    "chain": chain.name,
                    "requested": requested,
                    "origin": origin,
                    "reference": show(&reference),
                    "mithril_lite": show(&lite),
                    "certificate": text,
                });
                let saved = std::fs::create_dir_all(&self.out)
                    .and_then(|()| std::fs::write(&file, record.to_string()));
                let line = format!(
                    "DISAGREEMENT {n} [{label}] {origin} on {}:\n    reference:    {}\n    mithril-lite: {}\n    text: {}",
                    chain.name,
                    show(&reference),
                    show(&lite),
                    match saved {
                        Ok(()) => file.display().to_string(),
                        Err(e) => format!("not saved: {e}"),
                    }
                );
                eprintln!("differential: disagreement {n} [{label}] {origin}");
                self.disagreements.push(line);
            }
        }
    }
}

/// Replay regressions/*.json: each `{chain, requested, certificate, note}`.
fn replay(run: &mut Run, dir: &Path, chains: &[Chain]) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let field = |k: &str| {
            v[k].as_str()
                .ok_or_else(|| format!("{}: no string `{k}`", file.display()))
        };
        let chain_name = field("chain")?;
        let chain = chains
            .iter()
            .find(|c| c.name == chain_name)
            .ok_or_else(|| format!("{}: unknown chain {chain_name}", file.display()))?;
        run.tallies.entry("regression".into()).or_default().cases += 1;
        let origin = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        run.judge(
            "regression",
            chain,
            field("requested")?,
            field("certificate")?,
            &origin,
        );
    }
    Ok(())
}

fn main_inner() -> Result<bool, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = manifest.join("../..");
    let cases = env_u64("DIFF_CASES", 2_000)?;
    let seed = env_u64("DIFF_SEED", 1)?;
    let seconds = env_u64("DIFF_SECONDS", 0)?;
    let fixtures = std::env::var_os("DIFF_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("tests/fixtures"));
    let out = std::env::var_os("DIFF_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target/differential-out"));

    let started = Instant::now();
    let chains = load_chains(&fixtures)?;
    let genuine: usize = chains.iter().map(|c| c.hashes.len()).sum();
    println!(
        "differential: {genuine} genuine certificates ({}), each accepted by both sides; seed {seed}, {cases} cases",
        chains
            .iter()
            .map(|c| format!("{} {}", c.name, c.hashes.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let mut run = Run {
        out,
        tallies: BTreeMap::new(),
        places: BTreeMap::new(),
        disagreements: Vec::new(),
    };
    // The tree loses nothing: every genuine certificate, parsed and written back by it, is
    // accepted by both sides (otherwise every mutation would test the tree, not the verifiers).
    for chain in &chains {
        for hash in &chain.hashes {
            let text = parse(&chain.bodies[hash])?.write();
            let (r, l) = (
                chain.reference(text.as_bytes()),
                chain.lite(hash, text.as_bytes()),
            );
            if r.is_err() || l.is_err() {
                return Err(format!(
                    "{} {hash}: rewritten by the JSON tree, no longer accepted: reference {}, mithril-lite {}",
                    chain.name,
                    show(&r),
                    show(&l)
                ));
            }
        }
    }
    replay(&mut run, &manifest.join("regressions"), &chains)?;

    // Every certificate of every chain, in a fixed order: case i mutates one drawn from its seed.
    let tips: Vec<(&Chain, &String)> = chains
        .iter()
        .flat_map(|c| c.hashes.iter().map(move |h| (c, h)))
        .collect();
    let every = (cases / 10).max(1);
    let mut ran = 0;
    for i in 0..cases {
        if seconds > 0 && started.elapsed().as_secs() >= seconds {
            eprintln!("differential: time budget of {seconds} s reached after {i} cases");
            break;
        }
        ran = i + 1;
        if i > 0 && i % every == 0 {
            eprintln!(
                "differential: {i}/{cases} cases, {} disagreements, {:.0} s",
                run.disagreements.len(),
                started.elapsed().as_secs_f64()
            );
        }
        let case_seed = seed.wrapping_add(i);
        let mut rng = Rng(case_seed);
        let (chain, hash) = tips[rng.below(tips.len())];
        let m = mutate(&mut rng, &chain.bodies[hash])?;
        *run.places.entry(m.place.name()).or_default() += 1;
        run.tallies.entry(m.kind.to_string()).or_default().cases += 1;
        let origin = format!(
            "seed {case_seed}: {} in {} of {hash}",
            m.kind,
            m.place.name()
        );
        run.judge(m.kind, chain, hash, &m.text, &origin);
        // The same text with its hash recomputed, unless that changes nothing.
        if let Some(new_hash) = chain.recompute_hash(m.text.as_bytes()) {
            if hash_of(&m.text).as_deref() != Some(new_hash.as_str()) {
                if let Some(text) = with_hash(&m.text, &new_hash) {
                    let label = format!("{}/rehashed", m.kind);
                    run.tallies.entry(label.clone()).or_default().cases += 1;
                    run.judge(
                        &label,
                        chain,
                        &new_hash,
                        &text,
                        &format!("{origin}, rehashed"),
                    );
                }
            }
        }
    }

    let judged: u64 = run.tallies.values().map(|t| t.judged).sum();
    println!(
        "\n==== differential: {ran} cases (seeds {seed}..{}), {judged} texts judged by both sides, {} disagreements ({:.0} s)",
        seed.wrapping_add(ran),
        run.disagreements.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {:<34} {:>8} {:>8} {:>10} {:>10} {:>9}",
        "kind", "cases", "texts", "accepted", "refused", "disagree"
    );
    let order = std::iter::once("regression".to_string()).chain(
        KINDS
            .iter()
            .flat_map(|k| [k.to_string(), format!("{k}/rehashed")]),
    );
    for label in order {
        if let Some(t) = run.tallies.get(&label) {
            println!(
                "  {:<34} {:>8} {:>8} {:>10} {:>10} {:>9}",
                label, t.cases, t.judged, t.both_accept, t.both_refuse, t.disagree
            );
        }
    }
    println!(
        "  by place: {}",
        run.places
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for d in &run.disagreements {
        println!("{d}");
    }
    Ok(run.disagreements.is_empty())
}

fn main() -> ExitCode {
    match main_inner() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("differential: error: {e}");
            ExitCode::from(2)
        }
    }
}
