#![cfg(feature = "cli")]
//! The `mithril-lite` binary end to end: directory mode, usage and I/O errors, and HTTP mode
//! against a small HTTP/1.1 server run by the test itself.

use std::collections::{BTreeSet, HashMap};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod http_server;

use http_server::{ok, Reply, Server};
use serde_json::value::RawValue;
use serde_json::Value;

/// The raw hex of the mainnet genesis verification key: a valid Ed25519 point, not devnet's key.
const MAINNET_GENESIS_KEY_HEX: &str =
    "bf428cb98a0bedcffa901b02bc1e0c519bcc0ab34b178ac4d9050e14394f27b0";

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn two_per_epoch() -> PathBuf {
    fixture("reference-chains/two-per-epoch")
}

fn negative(name: &str) -> PathBuf {
    two_per_epoch().join("negative").join(name)
}

/// What one run of the binary did.
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

    fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            code,
            "unexpected exit status: {}",
            self.describe()
        );
        self
    }

    /// stdout as the single JSON object `--json` promises.
    fn json(&self) -> Value {
        let text = self.stdout.trim();
        assert_eq!(
            text.lines().count(),
            1,
            "--json must print exactly one line: {}",
            self.describe()
        );
        let value: Value = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.describe()));
        assert!(
            value.is_object(),
            "stdout is not an object: {}",
            self.describe()
        );
        for key in [
            "valid",
            "certificate",
            "epoch",
            "certificates_checked",
            "error",
        ] {
            assert!(
                value.get(key).is_some(),
                "JSON lacks {key:?}: {}",
                self.describe()
            );
        }
        value
    }
}

fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output: Output = Command::new(env!("CARGO_BIN_EXE_mithril-lite"))
        .args(args)
        .output()
        .expect("run mithril-lite");
    Run {
        // A signal would leave no code: -1 fails every expectation below.
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

fn verify_dir(dir: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["verify-chain".into(), dir.display().to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    run(args)
}

/// A verdict of failure in JSON: the code and a message a person can read.
fn assert_json_failure(value: &Value, code: &str, context: &str) {
    assert_eq!(value["valid"], Value::Bool(false), "{context}");
    assert_eq!(value["error"]["code"], code, "{context}");
    let message = value["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.len() > 10 && message != code,
        "the error needs a human message: {context}"
    );
    assert_eq!(value["epoch"], Value::Null, "{context}");
    assert_eq!(value["certificates_checked"], Value::Null, "{context}");
}

// ---------------------------------------------------------------------------------------------
// Fixture data
// ---------------------------------------------------------------------------------------------

/// `certificates.json`: hash -> the certificate's exact text.
fn certificate_texts(dir: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(dir.join("certificates.json")).unwrap();
    let map: HashMap<String, Box<RawValue>> = serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(hash, raw)| (hash, raw.get().to_string()))
        .collect()
}

/// `certificates.json` parsed, for reading fields (not for hashing).
fn certificate_values(dir: &Path) -> HashMap<String, Value> {
    certificate_texts(dir)
        .into_iter()
        .map(|(hash, text)| (hash, serde_json::from_str(&text).unwrap()))
        .collect()
}

fn genesis_hash(dir: &Path) -> String {
    let geneses: Vec<String> = certificate_values(dir)
        .into_iter()
        .filter(|(_, c)| c["previous_hash"] == "")
        .map(|(hash, _)| hash)
        .collect();
    assert_eq!(
        geneses.len(),
        1,
        "one genesis certificate in {}",
        dir.display()
    );
    geneses[0].clone()
}

/// Certificates from `hash` back to genesis by `previous_hash`, both ends included.
fn chain_length(dir: &Path, hash: &str) -> usize {
    let certificates = certificate_values(dir);
    let mut length = 0;
    let mut current = hash.to_string();
    while let Some(c) = certificates.get(&current) {
        length += 1;
        assert!(length <= certificates.len(), "a loop in {}", dir.display());
        current = c["previous_hash"].as_str().unwrap().to_string();
    }
    length
}

fn latest(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("latest"))
        .unwrap()
        .trim()
        .to_string()
}

fn devnet_list() -> Vec<Value> {
    let text = std::fs::read_to_string(fixture("devnet/certificates-list.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Hash of the newest devnet certificate: the first of the `/certificates` list.
fn devnet_newest() -> String {
    devnet_list()[0]["hash"].as_str().unwrap().to_string()
}

/// A fresh, empty directory of this test's own.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// Directory mode
// ---------------------------------------------------------------------------------------------

#[test]
fn devnet_all_json_verifies_every_certificate() {
    let dir = fixture("devnet");
    let r = verify_dir(&dir, &["--all", "--json"]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["error"], Value::Null);
    let results = v["results"].as_array().expect("--all lists results");
    assert_eq!(results.len(), 43);
    let mut seen = BTreeSet::new();
    let mut checked = 0;
    for result in results {
        assert_eq!(result["valid"], true, "{result}");
        assert_eq!(result["error"], Value::Null, "{result}");
        assert!(result["epoch"].is_u64(), "{result}");
        let n = result["certificates_checked"].as_u64().unwrap();
        assert!(n >= 1, "{result}");
        checked += n;
        seen.insert(result["certificate"].as_str().unwrap().to_string());
    }
    let expected: BTreeSet<String> = certificate_texts(&dir).into_keys().collect();
    assert_eq!(seen, expected, "each certificate verified once");
    assert_eq!(v["certificates_checked"].as_u64(), Some(checked));
}

#[test]
fn devnet_all_text_counts_every_certificate() {
    let r = verify_dir(&fixture("devnet"), &["--all"]);
    r.expect_code(0);
    let valid_lines = r.stdout.lines().filter(|l| l.starts_with("VALID ")).count();
    assert_eq!(valid_lines, 43, "{}", r.describe());
    assert!(!r.stdout.contains("INVALID"), "{}", r.describe());
    assert!(
        r.stdout.contains("43/43 certificates verified"),
        "{}",
        r.describe()
    );
}

#[test]
fn two_per_epoch_default_target_is_latest() {
    let dir = two_per_epoch();
    let latest = latest(&dir);
    let r = verify_dir(&dir, &["--json"]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificate"], latest.as_str());
    assert_eq!(v["epoch"], 6);
    // The walk from `latest` passes 7 of the 11 certificates of the file: the first of each
    // epoch links to the previous epoch, so the other 4 are not on this chain.
    let length = chain_length(&dir, &latest);
    assert_eq!(length, 7);
    assert_eq!(v["certificates_checked"].as_u64(), Some(length as u64));
    assert_eq!(v["error"], Value::Null);
    assert!(v.get("results").is_none(), "one target: no results list");
}

#[test]
fn hash_of_devnet_genesis_verifies() {
    let dir = fixture("devnet");
    let genesis = genesis_hash(&dir);
    let r = verify_dir(&dir, &["--hash", &genesis, "--json"]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificate"], genesis.as_str());
    assert_eq!(v["certificates_checked"], 1);
}

#[test]
fn hash_of_devnet_newest_verifies() {
    let dir = fixture("devnet");
    let newest = devnet_newest();
    let r = verify_dir(&dir, &["--hash", &newest, "--json"]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificate"], newest.as_str());
    assert_eq!(v["epoch"], devnet_list()[0]["epoch"]);
    assert_eq!(
        v["certificates_checked"].as_u64(),
        Some(chain_length(&dir, &newest) as u64)
    );
}

#[test]
fn hash_missing_from_directory_is_unavailable() {
    let missing = "00".repeat(32);
    let r = verify_dir(&fixture("devnet"), &["--hash", &missing, "--json"]);
    r.expect_code(1);
    assert_json_failure(&r.json(), "certificate_unavailable", &r.describe());
}

#[test]
fn negative_directories_fail_with_their_codes() {
    let cases = [
        (
            "adv_last_protocol_message_changed",
            "certificate_protocol_message_mismatch",
        ),
        (
            "adv_genesis_signed_by_other_key",
            "genesis_signature_invalid",
        ),
        ("wrong_genesis_key", "genesis_signature_invalid"),
        ("adv_last_epoch_changed", "certificate_unavailable"),
        (
            "adv_last_protocol_parameters_changed",
            "chain_parameters_mismatch",
        ),
    ];
    for (name, code) in cases {
        let dir = negative(name);
        let r = verify_dir(&dir, &["--json"]);
        let context = format!("{name}: {}", r.describe());
        assert_eq!(r.code, 1, "{context}");
        let v = r.json();
        assert_json_failure(&v, code, &context);
        assert_eq!(v["certificate"], latest(&dir).as_str(), "{context}");
    }
}

#[test]
fn negative_directories_fail_with_stm_codes() {
    for name in [
        "adv_last_avk_from_other_signers",
        "adv_last_signed_by_wrong_message",
    ] {
        let r = verify_dir(&negative(name), &["--json"]);
        let context = format!("{name}: {}", r.describe());
        assert_eq!(r.code, 1, "{context}");
        let v = r.json();
        assert_eq!(v["valid"], false, "{context}");
        let code = v["error"]["code"].as_str().unwrap();
        assert!(code.starts_with("stm_"), "{context}");
    }
}

#[test]
fn negative_directory_text_output_says_invalid() {
    let dir = negative("adv_last_protocol_message_changed");
    let r = verify_dir(&dir, &[]);
    r.expect_code(1);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("INVALID "))
        .unwrap_or_else(|| panic!("no INVALID line: {}", r.describe()));
    assert!(line.contains(&latest(&dir)), "{line}");
    assert!(
        line.contains("[certificate_protocol_message_mismatch]"),
        "{line}"
    );
    assert!(
        line.contains("protocol message"),
        "a readable reason: {line}"
    );
    assert!(!r.stdout.contains("VALID   "), "{}", r.describe());
    assert!(
        r.stderr
            .contains("FAILED [certificate_protocol_message_mismatch]"),
        "{}",
        r.describe()
    );
}

#[test]
fn valid_text_output_and_progress_on_stderr() {
    let dir = two_per_epoch();
    let latest = latest(&dir);
    let r = verify_dir(&dir, &[]);
    r.expect_code(0);
    let valid: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("VALID "))
        .collect();
    assert_eq!(valid.len(), 1, "{}", r.describe());
    assert!(valid[0].contains(&latest), "{}", valid[0]);
    assert!(valid[0].contains("epoch 6"), "{}", valid[0]);
    assert!(!r.stdout.contains("INVALID"), "{}", r.describe());
    // The verdict goes to stdout, the progress to stderr only.
    assert!(!r.stdout.contains("fetched"), "{}", r.describe());
    let progress: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains(" fetched, ") && l.contains(" verified, epoch "))
        .collect();
    assert!(progress.len() >= 2, "progress lines: {}", r.describe());
    assert!(
        progress.iter().all(|l| l.starts_with(&latest[..16])),
        "{}",
        r.describe()
    );
    assert!(
        progress.last().unwrap().contains("7 fetched, "),
        "{}",
        r.describe()
    );
    // The core's count: every certificate verified at the end, and the share of the walk once
    // its anchor (genesis) is reached; unknown before.
    let last = progress.last().unwrap();
    assert!(
        last.contains("7 verified, ") && last.ends_with(" (100%)"),
        "{}",
        r.describe()
    );
    assert!(!progress[0].contains('%'), "{}", r.describe());
    assert!(
        r.stderr
            .lines()
            .any(|l| l.ends_with("verified (7 certificates checked)")),
        "{}",
        r.describe()
    );
}

#[test]
fn json_output_keeps_progress_off_stdout() {
    let r = verify_dir(&two_per_epoch(), &["--json"]);
    r.expect_code(0);
    r.json();
    assert!(r.stderr.contains(" fetched, "), "{}", r.describe());
}

#[test]
fn wrong_genesis_key_as_raw_hex_fails() {
    let r = verify_dir(
        &fixture("devnet"),
        &[
            "--hash",
            &devnet_newest(),
            "--genesis-vkey",
            MAINNET_GENESIS_KEY_HEX,
            "--json",
        ],
    );
    r.expect_code(1);
    assert_json_failure(&r.json(), "genesis_signature_invalid", &r.describe());
}

#[test]
fn wrong_genesis_key_from_another_fixture_file_fails() {
    let other_key = negative("wrong_genesis_key").join("genesis.vkey");
    let r = verify_dir(
        &two_per_epoch(),
        &["--genesis-vkey", other_key.to_str().unwrap(), "--json"],
    );
    r.expect_code(1);
    assert_json_failure(&r.json(), "genesis_signature_invalid", &r.describe());
}

#[test]
fn genesis_key_override_from_a_file_path_verifies() {
    // wrong_genesis_key holds the valid chain with a random key: the right key, given as a
    // file, overrides the directory's genesis.vkey.
    let right_key = two_per_epoch().join("genesis.vkey");
    let r = verify_dir(
        &negative("wrong_genesis_key"),
        &["--genesis-vkey", right_key.to_str().unwrap(), "--json"],
    );
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["epoch"], 6);
}

#[test]
fn genesis_key_override_given_inline_verifies() {
    let key = std::fs::read_to_string(two_per_epoch().join("genesis.vkey")).unwrap();
    let r = verify_dir(
        &negative("wrong_genesis_key"),
        &["--genesis-vkey", key.trim(), "--json"],
    );
    r.expect_code(0);
    assert_eq!(r.json()["valid"], true, "{}", r.describe());
}

#[test]
fn certificate_size_limit_is_a_verdict_in_directory_mode() {
    let r = verify_dir(
        &two_per_epoch(),
        &["--max-certificate-bytes", "1000", "--json"],
    );
    r.expect_code(1);
    assert_json_failure(&r.json(), "input_too_large", &r.describe());
}

#[test]
fn chain_length_limit_is_a_verdict() {
    let r = verify_dir(&two_per_epoch(), &["--max-chain-length", "3", "--json"]);
    r.expect_code(1);
    assert_json_failure(&r.json(), "chain_too_long", &r.describe());
}

#[test]
fn single_thread_gives_the_same_verdict() {
    let r = verify_dir(&fixture("devnet"), &["--all", "--threads", "1", "--json"]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true);
    assert_eq!(v["results"].as_array().unwrap().len(), 43);
}

// ---------------------------------------------------------------------------------------------
// Usage and I/O errors: exit status 2
// ---------------------------------------------------------------------------------------------

/// Exit 2 with a message on stderr and no verdict on stdout.
fn assert_usage_error(args: &[&str], needle: &str) {
    let r = run(args);
    let context = format!("{args:?}: {}", r.describe());
    assert_eq!(r.code, 2, "{context}");
    assert!(
        r.stdout.trim().is_empty(),
        "no verdict on stdout: {context}"
    );
    assert!(r.stderr.contains("mithril-lite: "), "{context}");
    assert!(
        r.stderr.contains(needle),
        "stderr names {needle:?}: {context}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let devnet = fixture("devnet");
    let devnet = devnet.to_str().unwrap();
    assert_usage_error(
        &["verify-chain"],
        "needs DIR, --aggregator URL or --network",
    );
    assert_usage_error(
        &["verify-chain", "--json"],
        "needs DIR, --aggregator URL or --network",
    );
    assert_usage_error(&["verify-chain", devnet, "--frobnicate"], "unknown option");
    assert_usage_error(&["frobnicate"], "unknown command");
    assert_usage_error(
        &["verify-chain", devnet, "--hash", "00", "--all"],
        "exclude each other",
    );
    assert_usage_error(
        &["verify-chain", devnet, "--all", "--hash", "00"],
        "exclude each other",
    );
    assert_usage_error(&["verify-chain", devnet, "--hash"], "--hash needs a value");
    assert_usage_error(
        &["verify-chain", "--aggregator", "http://127.0.0.1:9"],
        "needs --genesis-vkey",
    );
    assert_usage_error(
        &[
            "verify-chain",
            devnet,
            "--aggregator",
            "http://127.0.0.1:9",
            "--genesis-vkey",
            MAINNET_GENESIS_KEY_HEX,
        ],
        "not both",
    );
    assert_usage_error(
        &["verify-chain", devnet, "--threads", "many"],
        "not a number",
    );
    assert_usage_error(&["verify-chain", devnet, devnet], "unexpected argument");
}

#[test]
fn usage_errors_print_the_usage() {
    let r = run(["verify-chain", "--frobnicate"]);
    r.expect_code(2);
    assert!(r.stderr.contains("Usage:"), "{}", r.describe());
    assert!(r.stderr.contains("Exit status"), "{}", r.describe());
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["-h"], &["verify-chain", "--help"], &[]] {
        let r = run(args);
        r.expect_code(0);
        assert!(r.stdout.contains("verify-chain DIR"), "{}", r.describe());
    }
    let r = run(["--version"]);
    r.expect_code(0);
    assert!(r.stdout.starts_with("mithril-lite "), "{}", r.describe());
}

#[test]
fn missing_directory_exits_2() {
    let parent = scratch_dir("missing");
    let missing = parent.join("no-such-dir");
    let r = verify_dir(&missing, &["--json"]);
    r.expect_code(2);
    assert!(r.stdout.trim().is_empty(), "{}", r.describe());
    assert!(r.stderr.contains("no-such-dir"), "{}", r.describe());
    // Same with a genesis key given, so the certificates are what is missing.
    let r = verify_dir(&missing, &["--genesis-vkey", MAINNET_GENESIS_KEY_HEX]);
    r.expect_code(2);
    assert!(r.stderr.contains("certificates.json"), "{}", r.describe());
    let _ = std::fs::remove_dir_all(&parent);
}

#[test]
fn directory_without_certificates_exits_2() {
    let dir = scratch_dir("no-certificates");
    std::fs::copy(
        two_per_epoch().join("genesis.vkey"),
        dir.join("genesis.vkey"),
    )
    .unwrap();
    let r = verify_dir(&dir, &["--json"]);
    r.expect_code(2);
    assert!(r.stdout.trim().is_empty(), "{}", r.describe());
    assert!(r.stderr.contains("certificates.json"), "{}", r.describe());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn directory_with_broken_certificates_json_exits_2() {
    let dir = scratch_dir("broken-certificates");
    std::fs::copy(
        two_per_epoch().join("genesis.vkey"),
        dir.join("genesis.vkey"),
    )
    .unwrap();
    std::fs::write(dir.join("certificates.json"), "[1, 2").unwrap();
    let r = verify_dir(&dir, &["--json"]);
    r.expect_code(2);
    assert!(r.stderr.contains("certificates.json"), "{}", r.describe());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn undecodable_genesis_key_exits_2() {
    let r = verify_dir(&two_per_epoch(), &["--genesis-vkey", "not a key"]);
    r.expect_code(2);
    assert!(r.stdout.trim().is_empty(), "{}", r.describe());
}

/// The devnet aggregator: `/certificates` and `/certificate/{hash}` with the exact texts.
fn devnet_routes() -> HashMap<String, Reply> {
    let mut routes: HashMap<String, Reply> = certificate_texts(&fixture("devnet"))
        .into_iter()
        .map(|(hash, text)| (format!("/certificate/{hash}"), ok(text)))
        .collect();
    let list = std::fs::read(fixture("devnet/certificates-list.json")).unwrap();
    routes.insert("/certificates".into(), ok(list));
    routes
}

/// `text` with the first hex digit of its `signed_message` value changed.
fn tamper_signed_message(text: &str) -> String {
    let key = text.find("\"signed_message\"").expect("has signed_message");
    let colon = key + text[key..].find(':').unwrap();
    let digit = colon + text[colon..].find('"').unwrap() + 1;
    let old = text.as_bytes()[digit];
    assert!(old.is_ascii_hexdigit(), "signed_message is hex");
    let new = if old == b'0' { "1" } else { "0" };
    let mut tampered = text.to_string();
    tampered.replace_range(digit..digit + 1, new);
    assert_ne!(tampered, text);
    tampered
}

fn devnet_key_file() -> String {
    fixture("devnet/genesis.vkey").to_str().unwrap().to_string()
}

fn verify_aggregator(url: &str, extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec![
        "verify-chain".into(),
        "--aggregator".into(),
        url.into(),
        "--genesis-vkey".into(),
        devnet_key_file(),
        "--json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    run(args)
}

/// A local port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------
// HTTP mode
// ---------------------------------------------------------------------------------------------

#[test]
fn aggregator_newest_certificate_verifies() {
    let server = Server::with_routes(devnet_routes());
    let newest = devnet_newest();
    let r = verify_aggregator(&server.url(), &[]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificate"], newest.as_str());
    assert_eq!(v["epoch"], devnet_list()[0]["epoch"]);
    let length = chain_length(&fixture("devnet"), &newest);
    assert_eq!(v["certificates_checked"].as_u64(), Some(length as u64));
    let requests = server.requests();
    assert_eq!(requests[0], "/certificates", "{requests:?}");
    assert_eq!(
        requests[1],
        format!("/certificate/{newest}"),
        "{requests:?}"
    );
    assert_eq!(requests.len(), 1 + length, "{requests:?}");
}

#[test]
fn aggregator_url_with_trailing_slash_verifies() {
    let server = Server::with_routes(devnet_routes());
    let r = verify_aggregator(&format!("{}/", server.url()), &[]);
    r.expect_code(0);
    assert_eq!(r.json()["valid"], true, "{}", r.describe());
    assert!(
        server.requests().iter().all(|p| !p.starts_with("//")),
        "{:?}",
        server.requests()
    );
}

#[test]
fn aggregator_text_output_says_valid() {
    let server = Server::with_routes(devnet_routes());
    let newest = devnet_newest();
    let r = run([
        "verify-chain",
        "--aggregator",
        &server.url(),
        "--genesis-vkey",
        &devnet_key_file(),
    ]);
    r.expect_code(0);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("VALID ") && l.contains(&newest)),
        "{}",
        r.describe()
    );
    assert!(r.stderr.contains(" fetched, "), "{}", r.describe());
}

#[test]
fn aggregator_given_hash_verifies_without_listing() {
    let server = Server::with_routes(devnet_routes());
    let list = devnet_list();
    let target = list[5]["hash"].as_str().unwrap().to_string();
    assert_ne!(target, devnet_newest());
    let r = verify_aggregator(&server.url(), &["--hash", &target]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificate"], target.as_str());
    assert_eq!(v["epoch"], list[5]["epoch"]);
    let requests = server.requests();
    assert!(
        !requests.contains(&"/certificates".to_string()),
        "{requests:?}"
    );
    assert_eq!(requests[0], format!("/certificate/{target}"));
}

#[test]
fn aggregator_genesis_hash_verifies() {
    let server = Server::with_routes(devnet_routes());
    let genesis = genesis_hash(&fixture("devnet"));
    let r = verify_aggregator(&server.url(), &["--hash", &genesis]);
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    assert_eq!(v["certificates_checked"], 1);
    assert_eq!(server.requests(), vec![format!("/certificate/{genesis}")]);
}

#[test]
fn aggregator_tampered_certificate_fails_hash_check() {
    let newest = devnet_newest();
    let mut routes = devnet_routes();
    let texts = certificate_texts(&fixture("devnet"));
    routes.insert(
        format!("/certificate/{newest}"),
        ok(tamper_signed_message(&texts[&newest])),
    );
    let server = Server::with_routes(routes);
    let r = verify_aggregator(&server.url(), &[]);
    r.expect_code(1);
    let v = r.json();
    assert_json_failure(&v, "certificate_hash_mismatch", &r.describe());
    assert_eq!(v["certificate"], newest.as_str());
}

#[test]
fn aggregator_tampered_ancestor_fails_hash_check() {
    // The newest certificate is intact; one further back is not.
    let dir = fixture("devnet");
    let newest = devnet_newest();
    let values = certificate_values(&dir);
    let parent = values[&newest]["previous_hash"]
        .as_str()
        .unwrap()
        .to_string();
    let mut routes = devnet_routes();
    routes.insert(
        format!("/certificate/{parent}"),
        ok(tamper_signed_message(&certificate_texts(&dir)[&parent])),
    );
    let server = Server::with_routes(routes);
    let r = verify_aggregator(&server.url(), &[]);
    r.expect_code(1);
    let v = r.json();
    assert_json_failure(&v, "certificate_hash_mismatch", &r.describe());
    assert!(
        v["error"]["message"].as_str().unwrap().contains(&parent),
        "the message names the tampered certificate: {}",
        r.describe()
    );
}

#[test]
fn aggregator_unknown_hash_is_unavailable() {
    let server = Server::with_routes(devnet_routes());
    let missing = "ab".repeat(32);
    let r = verify_aggregator(&server.url(), &["--hash", &missing]);
    r.expect_code(1);
    let v = r.json();
    assert_json_failure(&v, "certificate_unavailable", &r.describe());
    assert_eq!(v["certificate"], missing.as_str());
    assert_eq!(server.requests(), vec![format!("/certificate/{missing}")]);
}

#[test]
fn aggregator_missing_ancestor_is_unavailable() {
    let dir = fixture("devnet");
    let newest = devnet_newest();
    let parent = certificate_values(&dir)[&newest]["previous_hash"]
        .as_str()
        .unwrap()
        .to_string();
    let mut routes = devnet_routes();
    routes.remove(&format!("/certificate/{parent}"));
    let server = Server::with_routes(routes);
    let r = verify_aggregator(&server.url(), &[]);
    r.expect_code(1);
    assert_json_failure(&r.json(), "certificate_unavailable", &r.describe());
}

#[test]
fn aggregator_with_wrong_genesis_key_fails() {
    let server = Server::with_routes(devnet_routes());
    let r = run([
        "verify-chain",
        "--aggregator",
        &server.url(),
        "--genesis-vkey",
        MAINNET_GENESIS_KEY_HEX,
        "--json",
    ]);
    r.expect_code(1);
    assert_json_failure(&r.json(), "genesis_signature_invalid", &r.describe());
}

#[test]
fn aggregator_nothing_listening_exits_2() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    // Listing the newest certificate fails ...
    let r = verify_aggregator(&url, &[]);
    r.expect_code(2);
    assert!(r.stdout.trim().is_empty(), "{}", r.describe());
    assert!(r.stderr.contains("mithril-lite: "), "{}", r.describe());
    // ... and so does fetching a given one, whose verdict is certificate_unavailable with the
    // connection's error, as every host reports a failed fetch.
    let r = verify_aggregator(&url, &["--hash", &devnet_newest()]);
    r.expect_code(2);
    let v = r.json();
    assert_json_failure(&v, "certificate_unavailable", &r.describe());
    assert!(
        v["error"]["message"].as_str().unwrap().contains(&url),
        "{}",
        r.describe()
    );
}

#[test]
fn aggregator_server_error_exits_2() {
    let mut routes = devnet_routes();
    let newest = devnet_newest();
    routes.insert(
        format!("/certificate/{newest}"),
        Reply {
            status: 500,
            body: b"{\"message\":\"boom\"}".to_vec(),
        },
    );
    let server = Server::with_routes(routes);
    let r = verify_aggregator(&server.url(), &[]);
    r.expect_code(2);
    assert!(r.stderr.contains("500"), "{}", r.describe());
    // The verdict is the one every host gives a failed fetch, with the source's words.
    let v = r.json();
    assert_json_failure(&v, "certificate_unavailable", &r.describe());
    assert!(
        v["error"]["message"].as_str().unwrap().contains("HTTP 500"),
        "{}",
        r.describe()
    );
}

#[test]
fn aggregator_bad_listing_exits_2() {
    for list in ["[]", "not json", "{\"hash\": 1}"] {
        let mut routes = devnet_routes();
        routes.insert("/certificates".into(), ok(list));
        let server = Server::with_routes(routes);
        let r = verify_aggregator(&server.url(), &[]);
        let context = format!("listing {list:?}: {}", r.describe());
        assert_eq!(r.code, 2, "{context}");
        assert!(r.stdout.trim().is_empty(), "{context}");
    }
}

/// Length of the largest devnet certificate text.
fn devnet_largest_certificate() -> usize {
    certificate_texts(&fixture("devnet"))
        .values()
        .map(String::len)
        .max()
        .unwrap()
}

#[test]
fn aggregator_certificate_size_limit_is_a_verdict() {
    // As in directory mode (certificate_size_limit_is_a_verdict_in_directory_mode): an
    // oversized certificate is a failed verification, exit 1 with input_too_large, not an
    // I/O error.
    let server = Server::with_routes(devnet_routes());
    let newest = devnet_newest();
    let r = verify_aggregator(
        &server.url(),
        &["--hash", &newest, "--max-certificate-bytes", "1000"],
    );
    r.expect_code(1);
    assert_json_failure(&r.json(), "input_too_large", &r.describe());
}

#[test]
fn aggregator_listing_is_not_bounded_by_the_certificate_limit() {
    // Every certificate fits the limit; the listing of many certificates does not, and it is
    // not a certificate.
    let limit = devnet_largest_certificate() + 100;
    let listing = std::fs::metadata(fixture("devnet/certificates-list.json"))
        .unwrap()
        .len();
    assert!(listing > limit as u64);
    let server = Server::with_routes(devnet_routes());
    let r = verify_aggregator(
        &server.url(),
        &["--max-certificate-bytes", &limit.to_string()],
    );
    r.expect_code(0);
    assert_eq!(r.json()["valid"], true, "{}", r.describe());
}

#[test]
fn aggregator_certificates_within_the_size_limit_verify() {
    let server = Server::with_routes(devnet_routes());
    let limit = devnet_largest_certificate() + 100;
    let r = verify_aggregator(
        &server.url(),
        &[
            "--hash",
            &devnet_newest(),
            "--max-certificate-bytes",
            &limit.to_string(),
        ],
    );
    r.expect_code(0);
    assert_eq!(r.json()["valid"], true, "{}", r.describe());
}

#[test]
fn network_preset_supplies_the_genesis_key_and_an_explicit_key_wins() {
    let server = Server::with_routes(devnet_routes());
    let devnet_key = std::fs::read_to_string(fixture("devnet/genesis.vkey")).unwrap();
    // The mainnet preset's key against the devnet chain: the genesis signature fails, so the
    // preset's key was the one used (the aggregator is the local one, given explicitly).
    let r = run([
        "verify-chain",
        "--network",
        "mainnet",
        "--aggregator",
        &server.url(),
        "--json",
    ]);
    r.expect_code(1);
    assert_json_failure(&r.json(), "genesis_signature_invalid", &r.describe());
    assert!(
        r.stderr.contains(&format!(
            "genesis key {MAINNET_GENESIS_KEY_HEX} (from the mainnet preset)"
        )),
        "{}",
        r.describe()
    );
    // An explicit key wins over the preset, and is said.
    let r = run([
        "verify-chain",
        "--network",
        "preprod",
        "--aggregator",
        &server.url(),
        "--genesis-vkey",
        devnet_key.trim(),
        "--json",
    ]);
    r.expect_code(0);
    assert_eq!(r.json()["valid"], true, "{}", r.describe());
    assert!(
        r.stderr.contains("(from --genesis-vkey)"),
        "{}",
        r.describe()
    );
    assert_usage_error(
        &["verify-chain", "--network", "testnet"],
        "unknown network \"testnet\" (known: mainnet, preprod, preview)",
    );
}

#[test]
fn trust_file_shortens_later_runs_and_a_bad_file_is_never_trusted() {
    let dir = two_per_epoch();
    let dir_s = dir.to_str().unwrap();
    let scratch = scratch_dir("trust-file");
    let file = scratch.join("trust.bin");
    let file_s = file.to_str().unwrap();
    let full = chain_length(&dir, &latest(&dir));
    let checked = |r: &Run| r.json()["certificates_checked"].as_u64().unwrap() as usize;

    let first = verify_dir(&dir, &["--trust", file_s, "--json"]);
    first.expect_code(0);
    assert_eq!(checked(&first), full, "{}", first.describe());
    let saved = std::fs::read(&file).unwrap();
    assert_eq!(&saved[..4], b"MLTC");
    // The next run stops at the certificate the first one verified.
    let second = verify_dir(&dir, &["--trust", file_s, "--json"]);
    second.expect_code(0);
    assert_eq!(checked(&second), 1, "{}", second.describe());
    assert!(
        second
            .stderr
            .contains(": 1 fetched, 1 checked, 1 verified, ")
            && second.stderr.contains(" (100%)"),
        "{}",
        second.describe()
    );

    // A corrupt file is not trusted: a full walk, a warning, and the file is replaced.
    std::fs::write(&file, b"MLTC\x01 not checkpoints").unwrap();
    let r = verify_dir(&dir, &["--trust", file_s, "--json"]);
    r.expect_code(0);
    assert_eq!(checked(&r), full, "{}", r.describe());
    assert!(r.stderr.contains("is not a trust file"), "{}", r.describe());
    assert_eq!(std::fs::read(&file).unwrap(), saved);

    // Checkpoints of another genesis key are not used, and the file is left as it is.
    let foreign = negative("wrong_genesis_key");
    let other = scratch.join("other.bin");
    let other_s = other.to_str().unwrap();
    std::fs::copy(&file, &other).unwrap();
    let r = run([
        "verify-chain",
        dir_s,
        "--trust",
        other_s,
        "--genesis-vkey",
        foreign.join("genesis.vkey").to_str().unwrap(),
        "--json",
    ]);
    assert!(r.stderr.contains("another genesis key"), "{}", r.describe());
    assert_eq!(std::fs::read(&other).unwrap(), saved);
}

// ---------------------------------------------------------------------------------------------
// Oversized input: refused while reading
// ---------------------------------------------------------------------------------------------

/// A directory whose `certificates.json` holds one certificate of about 100 MB (a long string
/// member), written in a fresh temporary directory; removed when dropped.
struct HugeCertificateDir(PathBuf);

impl HugeCertificateDir {
    const HASH: &'static str = "00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff";

    fn new() -> Self {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("mithril-lite-huge-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            two_per_epoch().join("genesis.vkey"),
            dir.join("genesis.vkey"),
        )
        .unwrap();
        let mut file =
            std::io::BufWriter::new(std::fs::File::create(dir.join("certificates.json")).unwrap());
        write!(
            file,
            "{{\"{}\": {{\"hash\": \"{}\", \"padding\": \"",
            Self::HASH,
            Self::HASH
        )
        .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..100 {
            file.write_all(&chunk).unwrap();
        }
        file.write_all(b"\"}}\n").unwrap();
        file.flush().unwrap();
        HugeCertificateDir(dir)
    }
}

impl Drop for HugeCertificateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_100_mb_certificate_file_is_refused_while_reading() {
    let dir = HugeCertificateDir::new();
    let args = [
        "verify-chain".to_string(),
        dir.0.display().to_string(),
        "--hash".into(),
        HugeCertificateDir::HASH.into(),
        "--json".into(),
    ];
    let r = run(&args);
    r.expect_code(1);
    let v = r.json();
    assert_json_failure(&v, "input_too_large", &r.describe());
    // The walk saw the default limit plus one byte, not the 100 MB.
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("{} bytes", 8 * 1024 * 1024 + 1)),
        "{message}"
    );

    // Peak memory, where GNU time is installed (it is on the project's machines; the figure
    // is in README's limits section): the CLI holds at most one certificate's limit, not the
    // file. Reading the whole file (as before) peaked at about 289 MB.
    if std::path::Path::new("/usr/bin/time").exists() {
        let output = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("maxrss_kb=%M")
            .arg(env!("CARGO_BIN_EXE_mithril-lite"))
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let kb: u64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("maxrss_kb="))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no maxrss in {stderr}"));
        eprintln!("peak resident memory refusing a 100 MB certificate: {kb} KB");
        assert!(kb < 64 * 1024, "peak RSS {kb} KB for a 100 MB file");
    } else {
        eprintln!("/usr/bin/time is not installed: peak memory not checked");
    }
}

#[test]
fn a_walk_killed_mid_way_resumes_at_the_next_run() {
    use mithril_lite::certificate::GenesisVerificationKey;
    use mithril_lite::chain::TrustCheckpoints;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::sync::Arc;
    use std::time::Duration;

    let scratch = scratch_dir("resume");
    let file = scratch.join("trust.bin");
    let file_s = file.to_str().unwrap().to_string();
    let newest = devnet_newest();
    let length = chain_length(&fixture("devnet"), &newest);
    let key_text = std::fs::read_to_string(fixture("devnet/genesis.vkey")).unwrap();
    let key = GenesisVerificationKey::decode(&key_text).unwrap();
    let load = || {
        std::fs::read(&file)
            .ok()
            .and_then(|b| TrustCheckpoints::load(&b, &key).ok())
    };

    // A slow aggregator that stops answering after 10 certificates (the chain has 12), until
    // the test is done with it.
    const SERVED: usize = 10;
    let served = Arc::new(AtomicUsize::new(0));
    let release = Arc::new(AtomicBool::new(false));
    let server = {
        let (routes, served, release) = (devnet_routes(), served.clone(), release.clone());
        Server::start(Arc::new(move |path: &str| {
            if path.starts_with("/certificate/") {
                if served.fetch_add(1, SeqCst) >= SERVED {
                    while !release.load(SeqCst) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    return (503, Vec::new());
                }
                // Slow: the checks of what came before finish while it answers.
                std::thread::sleep(Duration::from_millis(100));
            }
            match routes.get(path) {
                Some(r) => (r.status, r.body.clone()),
                None => (404, Vec::new()),
            }
        }))
    };
    let args = |url: &str| {
        vec![
            "verify-chain".to_string(),
            "--aggregator".into(),
            url.into(),
            "--genesis-vkey".into(),
            devnet_key_file(),
            "--trust".into(),
            file_s.clone(),
            "--json".into(),
        ]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_mithril-lite"))
        .args(args(&server.url()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run mithril-lite");
    // Wait (without a deadline on the verdict: a generous bound, then a failure) until the run
    // has saved its progress, then kill it (SIGKILL: no chance to clean up).
    let mut saved = None;
    for _ in 0..3000 {
        if let Some(set) = load().filter(|s| !s.pending_segments().is_empty()) {
            saved = Some(set);
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    release.store(true, SeqCst);
    drop(server);
    assert!(saved.is_some(), "the run saved no progress");
    let set = load().expect("the file decodes after a kill");
    assert!(set.is_empty(), "no checkpoint from an unfinished walk");
    let segment = set.pending_segments()[0].len();
    assert!((2..=SERVED).contains(&segment), "segment of {segment}");

    // The next run resumes: it fetches the segment's ends only, and commits the whole chain.
    let server = Server::with_routes(devnet_routes());
    let r = run(args(&server.url()));
    r.expect_code(0);
    let v = r.json();
    assert_eq!(v["valid"], true, "{}", r.describe());
    let resumed = v["certificates_resumed"].as_u64().unwrap() as usize;
    let checked = v["certificates_checked"].as_u64().unwrap() as usize;
    assert_eq!(resumed, segment - 2, "{}", r.describe());
    assert_eq!(checked + resumed, length, "{}", r.describe());
    assert_eq!(
        server.requests().len(),
        1 + checked,
        "{:?}",
        server.requests()
    );
    let set = load().unwrap();
    assert_eq!(set.len(), length);
    assert!(set.pending_segments().is_empty());
}
