#!/bin/sh
# Starts (idempotently) a throwaway PostgreSQL 15 cluster on 127.0.0.1 for the server tests and
# prints its URL; use as: export MOTCUA_TEST_POSTGRES_URL=$(scripts/start-test-postgres.sh)
# Needs Debian's `postgresql` package (apt-get install -y postgresql). Data lives in /tmp.
set -eu
PORT="${MOTCUA_TEST_POSTGRES_PORT:-54329}"
DATA="${MOTCUA_TEST_POSTGRES_DIR:-/tmp/motcua-test-postgres}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RUN_AS=""
if [ "$(id -u)" = "0" ]; then RUN_AS="runuser -u postgres --"; fi
if [ ! -f "$DATA/PG_VERSION" ]; then
    mkdir -p "$DATA"
    if [ -n "$RUN_AS" ]; then chown postgres:postgres "$DATA"; fi
    $RUN_AS "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! $RUN_AS "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    $RUN_AS "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400" start >/dev/null
fi
if ! $RUN_AS "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'motcua_test'" | grep -q 1; then
    $RUN_AS "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres motcua_test
fi
echo "postgres://postgres@127.0.0.1:$PORT/motcua_test"
