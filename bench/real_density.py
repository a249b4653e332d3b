"""A generated schema at the density of real applications' schemas.

Per 1,000 tables: 6 indexes and 2.5 foreign keys per table on average (one to the previous
table, one to table i/2, and on every other table one to table i/3: many paths between two
tables, as in real FK graphs), an identity key, 250 views joining two tables, 40 enums and
100 functions. `script(n)` is the CREATE script; `changes(n, fraction, side)` a set of
one-table changes on a spread of tables, different tables for each side.
"""

from __future__ import annotations


def script(n: int) -> str:
    enums = max(1, n * 40 // 1000)
    functions = max(1, n // 10)
    out = [f"CREATE TYPE e{k} AS ENUM ('new', 'open', 'closed', 'archived');" for k in range(enums)]
    out += [f"CREATE FUNCTION f{k}(a integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT a + {k} $$;"
            for k in range(functions)]
    for i in range(n):
        fks = [(f"prev_id", i - 1)] if i > 0 else []
        fks += [("half_id", i // 2)] if i > 1 else []
        fks += [("third_id", i // 3)] if i > 2 and i % 2 == 0 else []
        cols = "".join(f", {c} bigint REFERENCES t{j} (id)" for c, j in fks)
        out.append(
            f"CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL,"
            f" code varchar(32) UNIQUE, amount numeric(12,2) DEFAULT 0, status e{i % enums} NOT NULL DEFAULT 'new',"
            f" created_at timestamptz NOT NULL DEFAULT now(), active boolean DEFAULT true{cols});")
        out.append(f"CREATE INDEX ON t{i} (created_at);")
        out += [f"CREATE INDEX ON t{i} ({c});" for c, _ in fks]
        if i % 2:
            out.append(f"CREATE INDEX ON t{i} (name, status);")
        if len(fks) < 2:
            out.append(f"CREATE INDEX ON t{i} (amount);")
    for k in range(n // 4):
        i = 4 * k + 2
        out.append(f"CREATE VIEW v{k} AS SELECT a.id, a.name, b.code, f{k % functions}(a.id::int) AS n"
                   f" FROM t{i} a JOIN t{i // 2} b ON b.id = a.half_id;")
    return "\n".join(out)


def changed_tables(n: int, fraction: float, side: int) -> list[int]:
    """Tables spread over the schema, disjoint for side 0 and side 1."""
    count = max(1, int(n * fraction))
    step = max(2, n // count)
    return [i for i in range(side, n, step)][:count]


def changes(n: int, fraction: float, side: int) -> str:
    """A migration touching `fraction` of the tables: a column and an index each."""
    return "\n".join(f"ALTER TABLE t{i} ADD COLUMN side{side}_note text; "
                     f"CREATE INDEX t{i}_side{side}_idx ON t{i} (side{side}_note);"
                     for i in changed_tables(n, fraction, side))
