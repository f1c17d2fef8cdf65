#!/usr/bin/env bash
# Build the C ABI's host static library, check the committed header is current, and run the C
# test (tests/c/) against it, plainly and under valgrind.
#
#   1. cargo rustc --lib --crate-type staticlib --features ffi --release
#      -> target/release/libmithril_lite.a (the crate's own crate-type stays rlib + cdylib)
#   2. cbindgen (the version pinned below) regenerates the header into a temporary file; it
#      must equal include/mithril_lite.h (else: scripts/test-c.sh --update-header, and commit)
#   3. the header compiles as C (-std=c99 and -std=c11, -pedantic) and as C++
#   4. gcc -Wall -Wextra -Werror builds the C tests against the static library:
#      tests/c/verify_devnet.c (every C ABI function on the devnet fixture) and
#      tests/c/verify_chains.c (jobs mode on a pthread worker pool vs inline mode), both with
#      tests/c/harness.c and tests/c/walk_driver.c
#   5. runs verify_devnet inline and with --jobs 4 (every walk in jobs mode on 4 worker
#      threads: the same verdicts), and verify_chains on the devnet chain, the mainnet-params
#      reference chain and the two-per-epoch reference chain with its negative cases
#   6. under valgrind: memcheck (--leak-check=full --errors-for-leak-kinds=definite,indirect)
#      on verify_devnet inline and with --jobs 3; helgrind and drd on verify_chains with 3
#      worker threads, linked against a second static library built with blst's worker pool off
#      (`--features ffi,blst/no-threads`, in target/no-threads: blst's pool hands work over with
#      futexes, which the race detectors cannot see, so it would bury the run in false reports;
#      not a crate feature, so that `cargo test --all-features` keeps the pool). Under
#      valgrind only the devnet and two-per-epoch chains run (not mainnet-params: its k = 1944
#      lottery checks take minutes there; it runs plainly in step 5)
#
# Usage: scripts/test-c.sh [--update-header] [--no-valgrind]
#   --update-header  write the regenerated header to include/mithril_lite.h instead of failing
#   --no-valgrind    skip step 6 (e.g. on a machine without valgrind)
#
# Environment: CI set -> cargo --locked.
# Needs: scripts/setup.sh --c (cbindgen, valgrind, gcc/g++).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Keep in sync with scripts/setup.sh (CBINDGEN_VERSION): another version may format differently.
CBINDGEN_VERSION=0.29.4
HEADER=include/mithril_lite.h
LIB=target/release/libmithril_lite.a
OUT=target/c

say() { printf -- '--- c: %s\n' "$*"; }
die() {
    printf 'test-c: error: %s\n' "$*" >&2
    exit 1
}

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

update=0
valgrind=1
for arg in "$@"; do
    case "$arg" in
    --update-header) update=1 ;;
    --no-valgrind) valgrind=0 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $arg" ;;
    esac
done

locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

command -v cbindgen >/dev/null 2>&1 || die "cbindgen not found; run scripts/setup.sh --c"
have="$(cbindgen --version | awk '{print $2}')"
[ "$have" = "$CBINDGEN_VERSION" ] ||
    die "cbindgen $have found, $CBINDGEN_VERSION wanted (scripts/setup.sh --c installs it)"
command -v gcc >/dev/null 2>&1 || die "gcc not found"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

say "static library (release, feature ffi)"
t0=$SECONDS
cargo rustc "${locked[@]}" --lib --crate-type staticlib --features ffi --release
[ -f "$LIB" ] || die "$LIB was not built"
say "$LIB: $(du -h "$LIB" | cut -f1) in $((SECONDS - t0))s"

say "header: cbindgen $CBINDGEN_VERSION vs $HEADER"
# cbindgen warns about every private constant of the crate: show its output only on failure.
if ! cbindgen --config cbindgen.toml --output "$tmp/mithril_lite.h" >"$tmp/cbindgen.log" 2>&1; then
    cat "$tmp/cbindgen.log" >&2
    die "cbindgen failed"
fi
if [ "$update" -eq 1 ]; then
    cp "$tmp/mithril_lite.h" "$HEADER"
    say "wrote $HEADER"
elif ! diff -u "$HEADER" "$tmp/mithril_lite.h"; then
    die "$HEADER is stale: run scripts/test-c.sh --update-header and commit it"
fi
# Every function the header declares is in the library.
declared="$(grep -oE '\bmithril_lite_[a-z0-9_]+\(' "$HEADER" | tr -d '(' | sort -u)"
defined="$(nm --defined-only "$LIB" 2>/dev/null | awk '$2 == "T" {print $3}' | sort -u)"
missing="$(comm -23 <(echo "$declared") <(echo "$defined"))"
[ -z "$missing" ] || die "declared in $HEADER but not exported by $LIB: $missing"
say "$(echo "$declared" | wc -l) functions declared, all exported"

say "header compiles as C99, C11 and C++"
printf '#include "mithril_lite.h"\nint main(void) { return mithril_lite_last_error_code(); }\n' >"$tmp/h.c"
for std in c99 c11; do
    gcc -std="$std" -Wall -Wextra -Werror -pedantic -I include -fsyntax-only "$tmp/h.c"
done
if command -v g++ >/dev/null 2>&1; then
    g++ -x c++ -std=c++11 -Wall -Wextra -Werror -pedantic -I include -fsyntax-only "$tmp/h.c"
fi

say "build tests/c/verify_devnet.c and tests/c/verify_chains.c"
mkdir -p "$OUT"
for prog in verify_devnet verify_chains; do
    gcc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -I include -I tests/c "tests/c/$prog.c" \
        tests/c/harness.c tests/c/walk_driver.c "$LIB" -lpthread -ldl -lm -o "$OUT/$prog"
done

CHAINS=tests/fixtures/reference-chains
say "run: verify_devnet, inline"
"$OUT/verify_devnet" tests/fixtures/devnet
say "run: verify_devnet, jobs mode on 4 worker threads"
"$OUT/verify_devnet" tests/fixtures/devnet --jobs 4
say "run: verify_chains, jobs mode on 4 worker threads vs inline"
"$OUT/verify_chains" --threads 4 tests/fixtures/devnet "$CHAINS/mainnet-params" "$CHAINS/two-per-epoch"

if [ "$valgrind" -eq 1 ]; then
    command -v valgrind >/dev/null 2>&1 || die "valgrind not found; run scripts/setup.sh --c (or --no-valgrind)"
    # Under valgrind: the devnet chain and the two-per-epoch chain with its negatives (small
    # parameters); the mainnet-params chain (k = 1944) only runs plainly above, as it would take
    # minutes here.
    vg() {
        local name="$1"
        shift
        local t0=$SECONDS
        valgrind --quiet --error-exitcode=1 "$@" >"$tmp/valgrind.out" 2>&1 || {
            cat "$tmp/valgrind.out" >&2
            die "valgrind ($name) found errors"
        }
        say "$name: clean in $((SECONDS - t0))s: $(grep -E 'checks, [0-9]+ failed' "$tmp/valgrind.out")"
    }
    # blst's verification thread pool lives for the process: it shows as "possibly lost",
    # which is not counted; definite and indirect leaks and any memory error fail.
    memcheck=(--leak-check=full --errors-for-leak-kinds=definite,indirect)
    say "valgrind memcheck (leaks and memory errors fail)"
    vg "memcheck, verify_devnet inline" "${memcheck[@]}" "$OUT/verify_devnet" tests/fixtures/devnet
    vg "memcheck, verify_devnet --jobs 3" "${memcheck[@]}" "$OUT/verify_devnet" tests/fixtures/devnet --jobs 3
    say "static library without blst's worker pool, for the race detectors"
    t0=$SECONDS
    cargo rustc "${locked[@]}" --lib --crate-type staticlib --features ffi,blst/no-threads \
        --release --target-dir target/no-threads
    gcc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -I include -I tests/c \
        tests/c/verify_chains.c tests/c/harness.c tests/c/walk_driver.c \
        target/no-threads/release/libmithril_lite.a -lpthread -ldl -lm -o "$OUT/verify_chains_nt"
    say "built in $((SECONDS - t0))s"
    say "valgrind helgrind and drd (data races, lock misuse fail)"
    for tool in helgrind drd; do
        vg "$tool, verify_chains --threads 3" --tool="$tool" "$OUT/verify_chains_nt" --threads 3 \
            tests/fixtures/devnet "$CHAINS/two-per-epoch"
    done
fi
say "ok"
