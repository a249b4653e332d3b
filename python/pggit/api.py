"""The entry points behind the SQL API: each plpython3u body calls one function here.

They run inside the server only; they turn a PggitError into a PostgreSQL error
with its message, hint and SQLSTATE, so a user never sees a Python traceback.
"""

import functools

from . import __version__
from .errors import PggitError


def entry(fn):
    """Mark an API function: PggitError becomes a clean PostgreSQL ERROR."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PggitError as e:
            import plpy

            plpy.error(e.message, hint=e.hint, sqlstate=e.sqlstate)

    return wrapper


_db = None


def server_db():
    """The session's PlpyDb (one per session, so its prepared plans are reused)."""
    global _db
    if _db is None:
        import plpy

        from .db import PlpyDb

        _db = PlpyDb(plpy)
    return _db


@entry
def version() -> str:
    return __version__


@entry
def regenerate_routing() -> None:
    from . import routing

    routing.regenerate(server_db())


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
def after_ddl(schemas, tables_changed) -> None:
    from . import branches

    branches.after_ddl(server_db(), sorted(set(schemas)), bool(tables_changed))
