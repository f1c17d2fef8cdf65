//! What a light wallet asks about, checked against a verified certificate: transactions,
//! blocks and stake distributions (the light-wallet flow the README describes).
//!
//! Every check takes the aggregator's JSON body and a [`VerifiedCertificate`] (the result of a
//! verified chain walk from the certificate the body names) and either says what is certified
//! or returns a [`ProofError`] with a stable code:
//!
//! | body | function |
//! | --- | --- |
//! | `/proof/cardano-transaction` (v1) | [`verify_transactions_proof_v1`] |
//! | `/proof/v2/cardano-transaction` | [`verify_transactions_proof_v2`] |
//! | `/proof/v2/cardano-block` | [`verify_blocks_proof`] |
//! | `/artifact/mithril-stake-distribution/{hash}` | [`verify_mithril_stake_distribution`] |
//! | `/artifact/cardano-stake-distribution/{hash}` | [`verify_cardano_stake_distribution`] |
//! | `/artifact/cardano-database/{hash}` (+ digests) | [`verify_cardano_database`] |
//!
//! [`Question`] names what a wallet asks and picks the check (and the transactions proof's
//! version) for every host; [`Question::run`] answers it end to end, walking the chain of the
//! certificate the body names first (the blocking drive, as `ChainWalk::run` for chains).
//!
//! The building blocks are public too: the Merkle mountain range ([`mmr`]: roots and
//! `MKProof` verification), the Merkle map proof ([`MkMapProof`], with its v1 JSON-hex and v2
//! bincode decoders), the proof-of-possession check ([`SignerKey`]) and the message binding
//! ([`check_signed_parts`]).
//!
//! [`VerifiedCertificate`]: crate::chain::VerifiedCertificate

pub mod bincode;
pub mod binding;
pub mod blocks;
pub mod certified_items;
pub mod database;
pub mod envelope;
pub mod error;
pub mod json;
pub mod map_proof;
pub mod mmr;
pub mod question;
pub mod run;
pub mod signer_key;
pub mod stake_distribution;
pub mod transactions;

pub use binding::{check_certificate_hash, check_signed_parts, MAX_BODY_BYTES};
pub use blocks::{verify_blocks_proof, CardanoBlock};
pub use certified_items::CertifiedItems;
pub use database::{
    cardano_database_root, parse_digests, verify_cardano_database, verify_database_digests,
    CertifiedCardanoDatabase, DigestsCheck, ImmutableFileDigest,
};
pub use envelope::{read_envelope, Envelope};
pub use error::ProofError;
pub use map_proof::{BlockRange, MkMapProof, MAX_MAP_PROOF_DEPTH};
pub use mmr::{mmr_root, MkProof, MmrBuilder};
pub use question::{check_requested, Answer, Question};
pub use run::{QuestionError, QuestionOutcome};
pub use signer_key::{SignerKey, SignerKeyFault};
pub use stake_distribution::{
    aggregate_verification_key, cardano_stake_distribution_root, verify_cardano_stake_distribution,
    verify_mithril_stake_distribution, CertifiedCardanoStakeDistribution,
    CertifiedMithrilStakeDistribution, RegisteredSigner,
};
pub use transactions::{
    transaction_leaf_v1, verify_transactions_proof_v1, verify_transactions_proof_v2,
    CardanoTransaction,
};
