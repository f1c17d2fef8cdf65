//! The sans-IO walk: pipelining, checks completed out of order or on other threads, limits,
//! and bad input. Verdicts must not depend on when or where the STM checks run.

mod common;

use common::{fixture, ChainDir};
use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, Progress, Step, VerifiedChain, WalkConfig};
use mithril_lite::Error;

fn key(dir: &ChainDir) -> GenesisVerificationKey {
    GenesisVerificationKey::decode(&dir.genesis_key).unwrap()
}

/// Feed every certificate first, collecting the STM checks, then run them in reverse order
/// on another thread.
fn walk_deferred(dir: &ChainDir, hash: &str, config: WalkConfig) -> Result<VerifiedChain, Error> {
    let mut walk = ChainWalk::new(hash, key(dir), config);
    let mut pending: Vec<PendingCheck> = Vec::new();
    loop {
        match walk.step() {
            Step::Fetch(h) => match dir.certificates.get(&h) {
                Some(body) => {
                    let fed = walk.feed(&h, body.as_bytes());
                    pending.extend(fed.check);
                    // Pipelining: the predecessor is asked for before this check has run (the
                    // certificate's own `previous_hash`, itself when it names itself: the
                    // reference fetches it before finding the loop).
                    if let (Some(_), Step::Fetch(next)) = (pending.last(), walk.step()) {
                        let v: serde_json::Value = serde_json::from_str(body).unwrap();
                        assert_eq!(Some(next.as_str()), v["previous_hash"].as_str());
                    }
                }
                None => walk.fetch_failed(&h, "not found"),
            },
            Step::AwaitVerification => {
                let batch: Vec<PendingCheck> = pending.drain(..).rev().collect();
                let results = std::thread::spawn(move || {
                    batch
                        .into_iter()
                        .map(|p| (p.index, p.check.run_random()))
                        .collect::<Vec<_>>()
                })
                .join()
                .unwrap();
                for (index, outcome) in results {
                    walk.complete(index, outcome);
                }
            }
            Step::Done(result) => return result,
        }
    }
}

#[test]
fn deferred_reverse_order_checks_give_the_inline_verdict() {
    for chain in ["devnet", "reference-chains/two-per-epoch"] {
        let dir = ChainDir::load(&fixture(chain));
        for hash in dir.certificates.keys() {
            let inline = dir.walk(hash).unwrap();
            let deferred = walk_deferred(&dir, hash, WalkConfig::default()).unwrap();
            assert_eq!(inline, deferred, "{hash}");
        }
    }
}

#[test]
fn deferred_checks_report_the_reference_error_of_every_negative_case() {
    let chains = ["two-per-epoch", "mainnet-params"];
    let roots = chains.map(|c| fixture(&format!("reference-chains/{c}/negative")));
    for entry in roots.iter().flat_map(|r| std::fs::read_dir(r).unwrap()) {
        let dir = ChainDir::load(&entry.unwrap().path());
        let latest = dir.latest.clone().unwrap();
        let inline = dir.walk(&latest);
        let deferred = walk_deferred(&dir, &latest, WalkConfig::default());
        match (inline, deferred) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{a} / {b}"),
            (a, b) => panic!("verdicts differ: {a:?} / {b:?}"),
        }
    }
}

#[test]
fn limits_are_enforced() {
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let short = WalkConfig {
        max_chain_length: 3,
        ..WalkConfig::default()
    };
    let err = walk_deferred(&dir, &latest, short).unwrap_err();
    assert_eq!(err.code(), "chain_too_long");
    let tiny = WalkConfig {
        max_certificate_bytes: 1000,
        ..WalkConfig::default()
    };
    let err = walk_deferred(&dir, &latest, tiny).unwrap_err();
    assert_eq!(err.code(), "input_too_large");
    assert!(err.to_string().contains("1000"));
}

fn feed_one(body: &[u8], hash: &str) -> Error {
    let dir = ChainDir::load(&fixture("devnet"));
    let mut walk = ChainWalk::new(hash, key(&dir), WalkConfig::default());
    walk.feed_and_verify(hash, body);
    match walk.step() {
        Step::Done(Err(e)) => e,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// Any standard certificate of `dir`. The map's order is random and the bodies are not all
/// compact JSON, so the genesis is told by its parsed `previous_hash`, not by its text.
fn standard_certificate(dir: &ChainDir) -> (&String, &String) {
    dir.certificates
        .iter()
        .find(|(_, b)| {
            let v: serde_json::Value = serde_json::from_str(b).unwrap();
            v["previous_hash"].as_str() != Some("")
        })
        .unwrap()
}

#[test]
fn garbage_truncated_and_wrong_certificates_fail_cleanly() {
    let dir = ChainDir::load(&fixture("devnet"));
    let (hash, body) = standard_certificate(&dir);
    assert_eq!(
        feed_one(b"\x00\xff garbage", hash).code(),
        "certificate_malformed"
    );
    assert_eq!(
        feed_one(&body.as_bytes()[..body.len() / 2], hash).code(),
        "certificate_malformed"
    );
    assert_eq!(feed_one(b"{}", hash).code(), "certificate_malformed");
    // A valid certificate served for another hash.
    let other = dir.certificates.keys().find(|h| *h != hash).unwrap();
    let err = feed_one(body.as_bytes(), other);
    assert_eq!(err.code(), "unexpected_certificate");
    assert_eq!(err.certificate(), Some(other.as_str()));
    // An unknown protocol-message part is refused (its hashing position is unknown).
    let mut value: serde_json::Value = serde_json::from_str(body).unwrap();
    value["protocol_message"]["message_parts"]["surprise"] = "1".into();
    let extra = serde_json::to_string(&value).unwrap();
    assert_eq!(
        feed_one(extra.as_bytes(), hash).code(),
        "certificate_malformed"
    );
}

#[test]
fn the_walk_asks_for_what_it_needs_and_ignores_stray_input() {
    let dir = ChainDir::load(&fixture("devnet"));
    let (hash, body) = standard_certificate(&dir);
    let mut walk = ChainWalk::new(hash, key(&dir), WalkConfig::default());
    assert!(matches!(walk.step(), Step::Fetch(ref h) if h == hash));
    let fed = walk.feed(hash, body.as_bytes());
    let check = fed
        .check
        .expect("a standard certificate yields an STM check");
    assert_eq!(check.check.certificate(), hash);
    assert!(check.check.index_count() > 0);
    let cert: serde_json::Value = serde_json::from_str(body).unwrap();
    let previous = cert["previous_hash"].as_str().unwrap();
    assert!(matches!(walk.step(), Step::Fetch(ref h) if h == previous));
    // Completing an unknown check changes nothing.
    walk.complete(99, Err(Error::ChainTooLong { limit: 0 }));
    assert!(matches!(walk.step(), Step::Fetch(ref h) if h == previous));
    // A failed fetch of the predecessor while the STM check is still pending: the reference
    // fetches the predecessor before checking a certificate, so only the check's point
    // decoding (which the reference does when it fetches the certificate itself) can still
    // come first.
    walk.fetch_failed(previous, "offline");
    assert!(matches!(walk.step(), Step::AwaitVerification));
    walk.complete(check.index, check.check.run_random());
    assert_eq!(walk.pending_checks(), 0);
    match walk.step() {
        Step::Done(Err(e)) => assert_eq!(e.code(), "certificate_unavailable"),
        other => panic!("{other:?}"),
    }
}

/// The devnet aggregator's newest certificate (the first of its list).
fn devnet_latest() -> String {
    let text = std::fs::read_to_string(fixture("devnet/certificates-list.json")).unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    list[0]["hash"].as_str().unwrap().to_string()
}

/// The genesis certificate's epoch, read from the fixture's data (not from a walk).
fn genesis_epoch(dir: &ChainDir) -> u64 {
    let genesis: Vec<u64> = dir
        .certificates
        .values()
        .map(|text| serde_json::from_str::<serde_json::Value>(text).unwrap())
        .filter(|c| {
            c["genesis_signature"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        })
        .map(|c| c["epoch"].as_u64().unwrap())
        .collect();
    assert_eq!(genesis.len(), 1, "one genesis certificate");
    genesis[0]
}

/// Drive `walk` inline over `dir`, failing the fetch of the certificate at position
/// `fail_at`, and return the verdict with the progress seen after every step.
fn walk_with_progress(
    dir: &ChainDir,
    mut walk: ChainWalk,
    fail_at: Option<usize>,
) -> (Result<VerifiedChain, Error>, Vec<Progress>) {
    let mut seen = vec![walk.progress()];
    let mut asked = 0;
    loop {
        match walk.step() {
            Step::Fetch(h) => {
                if Some(asked) == fail_at {
                    walk.fetch_failed(&h, "connection reset");
                } else {
                    walk.feed_and_verify(&h, dir.certificates[&h].as_bytes());
                }
                asked += 1;
            }
            Step::AwaitVerification => panic!("an inline walk waits"),
            Step::Done(result) => return (result, seen),
        }
        seen.push(walk.progress());
    }
}

fn assert_monotonic(seen: &[Progress]) {
    for pair in seen.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            b.certificates_verified >= a.certificates_verified,
            "{a:?} then {b:?}"
        );
        assert!(
            b.certificates_fetched >= a.certificates_fetched,
            "{a:?} then {b:?}"
        );
        assert!(b.certificates_checked >= b.certificates_verified, "{b:?}");
        assert!(b.certificates_checked <= b.certificates_fetched, "{b:?}");
        if let (Some(x), Some(y)) = (a.fraction(), b.fraction()) {
            assert!(y >= x && (0.0..=1.0).contains(&y), "{a:?} then {b:?}");
        }
    }
}

#[test]
fn progress_of_a_walk_to_genesis() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = devnet_latest();
    let walk = ChainWalk::new(&latest, key(&dir), WalkConfig::default());
    assert_eq!(walk.progress(), Progress::default());
    let (result, seen) = walk_with_progress(&dir, walk, None);
    let chain = result.unwrap();
    assert_monotonic(&seen);
    // The genesis epoch is unknown until genesis is read: no fraction before that.
    let before_genesis = &seen[seen.len() - 2];
    // Every pairing equation waits for its batch (32) until genesis: checked, not verified.
    assert_eq!(
        before_genesis.certificates_checked,
        before_genesis.certificates_fetched
    );
    assert_eq!(before_genesis.certificates_verified, 0);
    assert_eq!(before_genesis.anchor_epoch, None);
    assert_eq!(before_genesis.fraction(), None);
    assert_eq!(before_genesis.start_epoch, Some(25));
    let end = seen.last().unwrap();
    assert_eq!(end.certificates_fetched, chain.certificates_checked);
    assert_eq!(end.certificates_verified, chain.certificates_checked);
    assert_eq!(end.certificates_checked, chain.certificates_checked);
    assert_eq!(end.pending_checks, 0);
    assert_eq!(end.anchor_epoch, Some(genesis_epoch(&dir)));
    assert_eq!(end.verified_epoch, Some(genesis_epoch(&dir)));
    assert_eq!(end.current_epoch, Some(genesis_epoch(&dir)));
    assert!(end.anchor_verified);
    assert_eq!(end.fraction(), Some(1.0));
}

#[test]
fn progress_towards_a_checkpoint_has_a_fraction() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = devnet_latest();
    let full = dir.walk(&latest).unwrap();
    // A checkpoint half-way back, given with its epoch. Pairing equations checked one by one,
    // so certificates count as verified as they go, not per batch (the fraction follows the
    // checked ones either way).
    let mid = &full.links[full.links.len() / 2];
    let one_by_one = WalkConfig {
        pairing_batch: 1,
        ..WalkConfig::default()
    };
    let walk = ChainWalk::new(&latest, key(&dir), one_by_one)
        .with_trusted_epochs([(mid.hash.clone(), mid.epoch)]);
    let (result, seen) = walk_with_progress(&dir, walk, None);
    let chain = result.unwrap();
    assert_eq!(chain.certificates_checked, full.links.len() / 2 + 1);
    assert_monotonic(&seen);
    // Known from the first certificate on.
    assert_eq!(seen[1].anchor_epoch, Some(mid.epoch));
    assert_eq!(seen[1].fraction(), Some(0.0));
    let fractions: Vec<f64> = seen.iter().filter_map(|p| p.fraction()).collect();
    assert!(
        fractions.iter().any(|f| *f > 0.0 && *f < 1.0),
        "{fractions:?}"
    );
    assert_eq!(seen.last().unwrap().fraction(), Some(1.0));
    // A checkpoint newer than the starting certificate is not where the walk ends.
    let newer = ChainWalk::new(&mid.hash, key(&dir), WalkConfig::default())
        .with_trusted_epochs([(latest.clone(), 25)]);
    let (_, seen) = walk_with_progress(&dir, newer, None);
    assert_eq!(seen[1].anchor_epoch, None);
}

#[test]
fn progress_stops_before_a_failure() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = devnet_latest();
    let walk = ChainWalk::new(&latest, key(&dir), WalkConfig::default());
    // The fourth certificate (position 3) cannot be fetched: the reference fetches it before
    // checking the third's signature, so only the first two count as verified.
    let (result, seen) = walk_with_progress(&dir, walk, Some(3));
    assert_eq!(result.unwrap_err().code(), "certificate_unavailable");
    assert_monotonic(&seen);
    let end = seen.last().unwrap();
    assert_eq!(end.certificates_fetched, 3);
    assert_eq!(end.certificates_verified, 2);
    assert_eq!(end.certificates_checked, 2);
    assert!(!end.anchor_verified);
    assert_eq!(end.fraction(), None);
}
