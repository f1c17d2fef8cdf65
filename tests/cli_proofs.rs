//! The light-wallet subcommands of `mithril-lite` (`verify-transaction`, `verify-block`,
//! `verify-stake-distribution`, `verify-cardano-database`) end to end, against a local
//! aggregator on 127.0.0.1 serving the devnet fixture (and against the fixture directory),
//! plus the argument handling clap brings (usage errors, non-UTF-8, --version, colour).
#![cfg(feature = "cli")]

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

mod http_server;

use http_server::Server;
use serde_json::value::RawValue;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// The devnet fixture
// ---------------------------------------------------------------------------------------------

fn devnet() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/devnet")
}

/// A fixture file of bodies: id -> exact text.
fn bodies(file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(devnet().join(file)).unwrap();
    let map: BTreeMap<String, Box<RawValue>> = serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(k, v)| (k, v.get().to_string()))
        .collect()
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The first hash of a fixture list file (newest first).
fn newest(list_file: &str) -> String {
    let list: Value =
        serde_json::from_str(&std::fs::read_to_string(devnet().join(list_file)).unwrap()).unwrap();
    list[0]["hash"].as_str().unwrap().to_string()
}

/// Transaction hashes with a v2 proof, in file order.
fn transactions() -> Vec<String> {
    bodies("ctx-proofs-v2.json").into_keys().collect()
}

fn blocks() -> Vec<String> {
    bodies("cblk-proofs.json").into_keys().collect()
}

/// A hash that no fixture proof or artifact holds.
const UNKNOWN: &str = "abababababababababababababababababababababababababababababababab";

/// `text` with the first number after `"key": ` increased by one.
fn bump_number(text: &str, key: &str) -> String {
    let needle = format!("\"{key}\": ");
    let at = text.find(&needle).unwrap_or_else(|| panic!("no {key}")) + needle.len();
    bump_number_at(text, at)
}

/// `text` with the number starting at byte `at` increased by one.
fn bump_number_at(text: &str, at: usize) -> String {
    let end = at + text[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let n: u64 = text[at..end].parse().unwrap();
    format!("{}{}{}", &text[..at], n + 1, &text[end..])
}

/// `text` with the first hex digit of the string value of `key` changed.
fn flip_hex(text: &str, key: &str) -> String {
    let needle = format!("\"{key}\": \"");
    let at = text.find(&needle).unwrap_or_else(|| panic!("no {key}")) + needle.len();
    let old = text.as_bytes()[at];
    let new = if old == b'0' { "1" } else { "0" };
    let mut out = text.to_string();
    out.replace_range(at..at + 1, new);
    out
}

// ---------------------------------------------------------------------------------------------
// A local aggregator: the routes the npm package uses, answered from the devnet fixture
// ---------------------------------------------------------------------------------------------

/// The devnet aggregator. Proof routes answer with the fixture proof of the first requested
/// hash that has one, else with the first proof of the file (which then certifies none of
/// the requested hashes, as an aggregator's proof for transactions it does not know).
/// `overrides` replaces bodies by path (query included).
fn devnet_aggregator(overrides: HashMap<String, String>) -> Server {
    let mut routes: HashMap<String, String> = HashMap::new();
    for (hash, text) in bodies("certificates.json") {
        routes.insert(format!("/certificate/{hash}"), text);
    }
    let lists = [
        ("/certificates", "certificates-list.json"),
        (
            "/artifact/mithril-stake-distributions",
            "mithril-stake-distributions-list.json",
        ),
        (
            "/artifact/cardano-stake-distributions",
            "cardano-stake-distributions-list.json",
        ),
        ("/artifact/cardano-database", "cardano-databases-list.json"),
    ];
    for (route, file) in lists {
        routes.insert(
            route.into(),
            std::fs::read_to_string(devnet().join(file)).unwrap(),
        );
    }
    for (kind, file) in [
        (
            "mithril-stake-distribution",
            "mithril-stake-distributions.json",
        ),
        (
            "cardano-stake-distribution",
            "cardano-stake-distributions.json",
        ),
        ("cardano-database", "cardano-databases.json"),
    ] {
        for (hash, text) in bodies(file) {
            if kind == "cardano-stake-distribution" {
                let epoch = value(&text)["epoch"].as_u64().unwrap();
                routes.insert(format!("/artifact/{kind}/epoch/{epoch}"), text.clone());
            }
            routes.insert(format!("/artifact/{kind}/{hash}"), text);
        }
    }
    routes.extend(overrides);
    let proofs: Vec<(&str, &str, BTreeMap<String, String>)> = vec![
        (
            "/proof/v2/cardano-transaction",
            "transaction_hashes",
            bodies("ctx-proofs-v2.json"),
        ),
        (
            "/proof/cardano-transaction",
            "transaction_hashes",
            bodies("ctx-proofs.json"),
        ),
        (
            "/proof/v2/cardano-block",
            "block_hashes",
            bodies("cblk-proofs.json"),
        ),
    ];
    let handler = move |path: &str| -> (u16, Vec<u8>) {
        if let Some(text) = routes.get(path) {
            return (200, text.clone().into_bytes());
        }
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        for (proof_route, param, map) in &proofs {
            if route != *proof_route {
                continue;
            }
            let Some(list) = query.strip_prefix(&format!("{param}=")) else {
                return (400, b"{\"message\":\"bad query\"}".to_vec());
            };
            let body = list
                .split(',')
                .find_map(|h| map.get(h))
                .or_else(|| map.values().next())
                .unwrap();
            return (200, body.clone().into_bytes());
        }
        (404, b"{\"message\":\"not found\"}".to_vec())
    };
    Server::start(Arc::new(handler))
}

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn describe(&self) -> String {
        format!(
            "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }

    /// stdout as one JSON document.
    fn json(&self) -> Value {
        assert_eq!(
            self.stdout.trim().lines().count(),
            1,
            "one JSON line: {}",
            self.describe()
        );
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.describe()))
    }

    fn expect(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "{}", self.describe());
        self
    }
}

fn run_os(args: &[OsString], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mithril-lite"));
    command.args(args).env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn run(args: &[&str]) -> Run {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    run_os(&args, &[])
}

fn key_file() -> String {
    devnet().join("genesis.vkey").to_str().unwrap().to_string()
}

/// `SUBCOMMAND --aggregator URL --genesis-vkey FILE --json ARGS...`
fn ask(server: &Server, subcommand: &str, args: &[&str]) -> Run {
    let url = server.url();
    let key = key_file();
    let mut all = vec![
        subcommand,
        "--aggregator",
        &url,
        "--genesis-vkey",
        &key,
        "--json",
    ];
    all.extend_from_slice(args);
    run(&all)
}

/// `SUBCOMMAND --dir DEVNET --json ARGS...`
fn ask_dir(dir: &Path, subcommand: &str, args: &[&str]) -> Run {
    let dir = dir.to_str().unwrap().to_string();
    let mut all = vec![subcommand, "--dir", &dir, "--json"];
    all.extend_from_slice(args);
    run(&all)
}

fn hashes_of(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key} is a list: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .or_else(|| x["hash"].as_str())
                .unwrap()
                .to_string()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

#[test]
fn a_certified_transaction_from_the_aggregator() {
    let server = devnet_aggregator(HashMap::new());
    let tx = &transactions()[0];
    let proof = value(&bodies("ctx-proofs-v2.json")[tx]);
    let r = ask(&server, "verify-transaction", &[tx]);
    r.expect(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["kind"], "cardano-transaction");
    assert_eq!(v["error"], Value::Null);
    assert_eq!(hashes_of(&v, "certified"), vec![tx.clone()]);
    assert!(hashes_of(&v, "non_certified").is_empty());
    let item = &v["certified"][0];
    let expected = &proof["certified_transactions"]["items"][0];
    assert_eq!(item["block_number"], expected["block_number"]);
    assert_eq!(item["slot_number"], expected["slot_number"]);
    assert_eq!(item["block_hash"], expected["block_hash"]);
    assert_eq!(item["certificate"], proof["certificate_hash"]);
    let p = &v["proofs"][0];
    assert_eq!(p["valid"], true);
    assert_eq!(p["version"], 2);
    assert_eq!(p["certificate"], proof["certificate_hash"]);
    assert_eq!(p["latest_block_number"], proof["latest_block_number"]);
    assert_eq!(p["block_number_offset"], proof["security_parameter"]);
    let final_at = proof["latest_block_number"].as_u64().unwrap()
        + proof["security_parameter"].as_u64().unwrap();
    assert_eq!(p["final_at_block"].as_u64(), Some(final_at));
    assert!(p["certificates_checked"].as_u64().unwrap() > 1, "{p}");
    assert!(p["epoch"].is_u64(), "{p}");
    // The npm package's route, then the chain from the proof's certificate.
    let requests = server.requests();
    assert_eq!(
        requests[0],
        format!("/proof/v2/cardano-transaction?transaction_hashes={tx}")
    );
    assert_eq!(
        requests[1],
        format!(
            "/certificate/{}",
            proof["certificate_hash"].as_str().unwrap()
        )
    );
}

#[test]
fn a_transaction_in_no_proof_is_not_certified() {
    let server = devnet_aggregator(HashMap::new());
    let r = ask(&server, "verify-transaction", &[UNKNOWN]);
    r.expect(1);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert!(hashes_of(&v, "certified").is_empty(), "{v}");
    assert_eq!(hashes_of(&v, "non_certified"), vec![UNKNOWN.to_string()]);
    // The proof itself is valid: it just does not certify this hash.
    assert_eq!(v["proofs"][0]["valid"], true, "{v}");
    assert_eq!(v["error"], Value::Null);
}

#[test]
fn certified_and_not_certified_together_exit_1() {
    let server = devnet_aggregator(HashMap::new());
    let tx = transactions()[1].clone();
    // Upper case is the same hash.
    let r = ask(
        &server,
        "verify-transaction",
        &[&tx.to_uppercase(), UNKNOWN],
    );
    r.expect(1);
    let v = r.json();
    assert_eq!(hashes_of(&v, "certified"), vec![tx.clone()]);
    assert_eq!(hashes_of(&v, "non_certified"), vec![UNKNOWN.to_string()]);
    assert_eq!(
        server.requests()[0],
        format!("/proof/v2/cardano-transaction?transaction_hashes={tx},{UNKNOWN}")
    );
    // Text form: one line per hash, then the proof and its finality hint.
    let url = server.url();
    let key = key_file();
    let r = run(&[
        "verify-transaction",
        "--aggregator",
        &url,
        "--genesis-vkey",
        &key,
        &tx,
        UNKNOWN,
    ]);
    r.expect(1);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("CERTIFIED ") && l.contains(&tx) && l.contains("in block ")),
        "{}",
        r.describe()
    );
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("NOT CERTIFIED ") && l.contains(UNKNOWN)),
        "{}",
        r.describe()
    );
    assert!(
        r.stdout.contains("final once the chain tip reaches block "),
        "{}",
        r.describe()
    );
    assert!(r.stdout.contains("1/2 certified"), "{}", r.describe());
    assert!(
        !r.stdout.contains('\x1b'),
        "no colour off a TTY: {}",
        r.describe()
    );
}

#[test]
fn a_proof_that_certifies_nothing_leaves_every_hash_not_certified() {
    let tx = &transactions()[0];
    let mut proof = value(&bodies("ctx-proofs-v2.json")[tx]);
    proof["certified_transactions"] = Value::Null;
    proof["non_certified_transactions"] = serde_json::json!([UNKNOWN]);
    let route = format!("/proof/v2/cardano-transaction?transaction_hashes={UNKNOWN}");
    let server = devnet_aggregator(HashMap::from([(route, proof.to_string())]));
    let r = ask(&server, "verify-transaction", &[UNKNOWN]);
    r.expect(1);
    let v = r.json();
    assert_eq!(hashes_of(&v, "non_certified"), vec![UNKNOWN.to_string()]);
    assert_eq!(v["error"]["code"], "proof_nothing_certified", "{v}");
}

#[test]
fn a_tampered_transaction_proof_is_invalid() {
    let tx = transactions()[0].clone();
    let text = &bodies("ctx-proofs-v2.json")[&tx];
    let route = format!("/proof/v2/cardano-transaction?transaction_hashes={tx}");
    // Another block number for the item: its leaf is not in the proof.
    let server = devnet_aggregator(HashMap::from([(
        route.clone(),
        bump_number(text, "block_number"),
    )]));
    let r = ask(&server, "verify-transaction", &[&tx]);
    r.expect(1);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["proofs"][0]["valid"], false, "{v}");
    assert_eq!(v["error"]["code"], "item_not_certified", "{v}");
    assert!(v["error"]["message"].as_str().unwrap().len() > 10, "{v}");
    assert_eq!(hashes_of(&v, "non_certified"), vec![tx.clone()]);
    // Another latest block number: the signed message no longer matches.
    let server = devnet_aggregator(HashMap::from([(
        route,
        bump_number(text, "latest_block_number"),
    )]));
    let r = ask(&server, "verify-transaction", &[&tx]);
    r.expect(1);
    assert_eq!(
        r.json()["error"]["code"],
        "proof_message_mismatch",
        "{}",
        r.describe()
    );
}

#[test]
fn a_proof_naming_no_certificate_is_malformed() {
    let tx = transactions()[0].clone();
    let mut proof = value(&bodies("ctx-proofs-v2.json")[&tx]);
    proof.as_object_mut().unwrap().remove("certificate_hash");
    let route = format!("/proof/v2/cardano-transaction?transaction_hashes={tx}");
    let server = devnet_aggregator(HashMap::from([(route, proof.to_string())]));
    let r = ask(&server, "verify-transaction", &[&tx]);
    r.expect(1);
    let v = r.json();
    assert_eq!(v["error"]["code"], "proof_malformed", "{v}");
    assert_eq!(v["proofs"][0]["certificate"], Value::Null, "{v}");
    // Nothing to walk: only the proof was fetched.
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
}

#[test]
fn a_v1_transaction_proof_from_its_route() {
    let server = devnet_aggregator(HashMap::new());
    let tx = bodies("ctx-proofs.json").into_keys().next().unwrap();
    let r = ask(&server, "verify-transaction", &["--v1", &tx]);
    r.expect(0);
    let v = r.json();
    assert_eq!(hashes_of(&v, "certified"), vec![tx.clone()]);
    assert_eq!(v["proofs"][0]["version"], 1);
    // v1 says neither the block nor a finality offset.
    assert_eq!(v["certified"][0]["block_number"], Value::Null);
    assert_eq!(v["proofs"][0]["final_at_block"], Value::Null);
    assert_eq!(
        server.requests()[0],
        format!("/proof/cardano-transaction?transaction_hashes={tx}")
    );
}

#[test]
fn transactions_from_a_directory() {
    let txs = transactions();
    let r = ask_dir(&devnet(), "verify-transaction", &[&txs[0], &txs[1]]);
    r.expect(0);
    let v = r.json();
    assert_eq!(
        hashes_of(&v, "certified"),
        vec![txs[0].clone(), txs[1].clone()]
    );
    // Each hash's own proof: one per distinct body.
    assert!(!v["proofs"].as_array().unwrap().is_empty());
    let r = ask_dir(&devnet(), "verify-transaction", &[&txs[0], UNKNOWN]);
    r.expect(1);
    let v = r.json();
    assert_eq!(hashes_of(&v, "non_certified"), vec![UNKNOWN.to_string()]);
    // Only unknown hashes: no proof at all, nothing certified.
    let r = ask_dir(&devnet(), "verify-transaction", &[UNKNOWN]);
    r.expect(1);
    let v = r.json();
    assert_eq!(v["proofs"].as_array().unwrap().len(), 0);
    assert_eq!(hashes_of(&v, "non_certified"), vec![UNKNOWN.to_string()]);
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

#[test]
fn a_certified_block_and_an_unknown_one() {
    let server = devnet_aggregator(HashMap::new());
    let block = blocks()[3].clone();
    let proof = value(&bodies("cblk-proofs.json")[&block]);
    let r = ask(&server, "verify-block", &[&block]);
    r.expect(0);
    let v = r.json();
    assert_eq!(v["kind"], "cardano-block");
    assert_eq!(hashes_of(&v, "certified"), vec![block.clone()]);
    let expected = &proof["certified_blocks"]["items"][0];
    assert_eq!(v["certified"][0]["block_number"], expected["block_number"]);
    assert_eq!(v["certified"][0]["slot_number"], expected["slot_number"]);
    assert_eq!(
        v["proofs"][0]["block_number_offset"],
        proof["security_parameter"]
    );
    assert_eq!(
        server.requests()[0],
        format!("/proof/v2/cardano-block?block_hashes={block}")
    );
    let r = ask(&server, "verify-block", &[UNKNOWN]);
    r.expect(1);
    assert_eq!(
        hashes_of(&r.json(), "non_certified"),
        vec![UNKNOWN.to_string()]
    );
    // From the directory too.
    ask_dir(&devnet(), "verify-block", &[&block]).expect(0);
}

// ---------------------------------------------------------------------------------------------
// Stake distributions and Cardano databases
// ---------------------------------------------------------------------------------------------

#[test]
fn mithril_stake_distributions_latest_and_by_hash() {
    let server = devnet_aggregator(HashMap::new());
    let latest = newest("mithril-stake-distributions-list.json");
    let r = ask(&server, "verify-stake-distribution", &["--kind", "mithril"]);
    r.expect(0);
    let v = r.json();
    let body = value(&bodies("mithril-stake-distributions.json")[&latest]);
    assert_eq!(v["valid"], true);
    assert_eq!(v["kind"], "mithril-stake-distribution");
    assert_eq!(v["hash"], latest.as_str());
    assert_eq!(v["certificate"], body["certificate_hash"]);
    assert_eq!(v["artifact"]["epoch"], body["epoch"]);
    assert_eq!(
        v["artifact"]["signers"].as_u64(),
        Some(body["signers"].as_array().unwrap().len() as u64)
    );
    assert_eq!(
        server.requests()[..2],
        [
            "/artifact/mithril-stake-distributions".to_string(),
            format!("/artifact/mithril-stake-distribution/{latest}")
        ]
    );
    // Every one, by hash, from the aggregator and from the directory.
    for hash in bodies("mithril-stake-distributions.json").keys() {
        ask(
            &server,
            "verify-stake-distribution",
            &["--kind", "mithril", hash],
        )
        .expect(0);
    }
    ask_dir(
        &devnet(),
        "verify-stake-distribution",
        &["--kind", "mithril"],
    )
    .expect(0);
}

#[test]
fn cardano_stake_distributions_by_epoch_hash_and_latest() {
    let server = devnet_aggregator(HashMap::new());
    for (hash, text) in bodies("cardano-stake-distributions.json") {
        let body = value(&text);
        let epoch = body["epoch"].as_u64().unwrap().to_string();
        for args in [
            vec!["--kind", "cardano", "--epoch", &epoch],
            vec!["--kind", "cardano", &hash],
        ] {
            let r = ask(&server, "verify-stake-distribution", &args);
            r.expect(0);
            let v = r.json();
            assert_eq!(v["hash"], hash.as_str(), "{v}");
            assert_eq!(v["artifact"]["epoch"], body["epoch"], "{v}");
            assert_eq!(
                v["artifact"]["pools"].as_u64(),
                Some(body["stake_distribution"].as_object().unwrap().len() as u64)
            );
        }
        let r = ask_dir(
            &devnet(),
            "verify-stake-distribution",
            &["--kind", "cardano", "--epoch", &epoch],
        );
        r.expect(0);
        assert_eq!(r.json()["hash"], hash.as_str());
    }
    assert!(server
        .requests()
        .iter()
        .any(|p| p.starts_with("/artifact/cardano-stake-distribution/epoch/")));
    ask(&server, "verify-stake-distribution", &["--kind", "cardano"]).expect(0);
}

#[test]
fn a_tampered_stake_distribution_is_invalid() {
    let (hash, text) = bodies("cardano-stake-distributions.json")
        .into_iter()
        .next()
        .unwrap();
    // One more lovelace for the first pool: the Merkle root differs from the signed one.
    let pool = text.find("\"pool").unwrap();
    let stake = pool + text[pool..].find(": ").unwrap() + 2;
    let tampered = bump_number_at(&text, stake);
    assert_ne!(tampered, text);
    let route = format!("/artifact/cardano-stake-distribution/{hash}");
    let server = devnet_aggregator(HashMap::from([(route, tampered)]));
    let r = ask(
        &server,
        "verify-stake-distribution",
        &["--kind", "cardano", &hash],
    );
    r.expect(1);
    let v = r.json();
    assert_eq!(v["valid"], false);
    assert_eq!(v["error"]["code"], "proof_message_mismatch", "{v}");
    assert_eq!(v["artifact"], Value::Null);
}

#[test]
fn an_artifact_other_than_the_one_asked_for_is_refused() {
    // Valid, certified artifacts, but not the epoch or hash asked for.
    let sds: Vec<(String, String)> = bodies("cardano-stake-distributions.json")
        .into_iter()
        .collect();
    let (hash_a, text_a) = &sds[0];
    let (hash_b, text_b) = &sds[1];
    let epoch_a = value(text_a)["epoch"].as_u64().unwrap();
    let server = devnet_aggregator(HashMap::from([
        (
            format!("/artifact/cardano-stake-distribution/epoch/{epoch_a}"),
            text_b.clone(),
        ),
        (
            format!("/artifact/cardano-stake-distribution/{hash_a}"),
            text_b.clone(),
        ),
    ]));
    for args in [
        vec!["--kind", "cardano", "--epoch", &epoch_a.to_string()],
        vec!["--kind", "cardano", hash_a.as_str()],
    ] {
        let r = ask(&server, "verify-stake-distribution", &args);
        r.expect(1);
        let v = r.json();
        assert_eq!(
            v["error"]["code"], "artifact_not_requested",
            "{args:?}: {v}"
        );
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("asked for"),
            "{v}"
        );
    }
    // The same artifact by its own hash verifies.
    ask(
        &server,
        "verify-stake-distribution",
        &["--kind", "cardano", hash_b],
    )
    .expect(0);
}

#[test]
fn cardano_databases_latest_by_hash_and_tampered() {
    let server = devnet_aggregator(HashMap::new());
    let latest = newest("cardano-databases-list.json");
    let r = ask(&server, "verify-cardano-database", &[]);
    r.expect(0);
    let v = r.json();
    let body = value(&bodies("cardano-databases.json")[&latest]);
    assert_eq!(v["hash"], latest.as_str());
    assert_eq!(v["kind"], "cardano-database");
    assert_eq!(v["artifact"]["epoch"], body["beacon"]["epoch"]);
    assert_eq!(
        v["artifact"]["immutable_file_number"],
        body["beacon"]["immutable_file_number"]
    );
    assert_eq!(v["artifact"]["merkle_root"], body["merkle_root"]);
    assert_eq!(v["artifact"]["digests"], "not_included");
    assert_eq!(server.requests()[0], "/artifact/cardano-database");
    for hash in bodies("cardano-databases.json").keys() {
        ask(&server, "verify-cardano-database", &[hash]).expect(0);
    }
    ask_dir(&devnet(), "verify-cardano-database", &[]).expect(0);

    let text = &bodies("cardano-databases.json")[&latest];
    let route = format!("/artifact/cardano-database/{latest}");
    let server = devnet_aggregator(HashMap::from([(route, flip_hex(text, "merkle_root"))]));
    let r = ask(&server, "verify-cardano-database", &[&latest]);
    r.expect(1);
    assert_eq!(
        r.json()["error"]["code"],
        "proof_message_mismatch",
        "{}",
        r.describe()
    );
}

#[test]
fn an_artifact_the_aggregator_does_not_have_is_a_fetch_error() {
    let server = devnet_aggregator(HashMap::new());
    let r = ask(&server, "verify-cardano-database", &[UNKNOWN]);
    r.expect(2);
    assert!(r.stdout.is_empty(), "{}", r.describe());
    assert!(r.stderr.contains("404"), "{}", r.describe());
    // Nothing listening: exit 2 too.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let key = key_file();
    let r = run(&[
        "verify-transaction",
        "--aggregator",
        &url,
        "--genesis-vkey",
        &key,
        UNKNOWN,
    ]);
    r.expect(2);
    assert!(r.stdout.is_empty(), "{}", r.describe());
}

// ---------------------------------------------------------------------------------------------
// Presets and trust
// ---------------------------------------------------------------------------------------------

#[test]
fn the_network_preset_key_is_used_and_an_explicit_key_wins() {
    let server = devnet_aggregator(HashMap::new());
    let url = server.url();
    let tx = &transactions()[0];
    // The mainnet preset's key does not sign the devnet chain.
    let r = run(&[
        "verify-transaction",
        "--network",
        "mainnet",
        "--aggregator",
        &url,
        "--json",
        tx,
    ]);
    r.expect(1);
    let v = r.json();
    assert_eq!(v["error"]["code"], "genesis_signature_invalid", "{v}");
    assert!(
        r.stderr.contains("(from the mainnet preset)"),
        "{}",
        r.describe()
    );
    let key = key_file();
    let r = run(&[
        "verify-transaction",
        "--network",
        "mainnet",
        "--aggregator",
        &url,
        "--genesis-vkey",
        &key,
        "--json",
        tx,
    ]);
    r.expect(0);
    assert!(
        r.stderr.contains("(from --genesis-vkey)"),
        "{}",
        r.describe()
    );
}

#[test]
fn a_trust_file_shortens_the_next_walk() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("cli-proofs-trust-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let trust = dir.join("trust.bin");
    let trust = trust.to_str().unwrap();
    let block = &blocks()[0];
    let checked = |r: &Run| {
        r.json()["proofs"][0]["certificates_checked"]
            .as_u64()
            .unwrap()
    };
    let first = ask_dir(&devnet(), "verify-block", &["--trust", trust, block]);
    first.expect(0);
    assert!(checked(&first) > 1, "{}", first.describe());
    let second = ask_dir(&devnet(), "verify-block", &["--trust", trust, block]);
    second.expect(0);
    assert_eq!(checked(&second), 1, "{}", second.describe());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------------------

fn assert_usage_error(args: &[&str], needle: &str) {
    let r = run(args);
    let context = format!("{args:?}: {}", r.describe());
    assert_eq!(r.code, 2, "{context}");
    assert!(r.stdout.is_empty(), "{context}");
    assert!(r.stderr.starts_with("mithril-lite: "), "{context}");
    assert!(r.stderr.contains(needle), "{context}");
    assert!(!r.stderr.contains("panicked"), "{context}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = devnet();
    let dir = dir.to_str().unwrap();
    // A value is never taken for a flag.
    assert_usage_error(
        &["verify-chain", dir, "--genesis-vkey", "--json"],
        "--genesis-vkey needs a value",
    );
    assert_usage_error(
        &[
            "verify-transaction",
            "--dir",
            dir,
            "--genesis-vkey",
            "--json",
            UNKNOWN,
        ],
        "--genesis-vkey needs a value",
    );
    assert_usage_error(&["verify-transaction", "--dir", dir], "missing HASH");
    assert_usage_error(
        &["verify-transaction", "--dir", dir, "not-hex"],
        "\"not-hex\" is not a hex hash",
    );
    assert_usage_error(&["verify-transaction", UNKNOWN], "needs --network NAME");
    assert_usage_error(
        &[
            "verify-transaction",
            "--dir",
            dir,
            "--aggregator",
            "http://127.0.0.1:9",
            UNKNOWN,
        ],
        "exclude each other",
    );
    assert_usage_error(
        &[
            "verify-transaction",
            "--aggregator",
            "http://127.0.0.1:9",
            UNKNOWN,
        ],
        "needs --genesis-vkey",
    );
    assert_usage_error(&["verify-block", "--dir", dir, "--v1", UNKNOWN], "--v1");
    assert_usage_error(
        &["verify-stake-distribution", "--dir", dir],
        "missing --kind",
    );
    assert_usage_error(
        &[
            "verify-stake-distribution",
            "--dir",
            dir,
            "--kind",
            "bitcoin",
        ],
        "not one of mithril, cardano",
    );
    assert_usage_error(
        &[
            "verify-stake-distribution",
            "--dir",
            dir,
            "--kind",
            "mithril",
            "--epoch",
            "3",
        ],
        "--epoch is for --kind cardano",
    );
    assert_usage_error(
        &[
            "verify-stake-distribution",
            "--dir",
            dir,
            "--kind",
            "cardano",
            "--epoch",
            "x",
        ],
        "not an epoch number",
    );
    assert_usage_error(
        &[
            "verify-stake-distribution",
            "--dir",
            dir,
            "--kind",
            "cardano",
            "--epoch",
            "3",
            UNKNOWN,
        ],
        "exclude each other",
    );
    assert_usage_error(
        &["verify-cardano-database", "--dir", dir, "--frob"],
        "unknown option --frob",
    );
    assert_usage_error(
        &["verify-transaction", "--network", "testnet", UNKNOWN],
        "unknown network \"testnet\"",
    );
    // A directory without the file asked for: an I/O error.
    let chain_only =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference-chains/two-per-epoch");
    assert_usage_error(
        &[
            "verify-block",
            "--dir",
            chain_only.to_str().unwrap(),
            UNKNOWN,
        ],
        "cblk-proofs.json",
    );
}

#[test]
fn non_utf8_arguments_are_refused_without_a_panic() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(vec![b'a', 0xff, 0xfe]);
    for args in [
        vec![OsString::from("verify-chain"), bad.clone()],
        vec![
            OsString::from("verify-transaction"),
            OsString::from("--dir"),
            bad.clone(),
            OsString::from(UNKNOWN),
        ],
        vec![bad.clone()],
    ] {
        let r = run_os(&args, &[]);
        let context = format!("{args:?}: {}", r.describe());
        assert_eq!(r.code, 2, "{context}");
        assert!(r.stderr.contains("not valid UTF-8"), "{context}");
        assert!(!r.stderr.contains("panicked"), "{context}");
    }
}

#[test]
fn help_per_subcommand_and_version_anywhere() {
    for sub in [
        "verify-chain",
        "verify-artifacts",
        "verify-transaction",
        "verify-block",
        "verify-stake-distribution",
        "verify-cardano-database",
    ] {
        let r = run(&[sub, "--help"]);
        r.expect(0);
        assert!(
            r.stdout.contains(&format!("mithril-lite {sub}")),
            "{}",
            r.describe()
        );
        assert!(r.stdout.contains("Exit status"), "{}", r.describe());
        let r = run(&["help", sub]);
        r.expect(0);
        assert!(
            r.stdout.contains(&format!("mithril-lite {sub}")),
            "{}",
            r.describe()
        );
        for args in [vec![sub, "--version"], vec![sub, "--json", "-V"]] {
            let r = run(&args);
            r.expect(0);
            assert_eq!(
                r.stdout,
                format!("mithril-lite {}\n", env!("CARGO_PKG_VERSION")),
                "{args:?}"
            );
        }
    }
    let r = run(&["verify-stake-distribution", "--help"]);
    assert!(r.stdout.contains("--kind <KIND>"), "{}", r.describe());
    assert!(r.stdout.contains("--epoch <N>"), "{}", r.describe());
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

/// Run the binary with stdout (and stderr when `stderr_too`, else discarded) on a
/// pseudo-terminal (util-linux `script`); returns what the terminal showed.
fn on_a_terminal(args: &[&str], no_color: bool, stderr_too: bool) -> String {
    let mut line = String::new();
    if no_color {
        line.push_str("NO_COLOR=1 ");
    }
    line.push_str(env!("CARGO_BIN_EXE_mithril-lite"));
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    if !stderr_too {
        line.push_str(" 2>/dev/null");
    }
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .output()
        .expect("util-linux script (a pseudo-terminal for the colour test)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let dir = devnet();
    let dir = dir.to_str().unwrap();
    let tx = &transactions()[0];
    let args = ["verify-transaction", "--dir", dir, tx, UNKNOWN];
    let tty = on_a_terminal(&args, false, false);
    assert!(tty.contains("CERTIFIED"), "{tty}");
    assert!(tty.contains("\x1b[1;32m"), "green on a terminal: {tty:?}");
    assert!(tty.contains("\x1b[1;31m"), "red on a terminal: {tty:?}");
    let no_color = on_a_terminal(&args, true, false);
    assert!(no_color.contains("NOT CERTIFIED"), "{no_color}");
    assert!(!no_color.contains('\x1b'), "NO_COLOR: {no_color:?}");
    // NO_COLOR with the progress on the terminal too: no escape code at all (the progress
    // line is overwritten with spaces instead of erased).
    let everything = on_a_terminal(&args, true, true);
    assert!(everything.contains(" fetched, "), "{everything:?}");
    assert!(!everything.contains('\x1b'), "NO_COLOR: {everything:?}");
    // Not a terminal (a pipe), with or without NO_COLOR: no escape codes.
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let r = run_os(&args, env);
        r.expect(1);
        assert!(r.stdout.contains("NOT CERTIFIED"), "{}", r.describe());
        assert!(!r.stdout.contains('\x1b'), "{}", r.describe());
    }
}
