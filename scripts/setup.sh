#!/usr/bin/env bash
# Install what a fresh machine lacks to build and test mithril-lite.
#
# Idempotent: every step first checks whether its tool is already there, so a second run
# installs nothing and takes a few seconds. Quiet: one line per step; a failing command's
# output is printed in full.
#
# Usage: scripts/setup.sh [AREA...]
#   --all    every area below (the default when no area is given)
#   --rust   clang + llvm-ar (blst's C for wasm32 / bare-metal targets), rustfmt, clippy,
#            and the no_std proof targets (see scripts/check-no-std.sh)
#
# Adding an area (node, browser, ...): write a `setup_<area>` function, add it to AREAS and
# to the argument parser below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Areas in the order --all runs them.
AREAS=(rust)

# Targets the no_std core must build for (keep in sync with scripts/check-no-std.sh).
NO_STD_TARGETS=(thumbv7em-none-eabihf wasm32v1-none)
RUST_COMPONENTS=(rustfmt clippy)

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

# ---------------------------------------------------------------------------------------
# areas

setup_rust() {
    local t0=$SECONDS installed missing c t

    step "rust: C toolchain for blst (clang, llvm-ar)"
    if have clang && have llvm-ar; then
        info "present: $(clang --version | head -n 1)"
    else
        apt_install clang llvm
        if ! have clang || ! have llvm-ar; then
            die "clang/llvm-ar still missing after apt-get install"
        fi
        info "installed: $(clang --version | head -n 1)"
    fi

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
    installed="$(rustup target list --installed)"
    missing=()
    for t in "${NO_STD_TARGETS[@]}"; do
        grep -qx "$t" <<<"$installed" || missing+=("$t")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        info "present"
    else
        info "rustup target add ${missing[*]}"
        quietly rustup target add "${missing[@]}"
    fi

    step "rust: done in $(elapsed "$t0") ($(rustc --version), $(cargo --version | cut -d' ' -f1-2))"
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
