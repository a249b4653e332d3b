"""The one error type users see: a message starting with `pggit:`, a hint, a SQLSTATE."""


class PggitError(Exception):
    """A user-facing failure. `api` turns it into a PostgreSQL error with the same parts."""

    def __init__(self, message: str, hint: str | None = None, sqlstate: str = "P0001"):
        if not message.startswith("pggit:"):
            message = "pggit: " + message
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.sqlstate = sqlstate


# SQLSTATEs used for user mistakes, named for readability at the raise site.
UNDEFINED_OBJECT = "42704"
DUPLICATE_OBJECT = "42710"
INVALID_PARAMETER = "22023"
OBJECT_NOT_IN_PREREQUISITE_STATE = "55000"
FEATURE_NOT_SUPPORTED = "0A000"
INSUFFICIENT_PRIVILEGE = "42501"
DATA_CORRUPTED = "XX001"
