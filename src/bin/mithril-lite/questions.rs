//! The light-wallet subcommands: `verify-transaction`, `verify-block`,
//! `verify-stake-distribution` and `verify-cardano-database`.
//!
//! Each gets the proof or artifact body (see [`crate::bodies`]) and asks the core's
//! [`Question`] about it: the core reads the certificate the body names, this module's
//! [`Verifier`] walks that chain (trust file, limits, threads), and the core checks the body
//! (including that an artifact is the one asked for). The verdicts and their codes are the
//! core's; this module only gathers and prints them.

use std::collections::BTreeMap;
use std::path::Path;

use mithril_lite::chain::VerifiedChain;
use mithril_lite::proofs::{
    Answer, CertifiedItems, DigestsCheck, Question, QuestionError, QuestionOutcome,
};
use serde_json::{json, Value};

use crate::args::{self, Origin, QuestionCommand, StakeKind};
use crate::bodies::{self, Bodies};
use crate::driver::Verifier;
use crate::output::Progress;
use crate::source::{DirSource, HttpSource, Source};
use crate::style::Style;

/// A negative verdict: (stable code, message).
type Failure = (String, String);

/// The verified chain, as reported.
struct ChainSummary {
    epoch: u64,
    certificates_checked: usize,
}

/// What one run reads from.
struct Sources {
    certificates: Box<dyn Source>,
    bodies: Bodies,
}

/// Run a light-wallet subcommand; `Ok(true)` when everything asked about is certified.
pub fn run(command: &QuestionCommand) -> Result<bool, String> {
    let mut verifier = Verifier::new(&command.walking)?;
    let config = verifier.config().clone();
    let mut sources = match &command.walking.origin {
        Origin::Dir(dir) => {
            let max_file = (config.max_certificate_bytes as u64)
                .saturating_mul(config.max_chain_length as u64);
            Sources {
                certificates: Box::new(DirSource::load(dir, max_file)?),
                bodies: Bodies::Dir(dir.clone()),
            }
        }
        Origin::Aggregator(url) => Sources {
            certificates: Box::new(HttpSource::new(url, config.max_certificate_bytes)),
            bodies: Bodies::aggregator(url),
        },
    };
    let json = command.walking.json;
    let style = Style::detect();
    match &command.question {
        args::Question::Transactions { hashes, v1 } => {
            let kind = if *v1 {
                ItemKind::TransactionsV1
            } else {
                ItemKind::Transactions
            };
            items(kind, hashes, &mut verifier, &mut sources, json, style)
        }
        args::Question::Blocks { hashes } => items(
            ItemKind::Blocks,
            hashes,
            &mut verifier,
            &mut sources,
            json,
            style,
        ),
        args::Question::StakeDistribution { kind, hash, epoch } => {
            let kind = match kind {
                StakeKind::Mithril => ArtifactKind::MithrilStakeDistribution,
                StakeKind::Cardano => ArtifactKind::CardanoStakeDistribution,
            };
            artifact(
                kind,
                hash.as_deref(),
                *epoch,
                &mut verifier,
                &mut sources,
                json,
                style,
            )
        }
        args::Question::CardanoDatabase { hash } => artifact(
            ArtifactKind::CardanoDatabase,
            hash.as_deref(),
            None,
            &mut verifier,
            &mut sources,
            json,
            style,
        ),
    }
}

/// Answer `question` about `body` with the run's [`Verifier`] (threads, trust file, progress):
/// the core's drive (`Question::run_with`) reads the certificate the body names, verifies its
/// chain, then checks the body. `Err` for I/O failures (exit status 2).
fn ask(
    question: &Question,
    body: &[u8],
    verifier: &mut Verifier,
    sources: &mut Sources,
) -> Result<QuestionOutcome, String> {
    question.run_with(body, |certificate| {
        let mut progress = Progress::new(0, 1, certificate);
        verifier.verify(certificate, sources.certificates.as_mut(), &mut progress)
    })
}

fn failure(e: &QuestionError) -> Failure {
    (e.code().to_string(), e.to_string())
}

fn summary(chain: &VerifiedChain) -> ChainSummary {
    ChainSummary {
        epoch: chain.certificate.epoch,
        certificates_checked: chain.certificates_checked,
    }
}

fn error_json(failure: Option<&Failure>) -> Value {
    failure.map_or(
        Value::Null,
        |(code, message)| json!({"code": code, "message": message}),
    )
}

// ---------------------------------------------------------------------------------------------
// Transactions and blocks
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum ItemKind {
    /// v2 proof unless the body is v1 (as the npm package decides).
    Transactions,
    /// `--v1`: the legacy route and file.
    TransactionsV1,
    Blocks,
}

impl ItemKind {
    fn name(self) -> &'static str {
        match self {
            ItemKind::Blocks => "cardano-block",
            _ => "cardano-transaction",
        }
    }

    /// The aggregator route for `hashes` (hex, checked by the argument parser).
    fn route(self, hashes: &[String]) -> String {
        let (path, query) = match self {
            ItemKind::Transactions => ("/proof/v2/cardano-transaction", "transaction_hashes"),
            ItemKind::TransactionsV1 => ("/proof/cardano-transaction", "transaction_hashes"),
            ItemKind::Blocks => ("/proof/v2/cardano-block", "block_hashes"),
        };
        format!("{path}?{query}={}", hashes.join(","))
    }

    /// The directory file of bodies (one proof per item hash).
    fn file(self) -> &'static str {
        match self {
            ItemKind::Transactions => "ctx-proofs-v2.json",
            ItemKind::TransactionsV1 => "ctx-proofs.json",
            ItemKind::Blocks => "cblk-proofs.json",
        }
    }
}

/// One certified item.
struct Item {
    hash: String,
    /// The block it is in (v1 transaction proofs do not say).
    block: Option<(u64, u64, String)>,
}

/// What one proof established.
struct Proven {
    version: u8,
    merkle_root: String,
    latest_block_number: u64,
    block_number_offset: Option<u64>,
    certified: Vec<Item>,
}

/// One proof's outcome.
struct ProofOutcome {
    /// The certificate the proof names (none: a malformed proof).
    certificate: Option<String>,
    chain: Option<ChainSummary>,
    result: Result<Proven, Failure>,
}

fn check_items(
    kind: ItemKind,
    body: &[u8],
    requested: &[String],
    verifier: &mut Verifier,
    sources: &mut Sources,
) -> Result<ProofOutcome, String> {
    let question = match kind {
        ItemKind::Blocks => Question::Blocks {
            hashes: requested.to_vec(),
        },
        ItemKind::TransactionsV1 => Question::Transactions {
            hashes: requested.to_vec(),
            version: Some(1),
        },
        ItemKind::Transactions => Question::Transactions {
            hashes: requested.to_vec(),
            version: None,
        },
    };
    let outcome = ask(&question, body, verifier, sources)?;
    let proven = |items: CertifiedItems<Item>, version| Proven {
        version,
        merkle_root: items.merkle_root,
        latest_block_number: items.latest_block_number,
        block_number_offset: items.block_number_offset,
        certified: items.certified,
    };
    let result = match outcome.result {
        Ok(Answer::Blocks(items)) => Ok(proven(
            items.map(|b| Item {
                hash: b.block_hash.clone(),
                block: Some((b.block_number, b.slot_number, b.block_hash)),
            }),
            2,
        )),
        Ok(Answer::TransactionsV1(items)) => {
            Ok(proven(items.map(|hash| Item { hash, block: None }), 1))
        }
        Ok(Answer::TransactionsV2(items)) => Ok(proven(
            items.map(|t| Item {
                hash: t.transaction_hash,
                block: Some((t.block_number, t.slot_number, t.block_hash)),
            }),
            2,
        )),
        Ok(other) => Err(unexpected(&other)),
        Err(e) => Err(failure(&e)),
    };
    Ok(ProofOutcome {
        certificate: outcome.certificate,
        chain: outcome.chain.as_ref().map(summary),
        result,
    })
}

/// An answer of another kind than the question's: the core never gives one.
fn unexpected(answer: &Answer) -> Failure {
    (
        "internal_error".to_string(),
        format!(
            "internal error: an answer of another kind (certificate {})",
            answer.certificate_hash()
        ),
    )
}

/// The proof bodies for `hashes`: one from the aggregator (every hash in one request, as the
/// npm package asks), or each hash's own from a directory (a hash with none is certified by
/// nothing).
fn item_bodies(
    kind: ItemKind,
    hashes: &[String],
    sources: &Sources,
) -> Result<Vec<Vec<u8>>, String> {
    match &sources.bodies {
        Bodies::Aggregator(http) => Ok(vec![bodies::get(http, &kind.route(hashes))?]),
        Bodies::Dir(dir) => {
            let map = bodies::read_map(dir, kind.file())?;
            let mut found: Vec<Vec<u8>> = Vec::new();
            for hash in hashes {
                if let Some(body) = map.get(hash) {
                    let body = body.as_bytes().to_vec();
                    if !found.contains(&body) {
                        found.push(body);
                    }
                }
            }
            Ok(found)
        }
    }
}

/// The block number from which `latest_block_number` is final, when the proof says.
fn final_at(p: &Proven) -> Option<u64> {
    p.block_number_offset
        .and_then(|offset| p.latest_block_number.checked_add(offset))
}

fn items(
    kind: ItemKind,
    hashes: &[String],
    verifier: &mut Verifier,
    sources: &mut Sources,
    json: bool,
    style: Style,
) -> Result<bool, String> {
    // Each requested hash once, in request order.
    let mut requested: Vec<String> = Vec::new();
    for h in hashes {
        if !requested.contains(h) {
            requested.push(h.clone());
        }
    }
    let mut outcomes = Vec::new();
    for body in item_bodies(kind, &requested, sources)? {
        outcomes.push(check_items(kind, &body, &requested, verifier, sources)?);
    }
    // A hash is certified when a valid proof certifies it (the first such proof is reported).
    // Keys in lower case, as the requested hashes (the core compares them case-blind).
    let mut certified: BTreeMap<String, (&Item, &str)> = BTreeMap::new();
    for outcome in &outcomes {
        if let Ok(proven) = &outcome.result {
            for item in &proven.certified {
                // A proof is checked only when it names a certificate.
                let certificate = outcome.certificate.as_deref().unwrap_or_default();
                certified
                    .entry(item.hash.to_ascii_lowercase())
                    .or_insert((item, certificate));
            }
        }
    }
    let non_certified: Vec<&String> = requested
        .iter()
        .filter(|h| !certified.contains_key(h.as_str()))
        .collect();
    let first_failure = outcomes.iter().find_map(|o| o.result.as_ref().err());
    let valid = non_certified.is_empty() && first_failure.is_none();

    if json {
        let certified_json: Vec<Value> = requested
            .iter()
            .filter_map(|h| certified.get(h.as_str()))
            .map(|(item, certificate)| {
                let (number, slot, block_hash) = match &item.block {
                    Some((n, s, b)) => (json!(n), json!(s), json!(b)),
                    None => (Value::Null, Value::Null, Value::Null),
                };
                json!({
                    "hash": item.hash,
                    "block_number": number,
                    "slot_number": slot,
                    "block_hash": block_hash,
                    "certificate": certificate,
                })
            })
            .collect();
        let proofs_json: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                let proven = o.result.as_ref().ok();
                json!({
                    "valid": o.result.is_ok(),
                    "certificate": o.certificate,
                    "epoch": o.chain.as_ref().map(|c| c.epoch),
                    "certificates_checked": o.chain.as_ref().map(|c| c.certificates_checked),
                    "version": proven.map(|p| p.version),
                    "merkle_root": proven.map(|p| p.merkle_root.as_str()),
                    "latest_block_number": proven.map(|p| p.latest_block_number),
                    "block_number_offset": proven.and_then(|p| p.block_number_offset),
                    "final_at_block": proven.and_then(final_at),
                    "error": error_json(o.result.as_ref().err()),
                })
            })
            .collect();
        println!(
            "{}",
            json!({
                "valid": valid,
                "kind": kind.name(),
                "requested": requested,
                "certified": certified_json,
                "non_certified": non_certified,
                "proofs": proofs_json,
                "error": error_json(first_failure),
            })
        );
        return Ok(valid);
    }

    for hash in &requested {
        match certified.get(hash.as_str()) {
            Some((item, certificate)) => {
                let block = match &item.block {
                    Some((number, slot, _)) if kind == ItemKind::Blocks => {
                        format!("block {number} (slot {slot})")
                    }
                    Some((number, slot, block_hash)) => {
                        format!("in block {number} (slot {slot}, block hash {block_hash})")
                    }
                    None => "(v1 proof: no block given)".to_string(),
                };
                println!(
                    "{}  {hash} {block}, certificate {certificate}",
                    style.good("CERTIFIED    ")
                );
            }
            None => println!("{}  {hash}", style.bad("NOT CERTIFIED")),
        }
    }
    if outcomes.is_empty() {
        println!("no proof names any of these hashes");
    }
    for o in &outcomes {
        match (&o.result, &o.chain) {
            (Ok(p), Some(chain)) => {
                println!(
                    "proof (v{}) signed by certificate {} (epoch {}), chain verified ({} certificates checked)",
                    p.version,
                    o.certificate.as_deref().unwrap_or_default(),
                    chain.epoch,
                    chain.certificates_checked
                );
                match (p.block_number_offset, final_at(p)) {
                    (Some(offset), Some(at)) => println!(
                        "  certified up to block {}; final once the chain tip reaches block {at} (offset {offset})",
                        p.latest_block_number
                    ),
                    _ => println!(
                        "  certified up to block {} (no finality offset in this proof)",
                        p.latest_block_number
                    ),
                }
            }
            (Err((code, message)), _) => println!(
                "{} proof of certificate {} [{code}]: {message}",
                style.bad("INVALID"),
                o.certificate.as_deref().unwrap_or("(none)")
            ),
            // A proof is checked only after its chain verified.
            (Ok(_), None) => {}
        }
    }
    println!(
        "{}/{} certified",
        requested.len() - non_certified.len(),
        requested.len()
    );
    Ok(valid)
}

// ---------------------------------------------------------------------------------------------
// Stake distributions and Cardano databases
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum ArtifactKind {
    MithrilStakeDistribution,
    CardanoStakeDistribution,
    CardanoDatabase,
}

impl ArtifactKind {
    fn name(self) -> &'static str {
        match self {
            ArtifactKind::MithrilStakeDistribution => "mithril-stake-distribution",
            ArtifactKind::CardanoStakeDistribution => "cardano-stake-distribution",
            ArtifactKind::CardanoDatabase => "cardano-database",
        }
    }

    fn what(self) -> &'static str {
        match self {
            ArtifactKind::MithrilStakeDistribution => "mithril stake distribution",
            ArtifactKind::CardanoStakeDistribution => "cardano stake distribution",
            ArtifactKind::CardanoDatabase => "cardano database",
        }
    }

    /// The aggregator's list route (newest first).
    fn list_route(self) -> &'static str {
        match self {
            ArtifactKind::MithrilStakeDistribution => "/artifact/mithril-stake-distributions",
            ArtifactKind::CardanoStakeDistribution => "/artifact/cardano-stake-distributions",
            ArtifactKind::CardanoDatabase => "/artifact/cardano-database",
        }
    }

    /// The directory's file of bodies (artifact hash -> body) and its list.
    fn files(self) -> (&'static str, &'static str) {
        match self {
            ArtifactKind::MithrilStakeDistribution => (
                "mithril-stake-distributions.json",
                "mithril-stake-distributions-list.json",
            ),
            ArtifactKind::CardanoStakeDistribution => (
                "cardano-stake-distributions.json",
                "cardano-stake-distributions-list.json",
            ),
            ArtifactKind::CardanoDatabase => {
                ("cardano-databases.json", "cardano-databases-list.json")
            }
        }
    }
}

/// The artifact body: by hash, by epoch (Cardano stake distributions) or the newest listed.
fn artifact_body(
    kind: ArtifactKind,
    hash: Option<&str>,
    epoch: Option<u64>,
    sources: &Sources,
) -> Result<Vec<u8>, String> {
    match &sources.bodies {
        Bodies::Aggregator(http) => {
            let route = match (hash, epoch) {
                (Some(h), _) => format!("/artifact/{}/{h}", kind.name()),
                (None, Some(e)) => format!("/artifact/cardano-stake-distribution/epoch/{e}"),
                (None, None) => {
                    let list = bodies::get(http, kind.list_route())?;
                    let newest = bodies::newest_hash(&list, kind.list_route())?;
                    format!("/artifact/{}/{newest}", kind.name())
                }
            };
            bodies::get(http, &route)
        }
        Bodies::Dir(dir) => dir_artifact(kind, hash, epoch, dir),
    }
}

fn dir_artifact(
    kind: ArtifactKind,
    hash: Option<&str>,
    epoch: Option<u64>,
    dir: &Path,
) -> Result<Vec<u8>, String> {
    let (file, list) = kind.files();
    let map = bodies::read_map(dir, file)?;
    let path = dir.join(file);
    if let (None, Some(e)) = (hash, epoch) {
        return map
            .values()
            .find(|body| bodies::epoch(body.as_bytes()) == Some(e))
            .map(|body| body.as_bytes().to_vec())
            .ok_or_else(|| format!("{}: no {} of epoch {e}", path.display(), kind.what()));
    }
    let hash = match hash {
        Some(h) => h.to_string(),
        None => bodies::newest_in_dir(dir, list)?,
    };
    map.get(&hash)
        .map(|body| body.as_bytes().to_vec())
        .ok_or_else(|| format!("{}: no {} {hash}", path.display(), kind.what()))
}

/// What an artifact check established: its hash, a line for people, details for `--json`.
struct Certified {
    hash: String,
    text: String,
    details: Value,
}

/// The question an artifact command asks (by hash, by epoch, or the newest: then by nothing).
fn artifact_question(kind: ArtifactKind, hash: Option<&str>, epoch: Option<u64>) -> Question {
    let hash = hash.map(String::from);
    match kind {
        ArtifactKind::MithrilStakeDistribution => Question::MithrilStakeDistribution { hash },
        ArtifactKind::CardanoStakeDistribution => {
            Question::CardanoStakeDistribution { hash, epoch }
        }
        ArtifactKind::CardanoDatabase => Question::CardanoDatabase {
            hash,
            digests: None,
        },
    }
}

/// How the CLI shows an artifact answer.
fn certified(answer: &Answer) -> Result<Certified, Failure> {
    match answer {
        Answer::MithrilStakeDistribution(d) => Ok(Certified {
            hash: d.hash.clone(),
            text: format!("epoch {}, {} signers", d.epoch, d.signers.len()),
            details: json!({"epoch": d.epoch, "signers": d.signers.len()}),
        }),
        Answer::CardanoStakeDistribution(d) => Ok(Certified {
            hash: d.hash.clone(),
            text: format!(
                "epoch {}, {} pools, Merkle root {}",
                d.epoch,
                d.stake_distribution.len(),
                d.merkle_root
            ),
            details: json!({
                "epoch": d.epoch,
                "pools": d.stake_distribution.len(),
                "merkle_root": d.merkle_root,
            }),
        }),
        Answer::CardanoDatabase(d) => {
            let digests = match d.digests {
                DigestsCheck::NotIncluded => "not_included",
                DigestsCheck::Verified { .. } => "verified",
            };
            Ok(Certified {
                hash: d.hash.clone(),
                text: format!(
                    "epoch {} immutable file {}, Merkle root {} (immutable files' digests not checked)",
                    d.epoch, d.immutable_file_number, d.merkle_root
                ),
                details: json!({
                    "epoch": d.epoch,
                    "immutable_file_number": d.immutable_file_number,
                    "merkle_root": d.merkle_root,
                    "digests": digests,
                }),
            })
        }
        other => Err(unexpected(other)),
    }
}

/// An artifact's own `hash` field, for the report of a refused artifact.
fn bodies_hash(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("hash").and_then(Value::as_str).map(String::from))
        .unwrap_or_default()
}

fn artifact(
    kind: ArtifactKind,
    hash: Option<&str>,
    epoch: Option<u64>,
    verifier: &mut Verifier,
    sources: &mut Sources,
    json: bool,
    style: Style,
) -> Result<bool, String> {
    let body = artifact_body(kind, hash, epoch, sources)?;
    let question = artifact_question(kind, hash, epoch);
    let asked = ask(&question, &body, verifier, sources)?;
    let certificate = asked.certificate.clone();
    let outcome = asked
        .into_result()
        .map_err(|e| failure(&e))
        .and_then(|(answer, chain)| Ok((certified(&answer)?, summary(&chain))));
    let valid = outcome.is_ok();
    let shown_hash = match &outcome {
        Ok((c, _)) => c.hash.clone(),
        Err(_) => hash.map(String::from).unwrap_or_else(|| bodies_hash(&body)),
    };
    if json {
        let (details, chain) = match &outcome {
            Ok((c, chain)) => (c.details.clone(), Some(chain)),
            Err(_) => (Value::Null, None),
        };
        println!(
            "{}",
            json!({
                "valid": valid,
                "kind": kind.name(),
                "hash": shown_hash,
                "certificate": certificate,
                "epoch": chain.map(|c| c.epoch),
                "certificates_checked": chain.map(|c| c.certificates_checked),
                "artifact": details,
                "error": error_json(outcome.as_ref().err()),
            })
        );
        return Ok(valid);
    }
    match &outcome {
        Ok((c, chain)) => println!(
            "{} {} {shown_hash}: {}\n  signed by certificate {} (epoch {}), chain verified ({} certificates checked)",
            style.good("CERTIFIED"),
            kind.what(),
            c.text,
            certificate.as_deref().unwrap_or_default(),
            chain.epoch,
            chain.certificates_checked
        ),
        Err((code, message)) => println!(
            "{} {} {shown_hash} [{code}]: {message}",
            style.bad("INVALID"),
            kind.what()
        ),
    }
    Ok(valid)
}
