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


@entry
def version() -> str:
    return __version__
