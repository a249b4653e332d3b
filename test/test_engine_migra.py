"""Round trip of migra's schema pairs: apply diff(a → b) to a, then pg_dump must agree with b."""

import pytest
from engine_support import MIGRA, round_trip

# Cases pggit cannot express in one schema, with the reason.
SKIP = {
    "collations": "needs ICU collations and schema-level COLLATION objects, which pggit does not model",
    "everything": "b's tables use types of extensions (hstore) that a lacks; pggit does not manage extensions",
}

CASES = sorted(p.name for p in MIGRA.iterdir() if p.is_dir()) if MIGRA.is_dir() else []

SCHEMAS = """
SELECT nspname FROM pg_namespace
 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                                              AND d.objid = pg_namespace.oid AND d.deptype = 'e')
 ORDER BY 1
"""


def _schemas(conn) -> set:
    return {r[0] for r in conn.execute(SCHEMAS)}


@pytest.mark.parametrize("case", CASES)
def test_migra_round_trip(case, new_db):
    if case in SKIP:
        pytest.skip(SKIP[case])
    a, b = new_db(), new_db()
    a.execute("DO $$BEGIN CREATE ROLE schemainspect_test_role; "
              "EXCEPTION WHEN duplicate_object THEN NULL; END$$")
    a.execute((MIGRA / case / "a.sql").read_text())
    b.execute((MIGRA / case / "b.sql").read_text())
    # pggit diffs one schema at a time: every schema the two sides share is round-tripped.
    for schema in sorted(_schemas(a) & _schemas(b)):
        round_trip(a, b, schema)


def test_migra_fixtures_found():
    assert len(CASES) == 26, f"expected the 26 migra cases under {MIGRA}"
