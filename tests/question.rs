//! The blocking drive of light-wallet questions (`proofs::Question::run` / `run_with`): every
//! devnet proof and artifact is answered end to end, exactly as the direct checks answer it;
//! the transactions proof's version is read from the body; an artifact other than the one
//! asked for is refused after it verified; failures keep what was established before them.

mod common;

use std::sync::OnceLock;

use common::{fixture, ChainDir};
use mithril_lite::certificate::GenesisVerificationKey;
use mithril_lite::chain::{ChainWalk, WalkConfig};
use mithril_lite::proofs::{
    verify_blocks_proof, verify_cardano_database, verify_cardano_stake_distribution,
    verify_mithril_stake_distribution, verify_transactions_proof_v1, verify_transactions_proof_v2,
    Answer, Question, QuestionError, QuestionOutcome,
};
use serde_json::Value;

fn devnet() -> &'static ChainDir {
    static DIR: OnceLock<ChainDir> = OnceLock::new();
    DIR.get_or_init(|| ChainDir::load(&fixture("devnet")))
}

fn bodies(file: &str) -> Vec<(String, String)> {
    common::devnet_bodies(file)
}

/// Ask `question` about `body` inline, fetching from the devnet certificates; also returns
/// how many certificates were fetched.
fn ask(question: &Question, body: &str) -> (QuestionOutcome, usize) {
    let dir = devnet();
    let key = GenesisVerificationKey::decode(&dir.genesis_key).unwrap();
    let mut fetched = 0;
    let outcome = question.run(
        body.as_bytes(),
        |hash| ChainWalk::new(hash, key.clone(), WalkConfig::default()),
        |hash| {
            fetched += 1;
            dir.certificates.get(hash).ok_or("certificate not found")
        },
    );
    (outcome, fetched)
}

fn named_certificate(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v["certificate_hash"].as_str().unwrap().to_string()
}

fn error_code(outcome: &QuestionOutcome) -> &'static str {
    outcome.result.as_ref().unwrap_err().code()
}

#[test]
fn every_devnet_body_is_answered_as_the_direct_check_answers_it() {
    let mut answered = 0;
    for (file, version) in [("ctx-proofs.json", 1), ("ctx-proofs-v2.json", 2)] {
        for (tx, body) in bodies(file) {
            // The version is read from the body: the v1 route's sets are an array.
            let question = Question::Transactions {
                hashes: vec![tx.clone()],
                version: None,
            };
            let (outcome, fetched) = ask(&question, &body);
            assert!(fetched > 0);
            let chain = outcome.chain.clone().expect("the chain verified");
            assert_eq!(
                outcome.certificate.as_deref(),
                Some(named_certificate(&body).as_str())
            );
            let cert = &chain.certificate;
            let expected = if version == 1 {
                Answer::TransactionsV1(
                    verify_transactions_proof_v1(body.as_bytes(), cert, &[&tx]).unwrap(),
                )
            } else {
                Answer::TransactionsV2(
                    verify_transactions_proof_v2(body.as_bytes(), cert, &[&tx]).unwrap(),
                )
            };
            assert_eq!(outcome.result.as_ref().unwrap(), &expected, "{file} {tx}");
            answered += 1;
        }
    }
    for (block, body) in bodies("cblk-proofs.json") {
        let question = Question::Blocks {
            hashes: vec![block.clone()],
        };
        let (answer, chain) = ask(&question, &body).0.into_result().unwrap();
        let expected = verify_blocks_proof(body.as_bytes(), &chain.certificate, &[&block]).unwrap();
        assert_eq!(answer, Answer::Blocks(expected));
        answered += 1;
    }
    for (hash, body) in bodies("mithril-stake-distributions.json") {
        let question = Question::MithrilStakeDistribution {
            hash: Some(hash.to_ascii_uppercase()),
        };
        let (answer, chain) = ask(&question, &body).0.into_result().unwrap();
        let expected =
            verify_mithril_stake_distribution(body.as_bytes(), &chain.certificate).unwrap();
        assert_eq!(expected.hash, hash);
        assert_eq!(answer, Answer::MithrilStakeDistribution(expected));
        answered += 1;
    }
    for (hash, body) in bodies("cardano-stake-distributions.json") {
        let epoch = serde_json::from_str::<Value>(&body).unwrap()["epoch"].as_u64();
        let question = Question::CardanoStakeDistribution {
            hash: Some(hash.clone()),
            epoch,
        };
        let (answer, chain) = ask(&question, &body).0.into_result().unwrap();
        let expected =
            verify_cardano_stake_distribution(body.as_bytes(), &chain.certificate).unwrap();
        assert_eq!(answer, Answer::CardanoStakeDistribution(expected));
        answered += 1;
    }
    for (hash, body) in bodies("cardano-databases.json") {
        let question = Question::CardanoDatabase {
            hash: Some(hash.clone()),
            digests: None,
        };
        let (answer, chain) = ask(&question, &body).0.into_result().unwrap();
        let expected = verify_cardano_database(body.as_bytes(), &chain.certificate, None).unwrap();
        assert_eq!(answer, Answer::CardanoDatabase(expected));
        answered += 1;
    }
    assert!(answered >= 10, "{answered} bodies");
}

#[test]
fn a_forced_version_is_the_route_s_format() {
    // A v1 body checked as v2 (as the v2 route would claim) is refused by the v2 check.
    let (tx, body) = bodies("ctx-proofs.json").remove(0);
    let question = Question::Transactions {
        hashes: vec![tx],
        version: Some(2),
    };
    let (outcome, _) = ask(&question, &body);
    assert!(outcome.chain.is_some());
    assert_eq!(error_code(&outcome), "proof_malformed");
}

#[test]
fn an_artifact_other_than_the_one_asked_for_is_refused_after_it_verified() {
    let msds = bodies("mithril-stake-distributions.json");
    let (_, body) = &msds[0];
    let other = "ab".repeat(32);
    let (outcome, _) = ask(
        &Question::MithrilStakeDistribution {
            hash: Some(other.clone()),
        },
        body,
    );
    // Every certification check passed first: the chain is there, the code is the last check's.
    assert!(outcome.chain.is_some());
    assert_eq!(error_code(&outcome), "artifact_not_requested");
    let message = outcome.result.unwrap_err().to_string();
    assert!(message.contains(&other), "{message}");

    let csds = bodies("cardano-stake-distributions.json");
    let (hash, body) = &csds[0];
    let epoch = serde_json::from_str::<Value>(body).unwrap()["epoch"]
        .as_u64()
        .unwrap();
    let by_epoch = |epoch| Question::CardanoStakeDistribution { hash: None, epoch };
    assert_eq!(
        error_code(&ask(&by_epoch(Some(epoch + 1)), body).0),
        "artifact_not_requested"
    );
    assert!(ask(&by_epoch(Some(epoch)), body).0.result.is_ok());
    assert!(ask(&by_epoch(None), body).0.result.is_ok());
    let by_hash = Question::CardanoStakeDistribution {
        hash: Some(format!(" {} ", hash.to_ascii_uppercase())),
        epoch: None,
    };
    assert!(ask(&by_hash, body).0.result.is_ok(), "case-blind, trimmed");

    let (_, body) = &bodies("cardano-databases.json")[0];
    let question = Question::CardanoDatabase {
        hash: Some(other),
        digests: None,
    };
    assert_eq!(
        error_code(&ask(&question, body).0),
        "artifact_not_requested"
    );
}

#[test]
fn failures_keep_what_was_established_before_them() {
    let (tx, body) = bodies("ctx-proofs-v2.json").remove(0);
    let question = Question::Transactions {
        hashes: vec![tx],
        version: None,
    };

    // A body that names no certificate: nothing to walk, nothing fetched.
    let (outcome, fetched) = ask(&question, "{\"certified_transactions\": null}");
    assert_eq!((outcome.certificate.is_none(), fetched), (true, 0));
    assert_eq!(error_code(&outcome), "proof_malformed");
    assert!(matches!(outcome.result, Err(QuestionError::Proof(_))));

    // The chain fails (the source has none of it): the certificate is known, no chain.
    let key = GenesisVerificationKey::decode(&devnet().genesis_key).unwrap();
    let outcome = question.run(
        body.as_bytes(),
        |hash| ChainWalk::new(hash, key.clone(), WalkConfig::default()),
        |_| Err::<&[u8], _>("offline"),
    );
    assert_eq!(outcome.certificate, Some(named_certificate(&body)));
    assert!(outcome.chain.is_none());
    assert_eq!(error_code(&outcome), "certificate_unavailable");
    let e = outcome.result.unwrap_err();
    assert!(matches!(e, QuestionError::Chain(_)));
    assert!(e.to_string().starts_with("certificate chain: "), "{e}");
    assert!(e.to_string().contains("offline"), "{e}");
    assert_eq!(e.numeric_code(), 106);

    // The body is refused after its chain verified: the chain is kept.
    let tampered = body.replacen("\"latest_block_number\": ", "\"latest_block_number\": 1", 1);
    assert_ne!(tampered, body);
    let (outcome, _) = ask(&question, &tampered);
    assert!(outcome.chain.is_some());
    assert!(matches!(outcome.result, Err(QuestionError::Proof(_))));
    assert!(outcome.into_result().is_err());

    // The host's own walk: its failure to get a verdict is passed through untouched.
    let stopped: Result<QuestionOutcome, &str> = question.run_with(body.as_bytes(), |_| Err("I/O"));
    assert_eq!(stopped.unwrap_err(), "I/O");
}
