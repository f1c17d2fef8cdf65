#!/usr/bin/env bash
# The whole benchmark in one command: every ratio of BENCHMARKS.md, mithril-lite against the
# reference (mithril-stm 0.13.0 / mithril-common 0.8.3) or against the blst floor, measured in
# the same run (interleaved rounds, medians). Each line gives mithril-lite's median, the other
# side's, the ratio and the target; a row whose feature is missing in this build says
# "not measured: <reason>". BENCHMARKS.md is written from this command's output.
#
# Sections (default: all, in this order):
#   native   benches/chains (chain-bench): mithril-lite's sans-IO walk with its STM checks on
#            every core (the CLI's way) against mithril-common's MithrilCertificateVerifier, in one
#            process: the mainnet-params chain and the generated 400-epoch chain
#   wasm     scripts/bench-wasm.sh (node): STM, devnet and mainnet-params chains, the public
#            CertificateVerifier with its pool, the blst floor, the warm paths, the 400-epoch
#            chain, peak wasm memory
#   browser  benches/browser/bench.mjs: headless Chromium, Web Workers against inline
#   hostile  benches/hostile.rs: crafted hostile aggregates (stakes above the AVK's total, every
#            index claimed, repeated entries, a forged AVK), each refusal time against the honest
#            mainnet-parameter aggregate's verification time (target: within 2x)
#
# Chains made for the benchmark (benches/chains, chain-gen, with mithril-common 0.8.3's own
# CertificateChainBuilder) go to target/bench-fixtures/NAME-KEY/, KEY a hash of the generator's
# arguments and sources: made once (about 1 and 2 minutes on 2 cores), then reused.
#   chain-400   401 certificates (genesis + 400 epochs, one certificate each), 10 signers per
#               epoch, the builder's parameters (m=100, k=5, phi_f=0.65)
#   warm        3 certificates (genesis + two of one epoch), 80 signers, mainnet-like parameters
#               (m=16948, k=1944, phi_f=0.2): the key-cache row
#
# Usage: scripts/bench.sh [--rebuild | --no-rebuild] [SECTION...]
#   --rebuild / --no-rebuild   passed to scripts/bench-wasm.sh (the npm module for node)
# Environment:
#   BENCH_ROUNDS, BENCH_WARMUP   rounds / warm-up runs per row (default 15 / 2; develop with 3)
#   CI                           cargo runs with --locked
# Needs: what scripts/bench-wasm.sh needs (scripts/setup.sh --wasm), Chromium and npm for the
# browser section (scripts/setup.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf -- '--- bench: %s\n' "$*" >&2; }
die() {
    printf 'bench: error: %s\n' "$*" >&2
    exit 1
}

wasm_args=()
sections=()
for arg in "$@"; do
    case "$arg" in
    --rebuild | --no-rebuild) wasm_args+=("$arg") ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    native | wasm | browser | hostile) sections+=("$arg") ;;
    *) die "unknown argument $arg (see --help)" ;;
    esac
done
[ "${#sections[@]}" -gt 0 ] || sections=(native wasm browser hostile)
wants() {
    local s
    for s in "${sections[@]}"; do [ "$s" = "$1" ] && return 0; done
    return 1
}

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$cargo_bin:"*) ;;
*) if [ -d "$cargo_bin" ]; then PATH="$cargo_bin:$PATH"; fi ;;
esac
locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

# ---- header: what, where, when ----------------------------------------------------------------

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with uncommitted changes)"; fi
cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo "scripts/bench.sh at commit $commit, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores (${cpu:-unknown CPU}), $(uname -sm); $(rustc --version 2>/dev/null || echo 'no rustc'); node $(node --version 2>/dev/null || echo none)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); rounds ${BENCH_ROUNDS:-15}, warm-up ${BENCH_WARMUP:-2}; sections: ${sections[*]}"

# ---- the benchmark crate and its chains -------------------------------------------------------

CHAINS_TARGET="$ROOT/target/bench-chains"
FIXTURES="$ROOT/target/bench-fixtures"
chain_gen="$CHAINS_TARGET/release/chain-gen"
chain_bench="$CHAINS_TARGET/release/chain-bench"

if wants native || wants wasm; then
    say "building benches/chains (chain-gen, chain-bench; a first build takes a few minutes)"
    CARGO_TARGET_DIR="$CHAINS_TARGET" cargo build "${locked[@]}" --release --quiet \
        --manifest-path benches/chains/Cargo.toml >&2
fi

# generated_chain NAME ARGS...: the directory of a chain made by chain-gen with ARGS, made if
# missing. The key covers the arguments, the generator's source and its lock file (the builder's
# version), so a change to any of them makes a new chain.
generated_chain() {
    local name="$1"
    shift
    local key dir tmp
    key="$( (
        printf '%s\n' "$@"
        cat benches/chains/src/bin/chain_gen.rs benches/chains/Cargo.toml benches/chains/Cargo.lock
    ) | sha256sum | cut -c1-16)"
    dir="$FIXTURES/$name-$key"
    if [ ! -s "$dir/certificates.json" ] || [ ! -s "$dir/latest" ]; then
        say "generating $name ($*) into ${dir#"$ROOT/"}"
        # Chains of an older generator or other arguments are not needed any more.
        rm -rf "$FIXTURES/$name"-*
        mkdir -p "$FIXTURES"
        tmp="$dir.tmp"
        "$chain_gen" --out "$tmp" "$@" >&2
        mv "$tmp" "$dir"
    fi
    printf '%s\n' "$dir"
}

if wants native || wants wasm; then
    CHAIN_400="$(generated_chain chain-400 --certificates 401 --per-epoch 1 --signers 10 --m 100 --k 5 --phi-f 0.65)"
    echo "400-epoch chain: ${CHAIN_400#"$ROOT/"} ($(tr -d ' \n' <"$CHAIN_400/expected.json" | sed -E 's/.*"signatures_per_certificate":\[([0-9]+),([0-9]+)\].*/\1-\2 signatures per aggregate/'))"
fi
if wants wasm; then
    CHAIN_WARM="$(generated_chain warm --certificates 3 --per-epoch 2 --signers 80 --m 16948 --k 1944 --phi-f 0.2)"
    echo "two-per-epoch chain (key cache): ${CHAIN_WARM#"$ROOT/"}"
fi

# ---- sections ---------------------------------------------------------------------------------

status=0
if wants native; then
    echo
    echo "== native (benches/chains chain-bench) =="
    "$chain_bench" \
        --target 6 mainnet-params=tests/fixtures/reference-chains/mainnet-params \
        --target 3 "400-epoch chain, 10 signers per epoch=$CHAIN_400" || status=1
fi

if wants wasm; then
    echo
    echo "== wasm in node (scripts/bench-wasm.sh) =="
    BENCH_CHAIN_400="$CHAIN_400" BENCH_CHAIN_WARM="$CHAIN_WARM" \
        bash scripts/bench-wasm.sh "${wasm_args[@]}" || status=1
fi

if wants browser; then
    echo
    echo "== Chromium (benches/browser/bench.mjs) =="
    web="pkg/dist/web/mithril_lite_bg.wasm"
    if [ ! -s "$web" ] || [ -n "$(find src Cargo.toml Cargo.lock scripts/build-wasm.sh -newer "$web" -print -quit 2>/dev/null)" ]; then
        say "building pkg/dist/web (scripts/build-wasm.sh web)"
        bash scripts/build-wasm.sh web >&2
    fi
    if [ ! -e benches/browser/node_modules/playwright-core/package.json ] ||
        [ benches/browser/package-lock.json -nt benches/browser/node_modules/playwright-core/package.json ]; then
        say "npm ci (benches/browser: playwright-core)"
        (cd benches/browser && npm ci --no-audit --no-fund --loglevel=error >&2)
    fi
    node benches/browser/bench.mjs || status=1
fi

if wants hostile; then
    echo
    echo "== hostile input (benches/hostile.rs) =="
    BENCH_ROUNDS="${BENCH_ROUNDS:-15}" BENCH_WARMUP="${BENCH_WARMUP:-2}" \
        cargo bench "${locked[@]}" --quiet --bench hostile || status=1
fi

echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
