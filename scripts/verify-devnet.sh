#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, then verify every certificate of
# the bundled devnet chain (tests/fixtures/devnet) back to its genesis certificate twice, with
# the two hosts of the one core engine:
#
#   1. the native CLI (release build): progress on stderr, the verdict on stdout;
#   2. the npm package in node: builds the package's wasm (scripts/build-wasm.sh), starts
#      the local devnet "aggregator" (www/server.mjs on 127.0.0.1) and verifies its newest
#      certificate through `CertificateVerifier` (scripts/verify-devnet-node.mjs).
#
# On a fresh machine step 2 first installs the wasm tools (scripts/setup.sh --wasm: about
# 13 minutes, once); --cli-only skips it.
#
# Usage: scripts/verify-devnet.sh [--cli-only] [extra verify-chain options, e.g. --json]
# Exit status: 0 when both verdicts are VALID, 1 when one is not, 2 on a setup or build error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

cli_only=0
if [ "${1:-}" = "--cli-only" ]; then
    cli_only=1
    shift
fi

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

scripts/setup.sh --rust || exit 2
echo "==> building the mithril-lite CLI (release)"
cargo build --release --features cli --bin mithril-lite || exit 2
echo "==> [1/2] verifying the bundled devnet chain with the CLI (43 certificates, epochs 15..25)"
status=0
"${CARGO_TARGET_DIR:-target}/release/mithril-lite" verify-chain tests/fixtures/devnet --all "$@" || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi
[ "$cli_only" = 1 ] && exit "$status"

scripts/setup.sh --wasm || exit 2
echo "==> building the npm package's wasm (its one module, which node loads too)"
scripts/build-wasm.sh || exit 2
echo "==> [2/2] verifying the same chain with the npm package in node, from a local aggregator"
node_status=0
node scripts/verify-devnet-node.mjs || node_status=$?
if [ "$node_status" -gt "$status" ]; then status=$node_status; fi
exit "$status"
