//! A walk whose check jobs go to a fuzzed executor: jobs travel as bytes and come back in any
//! order, at any moment between fetches, split across workers or not, duplicated, completed
//! under indices the walk never handed out, or corrupted.
//!
//! Input: `[chain][config][trust][ops...]` over the two-per-epoch reference chain and its
//! negatives; `trust` optionally stops the walk at a trusted certificate; `config` sets the
//! pairing batch. Properties: never a panic, and the walk ends (it never waits for a job
//! nobody holds); an executor that only reorders, splits, duplicates or sends stray
//! completions gets the inline walk's verdict exactly; one that also corrupts outcomes (bytes
//! that do not read back) never gets a chain accepted that the inline walk rejects. An
//! executor that forges outcomes (bytes that read back but that the job did not produce) is
//! trusted by design: such runs are only held to "no panic, an end".
#![no_main]

use std::collections::HashMap;
use std::sync::Mutex;

use fuzz_common::{chains, fixed_seed, verdict, Cursor};
use libfuzzer_sys::fuzz_target;
use mithril_lite::certificate::{decode_check_outcome, JoinedPoints, MultiSignatureCheck};
use mithril_lite::chain::walk::PendingCheck;
use mithril_lite::chain::{ChainWalk, Step, VerifiedChain, WalkConfig};
use mithril_lite::Error;

type Verdict = Result<VerifiedChain, Error>;

/// Inline verdicts by (chain, pairing batch, trusted position).
type Inline = HashMap<(usize, usize, usize), Verdict>;

static INLINE: Mutex<Option<Inline>> = Mutex::new(None);

const BATCHES: [usize; 5] = [0, 1, 2, 4, 32];

/// What a correct worker returns for a job: run whole, or its point decoding split in
/// `parts` parts run one by one, then joined and run.
fn run(job: &[u8], parts: usize) -> Vec<u8> {
    let check = MultiSignatureCheck::from_bytes(job).expect("the walk's own job reads back");
    if parts < 2 {
        return check.run(&fixed_seed(7)).to_bytes();
    }
    let outcomes = check
        .split_points(parts)
        .iter()
        .map(|p| decode_check_outcome(&p.run(&fixed_seed(8)).to_bytes()))
        .collect();
    match check.join_points(outcomes) {
        JoinedPoints::Ready(joined) => joined.run(&fixed_seed(7)).to_bytes(),
        JoinedPoints::Failed(outcome) => outcome.to_bytes(),
    }
}

#[derive(Default)]
struct Executor {
    held: Vec<(usize, Vec<u8>)>,
    altered: bool,
    forged: bool,
}

impl Executor {
    fn deliver_one(&mut self, walk: &mut ChainWalk, input: &mut Cursor<'_>) {
        let (index, job) = self.held.remove(input.u8() as usize % self.held.len());
        let mode = input.u8();
        let genuine = run(
            &job,
            if mode & 0x10 != 0 {
                2 + (mode >> 5) as usize
            } else {
                0
            },
        );
        let outcome = match mode & 7 {
            3 => {
                let mut b = genuine.clone();
                let bit = input.u16() as usize;
                let at = (bit / 8) % b.len();
                b[at] ^= 1 << (bit % 8);
                b
            }
            4 => genuine[..input.u16() as usize % genuine.len()].to_vec(),
            5 => input.blob().to_vec(),
            6 => {
                // A stray completion under an index the walk never handed out: ignored.
                let stray = input.blob();
                walk.complete(1000 + input.u8() as usize, decode_check_outcome(stray));
                genuine.clone()
            }
            _ => genuine.clone(),
        };
        if outcome != genuine {
            self.altered = true;
            if decode_check_outcome(&outcome).to_bytes() == outcome {
                self.forged = true;
            }
        }
        walk.complete(index, decode_check_outcome(&outcome));
        if mode & 7 == 7 {
            // A second completion of the same job, with anything: ignored.
            walk.complete(index, decode_check_outcome(input.blob()));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Cursor::new(data);
    let all = chains();
    let c = input.u8() as usize % all.len();
    let chain = &all[c].1;
    let b = input.u8() as usize % BATCHES.len();
    let config = WalkConfig {
        pairing_batch: BATCHES[b],
        ..WalkConfig::default()
    };
    let t = input.u8() as usize % (chain.order.len() + 1);
    let trusted: Vec<String> = chain
        .order
        .get(t)
        .filter(|_| t > 0)
        .cloned()
        .into_iter()
        .collect();
    let start = &chain.order[0];

    let mut walk = ChainWalk::new(start, chain.key(), config.clone())
        .with_trusted(trusted.iter().cloned())
        .with_batch_seed(fixed_seed(9));
    let mut executor = Executor::default();
    let mut steps = 0;
    let got = loop {
        steps += 1;
        assert!(steps < 10_000, "the walk does not end");
        match walk.step() {
            Step::Fetch(h) => {
                match chain.certificates.get(&h) {
                    Some(body) => {
                        if let Some(PendingCheck { index, check }) =
                            walk.feed(&h, body.as_bytes()).check
                        {
                            executor.held.push((index, check.to_bytes()));
                        }
                    }
                    None => walk.fetch_failed(&h, "not in the fixture"),
                }
                while !executor.held.is_empty() && input.u8() & 1 == 1 {
                    executor.deliver_one(&mut walk, &mut input);
                }
            }
            Step::AwaitVerification => {
                assert!(
                    !executor.held.is_empty(),
                    "the walk waits for a job nobody holds"
                );
                executor.deliver_one(&mut walk, &mut input);
            }
            Step::Done(result) => break result,
        }
    };

    let mut inline = INLINE.lock().unwrap();
    let inline = inline
        .get_or_insert_with(HashMap::new)
        .entry((c, b, t))
        .or_insert_with(|| chain.walk(start, &trusted, config, None));
    if !executor.altered {
        assert_eq!(
            verdict(&got),
            verdict(inline),
            "reordering changed the verdict"
        );
    } else if !executor.forged && got.is_ok() {
        assert_eq!(
            verdict(&got),
            verdict(inline),
            "corrupted outcomes made a chain pass"
        );
    }
});
