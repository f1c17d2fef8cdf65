//! Writes a certificate chain made by mithril-common 0.8.3's own chain builder
//! (`CertificateChainBuilder`, its test tooling) in the layout of
//! `tests/fixtures/reference-chains/*`:
//!
//! - `certificates.json`: an object from certificate hash to the certificate as the aggregator
//!   serves it at `/certificate/{hash}` (mithril-common's `CertificateMessage`), newest first;
//! - `genesis.vkey`: the builder's genesis verification key, JSON-hex;
//! - `latest`: the newest certificate's hash;
//! - `expected.json`: `{"valid": true, "certificates": N, "params": {...}, "generator": {...}}`.
//!
//! Deterministic: the builder's genesis signer, its signers' keys and stakes all come from fixed
//! seeds, and the genesis certificate gets the fixed date of the others, so the same arguments give byte-identical files (scripts/bench.sh caches the output by
//! a key over these arguments and this crate's sources).
//!
//! Usage: chain-gen --out DIR [--certificates N] [--per-epoch C] [--signers S]
//!                  [--m M] [--k K] [--phi-f F]
//! Defaults: 401 certificates (a genesis certificate and 400 epochs), 1 per epoch, 10 signers
//! every epoch, m=100, k=5, phi_f=0.65 (the builder's own parameters).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use mithril_common::crypto_helper::{GenesisSigner, ProtocolParameters};
use mithril_common::entities::Certificate;
use mithril_common::messages::CertificateMessage;
use mithril_common::test::builder::{CertificateChainBuilder, CertificateChainBuilderContext};

struct Args {
    out: PathBuf,
    certificates: u64,
    per_epoch: u64,
    signers: usize,
    m: u64,
    k: u64,
    phi_f: f64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        out: PathBuf::new(),
        certificates: 401,
        per_epoch: 1,
        signers: 10,
        m: 100,
        k: 5,
        phi_f: 0.65,
    };
    let mut out = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        fn num<T: std::str::FromStr>(flag: &str, v: String) -> Result<T, String> {
            v.parse().map_err(|_| format!("{flag}: not a number: {v}"))
        }
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--certificates" => args.certificates = num(&flag, value()?)?,
            "--per-epoch" => args.per_epoch = num(&flag, value()?)?,
            "--signers" => args.signers = num(&flag, value()?)?,
            "--m" => args.m = num(&flag, value()?)?,
            "--k" => args.k = num(&flag, value()?)?,
            "--phi-f" => args.phi_f = num(&flag, value()?)?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    args.out = out.ok_or("--out DIR is required")?;
    if args.certificates < 2 || args.per_epoch == 0 || args.signers == 0 {
        return Err("need --certificates >= 2, --per-epoch >= 1, --signers >= 1".into());
    }
    Ok(args)
}

fn run(args: &Args) -> anyhow::Result<()> {
    let signers = args.signers;
    let per_epoch_signers = move |_epoch| signers;
    let chain = CertificateChainBuilder::new()
        .with_genesis_certificate_processor(&fixed_dates)
        .with_total_certificates(args.certificates)
        .with_certificates_per_epoch(args.per_epoch)
        .with_protocol_parameters(ProtocolParameters {
            m: args.m,
            k: args.k,
            phi_f: args.phi_f,
        })
        .with_total_signers_per_epoch_processor(&per_epoch_signers)
        .build();

    let mut certificates = String::from("{\n");
    let mut signatures_min = usize::MAX;
    let mut signatures_max = 0;
    for (i, certificate) in chain.certificates_chained.iter().enumerate() {
        let hash = certificate.hash.clone();
        let message = CertificateMessage::try_from(certificate.clone())?;
        let body = serde_json::to_string(&message)?;
        // Signatures in the aggregate: the figure that sets a certificate's cost.
        if !message.multi_signature.is_empty() {
            let json = hex_decode(&message.multi_signature)?;
            let value: serde_json::Value = serde_json::from_slice(&json)?;
            let n = value["signatures"].as_array().map_or(0, Vec::len);
            signatures_min = signatures_min.min(n);
            signatures_max = signatures_max.max(n);
        }
        let sep = if i + 1 < chain.certificates_chained.len() {
            ","
        } else {
            ""
        };
        writeln!(
            certificates,
            " {}: {body}{sep}",
            serde_json::to_string(&hash)?
        )?;
    }
    certificates.push_str("}\n");

    let latest = chain.latest_certificate();
    let genesis_key = chain
        .genesis_verifier
        .to_ed25519_verification_key()
        .to_json_hex()?;
    let epochs = chain
        .certificates_chained
        .iter()
        .map(|c| *c.epoch)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let expected = serde_json::json!({
        "valid": true,
        "certificates": chain.certificates_chained.len(),
        "epochs": epochs,
        "signatures_per_certificate": [signatures_min, signatures_max],
        "params": {"k": args.k, "m": args.m, "phi_f": args.phi_f},
        "generator": {
            "builder": "mithril-common 0.8.3 CertificateChainBuilder",
            "certificates": args.certificates,
            "per_epoch": args.per_epoch,
            "signers": args.signers,
        },
    });

    std::fs::create_dir_all(&args.out)?;
    std::fs::write(args.out.join("certificates.json"), certificates)?;
    std::fs::write(args.out.join("genesis.vkey"), format!("{genesis_key}\n"))?;
    std::fs::write(args.out.join("latest"), format!("{}\n", latest.hash))?;
    std::fs::write(
        args.out.join("expected.json"),
        format!("{}\n", serde_json::to_string_pretty(&expected)?),
    )?;
    eprintln!(
        "chain-gen: {} certificates over {epochs} epochs ({}-{} signatures each), latest {} -> {}",
        chain.certificates_chained.len(),
        signatures_min,
        signatures_max,
        latest.hash,
        args.out.display()
    );
    Ok(())
}

/// The builder stamps its genesis certificate with the current time; the standard ones carry a
/// fixed date. The same fixed date here makes the output reproducible (the genesis signature does
/// not cover the dates, and the builder computes every hash afterwards).
fn fixed_dates(
    mut certificate: Certificate,
    _: &CertificateChainBuilderContext,
    _: &GenesisSigner,
) -> Certificate {
    let fixed: DateTime<Utc> = "2006-01-02T15:04:05Z"
        .parse()
        .expect("a valid RFC 3339 date");
    certificate.metadata.initiated_at = fixed;
    certificate.metadata.sealed_at = fixed;
    certificate
}

fn hex_decode(text: &str) -> anyhow::Result<Vec<u8>> {
    let bytes = text.as_bytes();
    anyhow::ensure!(bytes.len().is_multiple_of(2), "odd hex length");
    let digit = |c: u8| -> anyhow::Result<u8> {
        (c as char)
            .to_digit(16)
            .map(|d| d as u8)
            .ok_or_else(|| anyhow::anyhow!("not hex: {}", c as char))
    };
    bytes
        .chunks(2)
        .map(|p| Ok(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("chain-gen: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chain-gen: {e:#}");
            ExitCode::FAILURE
        }
    }
}
