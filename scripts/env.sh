# Sourced by recgate's scripts: where the tools that setup.sh installs live.
_recgate_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$_recgate_root/node_modules/.bin:$_recgate_root/.venv/bin:$PATH"
export ENVOY_BIN="${ENVOY_BIN:-$_recgate_root/.venv/bin/envoy}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
export PG_BIN
export RECGATE_ROOT="$_recgate_root"
