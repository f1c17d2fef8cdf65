#!/usr/bin/env bash
# Build the C ABI (feature `ffi`) as static libraries for iOS and Android, and check that each
# archive exports every function include/mithril_lite.h declares.
#
# Compile-only: no Xcode SDK or Android NDK is needed (nothing is linked here; the app's Xcode
# or Gradle build links the archive). blst's C is compiled with clang for each target
# (CC_<t>=clang, AR_<t>=llvm-ar, CFLAGS_<t>=-ffreestanding: no target libc headers needed);
# for iOS, SDKROOT points at an empty directory so cc-rs does not call xcrun, and
# IPHONEOS_DEPLOYMENT_TARGET is 13.0. x86_64 archives are built with blst's `portable`
# feature: otherwise blst picks ADX-only code from the build machine's CPU and crashes on
# CPUs without ADX (some emulators).
#
# Targets:
#   aarch64-apple-ios          iPhone / iPad
#   aarch64-linux-android      Android phones (arm64-v8a)
#   x86_64-linux-android       Android emulator (x86_64)
#   aarch64-apple-ios-sim      iOS simulator on Apple silicon: stable Rust has no rust-std for
#                              it on this project's mirror, so it is built with nightly
#                              -Zbuild-std (needs the nightly toolchain and its rust-src)
#
# Usage: scripts/build-mobile.sh [--all] [TARGET...]
#   (no argument)  aarch64-apple-ios and aarch64-linux-android (what CI builds)
#   --all          the four targets above
# Archives: target/<TARGET>/release/libmithril_lite.a (copied to target/mobile/<TARGET>/);
# under $CARGO_TARGET_DIR instead of target/ when it is set.
#
# Environment: CI set -> cargo --locked.
# Needs: scripts/setup.sh --mobile (rustup targets, clang, llvm).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEFAULT_TARGETS=(aarch64-apple-ios aarch64-linux-android)
ALL_TARGETS=(aarch64-apple-ios aarch64-linux-android x86_64-linux-android aarch64-apple-ios-sim)
HEADER=include/mithril_lite.h
IOS_DEPLOYMENT_TARGET=13.0

say() { printf -- '--- mobile: %s\n' "$*"; }
die() {
    printf 'build-mobile: error: %s\n' "$*" >&2
    exit 1
}

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

targets=()
for arg in "$@"; do
    case "$arg" in
    --all) targets+=("${ALL_TARGETS[@]}") ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    -*) die "unknown option: $arg" ;;
    *) targets+=("$arg") ;;
    esac
done
[ "${#targets[@]}" -gt 0 ] || targets=("${DEFAULT_TARGETS[@]}")

locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

command -v clang >/dev/null 2>&1 || die "clang not found; run scripts/setup.sh --mobile"
command -v llvm-ar >/dev/null 2>&1 || die "llvm-ar not found; run scripts/setup.sh --mobile"
command -v llvm-nm >/dev/null 2>&1 || die "llvm-nm not found; run scripts/setup.sh --mobile"
[ -f "$HEADER" ] || die "$HEADER missing"

# The functions the header declares: each archive must define all of them.
declared="$(grep -oE '\bmithril_lite_[a-z0-9_]+\(' "$HEADER" | tr -d '(' | sort -u)"

# cargo's output directory: CARGO_TARGET_DIR when the caller set it (a shared build cache).
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

# A fixed path: cc-rs makes build scripts rerun when SDKROOT changes.
empty_sdk="$TARGET_DIR/mobile/empty-sdk"
mkdir -p "$empty_sdk"

build() {
    local target="$1" var features toolchain=() extra=()
    var="${target//-/_}"
    features=ffi
    case "$target" in
    x86_64-*) features=ffi,portable ;;
    esac
    # cc-rs reads CC_<target>, AR_<target> and CFLAGS_<target> (target with underscores).
    export "CC_${var}=clang" "AR_${var}=llvm-ar" "CFLAGS_${var}=-ffreestanding"
    case "$target" in
    *-apple-ios*)
        export SDKROOT="$empty_sdk" IPHONEOS_DEPLOYMENT_TARGET="$IOS_DEPLOYMENT_TARGET"
        ;;
    *)
        unset SDKROOT IPHONEOS_DEPLOYMENT_TARGET
        ;;
    esac
    if [ "$target" = aarch64-apple-ios-sim ] &&
        ! rustup target list --installed | grep -qx "$target"; then
        # No rust-std for it here: build std from source with nightly.
        rustup toolchain list | grep -q '^nightly' ||
            die "$target needs rust-std or the nightly toolchain (rustup toolchain install nightly --component rust-src)"
        toolchain=(+nightly)
        extra=(-Zbuild-std=std,panic_abort)
    else
        rustup target list --installed | grep -qx "$target" ||
            die "rust target $target missing: rustup target add $target (scripts/setup.sh --mobile adds the default ones)"
    fi

    say "$target (features $features${toolchain:+, nightly -Zbuild-std})"
    local t0=$SECONDS
    cargo "${toolchain[@]}" rustc "${locked[@]}" "${extra[@]}" --release --target "$target" --lib \
        --crate-type staticlib --features "$features"
    local lib="$TARGET_DIR/$target/release/libmithril_lite.a"
    [ -f "$lib" ] || die "$lib was not built"

    # Apple's symbols carry a leading underscore. llvm-nm's exit status is ignored: a Debian
    # llvm-nm older than rustc's LLVM cannot read the bitcode that Rust's prebuilt
    # compiler_builtins objects embed for Apple targets, and says so for those members only;
    # the check below is on this crate's symbols.
    local defined missing count
    defined="$({ llvm-nm --defined-only --extern-only "$lib" 2>/dev/null || true; } |
        awk '$2 == "T" {print $3}' | sed 's/^_//' | { grep '^mithril_lite_' || true; } | sort -u)"
    missing="$(comm -23 <(echo "$declared") <(echo "$defined"))"
    [ -z "$missing" ] || die "$lib does not export: $missing"
    count="$(echo "$defined" | wc -l)"
    mkdir -p "$TARGET_DIR/mobile/$target"
    cp "$lib" "$TARGET_DIR/mobile/$target/libmithril_lite.a"
    say "$target: $lib, $(du -h "$lib" | cut -f1), $count mithril_lite_* functions exported (all $(echo "$declared" | wc -l) the header declares), $((SECONDS - t0))s"
    echo "$defined" | sed 's/^/      /'
}

for t in "${targets[@]}"; do
    build "$t"
done
say "ok: ${targets[*]} (archives in $TARGET_DIR/mobile/)"
