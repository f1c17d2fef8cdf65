//! Walks that resume: a walk dropped after any step leaves its fully checked prefix as a pending
//! segment; the next walk skips that segment's multi-signature checks, gives the fresh walk's
//! verdict, and only a walk that reaches an anchor turns the segment into checkpoints.

mod common;

use common::{fixture, ChainDir};
use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, Step, TrustCheckpoints, VerifiedChain, WalkConfig};
use mithril_lite::Error;

/// The newest certificate of a fixture chain (devnet: the first of its list).
fn newest(chain: &str, dir: &ChainDir) -> String {
    dir.latest.clone().unwrap_or_else(|| {
        let text = std::fs::read_to_string(fixture(&format!("{chain}/certificates-list.json")));
        let list: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
        list[0]["hash"].as_str().unwrap().to_string()
    })
}

fn key(dir: &ChainDir) -> GenesisVerificationKey {
    GenesisVerificationKey::decode(&dir.genesis_key).unwrap()
}

/// A walk driven for at most `limit` actions (a fetch and feed, or one check run), or to its
/// verdict.
struct Driven {
    walk: ChainWalk,
    /// Multi-signature checks the walk handed out.
    jobs: usize,
    result: Option<Result<VerifiedChain, Error>>,
}

fn drive(dir: &ChainDir, mut walk: ChainWalk, limit: usize) -> Driven {
    let mut jobs = 0;
    let mut queue: Vec<PendingCheck> = Vec::new();
    for _ in 0..limit {
        // A check handed out runs one action after its certificate was fed: drops land between
        // a feed and its check too.
        if !queue.is_empty() {
            let p = queue.remove(0);
            walk.complete(p.index, p.check.run_random());
            continue;
        }
        match walk.step() {
            Step::Fetch(h) => match dir.certificates.get(&h) {
                Some(body) => {
                    if let Some(p) = walk.feed(&h, body.as_bytes()).check {
                        jobs += 1;
                        queue.push(p);
                    }
                }
                None => walk.fetch_failed(&h, "not found"),
            },
            Step::AwaitVerification => unreachable!("every check is run as soon as handed out"),
            Step::Done(result) => {
                return Driven {
                    walk,
                    jobs,
                    result: Some(result),
                }
            }
        }
    }
    Driven {
        walk,
        jobs,
        result: None,
    }
}

fn to_end(dir: &ChainDir, walk: ChainWalk) -> Driven {
    drive(dir, walk, usize::MAX)
}

/// Every certificate a verified chain vouches for, newest first: the visited ones and the
/// ones skipped over segments.
fn vouched(chain: &VerifiedChain) -> Vec<(String, u64)> {
    let mut all: Vec<(String, u64)> = chain
        .links
        .iter()
        .map(|l| (l.hash.clone(), l.epoch))
        .chain(chain.resumed.iter().cloned())
        .collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    all
}

fn config(pairing_batch: usize) -> WalkConfig {
    WalkConfig {
        pairing_batch,
        ..WalkConfig::default()
    }
}

/// Drop a walk after every step, save its prefix, resume: the fresh verdict, and exactly the
/// certificates not verified before get a multi-signature check.
/// (Every `stride`-th step, for long chains.)
fn drop_at_every_step(chain: &str, batches: &[usize], stride: usize) {
    let dir = ChainDir::load(&fixture(chain));
    let latest = newest(chain, &dir);
    for &batch in batches {
        let fresh = to_end(&dir, ChainWalk::new(&latest, key(&dir), config(batch)));
        let fresh_chain = fresh.result.unwrap().unwrap();
        let mut saved_something = false;
        for k in (1..).step_by(stride) {
            let mut first = drive(&dir, ChainWalk::new(&latest, key(&dir), config(batch)), k);
            if first.result.is_some() {
                break;
            }
            let mut set = TrustCheckpoints::new(&key(&dir));
            first.walk.save_pending(&mut set).unwrap();
            assert!(set.is_empty(), "a pending segment is never a checkpoint");
            // Through the bytes, as every host stores them.
            let set = TrustCheckpoints::load(&set.encode(), &key(&dir)).unwrap();
            let before = set.pending_segments().first().map_or(0, Vec::len);
            saved_something |= before > 0;
            let resumed = to_end(
                &dir,
                ChainWalk::new(&latest, key(&dir), config(batch)).with_checkpoints(&set),
            );
            let chain_b = resumed.result.unwrap().unwrap();
            assert_eq!(chain_b.certificate, fresh_chain.certificate, "k = {k}");
            assert_eq!(chain_b.anchor, fresh_chain.anchor, "k = {k}");
            assert_eq!(vouched(&chain_b), vouched(&fresh_chain), "k = {k}");
            assert_eq!(resumed.jobs, fresh.jobs - before, "batch {batch}, k = {k}");
            // Committing makes checkpoints of the whole chain and drops the segment.
            let mut set = set;
            set.add_chain(&chain_b, &key(&dir)).unwrap();
            assert_eq!(set.len(), fresh_chain.links.len());
            assert!(set.pending_segments().is_empty());
        }
        assert!(saved_something, "some drop left a segment (batch {batch})");
    }
}

#[test]
fn devnet_walk_dropped_at_every_step_resumes() {
    // Batch 32 is above the chain's length: saving checks the batch waiting.
    drop_at_every_step("devnet", &[0, 4, 32], 1);
}

#[test]
fn mainnet_parameter_walk_resumes_with_only_the_unverified_checks() {
    drop_at_every_step("reference-chains/mainnet-params", &[8], 5);
}

#[test]
fn segments_of_several_drops_chain_together() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = newest("devnet", &dir);
    let fresh = to_end(&dir, ChainWalk::new(&latest, key(&dir), config(0)));
    let mut set = TrustCheckpoints::new(&key(&dir));
    // Each walk resumes from the last, does a few more steps, and is dropped.
    for _ in 0..3 {
        let mut d = drive(
            &dir,
            ChainWalk::new(&latest, key(&dir), config(0)).with_checkpoints(&set),
            5,
        );
        assert!(d.result.is_none());
        d.walk.save_pending(&mut set).unwrap();
        set = TrustCheckpoints::decode(&set.encode()).unwrap();
    }
    // Segments that follow on from each other (or one that grew over the others).
    let mut before: Vec<String> = set
        .pending_segments()
        .iter()
        .flatten()
        .map(|(h, _)| h.clone())
        .collect();
    before.sort();
    before.dedup();
    let before = before.len();
    assert!(before >= 3);
    let last = to_end(
        &dir,
        ChainWalk::new(&latest, key(&dir), config(0)).with_checkpoints(&set),
    );
    let chain = last.result.unwrap().unwrap();
    assert_eq!(
        vouched(&chain),
        vouched(fresh.result.as_ref().unwrap().as_ref().unwrap())
    );
    assert_eq!(last.jobs, fresh.jobs - before);
}

#[test]
fn a_broken_certificate_below_the_segment_fails_as_a_fresh_walk() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = newest("devnet", &dir);
    let mut first = drive(&dir, ChainWalk::new(&latest, key(&dir), config(0)), 8);
    let mut set = TrustCheckpoints::new(&key(&dir));
    first.walk.save_pending(&mut set).unwrap();
    let segment = set.pending_segments()[0].clone();
    assert!(segment.len() >= 2);
    let fresh_chain = dir.walk(&latest).unwrap();
    let below: Vec<String> = fresh_chain
        .links
        .iter()
        .skip(segment.len())
        .map(|l| l.hash.clone())
        .collect();
    assert!(!below.is_empty());
    // Each certificate below the segment in turn: its body altered (one character), or gone.
    for hash in &below {
        for variant in 0..2 {
            let mut broken = ChainDir::load(&fixture("devnet"));
            if variant == 0 {
                let body = broken.certificates.get_mut(hash).unwrap();
                let at = body.find("\"signed_message\": \"").unwrap() + 19;
                let c = if &body[at..at + 1] == "0" { "1" } else { "0" };
                body.replace_range(at..at + 1, c);
            } else {
                broken.certificates.remove(hash);
            }
            let fresh = to_end(&broken, ChainWalk::new(&latest, key(&dir), config(0)));
            let resumed = to_end(
                &broken,
                ChainWalk::new(&latest, key(&dir), config(0)).with_checkpoints(&set),
            );
            let (Some(Err(a)), Some(Err(b))) = (fresh.result, resumed.result) else {
                panic!("a broken chain verified ({hash}, variant {variant})");
            };
            assert_eq!(a, b, "{hash}, variant {variant}");
        }
    }
}

#[test]
fn a_segment_is_not_trust() {
    // A walk that starts at a certificate below the segment never meets it; one that starts in
    // it still walks to genesis.
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = newest("devnet", &dir);
    let mut first = drive(&dir, ChainWalk::new(&latest, key(&dir), config(0)), 10);
    let mut set = TrustCheckpoints::new(&key(&dir));
    first.walk.save_pending(&mut set).unwrap();
    let segment = set.pending_segments()[0].clone();
    let inside = &segment[1].0;
    let d = to_end(
        &dir,
        ChainWalk::new(inside, key(&dir), config(0)).with_checkpoints(&set),
    );
    let chain = d.result.unwrap().unwrap();
    assert!(matches!(
        chain.anchor,
        mithril_lite::chain::walk::Anchor::Genesis(_)
    ));
}

#[test]
fn saving_is_due_by_count_or_time() {
    let dir = ChainDir::load(&fixture("devnet"));
    let latest = newest("devnet", &dir);
    let config = WalkConfig {
        pairing_batch: 0,
        pending_save_certificates: 3,
        pending_save_millis: 1_000,
        ..WalkConfig::default()
    };
    let walk = ChainWalk::new(&latest, key(&dir), config.clone());
    assert!(!walk.pending_save_due(u64::MAX), "nothing verified yet");
    // Feed and check one certificate: due by time only.
    let d = drive(&dir, walk, 2);
    assert!(!d.walk.pending_save_due(999));
    assert!(d.walk.pending_save_due(1_000));
    // Three: due by count.
    let mut d = drive(&dir, ChainWalk::new(&latest, key(&dir), config.clone()), 6);
    assert!(d.walk.pending_save_due(0));
    let mut set = TrustCheckpoints::new(&key(&dir));
    d.walk.save_pending(&mut set).unwrap();
    assert!(!d.walk.pending_save_due(u64::MAX), "saved: nothing new");
    // Not once the walk is over.
    let d2 = to_end(&dir, ChainWalk::new(&latest, key(&dir), config));
    assert!(!d2.walk.pending_save_due(u64::MAX));
}
