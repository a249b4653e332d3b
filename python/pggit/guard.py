"""What only pggit's own code, in this session, can switch on.

The state lives in this module, in the session's Python interpreter: no SQL statement
can reach it, and only a superuser's PL/Python could (PL/Python is untrusted). A GUC
would be settable by anyone; this is not.

- internal: pggit's own DDL is running, and its event triggers stand aside
  (pggit._internal() reads it).
- owner calls: pggit._as_owner(), which runs pggit's own statements (metadata, masks,
  lens) as the extension's owner, serves one call that pggit's code opened just before,
  and refuses every other.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from . import errors
from .errors import PggitError

_internal = 0
_owner_call_open = False


def internal_active() -> bool:
    return _internal > 0


@contextmanager
def internal():
    """pggit's own DDL: its event triggers leave it alone."""
    global _internal
    _internal += 1
    try:
        yield
    finally:
        _internal -= 1


@contextmanager
def owner_call():
    """Open pggit._as_owner for the one call made inside this block."""
    global _owner_call_open
    _owner_call_open = True
    try:
        yield
    finally:
        _owner_call_open = False


_plans: dict[tuple[str, int], object] = {}


def run_as_owner(plpy, statement: str, params) -> list[str]:
    """The body of pggit._as_owner (SECURITY DEFINER): run pggit's statement, rows as JSON.

    Without parameters the statement may be several (a script of pggit's own DDL).
    """
    global _owner_call_open
    if not _owner_call_open:
        raise PggitError("pggit._as_owner() is for pggit's own functions",
                         hint="Change pggit's metadata through pggit's functions (create_branch, merge, ...).",
                         sqlstate=errors.INSUFFICIENT_PRIVILEGE)
    _owner_call_open = False  # one call per opening
    params = list(params or [])
    if not params:
        rows = plpy.execute(statement)
    else:
        key = (statement, len(params))
        plan = _plans.get(key)
        if plan is None:
            plan = _plans[key] = plpy.prepare(statement, ["text"] * len(params))
        rows = plan.execute(params)
    return [json.dumps(dict(row), default=str) for row in rows]
