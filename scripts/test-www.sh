#!/usr/bin/env bash
# The demo page's end-to-end tests (www/test/) in headless Chromium: every
# user's rows and controls against the native CLI, the policy panel, the
# player's actions, keyboard use; the "Monitor live" control through the demo
# edge (real Envoy with the filter: www/test/monitor.test.mjs). Screenshots go
# to test-output/www/.
# Builds the npm package when it is missing or stale (scripts/test-web.sh builds
# it), and the CLI the expectations come from. Bounded: every step has a
# time limit (timeout signals the whole process group: the tests' static
# server and Chromium stop with them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=/dev/null
source scripts/env.sh
recgate_web_package
timeout 900 cargo build --release -p recgate-cli
# The demo edge the monitor test starts runs the Envoy filter.
timeout 900 cargo build --release -p recgate-proxy --target wasm32-wasip1
timeout -k 10 300 node --test --test-concurrency=1 www/test/
