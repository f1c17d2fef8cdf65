//! Write the fuzz targets' seed corpora from the fixtures: genuine inputs in each target's
//! layout (see the targets' documentation), so the fuzzer starts from real certificates,
//! signatures, proofs, checkpoints, jobs and outcomes.
//!
//! Usage: `fuzz-seed OUT_DIR [TARGET...]` writes `OUT_DIR/TARGET/seed-NNNN` (every target when
//! none is named). Deterministic: the same fixtures give the same files.

use std::path::Path;

use fuzz_common::{chains, devnet, fixed_seed, fixtures, genuine_jobs, ProofFixtures};
use mithril_lite::chain::{TrustCheckpoints, WalkConfig};
use mithril_lite::codec::hex;

const TARGETS: [&str; 13] = [
    "check_job",
    "check_outcome",
    "differential_certificate",
    "ffi_feed",
    "proof_blocks",
    "proof_transactions_v1",
    "proof_transactions_v2",
    "split_join",
    "stake_distributions",
    "stm_aggregate",
    "trust_checkpoints",
    "walk_certificate",
    "walk_executor",
];

fn with(prefix: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.extend_from_slice(payload);
    v
}

/// (position in the two-per-epoch chain, body): the genuine bodies, then every different
/// body the negative chains give a certificate of that chain.
fn certificate_bodies() -> Vec<(u8, Vec<u8>)> {
    let all = chains();
    let chain = &all[0].1;
    let mut out: Vec<(u8, Vec<u8>)> = chain
        .order
        .iter()
        .enumerate()
        .map(|(j, h)| (j as u8, chain.certificates[h].as_bytes().to_vec()))
        .collect();
    for (_, negative) in &all[1..] {
        for (hash, body) in &negative.certificates {
            if let Some(j) = chain.order.iter().position(|h| h == hash) {
                if chain.certificates[hash] != *body {
                    out.push((j as u8, body.as_bytes().to_vec()));
                }
            }
        }
    }
    out
}

fn proof_seeds(file: &str) -> Vec<Vec<u8>> {
    let f = ProofFixtures::load(file);
    let mut out = Vec::new();
    for (hash, body) in &f.bodies {
        for request in [0, 1] {
            out.push(with(&[f.selector(hash), request], body.as_bytes()));
        }
    }
    out
}

fn stm_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (v, name) in ["small", "medium", "equal-stakes"].iter().enumerate() {
        let path = fixtures().join(format!("reference-stm/{name}.json"));
        let vector: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut sigs = vec![&vector];
        sigs.extend(vector["negative_cases"].as_array().unwrap());
        for case in sigs {
            for key in [
                "aggregate_signature_json_hex",
                "aggregate_signature_to_bytes_hex",
            ] {
                if let Some(h) = case.get(key).and_then(|h| h.as_str()) {
                    if let Some(raw) = hex::decode(h.as_bytes()) {
                        out.push(with(&[v as u8], &raw));
                    }
                }
            }
        }
    }
    out
}

fn checkpoint_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for chain in [&chains()[0].1, devnet()] {
        let key = chain.key();
        let mut t = TrustCheckpoints::new(&key);
        out.push(t.encode());
        let walked = chain
            .walk(&chain.order[0], &[], WalkConfig::default(), None)
            .expect("the fixture chain verifies");
        t.add_chain(&walked, &key).unwrap();
        out.push(t.encode());
    }
    out
}

fn job_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for job in genuine_jobs() {
        out.push(job.to_bytes());
        for parts in [2, 3] {
            out.extend(job.split_points(parts).iter().map(|p| p.to_bytes()));
        }
    }
    out
}

fn outcome_seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for job in genuine_jobs() {
        out.push(job.run(&fixed_seed(1)).to_bytes());
        out.extend(
            job.split_points(2)
                .iter()
                .map(|p| p.run(&fixed_seed(1)).to_bytes()),
        );
    }
    out
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "walk_certificate" => certificate_bodies()
            .into_iter()
            .flat_map(|(j, body)| [with(&[j, 0], &body), with(&[j, 1], &body)])
            .collect(),
        "ffi_feed" => certificate_bodies()
            .into_iter()
            .flat_map(|(j, body)| [0u8, 1, 3, 5].map(|flags| with(&[flags, j], &body)))
            .collect(),
        // Every genuine certificate of the devnet and two-per-epoch chains, in
        // differential_certificate's order (each chain sorted by hash), as is and rehashed.
        "differential_certificate" => ["devnet", "reference-chains/two-per-epoch"]
            .iter()
            .flat_map(|dir| fuzz_common::bodies(&format!("{dir}/certificates.json")))
            .enumerate()
            .flat_map(|(i, (_, body))| {
                [0u8, 1].map(|flags| with(&[i as u8, flags], body.as_bytes()))
            })
            .collect(),
        "stm_aggregate" => stm_seeds(),
        "proof_transactions_v1" => proof_seeds("ctx-proofs.json"),
        "proof_transactions_v2" => proof_seeds("ctx-proofs-v2.json"),
        "proof_blocks" => proof_seeds("cblk-proofs.json"),
        "stake_distributions" => {
            let mut out = Vec::new();
            for (kind, file) in [
                "mithril-stake-distributions.json",
                "cardano-stake-distributions.json",
            ]
            .iter()
            .enumerate()
            {
                for (i, (_, body)) in ProofFixtures::load(file).bodies.iter().enumerate() {
                    out.push(with(&[kind as u8, i as u8], body.as_bytes()));
                }
            }
            out
        }
        "trust_checkpoints" => checkpoint_seeds(),
        "check_job" => job_seeds(),
        "check_outcome" => outcome_seeds(),
        "split_join" => (0..genuine_jobs().len() as u8)
            .flat_map(|i| [0u8, 1, 2, 4].map(|parts| vec![i, parts]))
            .collect(),
        "walk_executor" => {
            let mut out: Vec<Vec<u8>> = (0..chains().len() as u8)
                .flat_map(|c| {
                    (0..5u8).flat_map(move |b| {
                        // In order; then every job completed at the end, split in two.
                        [vec![c, b, 0], vec![c, b, 0, 0, 0, 0x10]]
                    })
                })
                .collect();
            // Each chain's first job completed at once with a forged "passed" outcome (magic,
            // no certificate, passed, no keys, no signatures): the executor the walk trusts.
            let pass: Vec<u8> = [&b"MLO1"[..], &[0; 4], &[0], &[0; 4], &[0; 4]].concat();
            for c in 0..chains().len() as u8 {
                let mut seed = vec![c, 0, 0, 1, 0, 5, pass.len() as u8, 0];
                seed.extend_from_slice(&pass);
                out.push(seed);
            }
            out
        }
        // A target the generator does not know yet starts from an empty corpus.
        _ => Vec::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((out, wanted)) = args.split_first() else {
        eprintln!("usage: fuzz-seed OUT_DIR [TARGET...]");
        std::process::exit(2);
    };
    let targets: Vec<&str> = if wanted.is_empty() {
        TARGETS.to_vec()
    } else {
        wanted.iter().map(String::as_str).collect()
    };
    for target in targets {
        let dir = Path::new(out).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        let seeds = seeds(target);
        let bytes: usize = seeds.iter().map(Vec::len).sum();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:04}")), seed).unwrap();
        }
        if seeds.is_empty() {
            println!("{target}: no seeds (not a target fuzz-seed knows): an empty corpus");
        } else {
            println!("{target}: {} seeds, {bytes} bytes", seeds.len());
        }
    }
}
