#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS, default 60)
# and fails on any crash, timeout or out-of-memory. New corpus entries go to a
# temporary directory; the committed seed corpus is only read.
# The stable toolchain builds the fuzzers with RUSTC_BOOTSTRAP=1 (cargo-fuzz
# needs -Z sanitizer flags).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/fuzz"
seconds="${FUZZ_SECONDS:-60}"
export RUSTC_BOOTSTRAP=1
targets=$(cargo fuzz list)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in $targets; do
  mkdir -p "$work/$t"
  seeds="corpus/$t"
  [ -d "$seeds" ] || seeds=""
  echo "fuzz: $t for ${seconds}s"
  cargo fuzz run -O "$t" "$work/$t" $seeds -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -dict=json.dict -print_final_stats=1 \
    > "$work/$t.log" 2>&1 || { tail -n 60 "$work/$t.log"; echo "fuzz: $t FAILED"; exit 1; }
  runs=$(grep -E "stat::number_of_executed_units" "$work/$t.log" | awk '{print $2}')
  echo "fuzz: $t ok, ${runs:-?} executions, no crash"
done
