"""Catalog and metadata queries of the branch operations, one `.sql` file each.

Kept apart from catalog/ (the schema model's queries) only because these are
about copying and routing a schema, not describing it.
"""

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of `<name>.sql` beside this file."""
    return (Path(__file__).parent / f"{name}.sql").read_text()
