#!/usr/bin/env bash
# Browser tests of the demo page and the MV3 extension (tests/browser/*.test.mjs, node --test)
# in headless Debian Chromium driven by playwright-core:
#
#   server.test.mjs     www/server.mjs: exact certificate and proof texts, the tampered
#                       copies, MIME types
#   imports.test.mjs    the pages reach the package only through its exports-map browser entry
#   demo.test.mjs       www/index.html: full walk, progress, trust checkpoints, tampered
#                       aggregator, cancel, typed hashes, where the checks ran (the default
#                       pool of Web Workers); screenshots in tests/output/
#   demo-inline.test.mjs  the same with ?workers=0 (checks in the page's thread)
#   tx-panel.test.mjs   the demo's "Is my transaction certified?" panel: the devnet
#                       transactions certified in their fixture blocks with the finality hint,
#                       a made-up hash not certified, the forged-proof aggregator refused
#                       (item_not_certified), input validation; screenshots in tests/output/
#   pool.test.mjs       the package's check pool in a page: verdicts as inline, reuse,
#                       close(), an abort with jobs on workers (none left busy, no trust)
#   extension.test.mjs  www/extension loaded unpacked: the service worker verifies on install,
#                       chrome.storage.local holds the outcome, the popup re-runs it; an
#                       extension page keeps checkpoints with IndexedDbTrustStore
#   indexeddb.test.mjs  IndexedDbTrustStore: checkpoints survive a reload, from a page and
#                       from a dedicated Web Worker; corrupted values (trust-ignored, full
#                       walk, right verdict); separate databases and object stores; a
#                       blocked upgrade
#   fault.test.mjs      a trap in the wasm module (the test-only fault-injection build) rejects
#                       with internal_error and the next verification succeeds on a fresh
#                       instance; a Web Worker whose module traps is replaced
#   tarball.test.mjs    the package as published: `npm pack` (prepack checks pkg/dist/web),
#                       the tarball npm-installed into an empty project, and a plain page there
#                       (an import map to the installed browser entry, no bundler) verifying
#                       the devnet chain on the package's Web Workers
#
# Installs the test dependency (playwright-core, pinned by tests/browser/package-lock.json) with
# `npm ci` when needed and prepares the extension's package copy in www/extension/ (build.mjs;
# the tests load their own copy, built in a temporary directory for their server's port).
#
# Assumes scripts/build-wasm.sh has run (pkg/dist/web), and scripts/build-wasm.sh --fault-injection
# (target/wasm-fault/dist/web, for fault.test.mjs), and Chromium is installed
# (scripts/setup.sh --browser: Debian's chromium). Chromium: $CHROMIUM, default /usr/bin/chromium.
#
# Usage: scripts/test-browser.sh [FILE.test.mjs...]   (default: every tests/browser/*.test.mjs)
# The last line printed is "N passed, N failed".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TESTS="$ROOT/tests/browser"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM

die() {
    printf 'test-browser: error: %s\n' "$*" >&2
    exit 1
}

command -v node >/dev/null 2>&1 || die "node not found"
command -v npm >/dev/null 2>&1 || die "npm not found"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "node $(node --version) is too old for the tests (20+)"
[ -x "$CHROMIUM" ] || die "$CHROMIUM not found: run scripts/setup.sh --browser"
[ -s "$ROOT/pkg/dist/web/mithril_lite_bg.wasm" ] ||
    die "pkg/dist/web is missing: run scripts/build-wasm.sh first"

cd "$TESTS"
if [ ! -e node_modules/playwright-core/package.json ] ||
    [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "test-browser: npm ci (tests/browser)"
    npm ci --no-audit --no-fund --loglevel=error
fi

cd "$ROOT"
if [ "$#" -gt 0 ]; then files=("$@"); else files=(tests/browser/*.test.mjs); fi
# Only fault.test.mjs loads the fault-injection build.
case " ${files[*]} " in
*fault.test.mjs*)
    [ -s "$ROOT/target/wasm-fault/dist/web/mithril_lite_bg.wasm" ] ||
        die "target/wasm-fault/dist/web is missing: run scripts/build-wasm.sh --fault-injection first"
    ;;
esac

node www/extension/build.mjs
mkdir -p tests/output

chromium_version="$("$CHROMIUM" --version 2>/dev/null | grep -o 'Chromium [0-9.]*' || echo 'Chromium ?')"
playwright_version="$(node -p 'require("./tests/browser/node_modules/playwright-core/package.json").version')"
echo "test-browser: node $(node --version), $chromium_version, playwright-core $playwright_version"

exec node --test --test-concurrency=1 --test-timeout=180000 \
    --test-reporter=./tests/browser/reporter.mjs --test-reporter-destination=stdout \
    "${files[@]}"
