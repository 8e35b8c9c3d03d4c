#!/usr/bin/env bash
# The Envoy filter in real Envoy: builds the filter for wasm32-wasip1 and runs
# the integration tests (jwt_authn + filter + test APIs on 127.0.0.1), among them
# ≥ 500 generated requests whose statuses must match the native decisions.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/env.sh
timeout 900 cargo build --release -p recgate-proxy --target wasm32-wasip1
# The generated-requests test replays recgate-corpus and asks the CLI for the expected decisions.
timeout 900 cargo build --release -p recgate-cli -p recgate-tests --bin recgate --bin recgate-corpus
# The plan tests and the demo API use the npm package (built by scripts/test-web.sh).
recgate_web_package
timeout 900 node --test --test-concurrency=1 tests/envoy/
