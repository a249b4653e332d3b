"""The pure-Python core works outside the server, and agrees with PostgreSQL."""

import pytest

from pggit import quoting
from pggit.db import PsycopgDb
from pggit.errors import PggitError


def test_error_messages_start_with_pggit():
    e = PggitError("branch x does not exist", hint="list branches")
    assert e.message == "pggit: branch x does not exist"
    assert PggitError("pggit: already prefixed").message == "pggit: already prefixed"


@pytest.mark.parametrize("name", [
    "users", "Users", "user", "select", "a b", 'quo"te', "semi;colon", "ünï", "_x1", "1abc",
    "a$b", "x" * 63, "",
])
def test_ident_matches_quote_ident(pg, name):
    assert quoting.ident(name) == pg.execute("SELECT quote_ident(%s)", (name,)).fetchone()[0]


def test_ident_matches_quote_ident_for_every_keyword(pg):
    words = [r[0] for r in pg.execute("SELECT word FROM pg_get_keywords()")]
    theirs = dict(pg.execute(
        "SELECT w, quote_ident(w) FROM unnest(%s::text[]) AS w", (words,)).fetchall())
    assert {w: quoting.ident(w) for w in words} == theirs


@pytest.mark.parametrize("value", [None, "plain", "it's", "back\\slash", "", 42, True])
def test_literal_round_trips_through_the_server(pg, value):
    sql = f"SELECT {quoting.literal(value)}"
    got = pg.execute(sql).fetchone()[0]
    assert got == value


def test_psycopg_db_uses_native_placeholders(pg):
    db = PsycopgDb(pg)
    rows = db.query("SELECT $1::text AS a, $2::int + 1 AS b, 'lit%' AS c", ("x", 41))
    assert rows == [{"a": "x", "b": 42, "c": "lit%"}]
