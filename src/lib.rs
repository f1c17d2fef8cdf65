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
//!    certificates.
//!
//! The core is `no_std` + `alloc`, does no I/O and reads no clock. With the default `std`
//! feature it draws the aggregate check's random scalars from the OS; without it the host
//! passes a [`stm::ScalarSeed`].
//!
//! ```no_run
//! use mithril_lite::chain::{ChainWalk, Step, WalkConfig};
//! use mithril_lite::certificate::GenesisVerificationKey;
//!
//! # fn fetch(_: &str) -> Vec<u8> { unimplemented!() }
//! let key = GenesisVerificationKey::decode("5b33322c...").unwrap();
//! let mut walk = ChainWalk::new("3e2956f8...", key, WalkConfig::default());
//! let verified = loop {
//!     match walk.step() {
//!         Step::Fetch(hash) => {
//!             let body = fetch(&hash);
//!             walk.feed_and_verify(&hash, &body);
//!         }
//!         Step::AwaitVerification => unreachable!("inline verification leaves no job pending"),
//!         Step::Done(result) => break result,
//!     }
//! };
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod certificate;
pub mod chain;
pub mod codec;
pub mod error;
#[cfg(feature = "ffi")]
pub mod ffi;
pub mod proofs;
pub mod stm;
#[cfg(test)]
mod test_rng;
#[cfg(feature = "wasm")]
pub mod wasm;

pub use error::{Error, StmError};
