//! Check jobs as bytes, completed in any order; pairing batches; the key cache. The verdict
//! must be the inline walk's (which the chain tests hold to the reference's) however jobs
//! travel and whenever they finish.

mod common;

use common::{fixture, ChainDir, Rng};
use mithril_lite::certificate::{
    decode_check_outcome, run_check_job, GenesisVerificationKey, JoinedPoints, MultiSignatureCheck,
};
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, KeyCache, Step, VerifiedChain, WalkConfig};
use mithril_lite::Error;

fn key(dir: &ChainDir) -> GenesisVerificationKey {
    GenesisVerificationKey::decode(&dir.genesis_key).unwrap()
}

/// What a host's executor may do to an outcome before handing it back (tests only).
type Tamper<'a> = &'a dyn Fn(usize, Vec<u8>) -> Vec<u8>;

/// Run a job given as bytes: whole, or with its point decoding split into `split` parts, each
/// shipped as bytes too and run in random order, then joined.
fn run_job(job: &[u8], split: usize, rng: &mut Rng) -> Vec<u8> {
    if split < 2 {
        return run_check_job(job);
    }
    let check = MultiSignatureCheck::from_bytes(job).unwrap();
    let parts: Vec<Vec<u8>> = check
        .split_points(split)
        .iter()
        .map(MultiSignatureCheck::to_bytes)
        .collect();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut outcomes = vec![Vec::new(); parts.len()];
    for i in order {
        outcomes[i] = run_check_job(&parts[i]);
    }
    let outcomes = outcomes.iter().map(|o| decode_check_outcome(o)).collect();
    match check.join_points(outcomes) {
        JoinedPoints::Ready(joined) => run_check_job(&joined.to_bytes()),
        JoinedPoints::Failed(failed) => failed.to_bytes(),
    }
}

/// Walk with every job shipped as bytes, run by `run_check_job`, and completed at random
/// moments in random order (some while fetching continues, the rest when the walk waits).
fn walk_as_bytes(
    dir: &ChainDir,
    hash: &str,
    config: WalkConfig,
    rng: &mut Rng,
    tamper: Tamper<'_>,
) -> Result<VerifiedChain, Error> {
    walk_split(dir, hash, config, rng, tamper, 0)
}

fn walk_split(
    dir: &ChainDir,
    hash: &str,
    config: WalkConfig,
    rng: &mut Rng,
    tamper: Tamper<'_>,
    split: usize,
) -> Result<VerifiedChain, Error> {
    let mut walk = ChainWalk::new(hash, key(dir), config);
    let mut jobs: Vec<(usize, Vec<u8>)> = Vec::new();
    let run_one = |walk: &mut ChainWalk, jobs: &mut Vec<(usize, Vec<u8>)>, rng: &mut Rng| {
        let (index, job) = jobs.swap_remove(rng.below(jobs.len()));
        let outcome = tamper(index, run_job(&job, split, rng));
        walk.complete(index, decode_check_outcome(&outcome));
    };
    loop {
        match walk.step() {
            Step::Fetch(h) => {
                match dir.certificates.get(&h) {
                    Some(body) => {
                        if let Some(PendingCheck { index, check }) =
                            walk.feed(&h, body.as_bytes()).check
                        {
                            let bytes = check.to_bytes();
                            assert_eq!(MultiSignatureCheck::from_bytes(&bytes).unwrap(), check);
                            jobs.push((index, bytes));
                        }
                    }
                    None => walk.fetch_failed(&h, "not found"),
                }
                while !jobs.is_empty() && rng.chance(30) {
                    run_one(&mut walk, &mut jobs, rng);
                }
            }
            Step::AwaitVerification => {
                assert!(!jobs.is_empty(), "the walk waits for a job nobody holds");
                run_one(&mut walk, &mut jobs, rng);
            }
            Step::Done(result) => return result,
        }
    }
}

fn same_verdict(a: &Result<VerifiedChain, Error>, b: &Result<VerifiedChain, Error>, what: &str) {
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}"),
        (Err(a), Err(b)) => assert_eq!(a.code(), b.code(), "{what}: {a} / {b}"),
        (a, b) => panic!("{what}: verdicts differ: {a:?} / {b:?}"),
    }
}

fn configs() -> [WalkConfig; 3] {
    [0, 2, 32].map(|pairing_batch| WalkConfig {
        pairing_batch,
        ..WalkConfig::default()
    })
}

fn untouched(_: usize, outcome: Vec<u8>) -> Vec<u8> {
    outcome
}

#[test]
fn jobs_as_bytes_in_random_order_give_the_inline_verdict() {
    let mut rng = Rng(0x5eed_1234);
    let mut dirs = vec![
        fixture("devnet"),
        fixture("reference-chains/two-per-epoch"),
        fixture("reference-chains/mainnet-params"),
    ];
    for entry in std::fs::read_dir(fixture("reference-chains/two-per-epoch/negative")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    let mut walks = 0;
    for path in dirs {
        let dir = ChainDir::load(&path);
        let start = dir
            .latest
            .clone()
            .unwrap_or_else(|| dir.certificates.keys().max().unwrap().clone());
        let inline = dir.walk(&start);
        for config in configs() {
            for _ in 0..2 {
                let got = walk_as_bytes(&dir, &start, config.clone(), &mut rng, &untouched);
                same_verdict(&inline, &got, &format!("{}", path.display()));
                walks += 1;
            }
        }
    }
    assert!(walks >= 3 * 6 * 2);
}

/// Corrupt the first signature point in a certificate's multi-signature (JSON-hex): the
/// reference refuses such a certificate when it fetches it.
fn spoil_first_sigma(body: &str) -> String {
    let mut cert: serde_json::Value = serde_json::from_str(body).unwrap();
    let hex = cert["multi_signature"].as_str().unwrap().to_string();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    let text = String::from_utf8(bytes).unwrap();
    let at = text.find("\"sigma\":[").unwrap() + "\"sigma\":[".len();
    let end = at + text[at..].find(',').unwrap();
    // Without the compression flag the 48 bytes are no compressed G1 point.
    let spoiled = format!("{}0{}", &text[..at], &text[end..]);
    let hex: String = spoiled.bytes().map(|b| format!("{b:02x}")).collect();
    cert["multi_signature"] = serde_json::Value::String(hex);
    cert.to_string()
}

#[test]
fn a_point_that_does_not_decode_keeps_its_place_in_the_reference_order() {
    // The second certificate of the walk gets a bad point. Its hash no longer matches and the
    // first certificate's link to it fails too, but the reference fetches (and parses) the
    // second certificate before checking the first: certificate_malformed comes first.
    let mut rng = Rng(77);
    let mut dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let first: serde_json::Value = serde_json::from_str(&dir.certificates[&latest]).unwrap();
    let second = first["previous_hash"].as_str().unwrap().to_string();
    let spoiled = spoil_first_sigma(&dir.certificates[&second]);
    dir.certificates.insert(second.clone(), spoiled);
    let inline = dir.walk(&latest).unwrap_err();
    assert_eq!(inline.code(), "certificate_malformed", "{inline}");
    assert_eq!(inline.certificate(), Some(second.as_str()));
    for config in configs() {
        for split in [0, 2, 3] {
            let got = walk_split(&dir, &latest, config.clone(), &mut rng, &untouched, split);
            // The same error, down to the entry it names.
            assert_eq!(got.unwrap_err(), inline, "split {split}");
        }
    }
}

#[test]
fn a_certificate_split_across_workers_gives_the_inline_verdict() {
    let mut rng = Rng(0x5b117);
    let mut dirs = vec![
        fixture("devnet"),
        fixture("reference-chains/mainnet-params"),
    ];
    for entry in std::fs::read_dir(fixture("reference-chains/two-per-epoch/negative")).unwrap() {
        dirs.push(entry.unwrap().path());
    }
    for path in dirs {
        let dir = ChainDir::load(&path);
        let start = dir
            .latest
            .clone()
            .unwrap_or_else(|| dir.certificates.keys().max().unwrap().clone());
        let inline = dir.walk(&start);
        for split in [2, 5] {
            let got = walk_split(
                &dir,
                &start,
                WalkConfig::default(),
                &mut rng,
                &untouched,
                split,
            );
            same_verdict(&inline, &got, &format!("{} split {split}", path.display()));
        }
    }
}

#[test]
fn split_parts_read_back_as_the_same_parts() {
    // Found by fuzz/fuzz_targets/split_join.rs: a part over entries none of whose keys the
    // cache knew kept a list of `None`s, which reads back as the empty list.
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let mut walk = ChainWalk::new(&latest, key(&dir), WalkConfig::default());
    let mut parts_checked = 0;
    let mut partly_known = 0;
    loop {
        match walk.step() {
            Step::Fetch(h) => {
                if let Some(p) = walk.feed(&h, dir.certificates[&h].as_bytes()).check {
                    let known = p.check.known_key_count();
                    if known > 0 && known < p.check.entry_count() {
                        partly_known += 1;
                    }
                    for n in 1..=p.check.entry_count() + 1 {
                        for part in p.check.split_points(n) {
                            let back = MultiSignatureCheck::from_bytes(&part.to_bytes()).unwrap();
                            assert_eq!(back, part, "{n} parts");
                            parts_checked += 1;
                        }
                    }
                    let outcome = p.check.run_random();
                    walk.complete(p.index, outcome);
                }
            }
            Step::AwaitVerification => unreachable!("inline"),
            Step::Done(result) => {
                result.unwrap();
                break;
            }
        }
    }
    // The case that failed: a job whose keys the cache knows in part.
    assert!(partly_known > 0 && parts_checked > 0);
}

#[test]
fn a_failing_pairing_equation_is_found_in_its_batch() {
    // A broken executor hands back, for one certificate, an equation on another message: the
    // batch fails and the one-by-one pass names that certificate.
    let dir = ChainDir::load(&fixture("reference-chains/mainnet-params"));
    let latest = dir.latest.clone().unwrap();
    for victim in [0usize, 3, 7] {
        let tamper = move |index: usize, mut outcome: Vec<u8>| {
            if index == victim {
                // magic, certificate (length + text), tag 1 = equation, message length: the
                // message's first byte follows.
                let cert_len = u32::from_le_bytes(outcome[4..8].try_into().unwrap()) as usize;
                let tag = 8 + cert_len;
                assert_eq!(outcome[tag], 1, "a deferred equation");
                outcome[tag + 5] ^= 1;
            }
            outcome
        };
        let mut rng = Rng(victim as u64);
        let config = WalkConfig::default();
        let err = walk_as_bytes(&dir, &latest, config, &mut rng, &tamper).unwrap_err();
        assert_eq!(err.code(), "stm_signature_invalid", "{err}");
        // The victim is the certificate at that position of the walk.
        let mut hash = latest.clone();
        for _ in 0..victim {
            let c: serde_json::Value = serde_json::from_str(&dir.certificates[&hash]).unwrap();
            hash = c["previous_hash"].as_str().unwrap().to_string();
        }
        assert_eq!(err.certificate(), Some(hash.as_str()));
    }
}

#[test]
fn a_job_whose_entry_positions_overflow_does_not_read_back() {
    // Found by fuzz/fuzz_targets/check_job.rs: an entry offset near usize::MAX made the
    // position of an entry's error overflow (a panic in builds with overflow checks).
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let mut walk = ChainWalk::new(&latest, key(&dir), WalkConfig::default());
    let Step::Fetch(h) = walk.step() else {
        panic!("a walk starts with a fetch")
    };
    let check = walk
        .feed(&h, dir.certificates[&h].as_bytes())
        .check
        .expect("a standard certificate has a check")
        .check;
    let mut bytes = check.to_bytes();
    // The offset is the u64 after the magic, the certificate, the message, the AVK (root,
    // leaves, total stake), the parameters (m, k, phi_f) and the flags byte.
    let mut offset_at = 4;
    for _ in 0..3 {
        let len = u32::from_le_bytes(bytes[offset_at..offset_at + 4].try_into().unwrap());
        offset_at += 4 + len as usize;
        if offset_at > bytes.len() {
            panic!("job layout changed");
        }
    }
    offset_at += 8 + 8 + 3 * 8 + 1;
    assert_eq!(bytes[offset_at..offset_at + 8], [0u8; 8], "offset found");
    bytes[offset_at..offset_at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    let err = MultiSignatureCheck::from_bytes(&bytes).unwrap_err();
    assert_eq!(err.code(), "internal_error");
    let outcome = decode_check_outcome(&run_check_job(&bytes)).into_result();
    assert_eq!(outcome.map_err(|e| e.code()).err(), Some("internal_error"));
}

#[test]
fn outcomes_that_do_not_read_back_are_internal_errors_never_passes() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = dir.certificates.keys().next().unwrap().clone();
    let mut rng = Rng(3);
    let cut = |_: usize, outcome: Vec<u8>| outcome[..outcome.len() - 1].to_vec();
    let err = walk_as_bytes(&dir, &latest, WalkConfig::default(), &mut rng, &cut);
    // Unless the walk anchored at genesis with no STM check at all, a job was cut.
    if let Err(e) = err {
        assert_eq!(e.code(), "internal_error", "{e}");
    }
    let garbage = decode_check_outcome(b"MLO1 not an outcome");
    assert_eq!(garbage.error().map(Error::code), Some("internal_error"));
    assert_eq!(
        decode_check_outcome(&run_check_job(b"not a job"))
            .error()
            .map(Error::code),
        Some("internal_error")
    );
}

#[test]
fn an_outcome_reads_back_only_from_its_own_encoding() {
    // Found by fuzz/fuzz_targets/check_outcome.rs: an invalid-point error whose "which point"
    // byte was neither 0 nor 1 read back (as a key) and wrote back as other bytes.
    let outcome = |what: u8| -> Vec<u8> {
        let mut b = b"MLO1".to_vec();
        b.extend([0, 0, 0, 0]); // no certificate
        b.push(2); // failed
        b.push(1); // multi-signature error
        b.extend([0, 0, 0, 0]); // no certificate
        b.push(1); // invalid point
        b.push(what);
        b.extend(7u64.to_le_bytes()); // entry
        b.extend([0; 8]); // no keys, no signatures
        b
    };
    for (what, code) in [(0, "stm_invalid_point"), (1, "stm_invalid_point")] {
        let bytes = outcome(what);
        let read = decode_check_outcome(&bytes);
        assert_eq!(read.error().map(Error::code), Some(code));
        assert_eq!(read.to_bytes(), bytes, "byte {what}");
    }
    for what in [2, 5, 255] {
        let read = decode_check_outcome(&outcome(what));
        assert_eq!(
            read.error().map(Error::code),
            Some("internal_error"),
            "byte {what}"
        );
    }
}

/// Walk inline, recording how many keys each job already knew.
fn walk_counting_known(
    dir: &ChainDir,
    hash: &str,
    cache: Option<KeyCache>,
) -> (Result<VerifiedChain, Error>, Vec<(usize, usize)>, KeyCache) {
    let mut walk = ChainWalk::new(hash, key(dir), WalkConfig::default());
    if let Some(cache) = cache {
        walk = walk.with_key_cache(cache);
    }
    let mut known = Vec::new();
    loop {
        match walk.step() {
            Step::Fetch(h) => {
                let body = &dir.certificates[&h];
                if let Some(p) = walk.feed(&h, body.as_bytes()).check {
                    known.push((p.check.known_key_count(), p.check.entry_count()));
                    let outcome = p.check.run_random();
                    walk.complete(p.index, outcome);
                }
            }
            Step::AwaitVerification => unreachable!("inline"),
            Step::Done(result) => return (result, known, walk.take_key_cache()),
        }
    }
}

#[test]
fn the_key_cache_serves_later_certificates_of_an_epoch_and_later_walks() {
    let dir = ChainDir::load(&fixture("reference-chains/two-per-epoch"));
    let latest = dir.latest.clone().unwrap();
    let (first, known, cache) = walk_counting_known(&dir, &latest, None);
    let first = first.unwrap();
    // Two certificates per epoch: the second of a pair knows the keys the first validated.
    assert!(known.iter().any(|&(k, _)| k > 0), "{known:?}");
    assert!(!cache.is_empty());
    // A later walk given the cache knows every key of the epochs it kept from the start.
    let (again, known_again, _) = walk_counting_known(&dir, &latest, Some(cache.clone()));
    assert_eq!(again.unwrap(), first);
    assert!(
        known_again[0].0 > 0 && known_again[0].0 == known_again[0].1,
        "{known_again:?}"
    );
    // Never across genesis keys: a cache made under another key is not used.
    let other = ChainDir::load(&fixture(
        "reference-chains/two-per-epoch/negative/wrong_genesis_key",
    ));
    let mut foreign =
        ChainWalk::new(&latest, key(&other), WalkConfig::default()).with_key_cache(cache);
    assert!(foreign.take_key_cache().is_empty());
}
