#!/usr/bin/env bash
# The policy analyses and the Genesys importer through the real tools: the
# sample export and a generated one type-checked against the Genesys Cloud
# SDK's models with tsc (and a corrupted copy refused), then the CLI end to
# end — import twice to the same content hash, who-can, review (one
# self-contained HTML page), verify with its exit codes. Every step has a
# time limit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=/dev/null
source scripts/env.sh
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "test-analysis: $*" >&2; exit 1; }

timeout 900 cargo build --release -p recgate-cli
recgate=target/release/recgate

# The sample export and a generated org's export are the SDK's models.
timeout 300 node genesys/tests/sdk-types.mjs examples/genesys-export
RECGATE_GENERATED_EXPORT="$work/generated" timeout 900 cargo test --release -q -p recgate-genesys --test roundtrip
timeout 300 node genesys/tests/sdk-types.mjs "$work/generated"
cp -r examples/genesys-export "$work/corrupt"
sed -i '0,/"permissionPolicies"/s//"permissionPolicy"/' "$work/corrupt/authorization/roles.json"
if timeout 300 node genesys/tests/sdk-types.mjs "$work/corrupt" > "$work/corrupt.log" 2>&1; then
  fail "a roles listing with a misspelt field passed the SDK type check"
fi
grep -q 'permissionPolicy' "$work/corrupt.log" || fail "the type check did not name the misspelt field"
echo "test-analysis: a misspelt field is refused by the SDK type check"

# Import: a valid policy, the same hash twice, nothing lost on the sample.
timeout 60 "$recgate" import genesys examples/genesys-export --out "$work/a.json" --report "$work/report.json" --strict 2> "$work/import.txt"
timeout 60 "$recgate" import genesys examples/genesys-export --format json > "$work/b.json"
timeout 60 "$recgate" validate "$work/a.json"
hash_a="$("$recgate" hash "$work/a.json")"
hash_b="$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1])).contentHash)' "$work/b.json")"
[ "$hash_a" = "$hash_b" ] || fail "two imports of the same export: $hash_a vs $hash_b"
grep -q "0 unmapped" "$work/import.txt" || fail "the sample's report lists unmapped permissions"
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1])); if (!r.permissions.length || r.dropped.length) process.exit(1)' "$work/report.json" || fail "report.json"
set +e
timeout 60 "$recgate" import genesys "$work/missing" > /dev/null 2>&1; [ $? -eq 2 ] || fail "an unreadable export must exit 2"
set -e
echo "test-analysis: import — valid, content hash $hash_a both times"

# who-can on the sample org.
cat > "$work/rec.json" <<'JSON'
{"type":"recording","id":"rec-bpo-1","media":"audio","direction":"inbound","owner":"b-em-1","participants":["b-em-1"],"queue":"q-bpo","divisions":["bpo-emea"],"region":"eu-west-1","createdAt":"2026-11-21T09:00:00Z"}
JSON
timeout 60 "$recgate" who-can --policy examples/acme.json --permission recording:recording:view --resource "$work/rec.json" --now 2026-11-22T12:00:00Z --format json > "$work/who.json"
node -e '
const w = JSON.parse(require("fs").readFileSync(process.argv[1]));
const p = w.principals.map((x) => x.principal).join(","), a = w.actors.map((x) => `${x.actor}>${x.principal}`).join(",");
if (p !== "b-em-1,bsup-1" || a !== "svc-bpo>b-em-1") { console.error(p, a); process.exit(1); }' "$work/who.json" || fail "who-can on acme"
set +e
timeout 60 "$recgate" who-can --policy examples/acme.json --permission recording:*:view --resource "$work/rec.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "who-can with a pattern must exit 2"
# --control asks with the permission the player's control needs (the core picks it by media).
timeout 60 "$recgate" who-can --policy examples/acme.json --control play --resource "$work/rec.json" --now 2026-11-22T12:00:00Z --format json > "$work/who-play.json"
cmp -s "$work/who.json" "$work/who-play.json" || fail "who-can --control play differs from --permission recording:recording:view on a call"
sed 's/"media":"audio"/"media":"screen"/' "$work/rec.json" > "$work/screen.json"
timeout 60 "$recgate" who-can --policy examples/acme.json --control play --resource "$work/screen.json" --now 2026-11-22T12:00:00Z --format json > "$work/who-screen.json"
grep -q '"permission": "recording:screenRecording:view"' "$work/who-screen.json" || fail "who-can --control play on a screen recording"
timeout 60 "$recgate" who-can --policy examples/acme.json --control bookmark --resource "$work/rec.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "who-can --control bookmark on a recording must exit 2"
set -e
echo "test-analysis: who-can — b-em-1 and bsup-1, svc-bpo as b-em-1; --control play picks the media's view"

# review: every format; the HTML is one page with nothing external.
for f in md csv json html; do
  timeout 60 "$recgate" review --policy examples/acme.json --format "$f" --now 2026-11-22T12:00:00Z > "$work/review.$f"
done
grep -q '^| holder |' "$work/review.md" || fail "review.md has no table"
head -1 "$work/review.csv" | grep -q '^permission,effect,user' || fail "review.csv header"
grep -q 'destructive-spread' "$work/review.html" || fail "the review's HTML lacks the lint finding"
if grep -Eiq '<script|<link|src=|href="(https?:)?//' "$work/review.html"; then fail "the review's HTML is not self-contained"; fi
echo "test-analysis: review — md, csv, json, self-contained html"

# verify: a failing claim exits 1 with a counterexample; passing claims exit 0; bad claims exit 2.
set +e
timeout 120 "$recgate" verify --policy examples/acme.json examples/acme-claims.json --now 2026-11-22T12:00:00Z > "$work/verify.txt"; code=$?
set -e
[ $code -eq 1 ] || fail "verify of acme-claims.json must exit 1 (one claim fails), got $code"
grep -q '^FAIL sensitive-unredacted-only-for-compliance-lead' "$work/verify.txt" || fail "the failing claim is not named"
grep -q 'counterexample: {' "$work/verify.txt" || fail "no counterexample printed"
node -e '
const c = JSON.parse(require("fs").readFileSync(process.argv[1]));
c.claims = c.claims.filter((x) => x.id !== "sensitive-unredacted-only-for-compliance-lead");
require("fs").writeFileSync(process.argv[2], JSON.stringify(c));' examples/acme-claims.json "$work/holding.json"
timeout 120 "$recgate" verify --policy examples/acme.json "$work/holding.json" --format json > "$work/verify.json"
echo '{"claims":[{"id":"x","permissions":["recording:*:delete"],"only":{"role":"no-such-role"}}]}' > "$work/bad-claims.json"
set +e
timeout 60 "$recgate" verify --policy examples/acme.json "$work/bad-claims.json" > /dev/null 2>&1; [ $? -eq 2 ] || fail "verify with an unknown role must exit 2"
set -e
echo "test-analysis: verify — 1 with a counterexample, 0 when every claim holds, 2 on a bad claims file"
