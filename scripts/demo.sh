#!/bin/sh
# Run the demo on a throwaway PostgreSQL 15 server (started here, stopped at the end).
# Needs scripts/setup.sh to have run. Works as root (the server runs as `postgres`).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/pggit-demo.XXXXXX)
port=${PGGIT_DEMO_PORT:-54329}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$work"; fi

cleanup() { as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM

as_pg "$bin/initdb" -D "$work/data" -A trust -U postgres >/dev/null
as_pg "$bin/pg_ctl" -D "$work/data" -o "-p $port -k $work -c listen_addresses=''" -l "$work/log" -w start >/dev/null
as_pg "$bin/psql" -X -q -h "$work" -p "$port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 < "$repo/scripts/demo.sql"
