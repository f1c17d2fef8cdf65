//! What a light wallet asks of a body, and the one check that answers it.
//!
//! Every host asks the same questions ("are these transactions certified?", "is this the
//! stake distribution of epoch 42?") and gets a body from the aggregator. Which check applies
//! to which body, how a transactions proof's version is chosen, and whether the artifact the
//! aggregator answered is the one asked for are decided here once, so the CLI, the npm package
//! and a C host cannot disagree on them.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::blocks::{verify_blocks_proof, CardanoBlock};
use super::certified_items::CertifiedItems;
use super::database::{
    parse_digests, verify_cardano_database, CertifiedCardanoDatabase, ImmutableFileDigest,
};
use super::envelope::read_envelope;
use super::error::ProofError;
use super::stake_distribution::{
    verify_cardano_stake_distribution, verify_mithril_stake_distribution,
    CertifiedCardanoStakeDistribution, CertifiedMithrilStakeDistribution,
};
use super::transactions::{
    verify_transactions_proof_v1, verify_transactions_proof_v2, CardanoTransaction,
};
use crate::chain::VerifiedCertificate;

/// A light-wallet question, with what it was asked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Are these transactions certified? (A transactions proof body.) `version` 1 or 2 forces
    /// the route's format; `None` reads it from the body (see [`Envelope`]).
    ///
    /// [`Envelope`]: super::Envelope
    Transactions {
        /// The transaction hashes asked about (none: every item the proof proves).
        hashes: Vec<String>,
        /// The proof's format, when the host knows which route it came from.
        version: Option<u8>,
    },
    /// Are these blocks certified? (A `/proof/v2/cardano-block` body.)
    Blocks {
        /// The block hashes asked about (none: every item the proof proves).
        hashes: Vec<String>,
    },
    /// Which signers does this Mithril stake distribution certify?
    MithrilStakeDistribution {
        /// The artifact hash asked for, if it was asked by hash.
        hash: Option<String>,
    },
    /// Which stakes does this Cardano stake distribution certify?
    CardanoStakeDistribution {
        /// The artifact hash asked for, if it was asked by hash.
        hash: Option<String>,
        /// The epoch asked for, if it was asked by epoch.
        epoch: Option<u64>,
    },
    /// Which database does this Cardano database artifact certify?
    CardanoDatabase {
        /// The artifact hash asked for, if it was asked by hash.
        hash: Option<String>,
        /// The immutable files' digests list body, to check against the signed root.
        digests: Option<Vec<u8>>,
    },
}

/// What a body established, per question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A v1 transactions proof (no block per transaction).
    TransactionsV1(CertifiedItems<String>),
    /// A v2 transactions proof.
    TransactionsV2(CertifiedItems<CardanoTransaction>),
    /// A blocks proof.
    Blocks(CertifiedItems<CardanoBlock>),
    /// A Mithril stake distribution.
    MithrilStakeDistribution(CertifiedMithrilStakeDistribution),
    /// A Cardano stake distribution.
    CardanoStakeDistribution(CertifiedCardanoStakeDistribution),
    /// A Cardano database.
    CardanoDatabase(CertifiedCardanoDatabase),
}

impl Question {
    /// The body's name in errors ("transactions proof", "cardano database", ...).
    pub fn what(&self) -> &'static str {
        match self {
            Question::Transactions { .. } => "transactions proof",
            Question::Blocks { .. } => "blocks proof",
            Question::MithrilStakeDistribution { .. } => "mithril stake distribution",
            Question::CardanoStakeDistribution { .. } => "cardano stake distribution",
            Question::CardanoDatabase { .. } => "cardano database",
        }
    }

    /// The certificate `body` names: the chain a host must verify before [`Question::check`].
    /// Refuses what the check would refuse before naming one, with the same codes.
    pub fn certificate_hash(&self, body: &[u8]) -> Result<String, ProofError> {
        read_envelope(self.what(), body).map(|e| e.certificate_hash)
    }

    /// Check `body` against `certificate` (the verified certificate it names), then check that
    /// it answers the question: an artifact asked for by hash or epoch must be that one
    /// (`artifact_not_requested` otherwise, after every certification check passed).
    pub fn check(
        &self,
        body: &[u8],
        certificate: &VerifiedCertificate,
    ) -> Result<Answer, ProofError> {
        match self {
            Question::Transactions { hashes, version } => {
                let version = match version {
                    Some(v) => *v,
                    None => read_envelope(self.what(), body)?.transactions_version(),
                };
                if version == 1 {
                    verify_transactions_proof_v1(body, certificate, hashes)
                        .map(Answer::TransactionsV1)
                } else {
                    verify_transactions_proof_v2(body, certificate, hashes)
                        .map(Answer::TransactionsV2)
                }
            }
            Question::Blocks { hashes } => {
                verify_blocks_proof(body, certificate, hashes).map(Answer::Blocks)
            }
            Question::MithrilStakeDistribution { hash } => {
                let d = verify_mithril_stake_distribution(body, certificate)?;
                check_requested(hash.as_deref(), &d.hash, None, d.epoch)?;
                Ok(Answer::MithrilStakeDistribution(d))
            }
            Question::CardanoStakeDistribution { hash, epoch } => {
                let d = verify_cardano_stake_distribution(body, certificate)?;
                check_requested(hash.as_deref(), &d.hash, *epoch, d.epoch)?;
                Ok(Answer::CardanoStakeDistribution(d))
            }
            Question::CardanoDatabase { hash, digests } => {
                let list: Option<Vec<ImmutableFileDigest>> =
                    digests.as_deref().map(parse_digests).transpose()?;
                let d = verify_cardano_database(body, certificate, list.as_deref())?;
                check_requested(hash.as_deref(), &d.hash, None, d.epoch)?;
                Ok(Answer::CardanoDatabase(d))
            }
        }
    }
}

/// The rule "the artifact answered is the one asked for", for hosts that run the checks one by
/// one (the wasm binding): `asked_hash` (hex, compared case-blind and trimmed, as requested
/// hashes are) against the artifact's `hash`, then `asked_epoch` against its epoch. `None`
/// asks nothing.
pub fn check_requested(
    asked_hash: Option<&str>,
    hash: &str,
    asked_epoch: Option<u64>,
    epoch: u64,
) -> Result<(), ProofError> {
    if let Some(asked) = asked_hash {
        if !asked.trim().eq_ignore_ascii_case(hash) {
            return Err(ProofError::NotRequested {
                what: "hash",
                requested: String::from(asked),
                answered: String::from(hash),
            });
        }
    }
    match asked_epoch {
        Some(asked) if asked != epoch => Err(ProofError::NotRequested {
            what: "epoch",
            requested: asked.to_string(),
            answered: epoch.to_string(),
        }),
        _ => Ok(()),
    }
}

impl Answer {
    /// The certificate that certifies the answer.
    pub fn certificate_hash(&self) -> &str {
        match self {
            Answer::TransactionsV1(i) => &i.certificate_hash,
            Answer::TransactionsV2(i) => &i.certificate_hash,
            Answer::Blocks(i) => &i.certificate_hash,
            Answer::MithrilStakeDistribution(d) => &d.certificate_hash,
            Answer::CardanoStakeDistribution(d) => &d.certificate_hash,
            Answer::CardanoDatabase(d) => &d.certificate_hash,
        }
    }
}
