#!/usr/bin/env bash
# PostgreSQL: starts a throw-away cluster in a temporary directory, listening on
# 127.0.0.1 only, runs the query-plan test against it, and removes it — also
# when the test fails. PostgreSQL refuses to run as root: the cluster belongs
# to the `postgres` user that Debian's package creates.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/env.sh
[ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ] || { echo "test-db: PostgreSQL not installed (scripts/setup.sh installs it)"; exit 1; }
timeout 900 cargo build --release -p recgate-query --tests
dir=$(mktemp -d /tmp/recgate-pg.XXXXXX)
chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate stop > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; exit 1; }
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off" start > /dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres recgate
export RECGATE_PG_URL="host=127.0.0.1 port=$port user=postgres dbname=recgate"
timeout 900 cargo test --release -p recgate-query --test postgres -- --ignored --nocapture
