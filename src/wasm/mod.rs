//! JavaScript binding (feature `wasm`): the core's chain walk, exported with wasm-bindgen.
//!
//! Thin on purpose: it converts JS values to core types and back. The async driver (fetching,
//! pipelining, progress, cancellation, trust stores) is the npm package's JavaScript
//! (`pkg/src/`), around the same sans-IO walk the CLI drives.

mod convert;
mod walk;

pub use walk::{decode_genesis_key, default_limits, version, Walk};
