"""pggit.detach(): stop using pggit, with main back as plain objects in `public`.

The reverse of `branches.init`, using the same pieces: `branches.move_objects` (and so
catalog/branch_movable_objects.sql) moves main's objects, and a full
`routing.regenerate` on a main without tables drops every routing view, trigger and
function. Routing views carry the names of main's tables, so main's objects first go to
a staging schema, routing is torn down, and then they move on into `public`.

Metadata: the repository row goes (so `init()` can run again), and so do every branch
but main (their schemas stay as ordinary schemas unless `drop_branches`), the
versioned_objects rows and main's head. The history (commits, version_history,
merge_history) is kept, with a DETACH row, until the extension is dropped.

Everything runs in the caller's statement, as the caller: a failure rolls all of it back.
"""

from __future__ import annotations

from . import errors, routing
from .branches import (MAIN, MAIN_SCHEMA, TRACKED_SCHEMA, internal, move_objects,
                       require_init)
from .errors import PggitError
from .quoting import ident

STAGING_SCHEMA = "pggit_detaching"

# SQLSTATEs of the catalog's refusals that a user can fix: a name taken in public, an
# object of the user's that depends on a routing view.
_FIXABLE = {"42P07": "an object of that name already exists in public",
            "42723": "a function of that name and arguments already exists in public",
            "42710": "an object of that name already exists in public",
            "2BP01": "an object of yours depends on a routing view in public"}

_LEFTOVERS = """
SELECT format('%s %s', kind, name) AS what FROM (
    SELECT 'relation' AS kind, c.relname::text AS name FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace
    UNION ALL
    SELECT 'function', p.proname::text FROM pg_proc p
     WHERE p.pronamespace = $1::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                          AND e.objid = p.oid AND e.deptype = 'e')
    UNION ALL
    SELECT 'type', t.typname::text FROM pg_type t
     WHERE t.typnamespace = $1::regnamespace AND t.typrelid = 0 AND t.typcategory <> 'A'
) o ORDER BY 1
"""


def detach(db, drop_branches: bool) -> str:
    require_init(db)
    with internal(db):
        if db.query("SELECT 1 FROM pg_namespace WHERE nspname = $1::name", (STAGING_SCHEMA,)):
            raise PggitError(f"schema {STAGING_SCHEMA} exists; detach uses it for a moment",
                             hint=f"Drop or rename schema {STAGING_SCHEMA}, then detach again.",
                             sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
        branches = db.query("SELECT id, name, schema_name FROM pggit.branches WHERE name <> $1 ORDER BY id",
                            (MAIN,))
        db.execute(f"CREATE SCHEMA {ident(STAGING_SCHEMA)}")
        moved = move_objects(db, MAIN_SCHEMA, STAGING_SCHEMA)
        _fixable(routing.regenerate, db)  # main has no tables now: every routing object goes
        _fixable(move_objects, db, STAGING_SCHEMA, TRACKED_SCHEMA)
        for schema in (STAGING_SCHEMA, MAIN_SCHEMA, routing.ROUTES_SCHEMA):
            left = [r["what"] for r in db.query(_LEFTOVERS, (schema,))]
            if left:
                raise PggitError(f"detach cannot move {', '.join(left[:5])} out of schema {schema}",
                                 hint=f"Move or drop {'it' if len(left) == 1 else 'them'} by hand, "
                                      "then detach again.",
                                 sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE)
        db.execute(f"DROP SCHEMA {ident(STAGING_SCHEMA)}")
        if drop_branches:
            for branch in branches:
                db.execute(f"DROP SCHEMA IF EXISTS {ident(branch['schema_name'])} CASCADE")
        db.query("DELETE FROM pggit.versioned_objects")
        db.query("DELETE FROM pggit.branches WHERE name <> $1", (MAIN,))
        db.query("UPDATE pggit.branches SET head_commit_hash = NULL WHERE name = $1", (MAIN,))
        db.query("DELETE FROM pggit.repository")
        db.query("INSERT INTO pggit.version_history (branch_name, object_type, command_tag, statement) "
                 "VALUES ($1, 'schema', 'DETACH', current_query())", (MAIN,))
        # this session leaves its branch: the setting and the branch schema on search_path
        db.query("SELECT set_config('pggit.current_branch', '', false), "
                 "set_config('search_path', coalesce(pggit._path_without_branches("
                 "current_setting('search_path')), '\"$user\", public'), false)")
    kept = ("dropped" if drop_branches else "kept as plain schemas") if branches else None
    return (f"pggit: detached; {moved} object(s) of branch {MAIN} are back in {TRACKED_SCHEMA}"
            + (f"; {len(branches)} branch schema(s) {kept}" if kept else "")
            + "; DROP EXTENSION pggit is now safe")


def _fixable(fn, *args):
    """Run fn; a refusal the user can fix becomes a pggit error (the statement rolls back)."""
    try:
        return fn(*args)
    except PggitError:
        raise
    except Exception as e:  # plpy.SPIError in the server, psycopg.Error outside
        state = getattr(e, "sqlstate", None)
        if state not in _FIXABLE:
            raise
        detail = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise PggitError(f"cannot detach: {_FIXABLE[state]} ({detail})",
                         hint="Rename, move or drop that object, then detach again.",
                         sqlstate=errors.OBJECT_NOT_IN_PREREQUISITE_STATE) from None
