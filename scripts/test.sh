#!/usr/bin/env bash
# The project's full test command: every stage, in order, stopping at the first failure.
#
# Stages:
#   fmt                cargo fmt --all -- --check
#   clippy             cargo clippy --all-targets --all-features -- -D warnings
#   test               cargo test --all-features
#   differential       tests/differential (standalone crate, target/differential): seeded text-level
#                      mutations of every fixture certificate judged by mithril-common 0.8.3 and
#                      mithril-lite, plus the committed regressions; fails on any verdict
#                      disagreement (DIFF_CASES, default 1,500 here; DIFF_SEED, default 1)
#   no-std             scripts/check-no-std.sh (the core builds for targets without std), after
#                      checking that no crate turns on serde_json's float_roundtrip or
#                      arbitrary_precision in the library's build
#   c                  scripts/test-c.sh (the C ABI: host static library, header is current,
#                      the C tests in tests/c/ inline and with a worker pool, under valgrind memcheck,
#                      helgrind and drd)
#   jvm                scripts/test-jvm.sh (the JNI shim of docs/mobile.md compiled against the
#                      static library the c stage built, driven from Java on the host JVM:
#                      chain walks inline and on a thread pool, proofs, errors, leaks)
#   mobile             scripts/build-mobile.sh (static libraries for aarch64-apple-ios and
#                      aarch64-linux-android; every header function exported)
#   wasm-build         scripts/build-wasm.sh: the package's one module (pkg/dist/web), then the
#                      test-only fault-injection variant the node and browser stages load
#                      (target/wasm-fault/dist/web; never shipped)
#   wasm-size          scripts/wasm-size.sh (the .wasm's raw and gzipped size budget; see
#                      WASM_SIZE_ENFORCE below)
#   wasm-test-node     tests/wasm_bindings.rs as wasm in node (wasm-bindgen-test-runner)
#   wasm-test-browser  the same in headless Chromium (Debian's chromium + chromedriver)
#   node               scripts/test-node.sh (the npm package: node --test, tsc --strict; the
#                      packed tarball: publint, attw, installed and used from ESM and CommonJS)
#   browser            scripts/test-browser.sh (www/ demo and MV3 extension, the packed tarball
#                      in a plain page; Playwright)
#   bundler            scripts/test-bundler.sh (a Vite build importing the packed tarball)
#   package            the crate as crates.io would get it: only sources, header, README and
#                      LICENSE in it, and `cargo publish --dry-run` (packs and builds it)
#   fuzz               scripts/fuzz.sh: every cargo-fuzz target in fuzz/ for FUZZ_SECONDS each
#                      (nightly; scripts/setup.sh --fuzz)
#
# Usage: scripts/test.sh [STAGE...]     (no stage: all of them, in the order above)
#
# Environment:
#   MITHRIL_LITE_DIFF_CASES  passed through to the tests as the caller set it (the number of
#                            random cases in the differential tests); unset: the tests' default
#   CI                       when set, cargo runs with --locked (a stale Cargo.lock fails)
#   WASM_SIZE_ENFORCE        1 (default): the wasm-size stage fails over the guard of
#                            scripts/wasm-size.sh (650,000 bytes raw, 262,000 gzipped); 0: it
#                            only reports the sizes.
#   FUZZ_SECONDS             the fuzz stage's run time per target (default 30)
#
# Needs: scripts/setup.sh (once per machine).
#
# Adding a stage (node, browser, C, ...): write a `stage_<name>` function (use `-` in the
# stage name, `_` in the function name) and add the name to STAGES.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STAGES=(fmt clippy test differential package no-std c jvm mobile wasm-build wasm-size wasm-test-node wasm-test-browser node browser bundler fuzz)

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

stage_differential() {
    # A sample: README.md "Testing" has the long run (DIFF_CASES=100000).
    DIFF_CASES="${DIFF_CASES:-1500}" DIFF_SEED="${DIFF_SEED:-1}" \
        CARGO_TARGET_DIR="$ROOT/target/differential" \
        cargo run "${locked[@]}" --release -q --manifest-path "$ROOT/tests/differential/Cargo.toml" \
        --bin differential
}

# serde_json reads the wire model as the reference does only without `float_roundtrip` and
# `arbitrary_precision` (they change which numbers parse, and to what): no crate in the
# library's build may turn them on, whatever the binding (tests/serde_wire.rs checks the test
# build's behaviour).
check_serde_json_features() {
    local flags tree
    for flags in "--features wasm" "--features ffi" "--features cli" "--no-default-features"; do
        # shellcheck disable=SC2086
        tree="$(cargo tree "${locked[@]}" -e normal,build,features -i serde_json --target all $flags)"
        if echo "$tree" | grep -E 'serde_json feature "(float_roundtrip|arbitrary_precision)"'; then
            die "serde_json's float_roundtrip or arbitrary_precision is on in the library build ($flags)"
        fi
    done
    echo "serde_json features: no float_roundtrip, no arbitrary_precision (wasm, ffi, cli, no-default)"
}

stage_no_std() {
    check_serde_json_features
    bash "$ROOT/scripts/check-no-std.sh"
}

stage_c() {
    bash "$ROOT/scripts/test-c.sh"
}

stage_jvm() {
    bash "$ROOT/scripts/test-jvm.sh"
}

stage_mobile() {
    bash "$ROOT/scripts/build-mobile.sh"
}

stage_node() {
    bash "$ROOT/scripts/test-node.sh"
}

stage_browser() {
    bash "$ROOT/scripts/test-browser.sh"
}

stage_bundler() {
    bash "$ROOT/scripts/test-bundler.sh"
}

stage_package() {
    local list unexpected
    list="$(cargo package "${locked[@]}" --list --allow-dirty)"
    unexpected="$(echo "$list" | grep -vE '^(src/.*\.rs|include/mithril_lite\.h|Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|README\.md|LICENSE|\.cargo_vcs_info\.json)$' || true)"
    [ -z "$unexpected" ] || die "the crate package holds files it does not need: $unexpected"
    echo "package: $(echo "$list" | wc -l) files"
    # A fresh clone (CI) is clean; a working tree may not be.
    local dirty=()
    if [ -z "${CI:-}" ]; then dirty=(--allow-dirty); fi
    cargo publish "${locked[@]}" --dry-run "${dirty[@]}"
}

stage_fuzz() {
    bash "$ROOT/scripts/fuzz.sh" --seconds "${FUZZ_SECONDS:-30}"
}

stage_wasm_build() {
    bash "$ROOT/scripts/build-wasm.sh"
    bash "$ROOT/scripts/build-wasm.sh" --fault-injection
}

stage_wasm_size() {
    if [ "${WASM_SIZE_ENFORCE:-1}" = 1 ]; then
        bash "$ROOT/scripts/wasm-size.sh"
    else
        bash "$ROOT/scripts/wasm-size.sh" --report-only
    fi
}

# The wasm tests run as `wasm-pack test --node` / `--headless --chrome` would run them, minus
# wasm-pack's extra `cargo build --tests` in the dev profile (a second full build): cargo test
# for wasm32 with wasm-bindgen-test-runner (from the wasm-bindgen CLI that scripts/setup.sh
# installs at Cargo.toml's version) as the target's runner.
wasm_test_env() {
    command -v wasm-bindgen-test-runner >/dev/null 2>&1 ||
        die "wasm-bindgen-test-runner not found; run scripts/setup.sh --wasm"
    command -v node >/dev/null 2>&1 || die "node not found"
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    # blst's C for wasm32 needs clang; same optimisation as the shipped module.
    export CC_wasm32_unknown_unknown="${CC_wasm32_unknown_unknown:-clang}"
    export AR_wasm32_unknown_unknown="${AR_wasm32_unknown_unknown:-llvm-ar}"
    export CFLAGS_wasm32_unknown_unknown="${CFLAGS_wasm32_unknown_unknown:--O2}"
}

# tests/wasm_bindings.rs only: the other integration tests read fixture files, which wasm has not.
WASM_TEST_ARGS=(--target wasm32-unknown-unknown --no-default-features --features wasm
    --test wasm_bindings)

# Run a wasm test command, then insist that tests ran and passed: wasm-bindgen-test-runner
# exits 0 when it skips a suite meant for another environment ("... skipping") or finds none.
run_wasm_tests() {
    local log rc
    log="$(mktemp)"
    set +e
    "$@" 2>&1 | tee "$log"
    rc="${PIPESTATUS[0]}"
    set -e
    if [ "$rc" -ne 0 ]; then
        rm -f "$log"
        return "$rc"
    fi
    if grep -qE 'skipping|no tests to run' "$log" ||
        ! grep -qE '^test result: ok\. [1-9][0-9]* passed; 0 failed' "$log"; then
        rm -f "$log"
        die "the wasm test run exited 0 but no test ran and passed"
    fi
    rm -f "$log"
}

stage_wasm_test_node() {
    wasm_test_env
    WASM_BINDGEN_TEST_ONLY_NODE=1 run_wasm_tests cargo test "${locked[@]}" "${WASM_TEST_ARGS[@]}"
}

stage_wasm_test_browser() {
    wasm_test_env
    local driver tmp rc
    driver="$(command -v chromedriver || true)"
    [ -n "$driver" ] || die "chromedriver not found; run scripts/setup.sh --browser"
    # The test binary has no run_in_browser section (so the node stage runs it too): choose the
    # browser here. The runner adds headless, no-sandbox and disable-dev-shm-usage; these keep
    # Chromium off the network (only the registries answer here) and out of ~/.config.
    tmp="$(mktemp -d)"
    cat >"$tmp/webdriver.json" <<JSON
{
  "goog:chromeOptions": {
    "args": [
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--user-data-dir=$tmp/profile"
    ]
  }
}
JSON
    set +e
    CHROMEDRIVER="$driver" WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_ONLY_WEB=1 \
        WASM_BINDGEN_TEST_WEBDRIVER_JSON="$tmp/webdriver.json" \
        run_wasm_tests cargo test "${locked[@]}" "${WASM_TEST_ARGS[@]}"
    rc=$?
    set -e
    rm -rf "$tmp"
    return "$rc"
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
# A stage may write a few lines here saying why it failed (scripts/fuzz.sh does); they are
# printed last, where a truncated CI log still shows them.
TEST_STAGE_NOTES="$(mktemp)"
export TEST_STAGE_NOTES
trap 'rm -f "$TEST_STAGE_NOTES"' EXIT

# CI machines have a disk of unknown size (a run once failed with "No space left on device"):
# each summary line says how much target/ holds after the stage and how much the disk has left.
disk_note() {
    local used free
    used="$(du -sh "$ROOT/target" 2>/dev/null | cut -f1)"
    free="$(df -h --output=avail "$ROOT" 2>/dev/null | tail -1 | tr -d ' ')"
    printf 'target %s, disk free %s' "${used:-0}" "${free:-?}"
}

# Build output a stage made for itself alone and no later stage reads: removed after the
# stage passes in CI (CI=true), so the disk holds one stage's private build at a time.
prune_after_stage() {
    [ -n "${CI:-}" ] || return 0
    case "$1" in
    differential) rm -rf "$ROOT/target/differential" ;;
    c) rm -rf "$ROOT/target/no-threads" ;;
    no-std | mobile)
        local dir
        for dir in "$ROOT"/target/*-*-*/; do
            case "$(basename "$dir")" in
            wasm32-unknown-unknown) ;;
            *) rm -rf "$dir" ;;
            esac
        done
        ;;
    esac
}

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
        results+=("$(printf 'FAIL  %-17s %4ds  (exit %d)  %s' "$stage" "$took" "$rc" "$(disk_note)")")
        summary
        printf 'test.sh: stage %s FAILED\n' "$stage"
        head -c 8000 "$TEST_STAGE_NOTES"
        exit 1
    fi
    results+=("$(printf 'ok    %-17s %4ds  %s' "$stage" "$took" "$(disk_note)")")
    printf -- '---- stage %s: ok (%ds)\n' "$stage" "$took"
    prune_after_stage "$stage"
done

summary
printf 'test.sh: all %d stages ok (%s)\n' "${#selected[@]}" "${selected[*]}"
