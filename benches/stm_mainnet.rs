//! STM verification at mainnet parameters (k = 2422, m = 20973, phi_f = 0.2, 200 parties):
//! mithril-lite against mithril-stm 0.13.0, both starting from the same json-hex strings of the
//! `mainnet-params-200-parties` reference fixture.
//!
//! Two criterion groups, `stm_mainnet/decode_and_verify` and `stm_mainnet/verify_only`, each with
//! one benchmark per implementation. After them (under `cargo bench` only), a side-by-side
//! measurement runs both implementations alternately in the same process, `STM_BENCH_ROUNDS`
//! rounds (default 15), and prints the medians and their ratio.
//!
//! What is timed:
//! - mithril-lite: `AggregateVerificationKey::decode` and `AggregateSignature::decode` (hex, then
//!   JSON, with the subgroup checks of every point), and `verify_aggregate` with a fresh random
//!   scalar seed;
//! - mithril-stm: hex decoding (a plain decoder standing in for the `hex` crate that
//!   mithril-common's json-hex codec uses) and `serde_json::from_slice` into its
//!   `AggregateVerificationKeyForConcatenation` and `AggregateSignature`, and
//!   `AggregateSignature::verify`, which for a concatenation proof is `ConcatenationProof::verify`.
//!
//! The message, parameters and the fixture file reading are outside the timed region.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use mithril_lite::stm::{
    verify_aggregate, AggregateSignature, AggregateVerificationKey, Parameters, ScalarSeed,
};
use mithril_stm::MithrilMembershipDigest;

type RefAggregate = mithril_stm::AggregateSignature<MithrilMembershipDigest>;
type RefAvkForConcatenation =
    mithril_stm::AggregateVerificationKeyForConcatenation<MithrilMembershipDigest>;
type RefAvk = mithril_stm::AggregateVerificationKey<MithrilMembershipDigest>;

const FIXTURE: &str = "mainnet-params-200-parties";

/// The fixture's inputs, as a certificate carries them.
struct Inputs {
    m: u64,
    k: u64,
    phi_f: f64,
    msg: Vec<u8>,
    avk_json_hex: String,
    aggregate_json_hex: String,
}

fn load() -> Inputs {
    let path = format!(
        "{}/tests/fixtures/reference-stm/{FIXTURE}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("fixture JSON");
    let text = |key: &str| {
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("fixture has no {key}"))
            .to_string()
    };
    let params = &v["params"];
    Inputs {
        m: params["m"].as_u64().expect("m"),
        k: params["k"].as_u64().expect("k"),
        phi_f: params["phi_f"].as_f64().expect("phi_f"),
        msg: hex_decode(&text("message_hex")),
        avk_json_hex: text("avk_json_hex"),
        aggregate_json_hex: text("aggregate_signature_json_hex"),
    }
}

impl Inputs {
    fn lite_params(&self) -> Parameters {
        Parameters {
            m: self.m,
            k: self.k,
            phi_f: self.phi_f,
        }
    }

    fn reference_params(&self) -> mithril_stm::Parameters {
        mithril_stm::Parameters {
            m: self.m,
            k: self.k,
            phi_f: self.phi_f,
        }
    }
}

/// Lower- or upper-case hex to bytes (panics on anything else: the inputs are the fixture's).
fn hex_decode(text: &str) -> Vec<u8> {
    fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not a hex digit: {c:#04x}"),
        }
    }
    assert!(text.len() % 2 == 0, "odd-length hex");
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| nibble(pair[0]) << 4 | nibble(pair[1]))
        .collect()
}

// ---- mithril-lite -------------------------------------------------------------------------------

fn lite_decode(inputs: &Inputs) -> (AggregateVerificationKey, AggregateSignature) {
    let (avk, _) = AggregateVerificationKey::decode(&inputs.avk_json_hex).expect("lite: AVK");
    let (signature, _) =
        AggregateSignature::decode(&inputs.aggregate_json_hex).expect("lite: aggregate");
    (avk, signature)
}

fn lite_verify(
    inputs: &Inputs,
    params: &Parameters,
    avk: &AggregateVerificationKey,
    signature: &AggregateSignature,
) {
    let seed = ScalarSeed::random().expect("OS randomness");
    verify_aggregate(&inputs.msg, avk, params, signature, &seed).expect("lite: verifies");
}

fn lite_decode_and_verify(inputs: &Inputs, params: &Parameters) {
    let (avk, signature) = lite_decode(inputs);
    lite_verify(inputs, params, &avk, &signature);
}

// ---- mithril-stm --------------------------------------------------------------------------------

fn reference_decode(inputs: &Inputs) -> (RefAvk, RefAggregate) {
    let avk_json = hex_decode(&inputs.avk_json_hex);
    let avk: RefAvkForConcatenation = serde_json::from_slice(&avk_json).expect("reference: AVK");
    let aggregate_json = hex_decode(&inputs.aggregate_json_hex);
    let signature: RefAggregate =
        serde_json::from_slice(&aggregate_json).expect("reference: aggregate");
    (RefAvk::new(avk), signature)
}

fn reference_verify(
    inputs: &Inputs,
    params: &mithril_stm::Parameters,
    avk: &RefAvk,
    signature: &RefAggregate,
) {
    signature
        .verify(&inputs.msg, avk, params, None, None)
        .expect("reference: verifies");
}

fn reference_decode_and_verify(inputs: &Inputs, params: &mithril_stm::Parameters) {
    let (avk, signature) = reference_decode(inputs);
    reference_verify(inputs, params, &avk, &signature);
}

// ---- Criterion groups ---------------------------------------------------------------------------

fn criterion_groups(c: &mut Criterion, inputs: &Inputs) {
    let lite_params = inputs.lite_params();
    let reference_params = inputs.reference_params();

    let mut group = c.benchmark_group("stm_mainnet/decode_and_verify");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("mithril-lite", |b| {
        b.iter(|| lite_decode_and_verify(black_box(inputs), &lite_params))
    });
    group.bench_function("mithril-stm", |b| {
        b.iter(|| reference_decode_and_verify(black_box(inputs), &reference_params))
    });
    group.finish();

    let (lite_avk, lite_signature) = lite_decode(inputs);
    let (reference_avk, reference_signature) = reference_decode(inputs);
    let mut group = c.benchmark_group("stm_mainnet/verify_only");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("mithril-lite", |b| {
        b.iter(|| lite_verify(black_box(inputs), &lite_params, &lite_avk, &lite_signature))
    });
    group.bench_function("mithril-stm", |b| {
        b.iter(|| {
            reference_verify(
                black_box(inputs),
                &reference_params,
                &reference_avk,
                &reference_signature,
            )
        })
    });
    group.finish();
}

// ---- Side-by-side measurement -------------------------------------------------------------------

fn time_once(f: &mut dyn FnMut()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2
    }
}

/// Run `lite` and `reference` alternately (the order flips every round, so neither always runs
/// on a warm or a cold cache), after one untimed warm-up each; return the two medians.
fn interleaved_medians(
    rounds: usize,
    lite: &mut dyn FnMut(),
    reference: &mut dyn FnMut(),
) -> (Duration, Duration) {
    lite();
    reference();
    let mut lite_times = Vec::with_capacity(rounds);
    let mut reference_times = Vec::with_capacity(rounds);
    for round in 0..rounds {
        if round % 2 == 0 {
            lite_times.push(time_once(lite));
            reference_times.push(time_once(reference));
        } else {
            reference_times.push(time_once(reference));
            lite_times.push(time_once(lite));
        }
    }
    (median(lite_times), median(reference_times))
}

fn print_comparison(what: &str, rounds: usize, lite: Duration, reference: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "mainnet-params STM {what}: mithril-lite {:.2} ms, mithril-stm {:.2} ms, \
         ratio Y/X = {:.1}x (medians of {rounds} interleaved rounds)",
        ms(lite),
        ms(reference),
        reference.as_secs_f64() / lite.as_secs_f64()
    );
}

fn side_by_side(inputs: &Inputs, rounds: usize) {
    let lite_params = inputs.lite_params();
    let reference_params = inputs.reference_params();

    let (lite, reference) = interleaved_medians(
        rounds,
        &mut || lite_decode_and_verify(black_box(inputs), &lite_params),
        &mut || reference_decode_and_verify(black_box(inputs), &reference_params),
    );
    print_comparison("decode + verify", rounds, lite, reference);

    let (lite_avk, lite_signature) = lite_decode(inputs);
    let (reference_avk, reference_signature) = reference_decode(inputs);
    let (lite, reference) = interleaved_medians(
        rounds,
        &mut || lite_verify(black_box(inputs), &lite_params, &lite_avk, &lite_signature),
        &mut || {
            reference_verify(
                black_box(inputs),
                &reference_params,
                &reference_avk,
                &reference_signature,
            )
        },
    );
    print_comparison("verify only", rounds, lite, reference);
}

fn main() {
    let inputs = load();
    // Both implementations accept the fixture before anything is timed.
    lite_decode_and_verify(&inputs, &inputs.lite_params());
    reference_decode_and_verify(&inputs, &inputs.reference_params());

    let mut criterion = Criterion::default().configure_from_args();
    criterion_groups(&mut criterion, &inputs);
    criterion.final_summary();

    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and then criterion only
    // runs each benchmark once as a smoke test, so the side-by-side measurement is skipped too.
    if std::env::args().any(|a| a == "--bench") {
        let rounds = std::env::var("STM_BENCH_ROUNDS")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or(15);
        side_by_side(&inputs, rounds);
    }
}
