#!/usr/bin/env bash
# Node tests of the npm package in pkg/ (node --test over tests/node/*.test.mjs): the devnet
# and reference chains through getCertificate sources and a local HTTP aggregator, every
# negative reference case, abort, trust checkpoints (and their bytes' round trip with the CLI
# and the C ABI), pipelining, light-wallet proofs and
# artifacts (every devnet one, tampered ones, fetched ones; proofs.test.mjs), the exports map
# and the packed tarball installed into an empty project (node ESM import and CommonJS
# require), the TypeScript declarations (tsc --strict, inside package.test.mjs, and checked
# against pkg/src's JSDoc types: tests/node/types/surface.ts), pkg/src's one-way imports, and the
# prepack check that refuses a missing or stale build (prepack.test.mjs).
# Before the tests: the tarball `npm pack` makes (prepack checks pkg/dist/web against the
# sources first) is linted by publint and @arethetypeswrong/cli.
# STM checks: the verdict files run on the node entry's default pool of worker_threads, and
# again inline (inline.test.mjs sets MITHRIL_LITE_WORKERS=0 and imports them); pool.test.mjs
# and workers.test.mjs test the pool itself (lazy start, reuse, close, bounded in-flight,
# out-of-order completion, abort with jobs in workers, dead workers, a host's executor).
# Also type-checks the package's JavaScript (tsc --checkJs --strict).
#
# Assumes scripts/build-wasm.sh has run (pkg/dist/web, the package's one module) and so has
# scripts/build-wasm.sh --fault-injection (target/wasm-fault/dist/web, for fault.test.mjs).
# trust-bytes.test.mjs (the same checkpoint bytes through the CLI, node and the C ABI) also runs
# the CLI (target/release or target/debug/mithril-lite: scripts/test.sh's test stage builds it)
# and target/c/verify_devnet (scripts/test-c.sh, the c stage); it fails naming a missing one.
# Installs the test tooling (typescript, publint, @arethetypeswrong/cli, pinned by
# tests/node/package-lock.json) with `npm ci` when needed.
#
# Usage: scripts/test-node.sh [FILE.test.mjs...]   (default: every tests/node/*.test.mjs)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTS="$ROOT/tests/node"

die() {
    printf 'test-node: error: %s\n' "$*" >&2
    exit 1
}

command -v node >/dev/null 2>&1 || die "node not found"
command -v npm >/dev/null 2>&1 || die "npm not found"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "node $(node --version) is too old for the tests (20+)"

[ -s "$ROOT/pkg/dist/web/mithril_lite_bg.wasm" ] ||
    die "pkg/dist/web is missing: run scripts/build-wasm.sh first"

# The tests choose the pool size themselves.
unset MITHRIL_LITE_WORKERS

cd "$TESTS"
if [ "$#" -gt 0 ]; then files=("$@"); else files=(./*.test.mjs); fi
# Only fault.test.mjs loads the fault-injection build.
FAULT_WASM="$ROOT/target/wasm-fault/dist/web/mithril_lite_bg.wasm"
case " ${files[*]} " in
*fault.test.mjs*)
    [ -s "$FAULT_WASM" ] ||
        die "$FAULT_WASM is missing: run scripts/build-wasm.sh --fault-injection first (fault.test.mjs)"
    ;;
esac

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -x node_modules/.bin/tsc ] || [ ! -x node_modules/.bin/publint ] ||
    [ ! -x node_modules/.bin/attw ] || [ ! -e node_modules/mithril-lite ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "test-node: npm ci (tests/node)"
    npm ci --no-audit --no-fund --loglevel=error
fi

echo "test-node: node $(node --version), $(node_modules/.bin/tsc --version)"
t0=$SECONDS
node_modules/.bin/tsc --noEmit --strict --allowJs --checkJs --skipLibCheck \
    --target es2022 --module nodenext --moduleResolution nodenext --lib es2022,dom \
    "$ROOT"/pkg/src/*.js "$ROOT"/pkg/scripts/*.mjs
echo "test-node: tsc --checkJs pkg/src pkg/scripts ok ($((SECONDS - t0))s)"

# The tarball as `npm publish` would upload it, linted: publint (package.json against the
# files it ships) and attw (the declarations each entry resolves to, per TypeScript module
# resolution). attw's documented esm-only profile: the package is ES modules only, so attw's
# node10 and node16-from-CommonJS resolutions do not apply (require() works through node's
# require(esm), which attw's TypeScript does not model; package.test.mjs runs it for real).
pack_dir="$(mktemp -d)"
trap 'rm -rf "$pack_dir"' EXIT
(cd "$ROOT/pkg" && npm pack --pack-destination "$pack_dir" --loglevel=error >/dev/null)
tarball=("$pack_dir"/*.tgz)
if [ "${#tarball[@]}" -ne 1 ] || [ ! -s "${tarball[0]}" ]; then die "npm pack made no tarball"; fi
t0=$SECONDS
node_modules/.bin/publint run --strict "${tarball[0]}"
node_modules/.bin/attw --profile esm-only --no-definitely-typed --no-color "${tarball[0]}"
lint_versions="$(node -p 'const v = (p) => require(`./node_modules/${p}/package.json`).version;
    `publint ${v("publint")}, attw ${v("@arethetypeswrong/cli")}`')"
echo "test-node: $lint_versions: ok ($((SECONDS - t0))s)"

node --test --test-reporter=spec "${files[@]}"
