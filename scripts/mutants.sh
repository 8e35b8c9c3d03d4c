#!/usr/bin/env bash
# Mutation testing of the decision core with cargo-mutants (issue #18): each
# mutant (an operator flipped, a function body replaced by a default, a match
# arm deleted …) is built and the project's tests are run against it — the
# core's unit tests, the tests crate (the model test against the reference
# evaluation of SPEC §3, explanations, the API and plan tests, the property
# and analysis tests) and the conformance vectors through the CLI
# (tests/tests/vectors_cli.rs, ignored by a plain `cargo test`). A mutant the
# tests do not catch is either a missing test or an equivalent mutant: the
# known equivalent ones are listed, with why, in scripts/mutants-equivalent.txt
# (and RELIABILITY.md); any other survivor fails the run.
#
#   bash scripts/mutants.sh            # CI: the mutants of the lines the last commit changed, and a shard of the rest
#   bash scripts/mutants.sh --files    # every mutant of the deciding files (the longer run)
#   bash scripts/mutants.sh --crate    # every mutant of recgate-core (the longest run)
#   bash scripts/mutants.sh --report   # the last runs' survivors as RELIABILITY.md rows
#
# The tests run under nextest (scripts/nextest-mutants.toml: the fast tests
# first, the run ends at the first failure), the property tests capped at
# RECGATE_PROPTEST_CASES cases each (default 32) from the fixed seed
# PROPTEST_RNG_SEED (default 18), so every run of a tree draws the same cases.
#
# CI (`--ci`, the default) tests at most MUTANTS_CI_COUNT mutants (default
# 16): first those in the lines of the deciding files that changed since
# MUTANTS_BASE (default HEAD~1, the previous commit; a merge's first parent),
# then, with what is left of the count, one shard of all the deciding files'
# mutants, round-robin, so it samples every file: shard MUTANTS_SHARD
# (default: the commit hash modulo the shard count — reproducible for a
# commit, different from one commit to the next). More changed mutants than
# the count: a shard of them, chosen the same way. The mutants
# scripts/mutants-equivalent.txt lists are left out (they survive by
# design, each at the cost of a whole test run). One job, and in place
# (cargo-mutants --in-place) when the core has no uncommitted change, so the
# mutants reuse the baseline's build (MUTANTS_IN_PLACE=0: in a copy).
#
# Environment: MUTANTS_JOBS (parallel builds of --files/--crate, default 2),
# MUTANTS_SAMPLE (--files/--crate: "K/N", only shard K of N, round-robin —
# a reproducible sample of every file; results in …/<mode>/sample-K-of-N),
# MUTANTS_TIMEOUT (seconds per test run; default 150 in CI, else 300),
# MUTANTS_ITERATE=1 (--files/--crate: test again only what the last run of
# the same mode did not catch — after writing the tests that kill
# survivors), RECGATE_SPEC_VECTORS (the contract's vectors, default
# ../shared/spec/vectors). Results: target/mutants/<mode>/…/mutants.out.
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

# The line of scripts/mutants-equivalent.txt that covers a mutant (its name
# with line:col), if any: an entry is the name without line:col, or the name,
# " @ " and text its source line must contain (to tell apart mutants of one
# description in one function), then " # " and why.
entry_for() {
  local m="$1" n file rest line src e name
  n=$(normalise <<<"$m")
  file=${m%%:*}
  rest=${m#*:}
  line=${rest%%:*}
  src=$(sed -n "${line}p" "$file" 2> /dev/null || true)
  while IFS= read -r e; do
    name=${e%% # *}
    case "$name" in
      "$n") echo "$e"; return 0 ;;
      "$n @ "*) if [[ "$src" == *"${name#"$n @ "}"* ]]; then echo "$e"; return 0; fi ;;
    esac
  done < <(grep -v -e '^\s*#' -e '^\s*$' "$EQUIVALENT")
  return 1
}

# A string as a regular expression matching exactly it.
escape() { sed -E 's/[][\\.^$*+?(){}|]/\\&/g' <<<"$1"; }

survivors() { # a missed.txt → its mutants not known to be equivalent (without line:col)
  [ -f "$1" ] || return 0
  while IFS= read -r m; do
    [ -n "$m" ] || continue
    entry_for "$m" > /dev/null || normalise <<<"$m"
  done < "$1"
}

command -v cargo-mutants > /dev/null || { echo "cargo-mutants is missing: bash scripts/setup.sh" >&2; exit 1; }
cargo nextest --version > /dev/null 2>&1 || { echo "cargo-nextest is missing: bash scripts/setup.sh" >&2; exit 1; }
export RECGATE_SPEC_VECTORS="${RECGATE_SPEC_VECTORS:-$root/../shared/spec/vectors}"
[ -d "$RECGATE_SPEC_VECTORS" ] || { echo "no contract vectors at $RECGATE_SPEC_VECTORS" >&2; exit 1; }
RECGATE_SPEC_VECTORS="$(cd "$RECGATE_SPEC_VECTORS" && pwd)"
# A fast test profile: no debug info (smaller objects, faster links) — the
# tests are the same, only the build is cheaper.
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
# The property tests capped at a few cases each, drawn from a fixed seed: a
# mutant the fast tests miss then costs seconds, and every run of the same
# tree draws the same cases (tests/src/cases.rs).
export RECGATE_PROPTEST_CASES="${RECGATE_PROPTEST_CASES:-32}" PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-18}"
# nextest, in the profile of scripts/nextest-mutants.toml, on the library and
# integration tests only (not the test harnesses of the tests crate's
# binaries, which hold no test: two fewer programs to build per mutant).
targets=(--lib --test '*')
tests=(--config-file scripts/nextest-mutants.toml --profile mutants --run-ignored all)
in_ci=0
[ "$mode" = "--ci" ] && in_ci=1
common=(-p recgate-core --test-package recgate-core --test-package recgate-tests
  --test-tool nextest --timeout "${MUTANTS_TIMEOUT:-$([ $in_ci = 1 ] && echo 150 || echo 300)}"
  --build-timeout 900 --baseline skip --no-shuffle -C --lib -C '--test=*')
file_args=()
for f in "${FILES[@]}"; do file_args+=(-f "$f"); done
out="target/mutants/${mode#--}"
mkdir -p "$out"

# How many mutants cargo-mutants would test with these selections.
listed() { cargo mutants -p recgate-core "$@" --list 2> /dev/null | grep -c . || true; }

# mutate DIR ARGS…: tests the mutants ARGS select, results in DIR/mutants.out;
# prints the tally and fails when a survivor is not known to be equivalent.
mutate() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  local rc=0
  cargo mutants "${common[@]}" -o "$dir" "$@" -- "${tests[@]}" || rc=$?
  # 0: all caught; 2: some missed; 3: some timed out (a hang is caught). Anything else is a broken run.
  case $rc in 0 | 2 | 3) ;; *) echo "mutants: cargo-mutants failed (exit $rc)" >&2; return 1 ;; esac
  # A sample tested again: what its earlier runs caught (or found unviable) counts as --iterate's would.
  [ -n "${EARLIER:-}" ] && sort -u "$EARLIER" >> "$dir/mutants.out/previously_caught.txt"
  tally "$dir"
}

tally() { # DIR (as given to -o): the score of its runs since the last full one
  local top="$1" dir="$1/mutants.out" selection="$1/selection.txt"
  # FILE… → their names once each; only the selection's when DIR has one (a
  # sample: cargo-mutants tests a few struct-field mutants whatever -F says).
  pick() {
    cat "$@" 2> /dev/null | grep . | { if [ -f "$selection" ]; then grep -Fx -f "$selection" || true; else cat; fi; } | sort -u
  }
  # With --iterate, previously_caught.txt lists what earlier runs caught *or*
  # found unviable; unviable-all.txt keeps the unviable ones of every run since
  # the last full one, so that both counts stay right.
  [ "${MUTANTS_ITERATE:-0}" = 1 ] || : > "$top/unviable-all.txt"
  pick "$top/unviable-all.txt" "$dir/unviable.txt" > "$top/unviable-all.txt.new"
  mv "$top/unviable-all.txt.new" "$top/unviable-all.txt"
  pick "$dir/missed.txt" > "$top/missed-now.txt"
  pick "$dir/timeout.txt" > "$top/timeout-now.txt"
  pick "$dir/caught.txt" "$dir/previously_caught.txt" |
    { grep -Fxv -f <(cat "$top/unviable-all.txt" "$top/missed-now.txt" "$top/timeout-now.txt") || true; } > "$top/caught-all.txt"
  local unviable caught missed timeout viable unexplained known score beyond
  unviable=$(grep -c . "$top/unviable-all.txt" || true)
  caught=$(grep -c . "$top/caught-all.txt" || true)
  missed=$(grep -c . "$top/missed-now.txt" || true)
  timeout=$(grep -c . "$top/timeout-now.txt" || true)
  viable=$((caught + missed + timeout))
  unexplained=$(survivors "$top/missed-now.txt")
  known=$missed
  [ -n "$unexplained" ] && known=$((missed - $(grep -c . <<<"$unexplained")))
  score=$(awk -v c=$((caught + timeout)) -v v=$viable 'BEGIN { printf "%.1f", v ? 100 * c / v : 100 }')
  beyond=$(awk -v c=$((caught + timeout)) -v v=$((viable - known)) 'BEGIN { printf "%.1f", v ? 100 * c / v : 100 }')
  echo "mutants: $viable viable ($caught caught, $timeout timed out, $missed missed of which $known known equivalent), $unviable unviable; score $score % of viable mutants, $beyond % of those not known equivalent"
  if [ -n "$unexplained" ]; then
    echo "mutants: survivors not listed in scripts/mutants-equivalent.txt:"
    sort -u <<<"$unexplained" | sed 's/^/  /'
    return 1
  fi
}

if [ "$mode" = "--report" ]; then
  # Each run's directory: its score (all its runs since the last full one)
  # and its survivors as RELIABILITY.md rows.
  find target/mutants -type d -name mutants.out | sort | while IFS= read -r d; do
    top="${d%/mutants.out}"
    echo "## $top"
    { MUTANTS_ITERATE=1 tally "$top" || true; } | head -n 1
    while IFS= read -r m; do
      why=$(entry_for "$m" | sed -E 's/^.* # //' || true)
      echo "| \`$(normalise <<<"$m")\` | ${why:-NOT EXPLAINED: write the test that kills it, or say why it is equivalent} |"
    done < "$top/missed-now.txt" | sort -u
  done
  exit 0
fi

t0=$SECONDS
# The baseline, here rather than cargo-mutants' own (which would build the
# tree a second time): the unmutated tree must pass the very tests, in the
# very configuration, that judge mutants — else every mutant looks caught.
timeout 1800 cargo nextest run -p recgate-core -p recgate-tests "${targets[@]}" "${tests[@]}" > "$out/baseline.log" 2>&1 ||
  { tail -n 40 "$out/baseline.log"; echo "mutants: the unmutated tree fails its tests (log: $out/baseline.log)" >&2; exit 1; }
echo "mutants: baseline passed in $((SECONDS - t0)) s"

failed=0
case "$mode" in
  --files | --crate)
    sel=(--jobs "${MUTANTS_JOBS:-2}")
    [ "$mode" = --files ] && sel+=("${file_args[@]}")
    # A reproducible sample: MUTANTS_SAMPLE="K/N" tests shard K of N,
    # round-robin over the listing (ordered by file), so every file gives
    # about one mutant in N; the shards 0/N … N-1/N together are the full set.
    if [ -z "${MUTANTS_SAMPLE:-}" ]; then
      rm -f "$out/selection.txt"
      [ "${MUTANTS_ITERATE:-0}" = 1 ] && sel+=(--iterate)
      mutate "$out" "${sel[@]}" || failed=1
    else
      out="$out/sample-${MUTANTS_SAMPLE/\//-of-}"
      if [ "${MUTANTS_ITERATE:-0}" != 1 ]; then
        echo "mutants: sample $MUTANTS_SAMPLE (round-robin) of the selected mutants"
        mkdir -p "$out"
        cargo mutants -p recgate-core "${sel[@]}" --shard "$MUTANTS_SAMPLE" --sharding round-robin --list > "$out/selection.txt"
        mutate "$out" "${sel[@]}" --shard "$MUTANTS_SAMPLE" --sharding round-robin || failed=1
      else
        # cargo-mutants shards what --iterate leaves, which is another
        # sample: name the sample's mutants its runs have not caught yet
        # instead (-F, whole names: the survivors, and any a stopped run left).
        last="$out/mutants.out"
        earlier=$(mktemp)
        cat "$last"/{caught,previously_caught,unviable}.txt > "$earlier" 2> /dev/null || true
        # (a run that was stopped has not added its unviable ones yet)
        cat "$last/unviable.txt" >> "$out/unviable-all.txt" 2> /dev/null || true
        again=()
        while IFS= read -r m; do
          again+=(-F "^$(escape "$m")\$")
        done < <(grep -Fxv -f "$earlier" "$out/selection.txt" || true)
        echo "mutants: sample $MUTANTS_SAMPLE again: the $((${#again[@]} / 2)) mutants its runs have not caught"
        # What the earlier runs caught or found unviable stays counted (as --iterate does).
        if [ "${#again[@]}" -gt 0 ]; then EARLIER="$earlier" mutate "$out" "${sel[@]}" "${again[@]}" || failed=1; fi
        rm -f "$earlier"
      fi
    fi
    ;;
  --ci)
    budget="${MUTANTS_CI_COUNT:-16}"
    head=$(git rev-parse HEAD 2> /dev/null || echo 0)
    pick=$((16#${head:0:8}))
    place=()
    # Mutating the tree in place reuses the baseline's build (a copy would
    # build everything again, cold): done when the core has no uncommitted
    # change, so that git can always put it back — cargo-mutants restores
    # each file after its mutants, and the trap restores the deciding files
    # if the run is killed halfway.
    if [ "${MUTANTS_IN_PLACE:-1}" = 1 ] && git diff --quiet HEAD -- core 2> /dev/null; then
      place+=(--in-place) # one at a time, necessarily
      trap 'git diff --quiet HEAD -- "${FILES[@]}" || git checkout -q HEAD -- "${FILES[@]}"' EXIT
    else
      place+=(--jobs 1)
    fi
    # The listed equivalent mutants are left out: they survive by design
    # (the longer runs test them), and each would cost a whole test run.
    while IFS= read -r m; do
      if entry_for "$m" > /dev/null; then file_args+=(-E "^$(escape "$m")\$"); fi
    done < <(cargo mutants -p recgate-core "${file_args[@]}" --list 2> /dev/null)
    left=$budget
    base="${MUTANTS_BASE:-HEAD~1}"
    rm -rf "$out/diff" "$out/shard"
    if git rev-parse -q --verify "$base^{commit}" > /dev/null; then
      git diff "$base" -- "${FILES[@]}" > "$out/changed.diff"
      n=0
      [ -s "$out/changed.diff" ] && n=$(listed "${file_args[@]}" --in-diff "$out/changed.diff")
      if [ "$n" -gt 0 ]; then
        sel=(--in-diff "$out/changed.diff")
        shards=$(((n + budget - 1) / budget))
        if [ "$shards" -gt 1 ]; then
          sel+=(--shard "$((pick % shards))/$shards" --sharding round-robin)
          echo "mutants: $n mutants in the lines of the deciding files changed since $base; testing shard $((pick % shards)) of $shards"
          left=0
        else
          echo "mutants: $n mutants in the lines of the deciding files changed since $base; testing them all"
          left=$((budget - n))
        fi
        mutate "$out/diff" "${file_args[@]}" "${sel[@]}" "${place[@]}" || failed=1
      else
        echo "mutants: no mutant in the lines of the deciding files changed since $base"
      fi
    else
      echo "mutants: no commit $base here (a shallow clone?): no changed-lines pass"
    fi
    if [ "$left" -gt 0 ]; then
      total=$(listed "${file_args[@]}")
      shards=$(((total + left - 1) / left))
      shard="${MUTANTS_SHARD:-$((pick % shards))}"
      echo "mutants: shard $shard of $shards (round-robin) of the deciding files' $total mutants"
      mutate "$out/shard" "${file_args[@]}" --shard "$shard/$shards" --sharding round-robin "${place[@]}" || failed=1
    fi
    ;;
esac
echo "mutants: done in $((SECONDS - t0)) s"
exit $failed
