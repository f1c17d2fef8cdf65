//! Stake-based threshold multi-signatures (STM), concatenation proofs, as `mithril-stm` 0.13
//! verifies them: lottery, distinct indices, quorum, Merkle batch path, BLS aggregate.

pub mod aggregate_signature;
pub mod avk;
pub mod error;
pub mod keys;
pub mod lottery;
pub mod merkle;
pub mod pairing;
pub mod params;
pub mod seed;
pub mod verify;

pub use aggregate_signature::{AggregateSignature, SignatureEntry};
pub use avk::AggregateVerificationKey;
pub use error::StmError;
pub use keys::{Signature, VerificationKey};
pub use pairing::PairingEquation;
pub use params::Parameters;
pub use seed::ScalarSeed;
pub use verify::verify_aggregate;
#[cfg(feature = "std")]
pub use verify::verify_aggregate_random;
