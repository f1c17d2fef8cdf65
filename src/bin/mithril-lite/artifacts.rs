//! `verify-artifacts`: every artifact and proof of a directory, checked against its certificate
//! after that certificate's chain is verified.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use std::convert::Infallible;

use mithril_lite::chain::{ChainWalk, VerifiedChain, WalkConfig};
use mithril_lite::proofs::{self, Answer, DigestsCheck, Question};
use mithril_lite::Error;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::args::{ArtifactsCommand, Origin};
use crate::driver::genesis_key;
use crate::source::{DirSource, FetchError, Source};

/// The artifact files `verify-artifacts` knows, in report order.
const KINDS: [(&str, &str); 6] = [
    (
        "mithril-stake-distributions.json",
        "mithril stake distributions",
    ),
    (
        "cardano-stake-distributions.json",
        "cardano stake distributions",
    ),
    ("cardano-databases.json", "cardano databases"),
    ("ctx-proofs.json", "transaction proofs (v1)"),
    ("ctx-proofs-v2.json", "transaction proofs (v2)"),
    ("cblk-proofs.json", "block proofs"),
];

/// A failure: (code, message).
type Failure = (String, String);

/// The question a file's entry asks: its key is the artifact's hash or the item's hash.
fn question(file: &str, id: &str) -> Question {
    let hash = Some(id.to_string());
    let hashes = vec![id.to_string()];
    match file {
        "mithril-stake-distributions.json" => Question::MithrilStakeDistribution { hash },
        "cardano-stake-distributions.json" => {
            Question::CardanoStakeDistribution { hash, epoch: None }
        }
        "cardano-databases.json" => Question::CardanoDatabase {
            hash,
            digests: None,
        },
        "ctx-proofs.json" => Question::Transactions {
            hashes,
            version: Some(1),
        },
        "ctx-proofs-v2.json" => Question::Transactions {
            hashes,
            version: Some(2),
        },
        _ => Question::Blocks { hashes },
    }
}

/// A line for people about what an answer certifies; the item a proof file names must be
/// among the certified ones.
fn detail(answer: Answer) -> Result<String, Failure> {
    Ok(match answer {
        Answer::MithrilStakeDistribution(d) => {
            format!("epoch {}, {} signers", d.epoch, d.signers.len())
        }
        Answer::CardanoStakeDistribution(d) => {
            format!("epoch {}, {} pools", d.epoch, d.stake_distribution.len())
        }
        Answer::CardanoDatabase(d) => {
            let digests = match d.digests {
                DigestsCheck::NotIncluded => "digests not included: immutable files not checked",
                _ => "digests verified",
            };
            format!(
                "epoch {} immutable {}, {digests}",
                d.epoch, d.immutable_file_number
            )
        }
        Answer::TransactionsV1(items) => format!(
            "latest block {}",
            requested_certified(items)?.latest_block_number
        ),
        Answer::TransactionsV2(items) => {
            let items = requested_certified(items)?;
            finality(items.latest_block_number, items.block_number_offset)
        }
        Answer::Blocks(items) => {
            let items = requested_certified(items)?;
            finality(items.latest_block_number, items.block_number_offset)
        }
    })
}

/// The item named by the file's key must be among the certified ones.
fn requested_certified<T>(
    items: proofs::CertifiedItems<T>,
) -> Result<proofs::CertifiedItems<T>, Failure> {
    if items.non_certified.is_empty() {
        return Ok(items);
    }
    let missing = items.non_certified.join(", ");
    Err((
        "item_not_certified".into(),
        format!("{missing} not certified by the proof"),
    ))
}

fn finality(latest_block_number: u64, offset: Option<u64>) -> String {
    format!(
        "latest block {latest_block_number} + offset {}",
        offset.unwrap_or(0)
    )
}

/// Run the command; `Ok(true)` when every artifact verified.
pub fn run(command: &ArtifactsCommand) -> Result<bool, String> {
    let origin = Origin::Dir(command.dir.clone());
    let key = genesis_key(command.genesis_vkey.as_deref(), &origin)?;
    let mut source = DirSource::load(
        &command.dir,
        WalkConfig::default().max_certificate_bytes as u64,
    )?;
    let mut verified: HashMap<String, Result<VerifiedChain, Error>> = HashMap::new();
    let mut summary: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<Value> = Vec::new();
    let mut found_any = false;
    for (index, (file, label)) in KINDS.iter().enumerate() {
        let path = command.dir.join(file);
        if !Path::new(&path).is_file() {
            continue;
        }
        found_any = true;
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a JSON object of bodies: {e}", path.display()))?;
        let (checked, valid) = summary.entry(index).or_default();
        for (id, body) in map {
            *checked += 1;
            let body = body.get().as_bytes();
            // The core's drive; each certificate's chain is walked once (inline, the core's
            // `ChainWalk::run`) and its verdict reused by every body naming it.
            let asked = question(file, &id).run_with(body, |certificate| {
                let chain = verified.entry(certificate.to_string()).or_insert_with(|| {
                    ChainWalk::new(certificate, key.clone(), WalkConfig::default()).run(|h| {
                        match source.certificate(h) {
                            Ok(body) => Ok(body),
                            Err(FetchError::NotFound(d) | FetchError::Io(d)) => Err(d),
                        }
                    })
                });
                Ok::<_, Infallible>(chain.clone())
            });
            let asked = match asked {
                Ok(asked) => asked,
                Err(never) => match never {},
            };
            let certificate = asked.certificate.clone().unwrap_or_default();
            let outcome = asked
                .into_result()
                .map_err(|e| (e.code().to_string(), e.to_string()))
                .and_then(|(answer, _)| detail(answer));
            match outcome {
                Ok(detail) => {
                    *valid += 1;
                    if !command.json {
                        eprintln!("  ok   {label}: {id} ({detail})");
                    }
                }
                Err((code, message)) => {
                    if !command.json {
                        eprintln!("  FAIL {label}: {id} [{code}] {message}");
                    }
                    failures.push(json!({"kind": file, "id": id, "certificate": certificate, "code": code, "message": message}));
                }
            }
        }
    }
    if !found_any {
        return Err(format!("{}: no artifact file found", command.dir.display()));
    }
    let all_valid = failures.is_empty();
    if command.json {
        let kinds: serde_json::Map<String, Value> = summary
            .iter()
            .map(|(i, (checked, valid))| {
                (
                    KINDS[*i].0.trim_end_matches(".json").to_string(),
                    json!({"checked": checked, "valid": valid}),
                )
            })
            .collect();
        println!(
            "{}",
            json!({"valid": all_valid, "kinds": kinds, "certificates_verified": verified.len(), "failures": failures})
        );
    } else {
        for (i, (checked, valid)) in &summary {
            println!("{:<32} {valid}/{checked} valid", KINDS[*i].1);
        }
        println!(
            "{}: {} certificates verified back to genesis",
            if all_valid {
                "ALL ARTIFACTS VALID"
            } else {
                "SOME ARTIFACTS INVALID"
            },
            verified.values().filter(|v| v.is_ok()).count()
        );
    }
    Ok(all_valid)
}
