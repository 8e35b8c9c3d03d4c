#!/usr/bin/env bash
# The npm package (wasm-web/): builds it for the web and bundler targets
# (wasm-web/build.sh: wasm-pack --release, wasm-opt -Oz into wasm-web/pkg-*/),
# builds the native CLI it is compared with (target/release/recgate), and runs
# its Node tests: every conformance vector through the package and the CLI,
# and the API tests. Bounded: every step has a time limit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=/dev/null
source scripts/env.sh

timeout 1200 bash wasm-web/build.sh
timeout 1200 cargo build --release -p recgate-cli
timeout 600 node --test wasm-web/test/
# The published declarations compile for a strict TypeScript user (tsc from the root tooling).
(cd wasm-web && timeout 300 tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext --lib es2022,dom types-test/usage.ts)
echo "typescript: wasm-web/js/*.d.ts compile under --strict"
