//! JavaScript binding (feature `wasm`): the core's chain walk, exported with wasm-bindgen.
//!
//! Thin on purpose: it converts JS values to core types and back. A successful walk hands out
//! its certificate as a [`VerifiedCertificateHandle`], against which the light-wallet proofs
//! are checked (`proofs.rs`). The async driver (fetching,
//! pipelining, progress, cancellation, where trust bytes are stored) is the npm package's JavaScript
//! (`pkg/src/`), around the same sans-IO walk the CLI drives.

mod convert;
mod fault;
mod key_cache;
mod list;
mod networks;
mod proofs;
mod split;
mod trust;
mod walk;

pub use convert::error_codes;
pub use key_cache::KeyCacheHandle;
pub use list::newest_listed_hash;
pub use networks::{network, networks};
pub use proofs::{read_proof_envelope, VerifiedCertificateHandle};
pub use trust::{merge_checkpoints, read_checkpoints};
pub use walk::{decode_genesis_key, default_limits, run_check_job, version, Walk};

/// The module's heap allocator: talc instead of std's dlmalloc, for size (7 KB less of the
/// module, 2.6 KB gzipped) without giving up speed. Not with wasm threads (`atomics`), where
/// this single-threaded allocator would be unsound; the package builds no threaded module.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
