#!/usr/bin/env bash
# Cross-target differential tests: generated policies and requests decided
# natively and through the npm package (and, when the Envoy filter exists,
# through real Envoy). Assumes scripts/test-web.sh built the package.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/env.sh
recgate_web_package
timeout 900 cargo build --release -p recgate-cli -p recgate-tests --bin recgate --bin recgate-corpus
timeout 900 node --test --test-concurrency=1 tests/cross/
