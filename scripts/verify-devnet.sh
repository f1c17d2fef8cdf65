#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, build the native CLI, and verify
# every certificate of the bundled devnet chain (tests/fixtures/devnet) back to its genesis
# certificate, with progress on stderr and the verdict on stdout.
#
# Usage: scripts/verify-devnet.sh [extra verify-chain options, e.g. --json]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

scripts/setup.sh --rust
echo "==> building the mithril-lite CLI (release)"
cargo build --release --features cli --bin mithril-lite
echo "==> verifying the bundled devnet chain (43 certificates, epochs 15..25)"
exec target/release/mithril-lite verify-chain tests/fixtures/devnet --all "$@"
