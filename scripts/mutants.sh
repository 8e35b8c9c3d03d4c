#!/usr/bin/env bash
# Mutation testing of the decision core with cargo-mutants (issue #18): each
# mutant (an operator flipped, a function body replaced by a default, a match
# arm deleted …) is built and the project's tests are run against it — the
# core's unit tests, the tests crate (the model test against the reference
# evaluation of SPEC §3, the property tests) and the conformance vectors
# through the CLI (tests/tests/vectors_cli.rs, with --include-ignored). A
# mutant the tests do not catch is either a missing test or an equivalent
# mutant: the known equivalent ones are listed, with why, in
# scripts/mutants-equivalent.txt (and RELIABILITY.md); any other survivor
# fails the run.
#
#   bash scripts/mutants.sh            # CI: one deterministic shard of the deciding files
#   bash scripts/mutants.sh --files    # every mutant of the deciding files (the longer run)
#   bash scripts/mutants.sh --crate    # every mutant of recgate-core (the longest run)
#   bash scripts/mutants.sh --report   # the last run's survivors as RELIABILITY.md rows
#
# Environment: MUTANTS_SHARDS (CI: how many shards, default 24), MUTANTS_SHARD
# (which one; default: the commit hash modulo MUTANTS_SHARDS, so every commit
# tests a different, reproducible slice and the shards together cover all),
# MUTANTS_JOBS (parallel builds, default 2), MUTANTS_TIMEOUT (seconds per
# test run, default 300), MUTANTS_ITERATE=1 (test again only what the last
# run of the same mode did not catch — after writing the tests that kill
# survivors), RECGATE_SPEC_VECTORS (the contract's vectors, default
# ../shared/spec/vectors). Results: target/mutants/<mode>/mutants.out.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/env.sh

# The files that decide (SPEC §3–§5): evaluation, compilation, resource
# resolution, retention, query plans, list filtering, slices, the policy API,
# and the whole operations enforcement points call (enforce, bulk).
FILES=(core/src/eval.rs core/src/compile.rs core/src/target.rs core/src/retention.rs
  core/src/plan.rs core/src/list_plan.rs core/src/slice.rs core/src/policy.rs
  core/src/enforce.rs core/src/bulk.rs)
EQUIVALENT="$root/scripts/mutants-equivalent.txt"

mode="${1:---ci}"
case "$mode" in
  --ci | --files | --crate | --report) ;;
  *) echo "usage: scripts/mutants.sh [--ci | --files | --crate | --report]" >&2; exit 2 ;;
esac

# A mutant's name without its line and column: stable while code moves.
normalise() { sed -E 's/^([^:]+):[0-9]+:[0-9]+: /\1: /'; }

survivors() { # out-dir → the missed mutants not known to be equivalent
  local known
  known=$(grep -v '^\s*#' "$EQUIVALENT" | sed -E 's/ +#.*$//' | grep -v '^\s*$' || true)
  normalise < "$1/missed.txt" | while IFS= read -r m; do
    grep -qxF -- "$m" <<<"$known" || echo "$m"
  done
}

if [ "$mode" = "--report" ]; then
  for dir in target/mutants/*/mutants.out; do
    [ -f "$dir/missed.txt" ] || continue
    echo "## $dir"
    normalise < "$dir/missed.txt" | sort -u | while IFS= read -r m; do
      why=$(grep -F -- "$m #" "$EQUIVALENT" | sed -E 's/^.* # //' || true)
      echo "| \`$m\` | ${why:-NOT EXPLAINED: write the test that kills it, or say why it is equivalent} |"
    done
  done
  exit 0
fi

command -v cargo-mutants > /dev/null || { echo "cargo-mutants is missing: bash scripts/setup.sh" >&2; exit 1; }
export RECGATE_SPEC_VECTORS="${RECGATE_SPEC_VECTORS:-$root/../shared/spec/vectors}"
[ -d "$RECGATE_SPEC_VECTORS" ] || { echo "no contract vectors at $RECGATE_SPEC_VECTORS" >&2; exit 1; }
RECGATE_SPEC_VECTORS="$(cd "$RECGATE_SPEC_VECTORS" && pwd)"
# A fast test profile: no debug info (smaller objects, faster links) — the
# tests are the same, only the build is cheaper.
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0

args=(-p recgate-core --test-package recgate-core --test-package recgate-tests
  --jobs "${MUTANTS_JOBS:-2}" --timeout "${MUTANTS_TIMEOUT:-300}" --build-timeout 900
  --baseline skip --no-shuffle)
case "$mode" in
  --ci)
    shards="${MUTANTS_SHARDS:-24}"
    if [ -z "${MUTANTS_SHARD:-}" ]; then
      head=$(git rev-parse HEAD 2>/dev/null || echo 0)
      MUTANTS_SHARD=$(( 16#${head:0:8} % shards ))
    fi
    for f in "${FILES[@]}"; do args+=(-f "$f"); done
    args+=(--shard "$MUTANTS_SHARD/$shards")
    echo "mutants: shard $MUTANTS_SHARD of $shards over ${FILES[*]}"
    ;;
  --files) for f in "${FILES[@]}"; do args+=(-f "$f"); done ;;
  --crate) ;;
esac
out="target/mutants/${mode#--}"
mkdir -p "$out"
args+=(-o "$out")
[ "${MUTANTS_ITERATE:-0}" = 1 ] && args+=(--iterate)

t0=$SECONDS
# The baseline, here rather than cargo-mutants' own (which tests only the
# mutated package): the unmutated tree must pass the very tests that judge
# mutants. CI has just run them (the cargo tests and conformance stages), so
# its shard skips this second build.
if [ "$mode" != "--ci" ]; then
  timeout 1800 cargo test -p recgate-core -p recgate-tests --lib --tests -- --include-ignored > "$out/baseline.log" 2>&1 ||
    { tail -n 40 "$out/baseline.log"; echo "mutants: the unmutated tree fails its tests (log: $out/baseline.log)" >&2; exit 1; }
fi
set +e
cargo mutants "${args[@]}" -- --lib --tests -- --include-ignored
rc=$?
set -e
dir="$out/mutants.out"
# 0: all caught; 2: some missed; 3: some timed out (a hang is caught). Anything else is a broken run.
case $rc in 0 | 2 | 3) ;; *) echo "mutants: cargo-mutants failed (exit $rc)" >&2; exit 1 ;; esac
count() { if [ -f "$dir/$1.txt" ]; then grep -c . "$dir/$1.txt" || true; else echo 0; fi; }
# With --iterate, previously_caught.txt lists what earlier runs caught *or*
# found unviable; unviable-all.txt keeps the unviable ones of every run since
# the last full one, so that both counts stay right.
[ "${MUTANTS_ITERATE:-0}" = 1 ] || : > "$out/unviable-all.txt"
[ -f "$dir/unviable.txt" ] && cat "$dir/unviable.txt" >> "$out/unviable-all.txt"
sort -u -o "$out/unviable-all.txt" "$out/unviable-all.txt"
unviable=$(grep -c . "$out/unviable-all.txt" || true)
earlier_unviable=$((unviable - $(count unviable)))
caught=$(( $(count caught) + $(count previously_caught) - earlier_unviable ))
missed=$(count missed); timeout=$(count timeout)
viable=$((caught + missed + timeout))
unexplained=$(survivors "$dir")
known=$missed
[ -n "$unexplained" ] && known=$((missed - $(grep -c . <<<"$unexplained")))
score=$(awk -v c=$((caught + timeout)) -v v=$viable 'BEGIN { printf "%.1f", v ? 100 * c / v : 100 }')
beyond=$(awk -v c=$((caught + timeout)) -v v=$((viable - known)) 'BEGIN { printf "%.1f", v ? 100 * c / v : 100 }')
echo "mutants: $viable viable ($caught caught, $timeout timed out, $missed missed of which $known known equivalent), $unviable unviable; score $score % of viable mutants, $beyond % of those not known equivalent; in $((SECONDS - t0)) s"
if [ -n "$unexplained" ]; then
  echo "mutants: survivors not listed in scripts/mutants-equivalent.txt:"
  sort -u <<<"$unexplained" | sed 's/^/  /'
  exit 1
fi
