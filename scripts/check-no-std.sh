#!/usr/bin/env bash
# Prove that the core library builds without std.
#
# Builds `--lib --no-default-features` for targets that have no std at all, so any use of
# std (in src/ or pulled in by a dependency's features) fails the build:
#   thumbv7em-none-eabihf  bare-metal Cortex-M4F (no OS, no allocator given: alloc only)
#   wasm32v1-none          WebAssembly without std, without JS glue
# Then lints that no_std configuration with clippy (`-D warnings`): the std builds never
# compile the `not(feature = "std")` code paths, so nothing else checks them.
#
# blst's C code is compiled with clang (gcc cannot target these) and archived with llvm-ar;
# the CC_/AR_/CFLAGS_<target> variables below are set unless the caller already set them.
# Needs: scripts/setup.sh --rust
#
# Usage: scripts/check-no-std.sh [--no-lint] [TARGET...]
#   TARGET     build only these targets (default: both above)
#   --no-lint  skip the clippy pass
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEFAULT_TARGETS=(thumbv7em-none-eabihf wasm32v1-none)
# The clippy pass runs on this target (one is enough: the cfg is the same on both).
LINT_TARGET=thumbv7em-none-eabihf

say() { printf -- '--- no-std: %s\n' "$*"; }
die() {
    printf 'check-no-std: error: %s\n' "$*" >&2
    exit 1
}

# cargo lives in ~/.cargo/bin under rustup; a non-login shell may not have it on PATH.
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

lint=1
targets=()
for arg in "$@"; do
    case "$arg" in
    --no-lint) lint=0 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option: $arg" ;;
    *) targets+=("$arg") ;;
    esac
done
[ "${#targets[@]}" -gt 0 ] || targets=("${DEFAULT_TARGETS[@]}")

command -v cargo >/dev/null 2>&1 || die "cargo not found; run scripts/setup.sh --rust"
command -v clang >/dev/null 2>&1 || die "clang not found; run scripts/setup.sh --rust"
command -v llvm-ar >/dev/null 2>&1 || die "llvm-ar not found; run scripts/setup.sh --rust"
if command -v rustup >/dev/null 2>&1; then
    installed="$(rustup target list --installed)"
    for t in "${targets[@]}"; do
        grep -qx "$t" <<<"$installed" || die "rust target $t is not installed; run scripts/setup.sh --rust"
    done
fi

# In CI, refuse to touch Cargo.lock: a stale lock file should fail, not be rewritten.
locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

# Export CC_/AR_ (and CFLAGS_ for bare-metal ARM) for one target, keeping caller overrides.
export_c_env() {
    local t="$1" u var
    u="${t//-/_}"
    var="CC_$u"
    export "$var=${!var:-clang}"
    var="AR_$u"
    export "$var=${!var:-llvm-ar}"
    case "$t" in
    thumb* | arm*-none-*)
        # No libc headers exist for bare-metal ARM: blst must build freestanding.
        var="CFLAGS_$u"
        export "$var=${!var:--ffreestanding}"
        ;;
    esac
}

start=$SECONDS
for t in "${targets[@]}"; do
    export_c_env "$t"
    # Only the rlib: the crate also lists cdylib (for the wasm module), and a cdylib for a bare-metal
    # target needs the final program's allocator and panic handler.
    say "cargo rustc --lib --crate-type rlib --no-default-features --target $t"
    t0=$SECONDS
    cargo rustc "${locked[@]}" --lib --crate-type rlib --no-default-features --target "$t"
    say "ok: $t ($((SECONDS - t0))s)"
done

if [ "$lint" -eq 1 ]; then
    export_c_env "$LINT_TARGET"
    say "cargo clippy --lib --no-default-features --target $LINT_TARGET -- -D warnings"
    t0=$SECONDS
    cargo clippy "${locked[@]}" --lib --no-default-features --target "$LINT_TARGET" -- -D warnings
    say "ok: clippy on $LINT_TARGET ($((SECONDS - t0))s)"
fi

say "the core builds without std for: ${targets[*]} ($((SECONDS - start))s)"
