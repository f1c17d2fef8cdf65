//! One certificate's point decoding split across workers (`split_points`), the parts' outcomes
//! handed back through a fuzzed executor, and joined (`join_points`).
//!
//! Input: `[job][parts][per part: op, argument...]` over the genuine jobs of the reference
//! chains (valid ones, failing ones, one with a point that does not decode). The executor may
//! hand back a part's genuine outcome, another part's (misrouted), or its bytes with a bit
//! flipped, truncated or replaced. Properties: never a panic; the parts cover the job's
//! entries and round-trip as bytes; with every part's outcome genuine and in place, the joined
//! verdict is the unsplit job's; and unless the executor forged an outcome (bytes that read
//! back but that no part produced), a job that fails never passes once joined.
#![no_main]

use std::sync::OnceLock;

use fuzz_common::{fixed_seed, genuine_jobs, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite::certificate::{decode_check_outcome, JoinedPoints, MultiSignatureCheck};

fn verdicts() -> &'static [Result<(), &'static str>] {
    static V: OnceLock<Vec<Result<(), &'static str>>> = OnceLock::new();
    V.get_or_init(|| {
        genuine_jobs()
            .iter()
            .map(|j| j.run(&fixed_seed(4)).into_result().map_err(|e| e.code()))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let jobs = genuine_jobs();
    let pick = input.u8() as usize % jobs.len();
    let (job, expected) = (&jobs[pick], verdicts()[pick]);
    let wanted = 1 + input.u8() as usize % 8;
    let parts = job.split_points(wanted);
    assert!(!parts.is_empty() && parts.len() <= wanted);
    assert_eq!(
        parts
            .iter()
            .map(MultiSignatureCheck::entry_count)
            .sum::<usize>(),
        job.entry_count()
    );
    let genuine: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| {
            let bytes = p.to_bytes();
            assert_eq!(&MultiSignatureCheck::from_bytes(&bytes).unwrap(), p);
            p.run(&fixed_seed(5)).to_bytes()
        })
        .collect();

    let (mut in_place, mut forged) = (true, false);
    let mut delivered = Vec::with_capacity(genuine.len());
    for (i, own) in genuine.iter().enumerate() {
        let bytes = match input.u8() % 8 {
            4 => genuine[input.u8() as usize % genuine.len()].clone(),
            5 => {
                let mut b = own.clone();
                let bit = input.u16() as usize;
                if !b.is_empty() {
                    let at = (bit / 8) % b.len();
                    b[at] ^= 1 << (bit % 8);
                }
                b
            }
            6 => own[..input.u16() as usize % (own.len() + 1)].to_vec(),
            7 => input.blob().to_vec(),
            _ => own.clone(),
        };
        if bytes != genuine[i] {
            in_place = false;
            let reads_back = decode_check_outcome(&bytes).to_bytes() == bytes;
            if reads_back && !genuine.contains(&bytes) {
                forged = true;
            }
        }
        delivered.push(decode_check_outcome(&bytes));
    }
    let got = match job.clone().join_points(delivered) {
        JoinedPoints::Ready(joined) => joined.run(&fixed_seed(6)).into_result(),
        JoinedPoints::Failed(outcome) => outcome.into_result(),
    };
    let got = got.map_err(|e| e.code());
    if in_place {
        assert_eq!(got, expected, "joined genuine parts, another verdict");
    }
    if !forged && expected.is_err() {
        assert!(
            got.is_err(),
            "a failing job passed once joined ({expected:?})"
        );
    }
});
