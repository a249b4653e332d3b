"""pggit.detach(): stop using pggit. Main never left `public`, so nothing of it moves.

What goes: every mask schema (their stand-ins call pggit's functions), the lens, and the
metadata of the repository: the repository row (so `init()` can run again), every branch
but main (their schemas stay as ordinary schemas unless `drop_branches`), the
versioned_objects rows and main's head. The history (commits, version_history,
merge_history) is kept, with a DETACH row, until the extension is dropped. After it,
nothing outside pggit's own schemas depends on the extension: DROP EXTENSION costs nothing.

Everything runs in the caller's statement, as the caller: a failure rolls all of it back.
"""

from __future__ import annotations

from . import lens
from .branches import MAIN, TRACKED_SCHEMA, drop_schemas, internal, mask_schema, require_init
from .quoting import ident


def detach(db, drop_branches: bool) -> str:
    require_init(db)
    with internal(db):
        branches = db.query("SELECT id, name, schema_name FROM pggit.branches WHERE name <> $1 ORDER BY id",
                            (MAIN,))
        lens.disable(db)
        for branch in branches:
            if drop_branches:
                drop_schemas(db, branch["schema_name"])
            else:
                db.execute(f"DROP SCHEMA IF EXISTS {ident(mask_schema(branch['schema_name']))} CASCADE")
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
    return (f"pggit: detached; branch {MAIN} is {TRACKED_SCHEMA}, as it always was"
            + (f"; {len(branches)} branch schema(s) {kept}" if kept else "")
            + "; DROP EXTENSION pggit is now safe")
