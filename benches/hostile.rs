//! Hostile input costs little: the refusal time of each crafted aggregate of
//! `tests/common/hostile.rs` (built from the mainnet-parameter STM vector: m = 20,973,
//! k = 2,422, 88 signatures) next to the verification time of the honest aggregate it was made
//! from, and their ratio. Target: every crafted case refused within 2x the honest time.
//!
//! Timed, for every row alike: decoding the aggregate's json-hex text (in memory) and
//! `verify_aggregate` with a fresh random seed, to the verdict. Each row is checked before it is
//! timed (the honest one verifies, each crafted one is refused with its documented code).
//! Rounds are interleaved (honest and every case in each round, the order reversed every
//! round) after untimed warm-up runs; medians and ranges are printed.
//!
//! Run: `cargo bench --bench hostile` (or `scripts/bench.sh hostile`). Environment:
//! `BENCH_ROUNDS` (default 15), `BENCH_WARMUP` (default 2).

#[path = "../tests/common/hostile.rs"]
mod hostile_cases;

use std::time::{Duration, Instant};

use hostile_cases::{cases, honest, slow_cases, Honest};
use mithril_lite::stm::lottery::LotteryThreshold;
use mithril_lite::stm::{
    verify_aggregate, AggregateSignature, AggregateVerificationKey, Parameters, ScalarSeed,
};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().unwrap_or_else(|_| panic!("{name}: not a number")))
        .unwrap_or(default)
}

/// Decode and verify; the error code, or `None` when the aggregate verifies.
fn run(
    h: &Honest,
    avk: &AggregateVerificationKey,
    params: &Parameters,
    sig_hex: &str,
) -> Option<&'static str> {
    let seed = ScalarSeed::random().expect("OS randomness");
    let sig = match AggregateSignature::decode(sig_hex) {
        Ok((sig, _)) => sig,
        Err(e) => return Some(e.code()),
    };
    verify_aggregate(&h.msg, avk, params, &sig, &seed)
        .err()
        .map(|e| e.code())
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    let rounds = env_usize("BENCH_ROUNDS", 15).max(1);
    let warmup = env_usize("BENCH_WARMUP", 2);
    let h = honest();
    let mut crafted = cases(&h);
    crafted.extend(slow_cases(&h));

    // Checked before timed.
    assert_eq!(
        run(&h, &h.avk, &h.params, &h.sig_hex),
        None,
        "the honest aggregate verifies"
    );
    for case in &crafted {
        assert_eq!(
            run(&h, &case.avk, &case.params, &case.sig_hex),
            Some(case.code),
            "{}",
            case.name
        );
    }

    // Row 0 is the honest aggregate.
    type Row<'a> = (&'a AggregateVerificationKey, &'a Parameters, &'a str);
    let rows: Vec<Row> = std::iter::once((&h.avk, &h.params, h.sig_hex.as_str()))
        .chain(
            crafted
                .iter()
                .map(|c| (&c.avk, &c.params, c.sig_hex.as_str())),
        )
        .collect();
    for _ in 0..warmup {
        for &(avk, params, sig) in &rows {
            std::hint::black_box(run(&h, avk, params, sig));
        }
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); rows.len()];
    for round in 0..rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..rows.len()).collect()
        } else {
            (0..rows.len()).rev().collect()
        };
        for i in order {
            let (avk, params, sig) = rows[i];
            let start = Instant::now();
            std::hint::black_box(run(&h, avk, params, sig));
            times[i].push(start.elapsed());
        }
    }

    let range = |t: &[Duration]| {
        let (lo, hi) = (t.iter().min().unwrap(), t.iter().max().unwrap());
        format!("{:.2}-{:.2}", ms(*lo), ms(*hi))
    };
    let honest_range = range(&times[0]);
    let honest_median = median(&mut times[0]);
    println!(
        "hostile input (benches/hostile.rs): {rounds} rounds, {warmup} warm-up, load average {}",
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "unknown".into())
    );
    println!(
        "  honest mainnet-params aggregate ({} signatures, {} indices): verified in {:.2} ms (median; range {honest_range})",
        h.sig.signatures.len(),
        h.sig.index_count(),
        ms(honest_median)
    );
    let mut met = 0;
    for (i, case) in crafted.iter().enumerate() {
        let t = &mut times[i + 1];
        let r = range(t);
        let m = median(t);
        let ratio = m.as_secs_f64() / honest_median.as_secs_f64();
        let ok = ratio <= 2.0;
        met += usize::from(ok);
        println!(
            "  {:<48} {:<28} {:>8.2} ms (range {r}) | honest {:.2} ms | ratio {ratio:.2}x | target <= 2x: {}",
            case.name,
            case.code,
            ms(m),
            ms(honest_median),
            if ok { "met" } else { "NOT met" }
        );
    }
    println!(
        "  {met} of {} crafted cases within 2x the honest time",
        crafted.len()
    );
    exact_costs();
}

/// The reference's exact procedure per index (what the lottery's documentation quotes), by `x`,
/// next to the lottery's own decision (`wins`: the floating-point screen where it applies).
fn exact_costs() {
    println!("  exact lottery procedure per index (median of 5 evaluations) against `wins`:");
    // (stake, total, phi_f): x = 3, 36, 80, 446, 1272.
    let near_one = 1.0 - f64::EPSILON;
    for (stake, total, phi_f) in [
        (1u64, 1u64, 0.95),
        (1, 1, near_one),
        (3_585, 10, 0.2),
        (2_000, 1, 0.2),
        (5_700, 1, 0.2),
    ] {
        let t = LotteryThreshold::new(stake, total, phi_f).expect("parameters");
        let x = stake as f64 / total as f64 * -(1.0 - phi_f).ln();
        let evs: Vec<[u8; 64]> = (0..5u8).map(|i| [i.wrapping_mul(37) ^ 0x5a; 64]).collect();
        let time = |f: &dyn Fn(&[u8; 64]) -> bool| {
            let mut times: Vec<Duration> = evs
                .iter()
                .map(|ev| {
                    let start = Instant::now();
                    std::hint::black_box(f(ev));
                    start.elapsed()
                })
                .collect();
            median(&mut times)
        };
        let exact = time(&|ev| t.wins_exact(ev));
        let wins = time(&|ev| t.wins(ev));
        println!(
            "    x = {x:>7.1}: exact {:>9.3} ms, wins {:>9.4} ms",
            ms(exact),
            ms(wins)
        );
    }
}
