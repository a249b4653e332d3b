"""pggit.detach(): stop using pggit. Main never left `public`, so nothing of it moves.

What goes: every mask schema (their stand-ins call pggit's functions), the lens, and the
metadata of the repository: the repository row (so `init()` can run again), every branch
but main (their schemas stay as ordinary schemas unless `drop_branches`), the
versioned_objects rows and main's head. The history (commits, version_history,
merge_history) is kept, with a DETACH row, until the extension is dropped. After it,
nothing outside pggit's own schemas depends on the extension: DROP EXTENSION costs nothing.
The session leaves its branch (api.detach puts it back on main's path).

Everything runs in the caller's statement, as the caller: a failure rolls all of it back.
"""

from __future__ import annotations

from . import lens, masks
from .branches import (MAIN, TRACKED_SCHEMA, branch_schemas, drop_schemas, internal, mask_schema,
                       require_init, require_repository_owner)


def detach(db, drop_branches: bool) -> str:
    require_init(db)
    require_repository_owner(db, "detach")
    with internal(db):
        branches = db.query("SELECT id, name, schema_name FROM pggit.branches WHERE name <> $1 ORDER BY id",
                            (MAIN,))
        lens.disable(db)
        for branch in branch_schemas(branches):
            if drop_branches:
                drop_schemas(db, branch["schema_name"])
            else:
                masks.drop_schema(db, mask_schema(branch["schema_name"]))
        db.as_owner("DELETE FROM pggit.versioned_objects")
        db.as_owner("DELETE FROM pggit.identities; DELETE FROM pggit.live; DELETE FROM pggit.touched")
        db.as_owner("DELETE FROM pggit.branches WHERE name <> $1", (MAIN,))
        db.as_owner("UPDATE pggit.branches SET head_commit_hash = NULL WHERE name = $1", (MAIN,))
        db.as_owner("DELETE FROM pggit.repository")
        db.query("INSERT INTO pggit.ddl_log (branch_name, object_type, command_tag, statement) "
                 "VALUES ($1, 'schema', 'DETACH', current_query())", (MAIN,))
    kept = ("dropped" if drop_branches else "kept as plain schemas") if branches else None
    return (f"pggit: detached; branch {MAIN} is {TRACKED_SCHEMA}, as it always was"
            + (f"; {len(branches)} branch schema(s) {kept}" if kept else "")
            + "; DROP EXTENSION pggit is now safe")
