#!/usr/bin/env bash
# Build the npm package's wasm outputs with wasm-pack, one folder per wasm-bindgen target:
#
#   pkg/dist/web/       ES module that fetches/instantiates the .wasm itself (browsers, Deno)
#   pkg/dist/bundler/   ES module importing the .wasm (webpack, Vite, Rollup)
#   pkg/dist/nodejs/    CommonJS module reading the .wasm from disk (node)
#
# each with mithril_lite.js, mithril_lite.d.ts, mithril_lite_bg.wasm, mithril_lite_bg.wasm.d.ts
# (and mithril_lite_bg.js for bundler). The package's own package.json and README are the
# hand-written ones in pkg/: wasm-pack runs with --no-pack --no-gitignore, and anything of the
# kind left in dist/ is removed. dist/nodejs/ gets one file of ours: package.json holding only
# {"type":"commonjs"}, because its glue is CommonJS inside a "type": "module" package.
#
# Profile: cargo profile `wasm-release` (Cargo.toml: opt-level "z", LTO, one codegen unit,
# panic=abort, debug info stripped), blst's C at its own -O2 (CFLAGS_wasm32_unknown_unknown below),
# then `wasm-opt -Oz` ([package.metadata.wasm-pack.profile.custom]).
# The first target compiles the crate; the next two reuse cargo's build (a no-op check) and
# only rerun wasm-bindgen and wasm-opt, so three wasm-pack runs cost about one build.
#
# Tools (scripts/setup.sh --wasm): wasm-pack, the wasm-bindgen CLI at the version Cargo.toml
# pins, clang + llvm-ar (blst's C for wasm32), and npm binaryen's wasm-opt in
# .tools/node_modules/.bin, put first on PATH here so that wasm-pack never uses a system
# wasm-opt (Debian's binaryen 108 breaks the module) nor tries a download. wasm-pack runs in
# --mode no-install: a missing tool is an error, not a download attempt.
#
# Usage: scripts/build-wasm.sh [TARGET...]    (default: web bundler nodejs)
# Environment:
#   WASM_PROFILE                   cargo profile (default wasm-release; `release` works too)
#   CFLAGS_wasm32_unknown_unknown  C flags for blst (default -O2, blst's own level)
#   CI                             when set, cargo runs with --locked
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT_NAME=mithril_lite
DIST="$ROOT/pkg/dist"
PROFILE="${WASM_PROFILE:-wasm-release}"
TOOLS_BIN="$ROOT/.tools/node_modules/.bin"

die() {
    printf 'build-wasm: error: %s\n' "$*" >&2
    exit 1
}

# cargo, wasm-pack and wasm-bindgen live in ~/.cargo/bin; npm binaryen's wasm-opt goes first.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$cargo_bin:"*) ;;
*) if [ -d "$cargo_bin" ]; then PATH="$cargo_bin:$PATH"; fi ;;
esac
[ -x "$TOOLS_BIN/wasm-opt" ] || die "no $TOOLS_BIN/wasm-opt: run scripts/setup.sh --wasm"
export PATH="$TOOLS_BIN:$PATH"
for tool in wasm-pack wasm-bindgen clang llvm-ar; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/setup.sh --wasm"
done
[ "$(command -v wasm-opt)" = "$TOOLS_BIN/wasm-opt" ] || die "wasm-opt resolves to $(command -v wasm-opt)"

# blst's C: cc-rs needs a compiler that targets wasm32 (gcc does not). blst's build script asks
# for -O2 and cc-rs puts CFLAGS after the profile's level: set -O2 explicitly so that the
# profile's opt-level "z" does not reach blst. Speed matters more to a wallet than the ~20 KB
# -Os would save (it made STM checks 20-30% slower).
export CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}"
export AR_wasm32_unknown_unknown="${AR_wasm32_unknown_unknown:-llvm-ar}"
export CFLAGS_wasm32_unknown_unknown="${CFLAGS_wasm32_unknown_unknown:--O2}"

cargo_args=(--no-default-features --features wasm)
if [ -n "${CI:-}" ]; then cargo_args+=(--locked); fi

case "$PROFILE" in
release) profile_args=(--release) ;;
dev) profile_args=(--dev) ;;
profiling) profile_args=(--profiling) ;;
*) profile_args=(--profile "$PROFILE") ;;
esac

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(web bundler nodejs)

echo "build-wasm: profile $PROFILE, $(wasm-pack --version), $(wasm-bindgen --version), $(wasm-opt --version)"
start=$SECONDS
for target in "${targets[@]}"; do
    case "$target" in
    web | bundler | nodejs) ;;
    *) die "unknown target $target (web, bundler, nodejs)" ;;
    esac
    t0=$SECONDS
    out="$DIST/$target"
    rm -rf "$out"
    wasm-pack --log-level warn build "$ROOT" \
        --mode no-install \
        --target "$target" \
        --out-dir "$out" \
        --out-name "$OUT_NAME" \
        --no-pack \
        --no-gitignore \
        "${profile_args[@]}" \
        -- "${cargo_args[@]}"
    # The package's package.json / README / licence are pkg/'s own, never wasm-pack's.
    rm -f "$out/package.json" "$out/.gitignore" "$out"/README* "$out"/LICENSE*
    if [ "$target" = nodejs ]; then
        # wasm-bindgen's nodejs glue is CommonJS (require, module.exports) while pkg/package.json
        # says "type": "module": this marker (not a package manifest) makes node load dist/nodejs/
        # as CommonJS.
        printf '{"type":"commonjs"}\n' >"$out/package.json"
    fi
    [ -s "$out/${OUT_NAME}_bg.wasm" ] || die "$out/${OUT_NAME}_bg.wasm was not written"
    printf 'build-wasm: %-8s %7d bytes  %s  (%ds)\n' "$target" \
        "$(stat -c %s "$out/${OUT_NAME}_bg.wasm")" "${out#"$ROOT/"}" "$((SECONDS - t0))"
done
echo "build-wasm: done in $((SECONDS - start))s"
