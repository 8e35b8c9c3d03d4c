# Sourced by recgate's scripts: where the tools that setup.sh installs live.
_recgate_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$_recgate_root/node_modules/.bin:$_recgate_root/.venv/bin:$PATH"
export ENVOY_BIN="${ENVOY_BIN:-$_recgate_root/.venv/bin/envoy}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
export PG_BIN
export RECGATE_ROOT="$_recgate_root"

# Builds the npm package when it is missing or older than its Rust sources:
# a stale .wasm beside newer wrapper JavaScript breaks the page and the tests
# in ways that look like logic bugs.
recgate_web_package() {
  local wasm="$_recgate_root/wasm-web/pkg-web/recgate_web_bg.wasm"
  if [ ! -f "$wasm" ] || [ -n "$(find "$_recgate_root/core/src" "$_recgate_root/wasm-web/src" "$_recgate_root/core/Cargo.toml" "$_recgate_root/wasm-web/Cargo.toml" -newer "$wasm" -print -quit)" ]; then
    timeout 1200 bash "$_recgate_root/wasm-web/build.sh"
  fi
}
