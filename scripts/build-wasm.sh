#!/usr/bin/env bash
# Build the npm package's wasm module: one .wasm and its JavaScript glue in pkg/dist/web/,
# shared by every entry of the package (src/node.js reads the bytes from disk, src/web.js and
# src/bundler.js load them by `new URL(..., import.meta.url)`, the check pool's workers get the
# compiled module or the same bytes):
#
#   pkg/dist/web/   mithril_lite.js, mithril_lite.d.ts, mithril_lite_bg.wasm,
#                   mithril_lite_bg.wasm.d.ts (wasm-bindgen's `web` target)
#
# Steps (what wasm-pack would run, minus its options: wasm-pack cannot pass wasm-bindgen the
# flag below):
#   1. cargo build --lib for wasm32-unknown-unknown, profile `wasm-release` (Cargo.toml: opt-level
#      "z", LTO, one codegen unit, panic=abort, debug info stripped), features `wasm`; blst's C
#      at its own -O2 (CFLAGS_wasm32_unknown_unknown below);
#   2. wasm-bindgen --target web --experimental-reset-state-function: the glue gets
#      `__wbg_reset_state()`, which replaces the instance with a fresh one of the same module,
#      and refuses objects of the replaced instance. pkg/src/instance.js calls it after a trap
#      (a panic under panic=abort, an out-of-memory): the old memory is never used again;
#   3. wasm-opt -Oz (npm binaryen, see below);
#   4. pkg/scripts/wasm-stamp.mjs records the inputs' and outputs' hashes in OUT.stamp.json
#      (pkg/dist/web.stamp.json): `npm pack` refuses a module that does not match them.
#
# --fault-injection builds the test-only variant instead (cargo feature `fault-injection`:
# exports that trap on purpose, src/wasm/fault.rs) into target/wasm-fault/dist/web/, never
# into pkg/: the tests (tests/node/fault.test.mjs, tests/browser/fault.test.mjs) assemble a
# copy of the package around it.
#
# Tools (scripts/setup.sh --wasm): the wasm-bindgen CLI at the version Cargo.toml pins, clang +
# llvm-ar (blst's C for wasm32), and npm binaryen's wasm-opt in .tools/node_modules/.bin (never
# a system wasm-opt: Debian's binaryen 108 breaks the module).
#
# Usage: scripts/build-wasm.sh [--fault-injection]
# Environment:
#   WASM_PROFILE                   cargo profile (default wasm-release; `release` works too)
#   CFLAGS_wasm32_unknown_unknown  C flags for blst (default -O2, blst's own level)
#   CI                             when set, cargo runs with --locked
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

OUT_NAME=mithril_lite
PROFILE="${WASM_PROFILE:-wasm-release}"
TOOLS_BIN="$ROOT/.tools/node_modules/.bin"

die() {
    printf 'build-wasm: error: %s\n' "$*" >&2
    exit 1
}

features=wasm
out="$ROOT/pkg/dist/web"
for arg in "$@"; do
    case "$arg" in
    # The one target there is (scripts and docs that name it keep working).
    web) ;;
    --fault-injection)
        features=wasm,fault-injection
        out="$ROOT/target/wasm-fault/dist/web"
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument $arg (the only target is web; --fault-injection for the test variant)" ;;
    esac
done

# cargo and wasm-bindgen live in ~/.cargo/bin; npm binaryen's wasm-opt goes first.
cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$cargo_bin:"*) ;;
*) if [ -d "$cargo_bin" ]; then PATH="$cargo_bin:$PATH"; fi ;;
esac
[ -x "$TOOLS_BIN/wasm-opt" ] || die "no $TOOLS_BIN/wasm-opt: run scripts/setup.sh --wasm"
export PATH="$TOOLS_BIN:$PATH"
for tool in cargo wasm-bindgen clang llvm-ar; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found: run scripts/setup.sh --wasm"
done
[ "$(command -v wasm-opt)" = "$TOOLS_BIN/wasm-opt" ] || die "wasm-opt resolves to $(command -v wasm-opt)"
# The glue and the wasm-bindgen crate must agree (the CLI refuses another schema version).
pinned="$(grep -oE '^wasm-bindgen = \{ version = "=[0-9.]+"' Cargo.toml | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')"
have="$(wasm-bindgen --version | awk '{print $2}')"
[ "$have" = "$pinned" ] || die "wasm-bindgen CLI $have, Cargo.toml pins $pinned: run scripts/setup.sh --wasm"

# blst's C: cc-rs needs a compiler that targets wasm32 (gcc does not). blst's build script asks
# for -O2 and cc-rs puts CFLAGS after the profile's level: set -O2 explicitly so that the
# profile's opt-level "z" does not reach blst. Speed matters more to a wallet than the ~20 KB
# -Os would save (it made STM checks 20-30% slower).
export CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}"
export AR_wasm32_unknown_unknown="${AR_wasm32_unknown_unknown:-llvm-ar}"
export CFLAGS_wasm32_unknown_unknown="${CFLAGS_wasm32_unknown_unknown:--O2}"

cargo_args=(--lib --target wasm32-unknown-unknown --profile "$PROFILE" --no-default-features --features "$features")
if [ -n "${CI:-}" ]; then cargo_args+=(--locked); fi

echo "build-wasm: profile $PROFILE, features $features, $(wasm-bindgen --version), $(wasm-opt --version)"
start=$SECONDS
# The inputs' digest for the stamp, taken before the build: a source edited during it makes
# the stamp stale rather than claim the edit.
inputs="$(node "$ROOT/pkg/scripts/wasm-stamp.mjs" inputs)"
cargo build "${cargo_args[@]}"
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
built="$target_dir/wasm32-unknown-unknown/$PROFILE/$OUT_NAME.wasm"
[ -s "$built" ] || die "$built was not built"

rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --experimental-reset-state-function --out-dir "$out" --out-name "$OUT_NAME" "$built"
wasm="$out/${OUT_NAME}_bg.wasm"
wasm-opt "$wasm" -o "$wasm.opt" -Oz
mv "$wasm.opt" "$wasm"
[ -s "$wasm" ] || die "$wasm was not written"
grep -q '__wbg_reset_state' "$out/$OUT_NAME.js" || die "the glue has no __wbg_reset_state"
node "$ROOT/pkg/scripts/wasm-stamp.mjs" write "$out" "$features" "$PROFILE" "$inputs"
printf 'build-wasm: %7d bytes  %s  (%ds)\n' "$(stat -c %s "$wasm")" "${wasm#"$ROOT/"}" "$((SECONDS - start))"
