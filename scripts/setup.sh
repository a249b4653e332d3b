#!/bin/sh
# Set up a Debian 12 machine (as root) to build, install and test pggit:
#  - PostgreSQL 15 with PL/Python and the PGXS build files, from Debian;
#  - jinja2 for the server's own Python (Debian's /usr/bin/python3 runs plpython3u,
#    not any other python on PATH), from Debian's python3-jinja2;
#  - pgxnclient, and a virtualenv with the client-side test dependencies;
#  - the extension itself (make install).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${PGGIT_VENV:-/usr/local/lib/pggit-venv}

if [ "$(id -u)" != 0 ]; then
    echo "scripts/setup.sh: run as root (it installs Debian packages)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
    make git ca-certificates \
    postgresql-15 postgresql-client-15 postgresql-plpython3-15 postgresql-server-dev-15 \
    python3 python3-venv python3-jinja2 pgxnclient >/dev/null

/usr/bin/python3 -c "import jinja2" || {
    echo "scripts/setup.sh: the server's Python cannot import jinja2" >&2; exit 1; }

if [ ! -x "$venv/bin/pip" ]; then
    /usr/bin/python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$repo/test/requirements.txt"
"$venv/bin/pip" install -q --disable-pip-version-check "$repo"

PATH=/usr/lib/postgresql/15/bin:$PATH make -C "$repo" -s install
echo "pggit: set up; extension installed into $(/usr/lib/postgresql/15/bin/pg_config --sharedir)/extension"
