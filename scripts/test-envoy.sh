#!/usr/bin/env bash
# The Envoy filter in real Envoy: builds the filter for wasm32-wasip1 and runs
# the integration tests (jwt_authn + filter + buffer + test APIs on 127.0.0.1):
# seed scenarios, hostile requests, bad bytes under every Wasm failure policy,
# response filtering, the official Genesys Cloud SDK as the client and its
# endpoint inventory, an embedded Tomcat behind pass-through (setup.sh installs
# it), lifecycle, restart, soak, ≥ 500 generated requests whose statuses
# must match the native decisions, and issue #19's fleet tests: ECDS under
# load, a remote module with sha256, signed policies (keys and signatures by
# the CLI), two Envoys on one policy server, decisions in access logs and
# Prometheus stats.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/env.sh
bash wasm-proxy/build.sh
# The generated-requests test replays recgate-corpus and asks the CLI for the expected decisions.
timeout 900 cargo build --release -p recgate-cli -p recgate-tests --bin recgate --bin recgate-corpus
# The plan tests and the demo API use the npm package (built by scripts/test-web.sh).
recgate_web_package
timeout 900 node --test --test-concurrency=1 tests/envoy/
