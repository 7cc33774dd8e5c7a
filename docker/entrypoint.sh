#!/bin/sh
# Picks what the container runs. `exec` hands PID 1 (or tini's child, with `init: true`) to Node,
# so SIGTERM from `docker stop`, ECS or Batch reaches the process that handles it.
set -eu
APP_DIR="${APP_DIR:-/app}"

command="${1:-worker}"
[ "$#" -gt 0 ] && shift

case "$command" in
  worker) exec node "$APP_DIR/dist/src/client/cli.js" worker "$@" ;;
  score) exec node "$APP_DIR/dist/src/scoring/batch-entrypoint.js" "$@" ;;
  etl) exec node "$APP_DIR/dist/src/etl/local-etl-entrypoint.js" "$@" ;;
  cli) exec node "$APP_DIR/dist/src/client/cli.js" "$@" ;;
  sqs-poller) exec node "$APP_DIR/dist/src/client/cli.js" sqs-poller "$@" ;;
  *) exec "$command" "$@" ;;
esac
