#!/usr/bin/env bash
# WebAssembly benchmark (node): mithril-lite against the reference verifiers, both compiled to
# wasm32, in one node process (benches/wasm/bench.mjs). Prints one line per workload with both
# medians and the ratio reference / mithril-lite. BENCHMARKS.md records a run.
#
# Builds what it needs first:
#   pkg/dist/web/               mithril-lite's npm module (its one .wasm), by scripts/build-wasm.sh
#                               when missing or older than src/, Cargo.toml, Cargo.lock or
#                               scripts/build-wasm.sh
#   target/wasm-lite-stm/pkg/   benches/wasm/lite-stm: mithril-lite's STM check alone, built like
#                               the npm module (scripts/build-wasm.sh): profile wasm-release
#                               (opt-level "z", LTO, panic=abort), blst's C flags of the npm
#                               module (read from scripts/build-wasm.sh), wasm-opt -Oz; also the
#                               blst floor (benches/wasm/lite-stm/src/floor.rs)
#   target/wasm-reference/pkg/  benches/wasm/reference: mithril-stm 0.13.0 and mithril-common
#                               0.8.3 built for speed: release profile (opt-level 3, LTO), blst's
#                               C at its build script's own -O2, wasm-opt -O
# The two benchmark crates are standalone (own Cargo.toml with an empty [workspace], own
# Cargo.lock) and build into their own folders under target/; wasm-bindgen --target nodejs
# writes their JS glue. A first build of the reference takes ~4 min on 2 cores.
#
# Needs: scripts/setup.sh --wasm (wasm32 target, wasm-bindgen CLI, clang + llvm-ar, npm
# binaryen's wasm-opt in .tools/) and node >= 18.
#
# Usage: scripts/bench-wasm.sh [--rebuild | --no-rebuild] [--build-only] [WORKLOAD...]
#   WORKLOAD      stm, devnet, mainnet, pool, floor, warm, long, memory (default: all; see
#                 benches/wasm/bench.mjs; warm and long need the chains scripts/bench.sh makes)
#   --rebuild     rebuild pkg/dist/web even if it looks up to date
#   --no-rebuild  use pkg/dist/web as it is (only warn when it looks stale)
#   --build-only  build everything, run nothing
# Environment:
#   BENCH_ROUNDS, BENCH_WARMUP   timed rounds / warm-up runs per workload (default 15 / 2)
#   CI                           when set, cargo runs with --locked
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TOOLS_BIN="$ROOT/.tools/node_modules/.bin"
TARGET=wasm32-unknown-unknown
REFERENCE_DIR="$ROOT/target/wasm-reference"
LITE_STM_DIR="$ROOT/target/wasm-lite-stm"
NODE_PKG="$ROOT/pkg/dist/web"

say() { printf -- '--- bench-wasm: %s\n' "$*"; }
die() {
    printf 'bench-wasm: error: %s\n' "$*" >&2
    exit 1
}

rebuild=0
build_only=0
workloads=()
for arg in "$@"; do
    case "$arg" in
    --rebuild) rebuild=1 ;;
    --no-rebuild) rebuild=-1 ;;
    --build-only) build_only=1 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option $arg (see --help)" ;;
    *) workloads+=("$arg") ;;
    esac
done

# cargo and wasm-bindgen live in ~/.cargo/bin; npm binaryen's wasm-opt goes first, so that a
# system wasm-opt (Debian's binaryen 108 breaks wasm-bindgen output) is never used.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$cargo_bin:"*) ;;
*) if [ -d "$cargo_bin" ]; then PATH="$cargo_bin:$PATH"; fi ;;
esac
[ -x "$TOOLS_BIN/wasm-opt" ] || die "no $TOOLS_BIN/wasm-opt: run scripts/setup.sh --wasm"
export PATH="$TOOLS_BIN:$PATH"
for tool in cargo wasm-bindgen clang llvm-ar node; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/setup.sh --wasm"
done

# Every module must come from the wasm-bindgen the crates pin (the CLI refuses a mismatch).
want_bindgen="$(sed -nE 's/^wasm-bindgen[[:space:]]*=.*"=([0-9.]+)".*/\1/p' Cargo.toml | head -n 1)"
have_bindgen="$(wasm-bindgen --version | awk '{print $2}')"
[ -z "$want_bindgen" ] || [ "$have_bindgen" = "$want_bindgen" ] ||
    die "wasm-bindgen CLI is $have_bindgen, Cargo.toml pins $want_bindgen: run scripts/setup.sh --wasm"

# blst's C: cc-rs needs a compiler that targets wasm32 (gcc does not). Its C flags are set per
# crate below: the npm module's (its default read from scripts/build-wasm.sh) for
# mithril-lite, none (blst's own -O2) for the reference.
export CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}"
export AR_wasm32_unknown_unknown="${AR_wasm32_unknown_unknown:-llvm-ar}"
# The npm module's default is read from scripts/build-wasm.sh, so the two cannot drift apart
# (empty: blst's own flags).
npm_cflags="$(sed -nE 's/^export CFLAGS_wasm32_unknown_unknown="\$\{CFLAGS_wasm32_unknown_unknown:-(.*)\}"$/\1/p' \
    scripts/build-wasm.sh | head -n 1)"
LITE_CFLAGS="${CFLAGS_wasm32_unknown_unknown:-$npm_cflags}"
unset CFLAGS_wasm32_unknown_unknown

locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

# ---- mithril-lite's npm module for node ---------------------------------------------------------

node_pkg_stale() {
    local wasm="$NODE_PKG/mithril_lite_bg.wasm"
    [ -s "$wasm" ] && [ -s "$NODE_PKG/mithril_lite.js" ] || return 0
    [ -n "$(find src Cargo.toml Cargo.lock scripts/build-wasm.sh -newer "$wasm" -print -quit)" ]
}

if [ "$rebuild" = -1 ]; then
    [ -s "$NODE_PKG/mithril_lite.js" ] || die "--no-rebuild: pkg/dist/web/mithril_lite.js is missing"
    if node_pkg_stale; then
        say "warning: pkg/dist/web is older than src/, Cargo.toml or Cargo.lock (--no-rebuild)"
    else
        say "pkg/dist/web is up to date"
    fi
elif [ "$rebuild" = 1 ] || node_pkg_stale; then
    [ -f scripts/build-wasm.sh ] || die "pkg/dist/web needs building and scripts/build-wasm.sh is missing"
    say "building pkg/dist/web (scripts/build-wasm.sh)"
    t0=$SECONDS
    bash scripts/build-wasm.sh
    say "pkg/dist/web built in $((SECONDS - t0))s"
else
    say "pkg/dist/web is up to date"
fi

# ---- the two benchmark crates -------------------------------------------------------------------

# build_crate NAME MANIFEST_DIR TARGET_DIR PROFILE WASM_OPT_LEVEL [BLST_CFLAGS]
build_crate() {
    local name="$1" manifest_dir="$2" target_dir="$3" profile="$4" opt="$5" cflags="${6:-}"
    local lib="${name//-/_}" t0=$SECONDS
    local wasm="$target_dir/$TARGET/$profile/$lib.wasm" out="$target_dir/pkg"
    local cflags_env=()
    if [ -n "$cflags" ]; then cflags_env=("CFLAGS_wasm32_unknown_unknown=$cflags"); fi
    say "building $name (cargo --profile $profile, blst C flags '${cflags:-blst default}'," \
        "wasm-bindgen --target nodejs, wasm-opt $opt)"
    env "${cflags_env[@]}" CARGO_TARGET_DIR="$target_dir" cargo build "${locked[@]}" \
        --manifest-path "$manifest_dir/Cargo.toml" --target "$TARGET" --profile "$profile"
    [ -s "$wasm" ] || die "$wasm was not written"
    # Regenerate the glue only when the module changed.
    if [ ! -s "$out/${lib}_bg.wasm" ] || [ "$wasm" -nt "$out/${lib}_bg.wasm" ]; then
        rm -rf "$out"
        wasm-bindgen --target nodejs --out-dir "$out" "$wasm"
        wasm-opt "$opt" "$out/${lib}_bg.wasm" -o "$out/${lib}_bg.wasm.opt"
        mv "$out/${lib}_bg.wasm.opt" "$out/${lib}_bg.wasm"
    fi
    say "$name: $(stat -c %s "$out/${lib}_bg.wasm") bytes in ${out#"$ROOT/"} ($((SECONDS - t0))s)"
}

build_crate mithril-lite-bench-stm "$ROOT/benches/wasm/lite-stm" "$LITE_STM_DIR" wasm-release -Oz "$LITE_CFLAGS"
build_crate mithril-lite-bench-reference "$ROOT/benches/wasm/reference" "$REFERENCE_DIR" release -O

[ "$build_only" = 0 ] || exit 0

# ---- run ----------------------------------------------------------------------------------------

say "running benches/wasm/bench.mjs ${workloads[*]:-(all workloads)}"
node benches/wasm/bench.mjs "${workloads[@]}"
