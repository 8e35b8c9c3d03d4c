#!/usr/bin/env bash
# recgate against the engines users would pick instead (issue #6), in one run:
#   native   recgate's core vs cedar-policy         (bench/peers, cedar-bench)
#   Node     the npm package vs cedar-wasm and CASL (bench/peers-node/run.mjs)
#   browser  the npm package in headless Chromium   (wasm-web/bench/run.mjs)
#   sizes    shipped .wasm and bundles, gzipped
#   edge     Envoy: no filter, native RBAC, recgate (bench/edge/run.mjs)
# Every part checks that each engine gives recgate's answers before timing it.
# Prints the fragments and writes them, with the date, machine and versions,
# into BENCHMARKS.md between the "peers" markers. Takes ~30 minutes here.
# BENCH_PARTS=native,node,edge runs a subset (the section is still rewritten
# from whatever fragments target/bench-peers holds).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
# shellcheck source=/dev/null
source scripts/env.sh

out=target/bench-peers
mkdir -p "$out"
parts=",${BENCH_PARTS:-native,node,edge},"
wants() { [[ "$parts" == *",$1,"* ]]; }

if wants native; then
  echo "bench-peers: native (recgate core vs cedar-policy)"
  cargo run --quiet --release --manifest-path bench/peers/Cargo.toml --bin cedar-bench
fi
if wants node; then
  echo "bench-peers: Node, browser and sizes (recgate npm vs cedar-wasm and CASL)"
  bash bench/peers-node/collect.sh
fi
if wants edge; then
  echo "bench-peers: edge (Envoy: no filter, native RBAC, recgate)"
  bash wasm-proxy/build.sh
  cargo build --release --target wasm32-wasip1 --manifest-path bench/edge/hostcalls/Cargo.toml --target-dir target/edge-hostcalls
  cargo build --release -p recgate-proxy --target wasm32-wasip1 --features hostcall-census --target-dir target/edge-census
  node bench/edge/run.mjs
  node bench/edge/run.mjs --concurrency 2
fi

node scripts/bench-section.mjs "$out" BENCHMARKS.md
echo "bench-peers: BENCHMARKS.md updated from $out/*.md"
