#!/usr/bin/env bash
# Every test of recgate, in stages, failing fast. Installs what it needs first
# (scripts/setup.sh). The closing line counts the stages.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh

passed=0
stage() { # name, command...
  local name="$1"; shift
  printf '\n=== %s ===\n' "$name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    printf '=== %s: ok (%ss) ===\n' "$name" $((SECONDS - t0))
  else
    printf '=== %s: FAILED ===\n' "$name"
    echo "stages: $passed passed, 1 failed"
    exit 1
  fi
}

core_no_std() {
  # wasm32v1-none has no std at all: the core building there proves it needs none.
  cargo build -p recgate-core --release --target wasm32v1-none &&
    cargo build -p recgate-core --release --target wasm32-unknown-unknown &&
    cargo build -p recgate-core --release --target wasm32-wasip1 &&
    cargo build -p recgate-analysis --release --target wasm32v1-none &&
    cargo build -p recgate-sign --release --target wasm32v1-none
}
vectors() {
  cargo build --release -p recgate-cli &&
    target/release/recgate test tests/vectors/*.json ../shared/spec/vectors/*.json --slices --coverage
}

stage "format" cargo fmt --all -- --check
stage "clippy (whole workspace; panic-free core, package and filter)" cargo clippy --workspace --all-targets -- -D warnings
stage "core builds without std for wasm" core_no_std
stage "cargo tests (unit, properties)" cargo test --workspace --release
stage "conformance vectors" vectors
# One deterministic shard of the deciding files' mutants per commit (the full
# set: scripts/mutants.sh --files, documented in RELIABILITY.md).
stage "mutation testing (core, one shard)" bash scripts/mutants.sh --ci
stage "fuzzing (${FUZZ_SECONDS:-60}s per target)" bash scripts/fuzz.sh
for extra in test-web test-consumers test-www test-envoy test-db test-cross test-analysis; do
  [ -f "scripts/$extra.sh" ] && stage "$extra" bash "scripts/$extra.sh"
done
echo
echo "stages: $passed passed, 0 failed"
