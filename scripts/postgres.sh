#!/usr/bin/env bash
# A throwaway PostgreSQL (with pgvector) from .deps/pgserver, for tests and local runs.
#   scripts/postgres.sh start DIR [PORT]  initdb in DIR/data if needed, start the server on
#                                         127.0.0.1:PORT (default: a free port), wait until it
#                                         answers, and print its URL (postgres://visage@...).
#   scripts/postgres.sh stop DIR          stop it (fast shutdown); DIR stays.
# With VISAGE_PG_OWNER_PID=PID, start also leaves a watcher that stops the server and removes DIR
# once that process exits, however it exits: the tests pass their own pid, so a killed test run
# leaves no server behind.
# PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the system
# user `visage-pg` (created if missing), which owns DIR. Authentication is `trust` on the
# loopback address only: fit for tests, not for a deployment. Durability is off (fsync) for speed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/.deps/pgserver/pgserver/pginstall/bin
action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 64; }

as_owner() {  # runs a command as the user that owns the cluster
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=visage-pg --regid=visage-pg --init-groups -- "$@"
  else
    "$@"
  fi
}

case "$action" in
  start)
    [ -x "$bin/postgres" ] || "$root/scripts/install_pgserver.sh"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" -eq 0 ]; then
      id visage-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin visage-pg
      chown visage-pg:visage-pg "$dir"
    fi
    port=${3:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" --pgdata="$dir/data" --username=visage --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # No unix socket (its default folder may not exist or be writable); loopback TCP only.
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" --wait --timeout=60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/postgres.log" >&2; exit 1; }
    if [ -n "${VISAGE_PG_OWNER_PID:-}" ]; then
      owner=$VISAGE_PG_OWNER_PID
      setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" stop "$3"; rm -rf "$3"' \
        watcher "$owner" "$root/scripts/postgres.sh" "$dir" </dev/null >/dev/null 2>&1 &
    fi
    echo "postgres://visage@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 64 ;;
esac
