//! Certificate-level differential of mithril-lite against mithril-common 0.8.3 (issue 11,
//! item 3): text-level mutations of genuine certificates ([`mutate`]), judged by both
//! verifiers at the tip of their genuine chain ([`verdict`]). The `differential` binary runs
//! seeded cases and the committed regressions; fuzz/fuzz_targets/differential_certificate.rs
//! drives the same verdicts from fuzzer bytes.

pub mod json;
pub mod mutate;
pub mod rng;
pub mod verdict;
