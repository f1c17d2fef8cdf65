//! `mithril-lite verify-artifacts`: every devnet artifact and proof verifies; a tampered proof
//! fails with its specific code and exit status 1.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::Command;

fn devnet() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/devnet")
}

fn run(dir: &Path) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_mithril-lite"))
        .args(["verify-artifacts", dir.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap(), json)
}

#[test]
fn every_devnet_artifact_verifies() {
    let (code, json) = run(&devnet());
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["valid"], true);
    for (kind, n) in [
        ("mithril-stake-distributions", 9),
        ("cardano-stake-distributions", 9),
        ("cardano-databases", 11),
        ("ctx-proofs", 4),
        ("ctx-proofs-v2", 4),
        ("cblk-proofs", 20),
    ] {
        assert_eq!(json["kinds"][kind]["checked"], n, "{kind}");
        assert_eq!(json["kinds"][kind]["valid"], n, "{kind}");
    }
}

#[test]
fn a_tampered_block_proof_fails_with_its_code() {
    let dir = std::env::temp_dir().join(format!("mithril-lite-artifacts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["certificates.json", "genesis.vkey"] {
        std::fs::copy(devnet().join(f), dir.join(f)).unwrap();
    }
    // Claim another block number for the first block proof's item.
    let text = std::fs::read_to_string(devnet().join("cblk-proofs.json")).unwrap();
    let at = text.find("\"block_number\": ").unwrap() + "\"block_number\": ".len();
    let end = at + text[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let n: u64 = text[at..end].parse().unwrap();
    let tampered = format!("{}{}{}", &text[..at], n + 1, &text[end..]);
    std::fs::write(dir.join("cblk-proofs.json"), tampered).unwrap();
    let (code, json) = run(&dir);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["valid"], false);
    assert_eq!(json["kinds"]["cblk-proofs"]["valid"], 19);
    assert_eq!(json["failures"][0]["code"], "item_not_certified", "{json}");
}
