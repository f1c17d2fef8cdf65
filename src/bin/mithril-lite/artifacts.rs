//! `verify-artifacts`: every artifact and proof of a directory, checked against its certificate
//! after that certificate's chain is verified.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{ChainWalk, VerifiedCertificate, WalkConfig};
use mithril_lite::proofs::{self, DigestsCheck};
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

fn walk(
    hash: &str,
    key: &GenesisVerificationKey,
    source: &mut DirSource,
) -> Result<VerifiedCertificate, Failure> {
    ChainWalk::new(hash, key.clone(), WalkConfig::default())
        .run(|h| match source.certificate(h) {
            Ok(body) => Ok(body),
            Err(FetchError::NotFound(d) | FetchError::Io(d)) => Err(d),
        })
        .map(|c| c.certificate)
        .map_err(|e| (e.code().into(), e.to_string()))
}

fn check(file: &str, id: &str, body: &[u8], cert: &VerifiedCertificate) -> Result<String, Failure> {
    let fail = |e: proofs::ProofError| (e.code().to_string(), e.to_string());
    match file {
        "mithril-stake-distributions.json" => proofs::verify_mithril_stake_distribution(body, cert)
            .map(|d| format!("epoch {}, {} signers", d.epoch, d.signers.len()))
            .map_err(fail),
        "cardano-stake-distributions.json" => proofs::verify_cardano_stake_distribution(body, cert)
            .map(|d| format!("epoch {}, {} pools", d.epoch, d.stake_distribution.len()))
            .map_err(fail),
        "cardano-databases.json" => proofs::verify_cardano_database(body, cert, None)
            .map_err(fail)
            .map(|d| {
                let digests = match d.digests {
                    DigestsCheck::NotIncluded => {
                        "digests not included: immutable files not checked"
                    }
                    _ => "digests verified",
                };
                format!(
                    "epoch {} immutable {}, {digests}",
                    d.epoch, d.immutable_file_number
                )
            }),
        "ctx-proofs.json" => {
            let items = proofs::verify_transactions_proof_v1(body, cert, &[id]).map_err(fail)?;
            Ok(format!(
                "latest block {}",
                requested_certified(items)?.latest_block_number
            ))
        }
        "ctx-proofs-v2.json" => {
            let items = proofs::verify_transactions_proof_v2(body, cert, &[id]).map_err(fail)?;
            let items = requested_certified(items)?;
            Ok(finality(
                items.latest_block_number,
                items.block_number_offset,
            ))
        }
        _ => {
            let items = proofs::verify_blocks_proof(body, cert, &[id]).map_err(fail)?;
            let items = requested_certified(items)?;
            Ok(finality(
                items.latest_block_number,
                items.block_number_offset,
            ))
        }
    }
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
    let mut verified: HashMap<String, Result<VerifiedCertificate, Failure>> = HashMap::new();
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
            let certificate = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v["certificate_hash"].as_str().map(String::from))
                .unwrap_or_default();
            let cert = verified
                .entry(certificate.clone())
                .or_insert_with(|| walk(&certificate, &key, &mut source));
            let outcome = match cert {
                Ok(cert) => check(file, &id, body, cert),
                Err((code, message)) => {
                    Err((code.clone(), format!("certificate chain: {message}")))
                }
            };
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
