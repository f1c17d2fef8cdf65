#!/usr/bin/env bash
# Build and run the cargo-fuzz targets in fuzz/ (nightly), one after the other, and print per
# target the executions, the coverage reached and whether it crashed.
#
# Usage: scripts/fuzz.sh [TARGET...] [--seconds N]
#   TARGET       targets to run (default: every target in fuzz/fuzz_targets/)
#   --seconds N  run time per target (default 30; the long run is 600, see fuzz/README.md)
#
# Corpora live in fuzz/corpus/TARGET (gitignored); each run first (re)writes the seeds there,
# genuine inputs from the fixtures (fuzz-seed, fuzz/common/src/bin/fuzz-seed.rs). A crash,
# panic, failed property or timeout (an input taking over FUZZ_TIMEOUT seconds, default 10)
# stops that target; its input is in fuzz/artifacts/TARGET/ (reproduce:
# cargo +nightly fuzz run TARGET ARTIFACT).
#
# Environment:
#   FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 10)
#   CI            when set, cargo runs with --locked (a stale fuzz/Cargo.lock fails)
#
# Needs: a nightly toolchain and cargo-fuzz (scripts/setup.sh --fuzz).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

die() {
    printf 'fuzz.sh: error: %s\n' "$*" >&2
    exit 2
}

seconds=30
targets=()
while [ "$#" -gt 0 ]; do
    case "$1" in
    --seconds)
        [ "$#" -ge 2 ] || die "--seconds needs a number"
        seconds="$2"
        shift 2
        ;;
    --seconds=*)
        seconds="${1#--seconds=}"
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option: $1" ;;
    *)
        targets+=("$1")
        shift
        ;;
    esac
done
case "$seconds" in '' | *[!0-9]*) die "--seconds wants a whole number, got: $seconds" ;; esac

all=()
for f in "$FUZZ"/fuzz_targets/*.rs; do
    all+=("$(basename "$f" .rs)")
done
if [ "${#targets[@]}" -eq 0 ]; then
    targets=("${all[@]}")
fi
for t in "${targets[@]}"; do
    [ -f "$FUZZ/fuzz_targets/$t.rs" ] || die "unknown target: $t (targets: ${all[*]})"
done

command -v cargo-fuzz >/dev/null 2>&1 || die "cargo-fuzz not found; run scripts/setup.sh --fuzz"
cargo +nightly --version >/dev/null 2>&1 || die "no nightly toolchain (rustup toolchain list)"

locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

cd "$FUZZ"
echo "==> fuzz: building ${#targets[@]} target(s) and the seed generator"
# `cargo fuzz build` takes one target or all: build all when more than one is asked for.
if [ "${#targets[@]}" -eq 1 ]; then
    cargo +nightly fuzz build "${targets[0]}"
else
    cargo +nightly fuzz build
fi
cargo build "${locked[@]}" --release -q -p fuzz-common --bin fuzz-seed
seed_bin="$FUZZ/target/release/fuzz-seed"

results=()
notes=()
failed=0
for t in "${targets[@]}"; do
    corpus="$FUZZ/corpus/$t"
    # The seeds (seed-NNNN) are rewritten every run: a corpus grown earlier keeps up with
    # the fixtures and the generator.
    "$seed_bin" "$FUZZ/corpus" "$t" | sed 's/^/    seeds: /'
    log="$(mktemp)"
    echo "==> fuzz: $t for ${seconds}s"
    set +e
    cargo +nightly fuzz run "$t" "$corpus" -- \
        -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
        >"$log" 2>&1
    rc=$?
    set -e
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1)"
    if [ "$rc" -eq 0 ]; then
        status="ok, 0 crashes"
    else
        failed=1
        artifact="$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/Test unit written to //')"
        status="CRASH (exit $rc) ${artifact:-see the log}"
        echo "---- $t: last lines of the log"
        grep -vE '^#[0-9]+' "$log" | tail -n 40
        # What went wrong, in one line, for the end of the run (and of scripts/test.sh, whose
        # tail is often all a CI report keeps): libFuzzer's kind, or the panic's message.
        why="$(grep -m1 -oE '(panicked at .*|ERROR: libFuzzer: [a-z-]+.*|ERROR: AddressSanitizer: [a-z-]+)' "$log" || true)"
        [ -n "$why" ] || why="$(grep -m1 -E 'SUMMARY|deadly|timeout|out-of-memory' "$log" || true)"
        panic_msg="$(grep -m1 -A1 'panicked at' "$log" | tail -n 1 || true)"
        note="fuzz $t: ${why:-exit $rc}${panic_msg:+ | $panic_msg}"
        # The input itself when small, so a crash seen only in CI can be replayed anywhere.
        if [ -n "$artifact" ] && [ -f "$artifact" ] && [ "$(wc -c <"$artifact")" -le 3072 ]; then
            note="$note"$'\n'"  input (base64, $(wc -c <"$artifact") bytes): $(base64 -w0 "$artifact")"
        elif [ -n "$artifact" ]; then
            note="$note"$'\n'"  input: $artifact ($(wc -c <"$artifact" 2>/dev/null || echo '?') bytes)"
        fi
        notes+=("$note")
    fi
    rm -f "$log"
    results+=("$(printf '%-24s %12s execs %8s/s  %-32s %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-cov: ?}" "$status")")
done

printf '\n==================== fuzz summary (%ss per target) ====================\n' "$seconds"
for line in "${results[@]}"; do printf '  %s\n' "$line"; done
if [ "${#notes[@]}" -gt 0 ]; then
    printf '%s\n' "${notes[@]}"
    # scripts/test.sh repeats these lines after its own summary.
    if [ -n "${TEST_STAGE_NOTES:-}" ]; then printf '%s\n' "${notes[@]}" >>"$TEST_STAGE_NOTES"; fi
fi
exit "$failed"
