"""The entry points behind the SQL API: each plpython3u body calls one function here.

They run inside the server only; they turn a PggitError into a PostgreSQL error
whose message is pggit's own, with its hint and SQLSTATE. Modules are imported on
first use, so a session that only asks pggit.version() loads no engine.
"""

import functools

from . import __version__
from . import errors
from .errors import PggitError


def entry(fn=None, *, check_session=True, writes=False, leaves_branch=False):
    """Mark an API function: it runs with search_path pinned, and a PggitError becomes a
    clean PostgreSQL ERROR.

    In order: unless told not to, refuse a session whose pggit.current_branch and
    search_path name different branches (pggit._check_session, DESIGN.md §3; it needs
    the caller's own path); for an operation that `writes`, refuse a role that is not a
    member of pggit_user; then run with search_path = pg_catalog, pg_temp, so that no
    object of another role's (in public, in a branch, in pg_temp) can stand in for a
    catalog function, operator or relation pggit uses. The caller's path comes back after
    (with `leaves_branch`, less any branch schema, and the session is on main).
    """
    if fn is None:
        return functools.partial(entry, check_session=check_session, writes=writes,
                                 leaves_branch=leaves_branch)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        db = server_db()
        try:
            saved = db.query("SELECT pg_catalog.current_setting('search_path') AS path, "
                             "(pg_catalog.current_schemas(false))[1] AS first")[0]
            if check_session:
                db.query("SELECT pggit._check_session($1::name)", (saved["first"],))
            db.query("SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true)")
            if writes:
                _require_member(db)
            result = fn(*args, **kwargs)
            if leaves_branch:
                db.query("SELECT pg_catalog.set_config('pggit.current_branch', '', false), "
                         "pg_catalog.set_config('search_path', coalesce(pggit._path_without_branches($1), "
                         "'\"$user\", public'), false)", (saved["path"],))
            else:
                db.query("SELECT pg_catalog.set_config('search_path', $1, true)", (saved["path"],))
            return result
        except PggitError as e:
            raise server_error(e) from None
        except Exception as e:
            # pggit's own SQL functions raise pggit errors too: pass them on as they are,
            # without PL/Python's "spiexceptions.X:" prefix and traceback; and a
            # permission the caller lacks is said as pggit's
            own = _pggit_spi_error(e)
            if own is None:
                raise
            raise server_error(own) from None

    return wrapper


def _require_member(db) -> None:
    if not db.query("SELECT pg_catalog.pg_has_role('pggit_user', 'MEMBER') AS ok")[0]["ok"]:
        role = db.query("SELECT current_user::text AS role")[0]["role"]
        raise PggitError(f"role {role!r} may not change this repository: it is not a member of pggit_user",
                         hint=f"A superuser or the database owner grants it: GRANT pggit_user TO {role};",
                         sqlstate=errors.INSUFFICIENT_PRIVILEGE)


def _pggit_spi_error(e: Exception) -> PggitError | None:
    """A plpy.SPIError as a PggitError: one of pggit's own messages (from its SQL
    functions), or a permission the caller lacks; None for anything else."""
    message = str(e.args[0]) if getattr(e, "args", None) else ""
    data = getattr(e, "spidata", None)
    state = getattr(e, "sqlstate", None)
    if data is None:
        return None
    if message.startswith("pggit:"):
        return PggitError(message, hint=data[2], sqlstate=state or "P0001")
    if state == errors.INSUFFICIENT_PRIVILEGE:
        return PggitError(f"{message.splitlines()[0]} (pggit acts with your own rights)",
                          hint="pggit reads and changes your objects as you: the owner of the tables, "
                               "or a role granted their rights, must run this.",
                          sqlstate=state)
    return None


_error_class = None


def server_error(e: PggitError) -> Exception:
    """A plpy.Error that PostgreSQL reports as `pggit: <message>`, with hint and SQLSTATE.

    PL/Python reports an uncaught exception as "<module>.<class>: <text>", leaving
    out the module when it is "builtins"; a class named "pggit" in "builtins"
    therefore reads exactly like our messages. The hint and SQLSTATE are read
    from the exception's attributes, as for plpy.error().
    """
    global _error_class
    if _error_class is None:
        import plpy

        _error_class = type("pggit", (plpy.Error,), {"__module__": "builtins"})
    error = _error_class(e.message.removeprefix("pggit:").lstrip())
    error.sqlstate, error.hint = e.sqlstate, e.hint
    return error


_db = None


def server_db():
    """The session's PlpyDb (one per session, so its prepared plans are reused)."""
    global _db
    if _db is None:
        import plpy

        from .db import PlpyDb

        _db = PlpyDb(plpy)
    return _db


def internal_active() -> bool:
    """pggit._internal(): whether pggit's own DDL is running in this session."""
    from . import guard

    return guard.internal_active()


def run_as_owner(statement, params) -> list[str]:
    """pggit._as_owner(): pggit's own statement, run as the extension's owner."""
    import plpy

    from . import guard

    try:
        return guard.run_as_owner(plpy, statement, params)
    except PggitError as e:
        raise server_error(e) from None


@entry(check_session=False)
def version() -> str:
    return __version__


@entry(check_session=False)
def regenerate_lens() -> None:
    from . import lens

    lens.regenerate(server_db())


@entry(writes=True)
def enable_lens() -> str:
    return _lens_switch(True)


@entry(writes=True)
def disable_lens() -> str:
    return _lens_switch(False)


def _lens_switch(on: bool) -> str:
    from . import branches, lens

    db = server_db()
    branches.require_init(db)
    branches.require_repository_owner(db, "turn the lens " + ("on" if on else "off"))
    with branches.internal(db):
        return lens.enable(db) if on else lens.disable(db)


@entry(writes=True)
def init() -> str:
    from . import branches

    return branches.init(server_db())


@entry(writes=True)
def create_branch(name, parent, data, tables) -> str:
    from . import branches

    return branches.create_branch(server_db(), name, parent, data, None if tables is None else list(tables))


@entry(writes=True)
def delete_branch(name, force) -> str:
    from . import branches

    return branches.delete_branch(server_db(), name, bool(force))


@entry(writes=True, leaves_branch=True)
def detach(drop_branches) -> str:
    from . import detach

    return detach.detach(server_db(), bool(drop_branches))


@entry(check_session=False)
def after_ddl(schemas, tables) -> None:
    from . import branches

    branches.after_ddl(server_db(), sorted(set(schemas)), None if tables is None else list(tables))


# Schema diff


@entry
def schema_diff(source, target) -> list[dict]:
    from . import commits

    return commits.diff_refs(server_db(), source, target)


@entry
def schema_diff_sql(source, target) -> str:
    from . import commits, engine

    db = server_db()
    return engine.script(*commits.compared(db, source, target), runner=db.role())

# Commits and merge


@entry(writes=True)
def commit(message) -> str:
    from . import commits

    return commits.commit(server_db(), None, message)


@entry
def log(branch) -> list[dict]:
    from . import commits

    return commits.log(server_db(), branch)


@entry
def status() -> list[dict]:
    from . import commits

    return commits.status(server_db())


@entry(check_session=False)
def snapshot(tree) -> str:
    from . import commits

    return commits.read_tree(server_db(), tree)[0].to_json()


@entry
def merge_base(a, b) -> str | None:
    from . import commits

    return commits.merge_base(server_db(), a, b)


@entry(writes=True)
def merge(source, target, strategy, resolutions) -> list[dict]:
    from . import merging

    return [merging.merge(server_db(), source, target, strategy, resolutions)]


# Rows that travel with the schema


@entry(writes=True)
def track_data(relation, key) -> str:
    from . import branches, data

    db = server_db()
    branches.require_init(db)
    return data.track(db, relation, None if key is None else list(key))


@entry(writes=True)
def untrack_data(relation) -> str:
    from . import branches, data

    db = server_db()
    branches.require_init(db)
    return data.untrack(db, relation)


@entry
def data_diff(source, target) -> list[dict]:
    from . import commits, data

    db = server_db()
    return data.diff(commits.resolve(db, source).rows, commits.resolve(db, target).rows)


@entry
def conflicts(source, target) -> list[dict]:
    from . import merging

    return merging.conflicts(server_db(), source, target)
