"""The entry points behind the SQL API: each plpython3u body calls one function here.

They run inside the server only; they turn a PggitError into a PostgreSQL error
whose message is pggit's own, with its hint and SQLSTATE. Modules are imported on
first use, so a session that only asks pggit.version() loads no engine.
"""

import functools

from . import __version__
from .errors import PggitError


def entry(fn=None, *, check_session=True):
    """Mark an API function: PggitError becomes a clean PostgreSQL ERROR.

    First, unless told not to, it refuses a session whose pggit.current_branch and
    search_path name different branches (pggit._check_session, DESIGN.md §3).
    """
    if fn is None:
        return functools.partial(entry, check_session=check_session)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            if check_session:
                server_db().query("SELECT pggit._check_session()")
            return fn(*args, **kwargs)
        except PggitError as e:
            raise server_error(e) from None
        except Exception as e:
            # pggit's own SQL functions raise pggit errors too: pass them on as they are,
            # without PL/Python's "spiexceptions.X:" prefix and traceback
            own = _pggit_spi_error(e)
            if own is None:
                raise
            raise server_error(own) from None

    return wrapper


def _pggit_spi_error(e: Exception) -> PggitError | None:
    """A plpy.SPIError whose message is one of pggit's (from its SQL functions), as a PggitError."""
    message = str(e.args[0]) if getattr(e, "args", None) else ""
    data = getattr(e, "spidata", None)
    if not message.startswith("pggit:") or data is None:
        return None
    return PggitError(message, hint=data[2], sqlstate=getattr(e, "sqlstate", None) or "P0001")


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


@entry(check_session=False)
def version() -> str:
    return __version__


@entry(check_session=False)
def regenerate_lens() -> None:
    from . import lens

    lens.regenerate(server_db())


@entry
def enable_lens() -> str:
    from . import branches, lens

    db = server_db()
    branches.require_init(db)
    with branches.internal(db):
        return lens.enable(db)


@entry
def disable_lens() -> str:
    from . import branches, lens

    db = server_db()
    branches.require_init(db)
    with branches.internal(db):
        return lens.disable(db)


@entry
def init() -> str:
    from . import branches

    return branches.init(server_db())


@entry
def create_branch(name, parent) -> str:
    from . import branches

    return branches.create_branch(server_db(), name, parent)


@entry
def delete_branch(name, force) -> str:
    from . import branches

    return branches.delete_branch(server_db(), name, bool(force))


@entry
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
    return engine.script(commits.resolve(db, source), commits.resolve(db, target))

# Commits and merge


@entry
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


@entry
def merge_base(a, b) -> str | None:
    from . import commits

    return commits.merge_base(server_db(), a, b)


@entry
def merge(source, target, strategy, resolutions) -> list[dict]:
    from . import merging

    return [merging.merge(server_db(), source, target, strategy, resolutions)]


@entry
def conflicts(source, target) -> list[dict]:
    from . import merging

    return merging.conflicts(server_db(), source, target)
