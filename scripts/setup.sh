#!/usr/bin/env bash
# Install what a fresh machine lacks to build and test mithril-lite.
#
# Idempotent: every step first checks whether its tool is already there, so a second run
# installs nothing and takes a few seconds. Quiet: one line per step; a failing command's
# output is printed in full.
#
# Usage: scripts/setup.sh [AREA...]
#   --all      every area below (the default when no area is given)
#   --rust     clang + llvm-ar (blst's C for wasm32 / bare-metal targets), rustfmt, clippy,
#              and the no_std proof targets (see scripts/check-no-std.sh)
#   --wasm     the wasm32-unknown-unknown target, the wasm-bindgen CLI at the
#              version Cargo.toml pins, and wasm-opt from npm's binaryen@BINARYEN_VERSION in
#              .tools/node_modules (project-local; scripts/build-wasm.sh puts it first on PATH).
#              Never Debian's binaryen: its old wasm-opt breaks the module at load time.
#   --browser  Debian's chromium and chromium-driver (wasm-bindgen tests in headless Chrome)
#   --c        the C ABI's test tools: cbindgen at CBINDGEN_VERSION (cargo install --locked),
#              gcc/g++ and valgrind (scripts/test-c.sh)
#   --jvm      a JDK (javac, java, jni.h: Debian's openjdk-17-jdk-headless when javac is
#              missing) and gcc, for the JNI shim's test on the host JVM (scripts/test-jvm.sh)
#   --mobile   clang, llvm (llvm-ar, llvm-nm) and the rust targets of scripts/build-mobile.sh's
#              default build (MOBILE_TARGETS)
#   --fuzz     cargo-fuzz at CARGO_FUZZ_VERSION (cargo install --locked) and a C++ compiler
#              (libFuzzer is built from source); the nightly toolchain it runs on must already be
#              installed (scripts/fuzz.sh, fuzz/README.md)
#
# Adding an area (node, ...): write a `setup_<area>` function, add it to AREAS and
# to the argument parser below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Areas in the order --all runs them.
AREAS=(rust wasm browser c jvm mobile fuzz)

# Targets the no_std core must build for (keep in sync with scripts/check-no-std.sh).
NO_STD_TARGETS=(thumbv7em-none-eabihf wasm32v1-none)
RUST_COMPONENTS=(rustfmt clippy)

# wasm area. wasm-opt comes from npm's binaryen, installed under .tools/ (gitignored).
WASM_TARGET=wasm32-unknown-unknown
BINARYEN_VERSION=132
TOOLS_DIR="$ROOT/.tools"

# c area. Keep in sync with scripts/test-c.sh: another cbindgen version may format the
# header differently, and the header check compares it byte for byte.
CBINDGEN_VERSION=0.29.4

# jvm area: the Debian JDK installed when javac is missing (scripts/test-jvm.sh looks for it
# at /usr/lib/jvm/java-17-openjdk-<arch> first).
JDK_PACKAGE=openjdk-17-jdk-headless

# mobile area: the targets scripts/build-mobile.sh builds by default (and CI builds). The
# x86_64 Android emulator target is added on demand (scripts/build-mobile.sh --all needs it).
MOBILE_TARGETS=(aarch64-apple-ios aarch64-linux-android)

# fuzz area: the cargo-fuzz version scripts/fuzz.sh is known to work with.
CARGO_FUZZ_VERSION=0.13.2

# ---------------------------------------------------------------------------------------
# helpers

step() { printf '==> setup: %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

# Run a command with its output captured; show the output only if it fails.
quietly() {
    local log rc
    log="$(mktemp)"
    if "$@" >"$log" 2>&1; then
        rm -f "$log"
        return 0
    else
        rc=$?
        printf 'setup: command failed (exit %d): %s\n' "$rc" "$*" >&2
        cat "$log" >&2
        rm -f "$log"
        return "$rc"
    fi
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

APT_UPDATED=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
    if [ "$APT_UPDATED" -eq 0 ]; then
        info "apt-get update"
        quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        APT_UPDATED=1
    fi
    info "apt-get install $*"
    quietly as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# cargo and rustup live in ~/.cargo/bin under rustup; a non-login shell may not have it on PATH.
ensure_cargo_on_path() {
    local bin="${CARGO_HOME:-$HOME/.cargo}/bin"
    case ":$PATH:" in
    *":$bin:"*) ;;
    *) [ -d "$bin" ] && export PATH="$bin:$PATH" ;;
    esac
    return 0
}

have() { command -v "$1" >/dev/null 2>&1; }

elapsed() { printf '%ds' "$((SECONDS - $1))"; }

# blst's C for wasm32 and bare-metal targets needs clang (gcc cannot target them).
ensure_clang() {
    if have clang && have llvm-ar; then
        info "present: $(clang --version | head -n 1)"
    else
        apt_install clang llvm
        if ! have clang || ! have llvm-ar; then
            die "clang/llvm-ar still missing after apt-get install"
        fi
        info "installed: $(clang --version | head -n 1)"
    fi
}

# Add the rustup targets among the arguments that are not installed yet.
ensure_rust_targets() {
    local installed t missing=()
    installed="$(rustup target list --installed)"
    for t in "$@"; do
        grep -qx "$t" <<<"$installed" || missing+=("$t")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        info "present"
    else
        info "rustup target add ${missing[*]}"
        quietly rustup target add "${missing[@]}"
    fi
}

# The version in `wasm-bindgen = { version = "=X", ... }` (or `wasm-bindgen = "=X"`) in
# Cargo.toml's [dependencies].
pinned_wasm_bindgen() {
    local line version
    line="$(grep -E '^wasm-bindgen[[:space:]]*=' "$ROOT/Cargo.toml" | head -n 1)"
    [ -n "$line" ] || die "no wasm-bindgen dependency in Cargo.toml"
    version="$(sed -nE 's/.*"=?([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' <<<"$line")"
    case "$line" in
    *'"='*) ;;
    *) die "Cargo.toml must pin wasm-bindgen exactly (\"=X.Y.Z\"), found: $line" ;;
    esac
    [ -n "$version" ] || die "cannot read the wasm-bindgen version from: $line"
    printf '%s\n' "$version"
}

# ---------------------------------------------------------------------------------------
# areas

setup_rust() {
    local t0=$SECONDS installed missing c

    step "rust: C toolchain for blst (clang, llvm-ar)"
    ensure_clang

    ensure_cargo_on_path
    have rustup || die "rustup not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"
    have cargo || die "cargo not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"

    step "rust: components (${RUST_COMPONENTS[*]})"
    # Listed once, then searched: `rustup ... | grep -q` can fail under pipefail (SIGPIPE).
    installed="$(rustup component list --installed)"
    missing=()
    for c in "${RUST_COMPONENTS[@]}"; do
        # Installed components are listed as e.g. "rustfmt-x86_64-unknown-linux-gnu".
        grep -q "^${c}-" <<<"$installed" || missing+=("$c")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        info "present"
    else
        info "rustup component add ${missing[*]}"
        quietly rustup component add "${missing[@]}"
    fi

    step "rust: targets for the no_std proof (${NO_STD_TARGETS[*]})"
    ensure_rust_targets "${NO_STD_TARGETS[@]}"

    step "rust: done in $(elapsed "$t0") ($(rustc --version), $(cargo --version | cut -d' ' -f1-2))"
}

setup_wasm() {
    local t0=$SECONDS want have_version wasm_opt

    ensure_cargo_on_path
    have rustup || die "rustup not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"
    have cargo || die "cargo not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"

    step "wasm: C toolchain for blst on wasm32 (clang, llvm-ar)"
    ensure_clang

    step "wasm: target $WASM_TARGET"
    ensure_rust_targets "$WASM_TARGET"

    # No wasm-pack: scripts/build-wasm.sh runs cargo, wasm-bindgen and wasm-opt itself (it needs a
    # wasm-bindgen flag wasm-pack cannot pass).

    want="$(pinned_wasm_bindgen)"
    step "wasm: wasm-bindgen CLI $want (the version Cargo.toml pins)"
    have_version=""
    if have wasm-bindgen; then
        have_version="$(wasm-bindgen --version | awk '{print $2}')"
    fi
    if [ "$have_version" = "$want" ] && have wasm-bindgen-test-runner; then
        info "present: wasm-bindgen $have_version"
    else
        [ -z "$have_version" ] || info "found wasm-bindgen $have_version, want $want"
        # Not --locked: a version in the CLI's lock file is missing from the registry mirror.
        info "cargo install wasm-bindgen-cli --version $want --force (a few minutes)"
        quietly cargo install wasm-bindgen-cli --version "$want" --force
        info "installed: $(wasm-bindgen --version)"
    fi

    step "wasm: wasm-opt from npm binaryen@$BINARYEN_VERSION in ${TOOLS_DIR#"$ROOT/"}/"
    wasm_opt="$TOOLS_DIR/node_modules/.bin/wasm-opt"
    if [ -x "$wasm_opt" ] && "$wasm_opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
        info "present: $("$wasm_opt" --version)"
    else
        if ! have npm; then
            apt_install nodejs npm
        fi
        mkdir -p "$TOOLS_DIR"
        info "npm install --prefix ${TOOLS_DIR#"$ROOT/"} binaryen@$BINARYEN_VERSION"
        quietly npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund \
            --loglevel=error "binaryen@$BINARYEN_VERSION"
        info "installed: $("$wasm_opt" --version)"
    fi
    if [ -e /usr/bin/wasm-opt ]; then
        info "note: /usr/bin/wasm-opt exists (Debian's binaryen?); scripts/build-wasm.sh puts ${TOOLS_DIR#"$ROOT/"}'s first on PATH"
    fi

    step "wasm: done in $(elapsed "$t0")"
}

setup_browser() {
    local t0=$SECONDS

    step "browser: chromium + chromium-driver (Debian's; wasm tests in headless Chromium)"
    if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
        info "present: $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
    else
        apt_install chromium chromium-driver
        [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] ||
            die "chromium/chromedriver still missing after apt-get install"
        info "installed: $(chromedriver --version 2>/dev/null | cut -d' ' -f1-2)"
    fi

    step "browser: done in $(elapsed "$t0")"
}

setup_c() {
    local t0=$SECONDS have_version

    ensure_cargo_on_path
    have cargo || die "cargo not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"

    step "c: gcc, g++ and valgrind (the C test, plain and leak-checked)"
    if have gcc && have g++ && have valgrind; then
        info "present: $(gcc --version | head -n 1), $(valgrind --version)"
    else
        apt_install gcc g++ valgrind
        have gcc && have g++ && have valgrind || die "gcc/g++/valgrind still missing after apt-get install"
        info "installed: $(gcc --version | head -n 1), $(valgrind --version)"
    fi

    step "c: cbindgen $CBINDGEN_VERSION (include/mithril_lite.h)"
    have_version=""
    if have cbindgen; then
        have_version="$(cbindgen --version | awk '{print $2}')"
    fi
    if [ "$have_version" = "$CBINDGEN_VERSION" ]; then
        info "present: cbindgen $have_version"
    else
        [ -z "$have_version" ] || info "found cbindgen $have_version, want $CBINDGEN_VERSION"
        info "cargo install cbindgen --version $CBINDGEN_VERSION --locked (a minute or two)"
        quietly cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --force
        info "installed: $(cbindgen --version)"
    fi

    step "c: done in $(elapsed "$t0")"
}

setup_jvm() {
    local t0=$SECONDS javac_path jdk

    step "jvm: a JDK (javac, java, jni.h) and gcc (the JNI shim's test)"
    if ! have javac; then
        apt_install "$JDK_PACKAGE"
        have javac || die "javac still missing after apt-get install $JDK_PACKAGE"
    fi
    javac_path="$(readlink -f "$(command -v javac)")"
    jdk="$(dirname "$(dirname "$javac_path")")"
    if [ ! -f "$jdk/include/jni.h" ]; then
        # A javac without headers next to it (an unusual layout): the Debian JDK has them.
        apt_install "$JDK_PACKAGE"
        jdk="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
        [ -f "$jdk/include/jni.h" ] || die "jni.h not found next to javac ($jdk/include)"
    fi
    have java || die "java not found next to javac"
    have gcc || apt_install gcc
    have gcc || die "gcc still missing after apt-get install gcc"
    info "present: $(javac -version 2>&1) ($jdk), $(gcc --version | head -n 1)"

    step "jvm: done in $(elapsed "$t0")"
}

setup_mobile() {
    local t0=$SECONDS

    step "mobile: clang, llvm-ar, llvm-nm (blst's C for iOS / Android, symbol check)"
    ensure_clang
    have llvm-nm || apt_install llvm
    have llvm-nm || die "llvm-nm still missing after apt-get install llvm"

    ensure_cargo_on_path
    have rustup || die "rustup not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"

    step "mobile: rust targets (${MOBILE_TARGETS[*]})"
    ensure_rust_targets "${MOBILE_TARGETS[@]}"

    step "mobile: done in $(elapsed "$t0")"
}

setup_fuzz() {
    local t0=$SECONDS have_version

    ensure_cargo_on_path
    have cargo || die "cargo not found (looked on PATH and in ${CARGO_HOME:-$HOME/.cargo}/bin)"

    step "fuzz: nightly toolchain (cargo-fuzz's sanitizer flags need it)"
    if cargo +nightly --version >/dev/null 2>&1; then
        info "present: $(cargo +nightly --version)"
    else
        info "rustup toolchain install nightly --profile minimal"
        quietly rustup toolchain install nightly --profile minimal
    fi

    step "fuzz: a C++ compiler (libFuzzer is built from source)"
    if have c++; then
        info "present: $(c++ --version | head -n 1)"
    else
        apt_install g++
    fi

    step "fuzz: cargo-fuzz $CARGO_FUZZ_VERSION"
    have_version=""
    if have cargo-fuzz; then
        have_version="$(cargo fuzz --version | awk '{print $2}')"
    fi
    if [ "$have_version" = "$CARGO_FUZZ_VERSION" ]; then
        info "present: cargo-fuzz $have_version"
    else
        [ -z "$have_version" ] || info "found cargo-fuzz $have_version, want $CARGO_FUZZ_VERSION"
        info "cargo install cargo-fuzz --version $CARGO_FUZZ_VERSION --locked (about two minutes)"
        quietly cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
        info "installed: $(cargo fuzz --version)"
    fi

    step "fuzz: done in $(elapsed "$t0")"
}

# ---------------------------------------------------------------------------------------
# main

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

selected=()
for arg in "$@"; do
    case "$arg" in
    --all) selected+=("${AREAS[@]}") ;;
    --rust) selected+=(rust) ;;
    --wasm) selected+=(wasm) ;;
    --browser) selected+=(browser) ;;
    --c) selected+=(c) ;;
    --jvm) selected+=(jvm) ;;
    --mobile) selected+=(mobile) ;;
    --fuzz) selected+=(fuzz) ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        die "unknown argument: $arg"
        ;;
    esac
done
[ "${#selected[@]}" -gt 0 ] || selected=("${AREAS[@]}")

start=$SECONDS
done_areas=" "
for area in "${selected[@]}"; do
    case "$done_areas" in *" $area "*) continue ;; esac
    "setup_$area"
    done_areas+="$area "
done
step "all done in $(elapsed "$start") (areas:${done_areas% })"
