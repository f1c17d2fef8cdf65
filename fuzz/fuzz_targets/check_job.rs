//! A check job's bytes (what a host ships to a worker) read back and run.
//!
//! Input: the bytes (seeds: every job of the reference chains, and their split parts).
//! Properties: never a panic; a job that reads back writes back to exactly the same bytes;
//! its outcome's bytes read back to the same outcome; `run_check_job` (fresh OS randomness)
//! reaches the verdict `run` reaches with a fixed seed; bytes that are no job give
//! `internal_error`, never a pass.
#![no_main]

use fuzz_common::fixed_seed;
use libfuzzer_sys::fuzz_target;
use mithril_lite::certificate::{decode_check_outcome, run_check_job, MultiSignatureCheck};

fuzz_target!(|data: &[u8]| {
    let worker = decode_check_outcome(&run_check_job(data)).into_result();
    let job = match MultiSignatureCheck::from_bytes(data) {
        Ok(job) => job,
        Err(e) => {
            assert_eq!(e.code(), "internal_error");
            assert_eq!(worker.map_err(|e| e.code()), Err("internal_error"));
            return;
        }
    };
    assert_eq!(
        job.to_bytes(),
        data,
        "a job does not write back to its bytes"
    );
    let outcome = job.run(&fixed_seed(3));
    let bytes = outcome.to_bytes();
    assert_eq!(
        decode_check_outcome(&bytes).to_bytes(),
        bytes,
        "outcome round trip"
    );
    let here = outcome.into_result();
    assert_eq!(
        here.as_ref().map_err(|e| e.code()),
        worker.as_ref().map_err(|e| e.code()),
        "run and run_check_job disagree"
    );
});
