#!/usr/bin/env bash
# The consumer matrix (issue #16): packs wasm-web/ (npm pack), checks the
# tarball (tests/consumers/tarball.mjs; @arethetypeswrong/cli for the types of
# every entry under every resolution), installs it into the lockfile-pinned
# workspace tests/consumers/ (its dependencies from scripts/setup.sh) and
# runs tests/consumers/run.mjs: Vite, webpack 5, esbuild, a Vite worker in
# both formats, React StrictMode, the Vite dev server on a folder install,
# Node ESM and CommonJS, each checked against the CLI. Bounded: every step
# has a time limit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=/dev/null
source scripts/env.sh

recgate_web_package
# The CommonJS entry and the .d.cts are build output of the JS sources too.
if [ ! -f wasm-web/js/node.cjs ] || [ -n "$(find wasm-web/js -name '*.js' -newer wasm-web/js/node.cjs -print -quit)" ] \
   || [ wasm-web/js/index.d.ts -nt wasm-web/js/index.d.cts ]; then
  timeout 1200 bash wasm-web/build.sh
fi
timeout 1200 cargo build --release -p recgate-cli

pack="$root/target/consumers-pack"
rm -rf "$pack" && mkdir -p "$pack"
(cd wasm-web && timeout 120 npm pack --silent --pack-destination "$pack" > /dev/null)
tgz="$(ls "$pack"/*.tgz)"
echo "packed $(basename "$tgz"): $(stat -c %s "$tgz") bytes"
timeout 60 node tests/consumers/tarball.mjs "$tgz"
(cd tests/consumers && timeout 300 node_modules/.bin/attw "$tgz" --format ascii --no-color --ignore-rules cjs-resolves-to-esm)
# (/bundler and /react are ES modules on purpose: browser entries, for bundlers.)

# Installed as a user installs it, without recording it in the workspace's lockfile.
(cd tests/consumers && timeout 300 npm install --no-save --no-audit --no-fund --prefer-offline "$tgz" > "$pack/install.log" 2>&1) \
  || { tail -n 30 "$pack/install.log"; exit 1; }
timeout 900 node tests/consumers/run.mjs "$root/target/release/recgate"
