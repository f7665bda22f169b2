#!/usr/bin/env bash
# `make run`: the web server and one analysis worker (`flask worker`), with no other service.
# The worker runs in the background and is stopped with the server (Ctrl-C, or any exit).
set -euo pipefail
cd "$(dirname "$0")/.."
FLASK=(.venv/bin/flask --app app)
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-5000}"

"${FLASK[@]}" worker --workers "${WORKERS:-1}" &
worker=$!
stop_worker() {
  kill -INT "$worker" 2>/dev/null || true  # a graceful stop: the running job finishes
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
"${FLASK[@]}" run --host "$HOST" --port "$PORT"
