//! JavaScript binding (feature `wasm`): the core's chain walk, exported with wasm-bindgen.
//!
//! Thin on purpose: it converts JS values to core types and back. A successful walk hands out
//! its certificate as a [`VerifiedCertificateHandle`], against which the light-wallet proofs
//! are checked (`proofs.rs`). The async driver (fetching,
//! pipelining, progress, cancellation, trust stores) is the npm package's JavaScript
//! (`pkg/src/`), around the same sans-IO walk the CLI drives.

mod convert;
mod proofs;
mod walk;

pub use proofs::VerifiedCertificateHandle;
pub use walk::{decode_genesis_key, default_limits, version, Walk};
