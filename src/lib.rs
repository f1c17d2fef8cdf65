//! # mithril-lite
//!
//! Verify, on the user's own device, that what a Mithril aggregator serves about Cardano is
//! certified by a stake-weighted quorum of stake pools.
//!
//! The crate is layered; each layer only uses the ones before it:
//!
//! 1. [`codec`]: hex, JSON-hex, canonical JSON re-encoding, CBOR envelopes, size limits;
//! 2. [`stm`]: stake-based threshold multi-signature verification (lottery, Merkle batch path,
//!    BLS12-381 aggregate check with random scalars);
//! 3. [`certificate`]: the aggregator's certificate JSON, its component hashes and the genesis
//!    Ed25519 signature;
//! 4. [`chain`]: the certificate-chain walk, a sans-IO state machine the host drives by fetching
//!    certificates;
//! 5. [`proofs`]: the light-wallet proofs (transactions, blocks, stake distributions, Cardano
//!    database) checked against the certificate that signs them.
//!
//! Errors follow the layers: [`codec::CodecError`] and [`StmError`] are declared with their
//! code, and [`Error`] (between `stm` and `certificate`) wraps them with their codes unchanged;
//! every enum's codes, numbers and messages come from one table beside it.
//!
//! The core is `no_std` + `alloc`, does no I/O and reads no clock. With the default `std`
//! feature it draws the aggregate check's random scalars from the OS; without it the host
//! passes a [`stm::ScalarSeed`].
//!
//! ```no_run
//! use mithril_lite::chain::{ChainWalk, WalkConfig};
//! use mithril_lite::certificate::GenesisVerificationKey;
//!
//! # fn fetch(_: &str) -> Result<Vec<u8>, String> { unimplemented!() }
//! let key = GenesisVerificationKey::decode("5b33322c...").unwrap();
//! // The simple host: fetch on demand, check inline. Hosts that fetch ahead and check on
//! // other threads drive `walk.step()` / `feed` / `complete` themselves.
//! let verified = ChainWalk::new("3e2956f8...", key, WalkConfig::default()).run(fetch);
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod certificate;
pub mod chain;
pub mod codec;
pub mod error;
mod error_table;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod proofs;
pub mod stm;
#[cfg(test)]
mod test_rng;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::Error;
pub use stm::StmError;
