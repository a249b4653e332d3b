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

# The same repository from the shell, with the pggit command (scripts/setup.sh installs it).
cli=${PGGIT_VENV:-/usr/local/lib/pggit-venv}/bin/pggit
if [ -x "$cli" ]; then
    dsn="host=$work port=$port user=postgres dbname=postgres"
    echo; echo "== the same from the shell: pggit branch; pggit exec; pggit log --graph; pggit diff"
    as_pg "$cli" --dsn "$dsn" branch
    as_pg "$cli" --dsn "$dsn" exec --branch feature/users-api -- "$bin/psql" "$dsn" -XAtc \
        "SELECT 'psql run by pggit exec is on schema ' || current_schema()"
    as_pg "$cli" --dsn "$dsn" log main --graph
    as_pg "$cli" --dsn "$dsn" diff main feature/users-api
fi
