"""Three-way merge over schema models, in pure Python: no server needed."""

import dataclasses

import pytest

from pggit.errors import PggitError
from pggit.merge import merge_models
from pggit.model import Column, Comment, Constraint, Index, Schema, Table, View


def col(table, name, type="int", **kw):
    return Column(table=table, name=name, type=type, **kw)


def table(name, *cols, **kw):
    return Table(name=name, columns=[col(name, *c) if isinstance(c, tuple) else c for c in cols], **kw)


def schema(*objects, deps=None):
    return Schema.of(list(objects), deps or {})


USERS = table("users", ("id",), ("email", "text"))
BASE = schema(USERS, Constraint("users", "users_pkey", "p", "PRIMARY KEY (id)"))


def with_users(*extra_cols, drop=(), retype=None, extra=(), deps=None):
    """BASE with users' columns changed: extra columns added, some dropped, one retyped."""
    cols = [c for c in USERS.columns if c.name not in drop]
    if retype:
        cols = [dataclasses.replace(c, type=retype[1]) if c.name == retype[0] else c for c in cols]
    users = dataclasses.replace(USERS, columns=cols + [col("users", *c) for c in extra_cols])
    return schema(users, *BASE.constraints.values(), *extra, deps=deps)


def columns(model, table_name="users"):
    return [(c.name, c.type) for c in model.tables[f"TABLE {table_name}"].columns]


def test_nothing_changed():
    merged, conflicts = merge_models(BASE, BASE, BASE)
    assert conflicts == [] and merged == BASE and columns(merged) == columns(BASE)


def test_one_side_adds_a_column_and_the_other_a_table():
    ours = schema(*with_users(("name", "text")).tables.values(), *BASE.constraints.values())
    theirs = schema(USERS, table("posts", ("id",)), *BASE.constraints.values())
    merged, conflicts = merge_models(BASE, ours, theirs)
    assert conflicts == []
    assert columns(merged) == [("id", "int"), ("email", "text"), ("name", "text")]
    assert "TABLE posts" in merged.tables


def test_both_add_the_same_column_identically():
    side = with_users(("name", "text"))
    merged, conflicts = merge_models(BASE, side, side)
    assert conflicts == [] and columns(merged)[-1] == ("name", "text")


def test_both_add_a_column_differently_is_a_conflict():
    merged, conflicts = merge_models(BASE, with_users(("name", "text")), with_users(("name", "varchar(20)")))
    assert [(c.object_type, c.object_name) for c in conflicts] == [("COLUMN", "users.name")]
    c = conflicts[0]
    assert (c.base, c.ours, c.theirs) == (None, "name text", "name varchar(20)")
    assert "added on both sides" in c.description


def test_type_change_on_one_side_is_taken():
    merged, conflicts = merge_models(BASE, BASE, with_users(retype=("id", "bigint")))
    assert conflicts == [] and columns(merged)[0] == ("id", "bigint")


def test_same_type_change_on_both_sides_is_taken_once():
    side = with_users(retype=("id", "bigint"))
    merged, conflicts = merge_models(BASE, side, side)
    assert conflicts == [] and columns(merged)[0] == ("id", "bigint")


def test_different_type_changes_conflict_and_resolve():
    ours, theirs = with_users(retype=("email", "varchar(50)")), with_users(retype=("email", "citext"))
    _, conflicts = merge_models(BASE, ours, theirs)
    assert len(conflicts) == 1 and "changed differently" in conflicts[0].description
    for strategy, expected in (("ours", "varchar(50)"), ("theirs", "citext")):
        merged, left = merge_models(BASE, ours, theirs, strategy=strategy)
        assert left == [] and dict(columns(merged))["email"] == expected
    merged, left = merge_models(BASE, ours, theirs, resolutions={"users.email": "theirs"})
    assert left == [] and dict(columns(merged))["email"] == "citext"
    merged, left = merge_models(BASE, ours, theirs, resolutions={"COLUMN users.email": "ours"})
    assert left == [] and dict(columns(merged))["email"] == "varchar(50)"


def test_drop_on_one_side_is_taken():
    merged, conflicts = merge_models(BASE, with_users(drop=("email",)), BASE)
    assert conflicts == [] and columns(merged) == [("id", "int")]


def test_drop_versus_modify_is_a_conflict():
    ours, theirs = with_users(drop=("email",)), with_users(retype=("email", "varchar(9)"))
    _, conflicts = merge_models(BASE, ours, theirs)
    assert [c.object_name for c in conflicts] == ["users.email"]
    assert "ours (the target) dropped COLUMN users.email" in conflicts[0].description
    merged, _ = merge_models(BASE, ours, theirs, strategy="theirs")
    assert dict(columns(merged))["email"] == "varchar(9)"
    merged, _ = merge_models(BASE, ours, theirs, strategy="ours")
    assert "email" not in dict(columns(merged))


def test_dropped_table_versus_a_column_added_to_it():
    ours = with_users(("name", "text"))
    theirs = schema()
    _, conflicts = merge_models(BASE, ours, theirs)
    assert [(c.object_type, c.object_name) for c in conflicts] == [("TABLE", "users")]
    assert "COLUMN users.name" in conflicts[0].description
    kept, _ = merge_models(BASE, ours, theirs, strategy="ours")
    assert columns(kept) == [("id", "int"), ("email", "text"), ("name", "text")]
    assert "CONSTRAINT users.users_pkey" in kept.constraints  # the whole subtree comes with it
    gone, _ = merge_models(BASE, ours, theirs, resolutions={"users": "theirs"})
    assert gone.tables == {} and gone.constraints == {}


def test_plain_drop_of_a_table_takes_its_children():
    merged, conflicts = merge_models(BASE, BASE, schema())
    assert conflicts == [] and merged.tables == {} and merged.constraints == {}


def test_drop_versus_a_new_dependent_view():
    view = View("active", "SELECT email FROM users")
    ours = with_users(extra=(view,), deps={"VIEW active": ["COLUMN users.email", "TABLE users"]})
    theirs = with_users(drop=("email",))
    _, conflicts = merge_models(BASE, ours, theirs)
    assert [c.object_name for c in conflicts] == ["users.email"]
    assert "VIEW active" in conflicts[0].description
    merged, _ = merge_models(BASE, ours, theirs, strategy="theirs")
    assert merged.views == {} and "email" not in dict(columns(merged))  # the view goes with it
    merged, _ = merge_models(BASE, ours, theirs, strategy="ours")
    assert "VIEW active" in merged.views and "email" in dict(columns(merged))
    assert merged.deps["VIEW active"] == ["COLUMN users.email", "TABLE users"]


def test_rename_on_one_side_is_a_drop_and_an_add():
    renamed = with_users(("mail", "text"), drop=("email",))
    merged, conflicts = merge_models(BASE, BASE, renamed)
    assert conflicts == [] and columns(merged) == [("id", "int"), ("mail", "text")]


def test_rename_versus_modify_conflicts():
    _, conflicts = merge_models(BASE, with_users(retype=("email", "varchar(5)")),
                                with_users(("mail", "text"), drop=("email",)))
    assert [c.object_name for c in conflicts] == ["users.email"]


def test_indexes_and_comments_are_separate_objects():
    idx = Index("users", "users_email_idx", "CREATE INDEX users_email_idx ON users USING btree (email)")
    note = Comment("TABLE", None, "users", "people")
    merged, conflicts = merge_models(BASE, with_users(extra=(idx,)), with_users(extra=(note,)))
    assert conflicts == []
    assert set(merged.indexes) == {idx.key} and set(merged.comments) == {note.key}


def test_table_attributes_conflict_apart_from_columns():
    ours = schema(dataclasses.replace(USERS, rls_enabled=True), *BASE.constraints.values())
    theirs = schema(dataclasses.replace(USERS, persistence="u",
                                        columns=USERS.columns + [col("users", "x")]),
                    *BASE.constraints.values())
    merged, conflicts = merge_models(BASE, ours, theirs)
    assert [c.object_name for c in conflicts] == ["users"]
    merged, _ = merge_models(BASE, ours, theirs, strategy="ours")
    assert merged.tables["TABLE users"].rls_enabled and columns(merged)[-1] == ("x", "int")


def test_conflict_shows_definitions_and_serialises():
    _, conflicts = merge_models(BASE, with_users(("n", "text")), with_users(("n", "int")))
    assert conflicts[0].to_dict() == {
        "object_type": "COLUMN", "object_name": "users.n", "base": None, "ours": "n text",
        "theirs": "n int", "description": "added on both sides with different definitions"}


def test_bad_strategy_and_resolutions_are_refused():
    with pytest.raises(PggitError, match="unknown merge strategy"):
        merge_models(BASE, BASE, BASE, strategy="mine")
    with pytest.raises(PggitError, match="neither 'ours' nor 'theirs'"):
        merge_models(BASE, BASE, BASE, resolutions={"users.email": "both"})
    with pytest.raises(PggitError, match="matches no conflict"):
        merge_models(BASE, BASE, BASE, resolutions={"users.emial": "ours"})


def test_merged_model_round_trips_through_json():
    merged, _ = merge_models(BASE, with_users(("name", "text")), with_users(retype=("id", "bigint")))
    assert Schema.from_json(merged.to_json()) == merged
    assert columns(Schema.from_json(merged.to_json())) == columns(merged)


def test_a_serial_sequence_lives_in_its_column():
    from pggit.model import Sequence

    seq = Sequence("users_id_seq", owned_by_table="users", owned_by_column="id")
    base = schema(USERS, seq)
    ours = schema(dataclasses.replace(USERS, columns=USERS.columns + [col("users", "x")]), seq)
    merged, conflicts = merge_models(base, ours, schema(), strategy="ours")
    assert [c.object_name for c in merge_models(base, ours, schema())[1]] == ["users"]
    assert "SEQUENCE users_id_seq" in merged.sequences  # kept with the table ours kept


# --- with identities (issue 13): renames are known, not guessed ---------------------------

def known(*cols, name="users", retype=None):
    """users with identities: the table 1, id 2, email 3; `cols` (name, type, identity) renamed or added."""
    columns = [col(name, "id", identity_id=2), col(name, "email", "text", identity_id=3)]
    for c_name, c_type, c_id in cols:
        columns = [c for c in columns if c.identity_id != c_id] + [col(name, c_name, c_type, identity_id=c_id)]
    if retype:
        columns = [dataclasses.replace(c, type=retype[1]) if c.name == retype[0] else c for c in columns]
    columns.sort(key=lambda c: c.identity_id)
    return schema(Table(name=name, columns=columns, identity_id=1),
                  Constraint(name, "users_pkey", "p", "PRIMARY KEY (id)"))


def test_a_rename_on_one_side_meets_a_change_on_the_other():
    merged, conflicts = merge_models(known(), known(retype=("email", "varchar(5)")), known(("mail", "text", 3)))
    assert conflicts == [] and columns(merged) == [("id", "int"), ("mail", "varchar(5)")]


def test_a_renamed_table_keeps_its_columns_changes():
    merged, conflicts = merge_models(known(), known(("nick", "text", 4)), known(name="people"))
    assert conflicts == [] and columns(merged, "people") == [("id", "int"), ("email", "text"), ("nick", "text")]
    assert merged.constraints["CONSTRAINT people.users_pkey"].table == "people"


def test_renamed_differently_on_both_sides_is_a_conflict_that_resolves():
    ours, theirs = known(("contact", "text", 3)), known(("mail", "text", 3))
    _, conflicts = merge_models(known(), ours, theirs)
    assert [(c.object_name, c.ours, c.theirs) for c in conflicts] == [
        ("users.email", "users.contact", "users.mail")]
    assert "renamed to contact on the target and to mail on the source" in conflicts[0].description
    merged, conflicts = merge_models(known(), ours, theirs, resolutions={"users.email": "theirs"})
    assert conflicts == [] and columns(merged) == [("id", "int"), ("mail", "text")]


def test_renamed_the_same_way_on_both_sides_merges():
    merged, conflicts = merge_models(known(), known(("mail", "text", 3)), known(("mail", "text", 3)))
    assert conflicts == [] and columns(merged) == [("id", "int"), ("mail", "text")]
