#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL server on 127.0.0.1 for the tests (installs Debian's
# postgresql when missing). `start` prints `export TEST_POSTGRES_URL=...` for eval.
set -euo pipefail
DIR=${PGTEST_DIR:-/tmp/storymap-pgtest}
PORT=${PGTEST_PORT:-55432}
case "${1:-}" in
  start)
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
      if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
      { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql; } >&2
    fi
    BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
    RUN=()
    if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
    rm -rf "$DIR" && mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    "${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >/dev/null
    "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
      -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
    echo "export TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
    RUN=()
    if [ "$(id -u)" = 0 ]; then RUN=(runuser -u postgres --); fi
    [ -d "$DIR/data" ] && "${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
