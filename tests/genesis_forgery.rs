//! Genesis-anchor forgery: a chain the reference chaining rules accept and mithril-lite rejects.
//!
//! A genesis certificate's Ed25519 signature covers only its `signed_message` (the hash of its
//! protocol message, which carries `next_aggregate_verification_key` and
//! `next_protocol_parameters`). The certificate's own `aggregate_verification_key`,
//! `metadata.parameters` and `previous_hash` are outside it. The reference links a standard
//! certificate of the same epoch as its predecessor by comparing their own AVK and parameter
//! fields, so whoever copies the devnet genesis certificate, puts their own AVK and parameters
//! in it and re-hashes it (the genesis signature still verifies) can sign certificates of the
//! genesis epoch with their own STM keys, then carry on to later epochs by announcing their own
//! key as `next_aggregate_verification_key`.
//!
//! This file builds that forgery against the real devnet genesis certificate with substitute
//! signers made by mithril-stm 0.13.0, and checks that:
//! - the walk rejects it with exactly `chain_genesis_anchor_mismatch`, the one rule mithril-lite
//!   adds after the reference rules;
//! - every reference rule passes on it: each forged certificate passes its own integrity and STM
//!   checks, the forged genesis passes every genesis check (its Ed25519 signature included), the
//!   four reference chaining rules pass on the link into it, and the same standard certificates
//!   verify end to end behind a control genesis that the devnet genesis key really signed over
//!   the substitute key (the devnet fixture's genesis key is the reference's deterministic test
//!   signer, an Ed25519 key drawn from ChaCha20 seeded with zeros);
//! - linking to the forged genesis across an epoch is already refused by the reference AVK rule;
//! - every real devnet certificate still verifies.

mod common;

use std::collections::HashMap;

use common::{fixture, ChainDir};
use ed25519_dalek::{Signer as _, SigningKey};
use mithril_lite::certificate::metadata::parameters_hash;
use mithril_lite::certificate::{
    Certificate, GenesisVerificationKey, PartKey, ProtocolMessage, ProtocolParameters,
};
use mithril_lite::chain::rules::{self, LinkInfo};
use mithril_lite::chain::walk::Anchor;
use mithril_lite::chain::{ChainWalk, VerifiedChain, WalkConfig};
use mithril_lite::codec::hex;
use mithril_lite::stm::{AggregateSignature, AggregateVerificationKey};
use mithril_lite::Error;
use mithril_stm::{
    AggregateSignatureType, AncillaryGenesisData, AncillaryProofInput, Clerk, Initializer,
    KeyRegistration, MithrilMembershipDigest, SingleSignature,
};
use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{json, Value};

type Digest = MithrilMembershipDigest;

/// The real devnet genesis certificate (epoch 15, k=70, m=105, phi_f=0.95).
const DEVNET_GENESIS: &str = "57c16dc2c25471a1c55d66d944eaa334a32e05f8e267860b43f4ed8d5c3a65ea";
const GENESIS_EPOCH: u64 = 15;

/// The forger's own STM parameters: small, so signing is quick, and unlike the devnet's, so the
/// forged genesis differs from the real one in its parameters as well as its AVK.
const FORGED_PARAMS: ProtocolParameters = ProtocolParameters {
    m: 40,
    k: 12,
    phi_f: 0.8,
};
const FORGER_SEED: u64 = 0x006d_6974_6872_696c;
const FORGED_STAKES: [u64; 4] = [1_000_000_007, 2_000_000_011, 3_000_000_019, 4_000_000_007];

/// Substitute STM signers: a closed registration of a few parties with the forger's keys.
struct Forger {
    params: ProtocolParameters,
    signers: Vec<mithril_stm::Signer<Digest>>,
    party_ids: Vec<String>,
    /// The forger's AVK as certificates carry it (canonical json-hex).
    avk: String,
}

impl Forger {
    fn new(seed: u64) -> Forger {
        let params = mithril_stm::Parameters {
            m: FORGED_PARAMS.m,
            k: FORGED_PARAMS.k,
            phi_f: FORGED_PARAMS.phi_f,
        };
        let mut rng = ChaCha20Rng::seed_from_u64(seed);
        let mut registration = KeyRegistration::initialize();
        let mut initializers = Vec::new();
        for stake in FORGED_STAKES {
            let initializer = Initializer::new(params, stake, &mut rng);
            registration
                .register(
                    initializer.stake,
                    &initializer.get_verification_key_proof_of_possession_for_concatenation(),
                )
                .expect("a fresh key registers");
            initializers.push(initializer);
        }
        let closed = registration
            .close_registration(&params)
            .expect("registration closes");
        let signers: Vec<mithril_stm::Signer<Digest>> = initializers
            .into_iter()
            .map(|i| i.try_create_signer(&closed).expect("registered signer"))
            .collect();
        let reference_avk =
            Clerk::new_clerk_from_signer(&signers[0]).compute_aggregate_verification_key();
        let avk_json =
            serde_json::to_vec(reference_avk.to_concatenation_aggregate_verification_key())
                .expect("the reference AVK serializes");
        let avk = AggregateVerificationKey::from_json(&avk_json)
            .expect("mithril-lite reads the reference AVK")
            .to_json_hex();
        Forger {
            params: FORGED_PARAMS,
            signers,
            party_ids: (0..FORGED_STAKES.len())
                .map(|i| format!("pool1forgedparty{i}"))
                .collect(),
            avk,
        }
    }

    /// Every party signs `message`; the clerk aggregates. Returns the json-hex aggregate.
    fn sign(&self, message: &[u8]) -> String {
        let singles: Vec<SingleSignature> = self
            .signers
            .iter()
            .filter_map(|s| s.create_single_signature(message).ok())
            .collect();
        let clerk = Clerk::new_clerk_from_signer(&self.signers[0]);
        let (aggregate, _) = clerk
            .aggregate_signatures_with_type(
                &singles,
                message,
                AggregateSignatureType::Concatenation,
                AncillaryProofInput::new(None, AncillaryGenesisData::new()),
            )
            .expect("the substitute signers reach the quorum");
        let json = serde_json::to_vec(&aggregate).expect("the aggregate serializes");
        AggregateSignature::from_json(&json)
            .expect("mithril-lite reads the reference aggregate")
            .to_json_hex()
    }

    fn params_json(&self) -> Value {
        json!({ "k": self.params.k, "m": self.params.m, "phi_f": self.params.phi_f })
    }

    fn params_hash(&self) -> String {
        parameters_hash(&self.params)
    }

    fn signers_json(&self) -> Value {
        Value::Array(
            self.party_ids
                .iter()
                .zip(FORGED_STAKES)
                .map(|(id, stake)| json!({ "party_id": id, "stake": stake }))
                .collect(),
        )
    }
}

/// A certificate as served: its hash and its JSON body.
#[derive(Clone)]
struct Served {
    hash: String,
    body: String,
}

/// Set `hash` to the hash mithril-lite computes for the rest of the content.
fn seal(mut cert: Value) -> Served {
    cert["hash"] = Value::from("");
    let hash = Certificate::from_json(cert.to_string().as_bytes())
        .expect("the certificate parses")
        .compute_hash();
    cert["hash"] = Value::from(hash.clone());
    let body = cert.to_string();
    let parsed = Certificate::from_json(body.as_bytes()).unwrap();
    assert_eq!(parsed.compute_hash(), hash);
    Served { hash, body }
}

fn parse(served: &Served) -> Certificate {
    Certificate::from_json(served.body.as_bytes()).expect("the certificate parses")
}

fn parts_json(pm: &ProtocolMessage) -> Value {
    Value::Object(
        pm.parts
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), Value::from(v.as_str())))
            .collect(),
    )
}

/// A MithrilStakeDistribution certificate of `epoch` signed by the forger, linked to
/// `previous`, announcing the forger's key and parameters for the next epoch.
fn forged_standard(forger: &Forger, previous: &str, epoch: u64) -> Served {
    let mut pm = ProtocolMessage::default();
    pm.set(PartKey::NextAggregateVerificationKey, forger.avk.clone());
    pm.set(PartKey::NextProtocolParameters, forger.params_hash());
    pm.set(PartKey::CurrentEpoch, epoch.to_string());
    let signed_message = pm.hash();
    // The STM message is the ASCII of the signed message's hex.
    let multi_signature = forger.sign(signed_message.as_bytes());
    seal(json!({
        "hash": "",
        "previous_hash": previous,
        "epoch": epoch,
        "signed_entity_type": { "MithrilStakeDistribution": epoch },
        "metadata": {
            "network": "devnet",
            "version": "0.1.0",
            "parameters": forger.params_json(),
            "initiated_at": format!("2026-05-21T15:{:02}:00.000000001Z", epoch),
            "sealed_at": format!("2026-05-21T15:{:02}:07.000000002Z", epoch),
            "signers": forger.signers_json(),
        },
        "protocol_message": { "message_parts": parts_json(&pm) },
        "signed_message": signed_message,
        "aggregate_verification_key": forger.avk,
        "multi_signature": multi_signature,
        "genesis_signature": "",
    }))
}

/// Standard certificates at `epochs`, the first linked to `genesis`, each next one to the one
/// before. Returned oldest first.
fn forged_chain(forger: &Forger, genesis: &Served, epochs: &[u64]) -> Vec<Served> {
    let mut chain: Vec<Served> = Vec::new();
    for &epoch in epochs {
        let previous = chain.last().map_or(&genesis.hash, |c| &c.hash).clone();
        chain.push(forged_standard(forger, &previous, epoch));
    }
    chain
}

struct Devnet {
    dir: ChainDir,
    genesis: Value,
}

impl Devnet {
    fn load() -> Devnet {
        let dir = ChainDir::load(&fixture("devnet"));
        let genesis = serde_json::from_str(&dir.certificates[DEVNET_GENESIS]).unwrap();
        Devnet { dir, genesis }
    }

    fn genesis_key(&self) -> GenesisVerificationKey {
        GenesisVerificationKey::decode(&self.dir.genesis_key).unwrap()
    }
}

/// The attack: the real genesis certificate, its signature untouched, with the forger's AVK and
/// parameters in its unsigned fields, re-hashed.
fn forged_genesis(devnet: &Devnet, forger: &Forger) -> Served {
    let mut g = devnet.genesis.clone();
    g["aggregate_verification_key"] = Value::from(forger.avk.clone());
    g["metadata"]["parameters"] = forger.params_json();
    seal(g)
}

/// The Ed25519 key the devnet genesis certificate was signed with: the reference's
/// deterministic test signer (32 secret bytes from ChaCha20 seeded with zeros).
fn devnet_genesis_signing_key() -> SigningKey {
    let mut secret = [0u8; 32];
    ChaCha20Rng::from_seed([0u8; 32]).fill_bytes(&mut secret);
    SigningKey::from_bytes(&secret)
}

/// A genesis certificate that the genesis key really signed over the forger's key and
/// parameters, so its own AVK and parameters equal its signed next values: the case the anchor
/// rule has nothing to object to. `previous_hash` is set as given (it is not signed).
fn control_genesis(devnet: &Devnet, forger: &Forger, previous_hash: &str) -> Served {
    let mut g = devnet.genesis.clone();
    let mut pm = parse(&Served {
        hash: String::new(),
        body: g.to_string(),
    })
    .protocol_message;
    pm.set(PartKey::NextAggregateVerificationKey, forger.avk.clone());
    pm.set(PartKey::NextProtocolParameters, forger.params_hash());
    assert_eq!(pm.get(PartKey::CurrentEpoch), Some("15"));
    let signed_message = pm.hash();
    let signature = devnet_genesis_signing_key().sign(signed_message.as_bytes());
    g["previous_hash"] = Value::from(previous_hash);
    g["protocol_message"]["message_parts"] = parts_json(&pm);
    g["signed_message"] = Value::from(signed_message);
    g["genesis_signature"] = Value::from(hex::encode(&signature.to_bytes()));
    g["aggregate_verification_key"] = Value::from(forger.avk.clone());
    g["metadata"]["parameters"] = forger.params_json();
    seal(g)
}

fn store(certs: &[&Served]) -> HashMap<String, String> {
    certs
        .iter()
        .map(|c| (c.hash.clone(), c.body.clone()))
        .collect()
}

/// Walk from `start` over `certificates`, trusting the genesis key and `trusted` hashes.
fn walk(
    certificates: &HashMap<String, String>,
    key: &GenesisVerificationKey,
    start: &str,
    trusted: &[&str],
) -> Result<VerifiedChain, Error> {
    ChainWalk::new(start, key.clone(), WalkConfig::default())
        .with_trusted(trusted.iter().map(|h| h.to_string()))
        .run(|h| certificates.get(h).ok_or("certificate not found"))
}

fn expect_error(result: Result<VerifiedChain, Error>, what: &str) -> Error {
    match result {
        Ok(chain) => panic!(
            "{what}: accepted ({} certificates, anchor {:?})",
            chain.certificates_checked, chain.anchor
        ),
        Err(e) => e,
    }
}

/// Each standard certificate on its own: the reference integrity steps 1-5, the STM
/// multi-signature included.
fn assert_passes_own_checks(cert: &Served) {
    let c = parse(cert);
    assert!(!c.is_genesis());
    c.check_not_self_linked().unwrap();
    c.check_hash().unwrap();
    c.check_protocol_message().unwrap();
    c.multi_signature_check()
        .expect("a standard certificate has an STM check")
        .run_random()
        .into_result()
        .unwrap_or_else(|e| panic!("{}: STM check: {e} ({})", cert.hash, e.code()));
    c.check_epoch_part().unwrap();
}

/// The reference chaining rules (epoch gap, previous hash, AVK, parameters) on one link.
fn reference_rules(cur: &LinkInfo, prev: &LinkInfo) -> Result<(), Error> {
    rules::check_epoch_gap(cur, prev)?;
    rules::check_previous_hash(cur, prev)?;
    rules::check_avk_chaining(cur, prev)?;
    rules::check_parameters_chaining(cur, prev)
}

#[test]
fn forged_genesis_epoch_chain_is_rejected_by_the_anchor_rule_alone() {
    let devnet = Devnet::load();
    let key = devnet.genesis_key();
    let forger = Forger::new(FORGER_SEED);
    let real_genesis = parse(&Served {
        hash: DEVNET_GENESIS.into(),
        body: devnet.dir.certificates[DEVNET_GENESIS].clone(),
    });
    assert_ne!(
        forger.avk,
        real_genesis.aggregate_verification_key.to_json_hex(),
        "the forger's key must not be the devnet's"
    );

    let genesis = forged_genesis(&devnet, &forger);
    assert_ne!(genesis.hash, DEVNET_GENESIS);
    let chain = forged_chain(&forger, &genesis, &[GENESIS_EPOCH, 16, 17]);
    let (c1, c2, c3) = (&chain[0], &chain[1], &chain[2]);
    let certificates = store(&[&genesis, c1, c2, c3]);

    // (a) The walk from the tip, and from every forged certificate, stops at the anchor rule,
    // naming the forged genesis certificate.
    for (name, start) in [("C3", c3), ("C2", c2), ("C1", c1)] {
        let err = expect_error(walk(&certificates, &key, &start.hash, &[]), name);
        assert_eq!(err.code(), "chain_genesis_anchor_mismatch", "{name}: {err}");
        assert_eq!(err.certificate(), Some(genesis.hash.as_str()), "{name}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("genesis certificate {}", genesis.hash)),
            "{name}: {message}"
        );
        assert!(
            message.contains("aggregate verification key"),
            "{name}: {message}"
        );
    }

    // (b) Every reference rule passes on the forged chain.
    // The forged genesis passes every reference genesis check: the Ed25519 signature over its
    // (unchanged) signed message still verifies with the devnet genesis key.
    let g = parse(&genesis);
    assert!(g.is_genesis());
    g.check_hash().unwrap();
    g.check_protocol_message().unwrap();
    g.check_genesis_signature(&key).unwrap();
    g.check_epoch_part().unwrap();
    assert_eq!(g.signed_message, real_genesis.signed_message);
    assert_eq!(g.protocol_message, real_genesis.protocol_message);
    // Each forged standard certificate passes its own integrity and STM checks.
    for c in &chain {
        assert_passes_own_checks(c);
    }
    // Every link passes the reference chaining rules; on the link into the forged genesis
    // (same epoch, so the AVK and parameters are compared with the genesis's own fields) only
    // the anchor rule objects, and it objects to the genesis's AVK.
    let links: Vec<LinkInfo> = [c3, c2, c1, &genesis]
        .iter()
        .map(|c| LinkInfo::of(&parse(c)))
        .collect();
    for pair in links.windows(2) {
        reference_rules(&pair[0], &pair[1])
            .unwrap_or_else(|e| panic!("{} -> {}: {e}", pair[0].hash, pair[1].hash));
    }
    for pair in links[..3].windows(2) {
        rules::check_genesis_anchor(&pair[0], &pair[1]).unwrap();
    }
    let anchor = rules::check_genesis_anchor(&links[2], &links[3]).unwrap_err();
    assert_eq!(anchor.code(), "chain_genesis_anchor_mismatch");
    assert_eq!(
        anchor.to_string(),
        format!(
            "genesis certificate {}: its aggregate verification key is not covered by its genesis signature",
            genesis.hash
        )
    );

    // Reference failures still come first: the same C1 carrying a multi-signature by other
    // keys fails the reference STM check, which precedes every chaining rule.
    let impostor = Forger::new(FORGER_SEED + 1);
    assert_ne!(impostor.avk, forger.avk);
    let mut bad: Value = serde_json::from_str(&c1.body).unwrap();
    bad["multi_signature"] = Value::from(impostor.sign(parse(c1).signed_message.as_bytes()));
    let bad = seal(bad);
    let err = expect_error(
        walk(&store(&[&genesis, &bad]), &key, &bad.hash, &[]),
        "C1 signed by other keys",
    );
    assert!(err.code().starts_with("stm_"), "{} ({err})", err.code());

    // Trusting C1 (so the link into the genesis is never examined) the forged tip verifies:
    // nothing between C3 and C1 objects.
    let trusted = walk(&certificates, &key, &c3.hash, &[&c1.hash]).unwrap();
    assert_eq!(trusted.anchor, Anchor::Trusted(c1.hash.clone()));
    assert_eq!(trusted.certificates_checked, 3);
    assert_eq!(trusted.certificate.epoch, 17);
}

#[test]
fn the_same_chain_verifies_behind_a_genesis_that_signed_the_forged_key() {
    let devnet = Devnet::load();
    let key = devnet.genesis_key();
    // The devnet fixture's genesis key is the reference's deterministic test signer.
    assert_eq!(
        devnet_genesis_signing_key().verifying_key().to_bytes(),
        key.to_bytes()
    );
    let forger = Forger::new(FORGER_SEED);

    // The real genesis re-signed: its signed next AVK and parameters are the forger's, and its
    // own fields match them, as the devnet's own genesis does with the devnet's keys.
    let genesis = control_genesis(&devnet, &forger, "");
    let chain = forged_chain(&forger, &genesis, &[GENESIS_EPOCH, 16, 17]);
    let certificates = store(&[&genesis, &chain[0], &chain[1], &chain[2]]);
    for c in &chain {
        let verified = walk(&certificates, &key, &c.hash, &[])
            .unwrap_or_else(|e| panic!("{}: {e} ({})", c.hash, e.code()));
        assert_eq!(verified.anchor, Anchor::Genesis(genesis.hash.clone()));
        assert_eq!(verified.certificate.hash, c.hash);
    }
    let tip = walk(&certificates, &key, &chain[2].hash, &[]).unwrap();
    assert_eq!(tip.certificates_checked, 4);
    assert_eq!(
        tip.links.iter().map(|l| l.epoch).collect::<Vec<_>>(),
        [17, 16, 15, 15]
    );

    // Its genesis differs from the forged one only in what the genesis key signs (and in the
    // hashes that follow): the forged chain's AVK and parameters, the ones the reference's
    // same-epoch rules compare, are identical.
    let forged = parse(&forged_genesis(&devnet, &forger));
    let control = parse(&genesis);
    assert_eq!(
        forged.aggregate_verification_key,
        control.aggregate_verification_key
    );
    assert_eq!(forged.metadata.parameters, control.metadata.parameters);
    assert_ne!(forged.signed_message, control.signed_message);

    // The anchor rule's third condition: the same control genesis with a non-empty
    // previous_hash (unsigned, so its signature still verifies) is refused.
    let linked = control_genesis(&devnet, &forger, DEVNET_GENESIS);
    parse(&linked).check_genesis_signature(&key).unwrap();
    let chain = forged_chain(&forger, &linked, &[GENESIS_EPOCH]);
    let certificates = store(&[&linked, &chain[0]]);
    let err = expect_error(
        walk(&certificates, &key, &chain[0].hash, &[]),
        "genesis with a previous_hash",
    );
    assert_eq!(err.code(), "chain_genesis_anchor_mismatch", "{err}");
    assert!(err.to_string().contains("its previous_hash"), "{err}");
}

#[test]
fn a_cross_epoch_link_into_the_forged_genesis_fails_the_reference_avk_rule() {
    let devnet = Devnet::load();
    let key = devnet.genesis_key();
    let forger = Forger::new(FORGER_SEED);
    let genesis = forged_genesis(&devnet, &forger);
    let real_genesis = Served {
        hash: DEVNET_GENESIS.into(),
        body: devnet.dir.certificates[DEVNET_GENESIS].clone(),
    };
    // Across epochs the AVK must be the one the genesis signed as next: the devnet's.
    for target in [&genesis, &real_genesis] {
        let chain = forged_chain(&forger, target, &[GENESIS_EPOCH + 1]);
        assert_passes_own_checks(&chain[0]);
        let certificates = store(&[target, &chain[0]]);
        let err = expect_error(
            walk(&certificates, &key, &chain[0].hash, &[]),
            "cross-epoch link",
        );
        assert_eq!(err.code(), "chain_avk_mismatch", "{err}");
        assert_eq!(err.certificate(), Some(chain[0].hash.as_str()));
    }
}

#[test]
fn every_devnet_certificate_still_verifies() {
    let devnet = Devnet::load();
    let key = devnet.genesis_key();
    assert_eq!(devnet.dir.certificates.len(), 43);
    for hash in devnet.dir.certificates.keys() {
        let chain = walk(&devnet.dir.certificates, &key, hash, &[])
            .unwrap_or_else(|e| panic!("{hash}: {e} ({})", e.code()));
        assert_eq!(chain.anchor, Anchor::Genesis(DEVNET_GENESIS.into()));
    }
}
