#!/usr/bin/env bash
# The demo, on the bundled sample organisation (examples/acme.json): sets up
# what is missing, shows the CLI on the policy, builds the browser package and
# serves the recordings player; when the Envoy filter is present, also starts
# Envoy with the filter in front of the demo recordings API. Ctrl-C stops all.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh

echo "== building the CLI"
cargo build --release -q -p recgate-cli
recgate=target/release/recgate
echo
echo "== the sample organisation"
$recgate validate examples/acme.json
$recgate lint examples/acme.json || true
echo
echo "== why Quinn (QA) may not watch a Support-UK screen recording"
$recgate explain --policy examples/acme.json --request examples/requests/qa-uk-screen.json
echo
echo "== the slice a BPO agent's browser receives (users in it: bare ids only)"
$recgate slice --policy examples/acme.json --principal b-em-1 | head -n 12
echo "   …"

echo
echo "== building the browser package"
bash wasm-web/build.sh > target/demo-build.log 2>&1 || { tail -n 30 target/demo-build.log; exit 1; }

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT INT TERM

if [ -f scripts/demo-edge.mjs ] && [ -d wasm-proxy ]; then
  echo "== building the Envoy filter and starting the edge (Envoy + demo recordings API)"
  cargo build --release -q -p recgate-proxy --target wasm32-wasip1
  node scripts/demo-edge.mjs &
  pids+=($!)
  sleep 3
fi

echo "== serving the demo page"
node scripts/serve-www.mjs --port "${PORT:-8080}" &
pids+=($!)
sleep 1
echo
echo "Open the URL above in a browser: the recordings player. Its API console"
echo "(console.html on the same server) sends requests through Envoy when the edge runs."
echo "Ctrl-C stops the demo."
wait
