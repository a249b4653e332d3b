"""The one quoting routine: identifiers and literals exactly as PostgreSQL quotes them.

Pure Python so the engine renders the same SQL inside and outside the server.
"""

import re

# Keywords that must be quoted as identifiers (PostgreSQL's reserved and
# type/function-name keywords, the categories quote_ident() quotes).
_RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric authorization between bigint binary bit
boolean both case cast char character check coalesce collate collation column concurrently
constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user dec decimal default deferrable desc distinct do else end except
exists extract false fetch float for foreign freeze from full grant greatest group grouping
having ilike in initially inner inout int integer intersect interval into is isnull join
json_array json_arrayagg json_object json_objectagg lateral leading least left like limit
localtime localtimestamp national natural nchar none normalize not notnull null nullif numeric
offset on only or order out outer overlaps overlay placing position precision primary real
references returning right row select session_user setof similar smallint some substring
symmetric system_user table tablesample then time timestamp to trailing treat trim true union
unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable
""".split())

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """Quote an identifier only when PostgreSQL would need it quoted (like quote_ident)."""
    if _PLAIN.match(name) and name not in _RESERVED:
        return name
    return '"' + name.replace('"', '""') + '"'


def qualified(schema: str | None, name: str) -> str:
    return ident(name) if schema is None else f"{ident(schema)}.{ident(name)}"


def literal(value) -> str:
    """A SQL literal for None, bool, int, float or str (like quote_nullable)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + text.replace("'", "''") + "'"


# A view's definition names its own schema only where a bare name would be ambiguous (a
# CTE of the same name is in scope); the model keeps that name as this marker, so that a
# view reads the same from every schema, and a script binds it to the schema it runs in.
SELF_SCHEMA = '"pggit self"'

_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\$([A-Za-z_]*)\$.*?\$\1\$|[A-Za-z_][A-Za-z0-9_$]*|.""", re.S)


def self_qualified(sql: str, schema: str) -> str:
    """`sql` with every `<schema>.` qualifier token replaced by SELF_SCHEMA: tokens only,
    never inside a string literal, a quoted identifier of another name, or a dollar quote."""
    own = ident(schema)
    out, tokens = [], [m.group(0) for m in _TOKENS.finditer(sql)]
    for i, token in enumerate(tokens):
        if token == own and i + 1 < len(tokens) and tokens[i + 1] == "." and (i == 0 or tokens[i - 1] != "."):
            out.append(SELF_SCHEMA)
        else:
            out.append(token)
    return "".join(out)


def bind_self(sql: str, schema: str) -> str:
    """A script with SELF_SCHEMA bound to the schema it is for."""
    own = ident(schema)
    return sql.replace(SELF_SCHEMA + ".", own + ".").replace(" IN SCHEMA " + SELF_SCHEMA, " IN SCHEMA " + own)


def text_array(values) -> str | None:
    """A text[] literal for a `$n::text[]` parameter: each value as text, None as NULL;
    None (SQL NULL) for no array at all."""
    if values is None:
        return None
    quoted = ("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
              for v in values)
    return "{" + ",".join(quoted) + "}"
