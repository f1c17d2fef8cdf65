#!/usr/bin/env bash
# Bundler test of the npm package as published: `npm pack` in pkg/ (its prepack checks
# pkg/dist/web against the sources), the tarball `npm install`ed into an empty project, and the
# tiny Vite app of tests/bundler (index.html, src/) copied there. The app imports
# { init, CertificateVerifier, decodeGenesisKey } from 'mithril-lite' through the exports map's
# browser condition (and, dynamically, 'mithril-lite/bundler': one .wasm for both), `vite build`
# must succeed and emit the .wasm that src/web.js finds through `new URL(..., import.meta.url)`,
# and the built JS must reference it; the check pool's worker script must be emitted as its own
# chunk and referenced too. The same install is then imported from Node, which must resolve
# the node condition (src/node.js).
#
# Assumes scripts/build-wasm.sh has run (pkg/dist/web, the package's one module). Installs Vite,
# pinned by tests/bundler/package-lock.json, with `npm ci`, and builds with it.
#
# Usage: scripts/test-bundler.sh      Prints 'N passed, N failed' last; exits non-zero on failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/tests/bundler"

die() {
    printf 'test-bundler: error: %s\n' "$*" >&2
    exit 1
}

command -v node >/dev/null 2>&1 || die "node not found"
command -v npm >/dev/null 2>&1 || die "npm not found"
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 20 ] || die "node $(node --version) is too old (20+)"
[ -s "$ROOT/pkg/dist/web/mithril_lite_bg.wasm" ] ||
    die "pkg/dist/web is missing: run scripts/build-wasm.sh first"

passed=0
failed=0
ok() {
    passed=$((passed + 1))
    printf 'ok   %s\n' "$*"
}
fail() {
    failed=$((failed + 1))
    printf 'FAIL %s\n' "$*"
}
finish() {
    printf '%d passed, %d failed\n' "$passed" "$failed"
    [ "$failed" -eq 0 ]
    exit
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

cd "$DIR" || die "cannot enter $DIR"
LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT

# 1. Install exactly what the lock file pins (vite).
t="$(now)"
if npm ci --no-audit --no-fund >"$LOG/ci" 2>&1; then
    ok "npm ci ($(since "$t"))"
else
    cat "$LOG/ci"
    fail "npm ci"
    finish
fi
vite_version="$(node -p 'require("vite/package.json").version' 2>/dev/null || echo '?')"
VITE="$DIR/node_modules/.bin/vite"

# 2. The tarball, installed into an empty project holding the app (offline: the package has
# no dependencies).
APP="$LOG/app"
mkdir -p "$APP"
t="$(now)"
if (cd "$ROOT/pkg" && npm pack --pack-destination "$LOG" --loglevel=error >"$LOG/pack" 2>&1) &&
    tarball="$(find "$LOG" -maxdepth 1 -name 'mithril-lite-*.tgz' -print -quit)" && [ -n "$tarball" ] &&
    printf '{"name":"app","private":true,"type":"module"}\n' >"$APP/package.json" &&
    (cd "$APP" && npm install --offline --no-audit --no-fund --loglevel=error "$tarball" >"$LOG/install" 2>&1); then
    ok "npm pack + npm install $(basename "$tarball") into an empty project ($(since "$t"))"
else
    cat "$LOG/pack" "$LOG/install" 2>/dev/null
    fail "npm pack / npm install of the tarball"
    finish
fi
if [ -d "$APP/node_modules/mithril-lite" ] && [ ! -L "$APP/node_modules/mithril-lite" ]; then
    ok "mithril-lite installed from the tarball (a directory, not a link to pkg/)"
else
    fail "node_modules/mithril-lite is missing or a link"
fi
cp -r index.html src "$APP/"

# 3. Build the app, from its own directory, with tests/bundler's Vite.
t="$(now)"
if (cd "$APP" && "$VITE" build) >"$LOG/build" 2>&1; then
    ok "vite build, vite $vite_version ($(since "$t"))"
else
    cat "$LOG/build"
    fail "vite build, vite $vite_version"
    finish
fi
cd "$APP" || die "cannot enter $APP"

# 4. The .wasm is emitted as an asset: the tarball's WebAssembly module, unchanged.
wasm="$(find dist/assets -maxdepth 1 -name '*.wasm' -print -quit 2>/dev/null)"
if [ -n "$wasm" ] && [ "$(head -c 4 "$wasm" | od -An -tx1 | tr -d ' \n')" = "0061736d" ] &&
    cmp -s "$wasm" node_modules/mithril-lite/dist/web/mithril_lite_bg.wasm; then
    ok "wasm asset emitted, the tarball's module byte for byte: $wasm ($(wc -c <"$wasm") bytes)"
else
    cat "$LOG/build"
    fail "no WebAssembly .wasm in dist/assets"
fi

# 4b. One .wasm for both entries the app loads (the default one and mithril-lite/bundler).
count="$(find dist/assets -maxdepth 1 -name '*.wasm' | wc -l)"
if [ "$count" -eq 1 ]; then
    ok "one .wasm emitted for the web and bundler entries"
else
    ls dist/assets >&2
    fail "$count .wasm files emitted (one expected: the package ships one module)"
fi

# 5. The built JS references that asset by its hashed name.
if [ -n "$wasm" ] && grep -lF "$(basename "$wasm")" dist/assets/*.js >/dev/null 2>&1; then
    ok "built JS references $(basename "$wasm")"
else
    fail "no JS in dist/assets references the .wasm"
fi

# 5b. The check pool's worker (src/worker-web.js, started with `new Worker(new URL(...),
# {type: 'module'})`) is emitted as a chunk of its own, which the app's JS references; it
# carries the wasm glue (it instantiates the module the page posts) and no Node-only code.
worker="$(find dist/assets -maxdepth 1 -name 'worker-web*.js' -print -quit 2>/dev/null)"
if [ -n "$worker" ] && grep -q 'runCheckJob\|__wbindgen' "$worker" &&
    grep -lF "$(basename "$worker")" dist/assets/*.js | grep -qv "$(basename "$worker")"; then
    ok "check worker emitted and referenced: $worker ($(wc -c <"$worker") bytes)"
else
    ls dist/assets >&2
    fail "no check worker chunk (worker-web*.js) in dist/assets, or nothing references it"
fi

# 6. The browser bundle took the web entry, not the Node one (which reads the .wasm with fs).
if grep -qE "readFileSync|require\(['\"]fs['\"]\)|['\"]node:" dist/assets/*.js; then
    fail "the browser bundle contains Node-only code (wrong exports condition?)"
else
    ok "browser bundle has no Node-only code"
fi

# 7. Node, from the same install, resolves the node condition.
resolved="$(node --input-type=module -e "console.log(import.meta.resolve('mithril-lite'))" 2>&1)"
case "$resolved" in
    */app/node_modules/mithril-lite/src/node.js) ok "node resolves mithril-lite to the installed src/node.js" ;;
    *) fail "node resolves mithril-lite to: $resolved" ;;
esac

# 8. And the node entry imports cleanly and exports the verifier.
if node -e "import('mithril-lite').then(m => { if (typeof m.CertificateVerifier !== 'function') process.exit(1) })" >"$LOG/node" 2>&1; then
    ok "node: import('mithril-lite') exports CertificateVerifier"
else
    cat "$LOG/node"
    fail "node: import('mithril-lite') has no CertificateVerifier"
fi

finish
