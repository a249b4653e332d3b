"""Helpers for the engine tests: apply a diff script, and judge identity by pg_dump."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from pggit.db import PsycopgDb
from pggit.engine import diff_schemas, diff_script
from pggit.quoting import ident

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
MIGRA = Path(__file__).resolve().parents[2] / "shared" / "peer-fixtures" / "migra"

_NOISE = re.compile(r"^(SET |SELECT pg_catalog\.set_config|--|\\restrict|\\unrestrict)")


def run_sql(conn, sql: str, schema: str = "public") -> None:
    """Run a script with search_path set to `schema`, as the engine's scripts expect."""
    conn.execute(f"SET search_path = {ident(schema)}")
    try:
        if sql.strip():
            conn.execute(sql)
    finally:
        conn.execute("RESET search_path")
        conn.execute("RESET check_function_bodies")


def dump(conn, schema: str = "public") -> list[str]:
    """pg_dump --schema-only of one schema as a sorted list of statements, schema name replaced."""
    info = conn.info
    out = subprocess.run(
        [str(PG_BIN / "pg_dump"), "--schema-only", f"--schema={schema}", "-h", info.host,
         "-p", str(info.port), "-U", info.user, info.dbname],
        check=True, capture_output=True, text=True).stdout
    lines = [line for line in out.splitlines() if line.strip() and not _NOISE.match(line)]
    text = "\n".join(lines).replace(f"{ident(schema)}.", "SCHEMA.")
    statements = [s.strip() for s in re.split(r";\n(?=\S)", text + "\n") if s.strip()]
    return sorted(s for s in statements if not s.startswith("CREATE SCHEMA"))


def round_trip(conn_a, conn_b, schema: str = "public") -> str:
    """Apply diff(a → b) to a; assert a re-diff is empty and pg_dump agrees. Returns the script."""
    db_a, db_b = PsycopgDb(conn_a), PsycopgDb(conn_b)
    script = diff_script(db_a, schema, db_b, schema)
    run_sql(conn_a, script, schema)
    again = diff_schemas(db_a, schema, db_b, schema)
    assert again == [], f"re-diff not empty after:\n{script}\n{again}"
    dump_a, dump_b = dump(conn_a, schema), dump(conn_b, schema)
    missing = [s for s in dump_b if s not in dump_a]
    extra = [s for s in dump_a if s not in dump_b]
    assert dump_a == dump_b, f"pg_dump differs after:\n{script}\nmissing: {missing}\nextra: {extra}"
    return script


# migra cases pggit cannot express in one schema, with the reason.
MIGRA_SKIP = {
    "collations": "needs ICU collations and schema-level COLLATION objects, which pggit does not model",
    "everything": "b's tables use types of extensions (hstore) that a lacks; pggit does not manage extensions",
}

# Without ../shared one placeholder case remains, which load_migra_case skips with the reason.
MIGRA_CASES = sorted(p.name for p in MIGRA.iterdir() if p.is_dir()) if MIGRA.is_dir() else ["(absent)"]

SCHEMAS = """
SELECT nspname FROM pg_namespace
 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                                              AND d.objid = pg_namespace.oid AND d.deptype = 'e')
 ORDER BY 1
"""


def require_migra() -> None:
    """Skip, saying why, when migra's fixtures (../shared, beside the checkout) are absent."""
    if not MIGRA.is_dir():
        import pytest

        pytest.skip(f"migra's fixtures are not beside this checkout ({MIGRA}); the engine's own "
                    "cases (test_engine_cases.py) still run")


def load_migra_case(case: str, new_db):
    """Databases A and B loaded from a migra case, and the schemas both have (pggit diffs
    one schema at a time, so every shared schema is compared)."""
    require_migra()
    a, b = new_db(), new_db()
    a.execute("DO $$BEGIN CREATE ROLE schemainspect_test_role; "
              "EXCEPTION WHEN duplicate_object THEN NULL; END$$")
    a.execute((MIGRA / case / "a.sql").read_text())
    b.execute((MIGRA / case / "b.sql").read_text())
    shared = {r[0] for r in a.execute(SCHEMAS)} & {r[0] for r in b.execute(SCHEMAS)}
    return a, b, sorted(shared)

