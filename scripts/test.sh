#!/usr/bin/env bash
# The project's full test command: every stage, in order, stopping at the first failure.
#
# Stages:
#   fmt      cargo fmt --all -- --check
#   clippy   cargo clippy --all-targets --all-features -- -D warnings
#   test     cargo test --all-features
#   no-std   scripts/check-no-std.sh (the core builds for targets without std)
#
# Usage: scripts/test.sh [STAGE...]     (no stage: all of them, in the order above)
#
# Environment:
#   MITHRIL_LITE_DIFF_CASES  passed through to the tests as the caller set it (the number of
#                            random cases in the differential tests); unset: the tests' default
#   CI                       when set, cargo runs with --locked (a stale Cargo.lock fails)
#
# Needs: scripts/setup.sh (once per machine).
#
# Adding a stage (node, browser, C, ...): write a `stage_<name>` function (use `-` in the
# stage name, `_` in the function name) and add the name to STAGES.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGES=(fmt clippy test no-std)

# cargo lives in ~/.cargo/bin under rustup; a non-login shell may not have it on PATH.
bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

die() {
    printf 'test.sh: error: %s\n' "$*" >&2
    exit 2
}

# In CI, refuse to touch Cargo.lock: a stale lock file should fail, not be rewritten.
locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

# ---------------------------------------------------------------------------------------
# stages

stage_fmt() {
    cargo fmt --all -- --check
}

stage_clippy() {
    cargo clippy "${locked[@]}" --all-targets --all-features -- -D warnings
}

stage_test() {
    if [ -n "${MITHRIL_LITE_DIFF_CASES+set}" ]; then
        echo "MITHRIL_LITE_DIFF_CASES=$MITHRIL_LITE_DIFF_CASES"
    else
        echo "MITHRIL_LITE_DIFF_CASES unset: the tests use their default"
    fi
    cargo test "${locked[@]}" --all-features --no-fail-fast
}

stage_no_std() {
    bash "$ROOT/scripts/check-no-std.sh"
}

# ---------------------------------------------------------------------------------------
# main

selected=()
for arg in "$@"; do
    case "$arg" in
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *)
        known=0
        for s in "${STAGES[@]}"; do [ "$s" = "$arg" ] && known=1; done
        [ "$known" -eq 1 ] || die "unknown stage: $arg (stages: ${STAGES[*]})"
        selected+=("$arg")
        ;;
    esac
done
[ "${#selected[@]}" -gt 0 ] || selected=("${STAGES[@]}")

command -v cargo >/dev/null 2>&1 || die "cargo not found; run scripts/setup.sh"

results=()
start=$SECONDS

summary() {
    local line
    printf '\n==================== summary ====================\n'
    for line in "${results[@]}"; do printf '  %s\n' "$line"; done
    printf '  total time: %ds\n' "$((SECONDS - start))"
}

for stage in "${selected[@]}"; do
    printf '\n==================== stage: %s ====================\n' "$stage"
    t0=$SECONDS
    # A subshell with its own `set -e`, outside any `||` or `if` (where bash would ignore
    # errexit in the whole function), so a stage stops at its first failing command.
    set +e
    (
        set -e
        "stage_${stage//-/_}"
    )
    rc=$?
    set -e
    took=$((SECONDS - t0))
    if [ "$rc" -ne 0 ]; then
        results+=("$(printf 'FAIL  %-8s %4ds  (exit %d)' "$stage" "$took" "$rc")")
        summary
        printf 'test.sh: stage %s FAILED\n' "$stage"
        exit 1
    fi
    results+=("$(printf 'ok    %-8s %4ds' "$stage" "$took")")
    printf -- '---- stage %s: ok (%ds)\n' "$stage" "$took"
done

summary
printf 'test.sh: all %d stages ok (%s)\n' "${#selected[@]}" "${selected[*]}"
