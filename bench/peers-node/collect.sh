#!/usr/bin/env bash
# Collects recgate's Node and browser peer figures (issue #6) in one command:
#   target/bench-peers/node.md     recgate's npm package vs CASL: agreement, load,
#                                  check(), visible(), sizes   (bench/peers-node/run.mjs)
#   target/bench-peers/node-cedar.md  the same for Cedar (engines/cedar.mjs), when present
#   target/bench-peers/sizes.md    the sizes alone
#   target/bench-peers/browser.md  the npm package in headless Chromium
#                                  (wasm-web/bench/run.mjs --markdown)
# Builds what they measure first: the org generator and the CLI, the npm package
# (wasm-web/build.sh), the Envoy filter's .wasm (for its size), Cedar's exporter
# (bench/peers, for engines/cedar.mjs), and installs this
# directory's npm packages from package-lock.json. Needs scripts/setup.sh's tools.
# Arguments are passed to run.mjs (e.g. --rounds 9).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=/dev/null
source scripts/env.sh

cargo build --release -p recgate-tests --bin recgate-org -p recgate-cli
cargo build --release -p recgate-proxy --target wasm32-wasip1
# engines/cedar.mjs reads the org translated to Cedar by bench/peers's cedar-export.
if [ -f bench/peers/Cargo.toml ]; then
  cargo build --release --manifest-path bench/peers/Cargo.toml --bin cedar-export
fi
bash wasm-web/build.sh
# Regenerated every time: 1 s, and always the current generator's org.
target/release/recgate-org target/bench-peers/org
# Translated ahead, so that Cedar's timed load is loading, not translating.
if [ -x bench/peers/target/release/cedar-export ]; then
  bench/peers/target/release/cedar-export target/bench-peers/org
fi
if [ ! -f bench/peers-node/node_modules/.package-lock.json ] || [ bench/peers-node/package-lock.json -nt bench/peers-node/node_modules/.package-lock.json ]; then
  (cd bench/peers-node && npm ci --no-audit --no-fund)
fi

# Cedar in a process of its own (recgate's check() row again as the in-run baseline): with
# all four engines in one process Node 20's V8 twice died in a deoptimisation ("Fatal error
# ... unreachable code") on this machine; each half alone completes.
node bench/peers-node/run.mjs --org target/bench-peers/org --engines recgate,recgate-can,casl "$@"
if [ -f bench/peers-node/engines/cedar.mjs ]; then
  node bench/peers-node/run.mjs --org target/bench-peers/org --engines recgate,cedar \
    --out target/bench-peers/node-cedar.md "$@"
fi
node wasm-web/bench/run.mjs --no-build --markdown target/bench-peers/browser.md
echo "collect.sh: wrote target/bench-peers/node.md, node-cedar.md, sizes.md and browser.md"
