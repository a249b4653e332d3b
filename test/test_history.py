"""Commits are trees of content-addressed objects (python/pggit/trees.py): a commit of one
change stores one blob and the trees on the path to it, and content that comes back is
stored once."""

import hashlib
import random

import psycopg
import pytest

from conftest import scalar
from pggit import commits, merging, trees
from pggit.db import PsycopgDb
from pggit.diff import as_renamed, diff
from pggit.errors import PggitError
from pggit.merge import merge_models
from pggit.model import Schema, Table
from pggit.render import render

# Enough relations that the root tree splits (more than trees.SPLIT homes).
TABLES = 80
SCHEMA = "".join(f"CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL);\n"
                 f"CREATE INDEX t{i}_name ON t{i} (name);\n" for i in range(TABLES))

NEW = "SELECT kind, count(*) FROM pggit.objects WHERE hash <> ALL (%s) GROUP BY kind ORDER BY kind"


def _ids(pg) -> list[str]:
    return [r[0] for r in pg.execute("SELECT hash FROM pggit.objects")]


def _on_feature(pg, statement: str) -> str:
    pg.execute("SELECT pggit.switch_branch('feature')")
    pg.execute(statement)
    digest = scalar(pg, "SELECT pggit.commit(%s)", (statement,))
    pg.execute("SELECT pggit.switch_branch('main')")
    return digest


def test_a_one_change_commit_stores_one_blob_and_the_trees_on_its_path(pg):
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    assert scalar(pg, "SELECT count(*) FROM pggit.objects WHERE kind = 'tree'") > 1  # the root split
    before = _ids(pg)
    _on_feature(pg, "ALTER TABLE t7 ADD COLUMN note text")
    new = dict(pg.execute(NEW, (before,)).fetchall())
    assert new["blob"] == 1
    assert 2 <= new["tree"] <= 3  # root, then one subtree per level down to t7's home
    one = scalar(pg, "SELECT sum(pg_column_size(body)) FROM pggit.objects WHERE hash = ANY (%s)", (before,))
    added = scalar(pg, "SELECT sum(pg_column_size(body)) FROM pggit.objects WHERE hash <> ALL (%s)", (before,))
    assert added < one / 10


def test_content_that_comes_back_is_stored_once(pg):
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    fork = scalar(pg, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'feature'")
    _on_feature(pg, "ALTER TABLE t3 ADD COLUMN note text")
    before = _ids(pg)
    back = _on_feature(pg, "ALTER TABLE t3 DROP COLUMN note")
    assert back != fork  # a new commit ...
    tree = "SELECT tree FROM pggit.commit_log WHERE hash = %s"
    assert scalar(pg, tree, (back,)) == scalar(pg, tree, (fork,))  # ... of the fork's content
    assert pg.execute(NEW, (before,)).fetchall() == []


def test_every_object_is_named_by_the_hash_of_its_content(pg):
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    _on_feature(pg, "COMMENT ON TABLE t1 IS 'first'")
    rows = pg.execute("SELECT hash, kind, body FROM pggit.objects").fetchall()
    assert rows and all(h == hashlib.sha256(f"{kind} {body}".encode()).hexdigest() for h, kind, body in rows)


def test_a_commit_reads_back_as_the_model_it_stored(pg):
    """Read cold from pggit.objects (no session cache), a commit is the model pggit wrote,
    and the snapshot column of pggit.commits is that model as one document."""
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    head = _on_feature(pg, "ALTER TABLE t5 RENAME COLUMN name TO title")
    db = PsycopgDb(pg)
    written = commits.live_model(db, commits.branch_with_head(db, "feature"))
    tree = scalar(pg, "SELECT tree FROM pggit.commit_log WHERE hash = %s", (head,))
    model, read = commits.read_tree(db, tree)
    assert model.to_json() == written.to_json()
    assert read.root == tree == trees.build(written)[0].root
    snapshot = scalar(pg, "SELECT snapshot FROM pggit.commits WHERE hash = %s", (head,))
    assert [c["name"] for t in snapshot["tables"] if t["name"] == "t5" for c in t["columns"]] == ["id", "title"]


@pytest.mark.parametrize("seed", range(3))
def test_a_tree_cut_from_its_parent_equals_one_cut_whole(seed):
    """A build from a parent makes again only the tree nodes on a change's path; as homes
    come and go, a subtree splits and becomes one node again, and every root still equals
    that of the same model built from nothing."""
    rnd = random.Random(seed)
    model, names = Schema(), set()
    parent = None
    for step in range(60):
        grow = rnd.random() < (0.8 if step < 20 or 40 <= step else 0.1)  # grow, shrink, grow
        for _ in range(rnd.randint(1, 40)):
            name = f"t{rnd.randrange(400)}"
            if grow:
                model.tables[f"TABLE {name}"] = Table(name, options=[f"fillfactor={rnd.randint(10, 99)}"])
                names.add(name)
            elif names:
                model.tables.pop(f"TABLE {names.pop()}")
        built = trees.build(model, parent)[0]
        assert built.root == trees.build(model)[0].root, f"step {step}, {len(model.tables)} tables"
        parent = (model.copy(), built)
        model = model.copy()


def _diverged(pg, seed: int, steps: int, more_schema: str = "", more_statements=lambda k: []) -> None:
    """test_incremental's schema on main and a branch 'feature', then `steps` random DDL
    statements on either (those the schema refuses skipped); the session back on main."""
    from test_incremental import SCHEMA as MIXED, _statements

    pg.execute(MIXED + more_schema)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    rnd = random.Random(seed)
    for k in range(steps):
        pg.execute("SELECT pggit.switch_branch(%s)", (rnd.choice(["feature", "main"]),))
        try:
            pg.execute(rnd.choice(_statements(rnd, k) + more_statements(k)))
        except psycopg.Error:
            pass
    pg.execute("SELECT pggit.switch_branch('main')")


@pytest.mark.parametrize("seed", range(4))
def test_merging_what_differs_equals_merging_everything(pg, seed):
    """A three-way merge looks only at homes whose blobs differ between the commits; on
    random DDL on both sides it decides what a merge of the whole models decides."""
    _diverged(pg, seed, 24)
    db = PsycopgDb(pg)
    heads = [commits.commit_if_changed(db, commits.branch_with_head(db, b), "x")[0] for b in ("main", "feature")]
    base = commits.merge_base_of(db, *heads)
    for strategy in ("fail", "ours", "theirs"):
        merged, found, _ = merging.merge_commits(db, base, *heads, strategy)
        whole, expected = merge_models(*(commits.snapshot(db, h) for h in (base, *heads)), strategy)
        assert merged.to_json() == whole.to_json()
        assert sorted(c.key for c in found) == sorted(c.key for c in expected)


def _script(old, new) -> str:
    return render(diff(old, new, one_transaction=True), as_renamed(old, new), new)


@pytest.mark.parametrize("seed", range(8))
def test_a_merge_scripts_what_differs_as_it_would_the_whole_models(pg, seed):
    """merging.apply diffs and renders only the homes that differ between the commits and
    what depends on them (trees.narrowed): on random DDL on both sides, the script is
    the one the whole models give, for a three-way merge, a fast-forward and schema_diff
    of the live branches."""
    _diverged(pg, seed, 30, "CREATE VIEW v1 AS SELECT * FROM v0; CREATE VIEW v2 AS SELECT id FROM v1",  # views on views
              lambda k: [f"ALTER TABLE t0 ALTER COLUMN name TYPE varchar({k + 20})"])
    db = PsycopgDb(pg)
    # schema_diff of the live branches (trees cut from what the reads replaced) too
    for a, b in (("main", "feature"), ("feature", "main")):
        whole = commits.resolve(db, a), commits.resolve(db, b)
        assert _script(*commits.compared(db, a, b)) == _script(*whole), (a, b)
    heads = [commits.commit_if_changed(db, commits.branch_with_head(db, b), "x")[0] for b in ("main", "feature")]
    base = commits.merge_base_of(db, *heads)
    ours, theirs = (commits.snapshot(db, h) for h in heads)
    for strategy in ("ours", "theirs"):
        merged, _, scope = merging.merge_commits(db, base, *heads, strategy)
        assert _script(*trees.narrowed(ours, merged, scope)) == _script(ours, merged), strategy
    fast_forward = trees.between(*(commits.parsed(db, h)[1] for h in heads))
    assert _script(*trees.narrowed(ours, theirs, fast_forward)) == _script(ours, theirs)


class _Counting(PsycopgDb):
    """A Db that keeps the blob ids each READ_BLOBS asked for."""

    def __init__(self, conn):
        super().__init__(conn)
        self.asked = []

    def query(self, sql, params=()):
        if sql == trees.READ_BLOBS:
            self.asked.append(params[0])
        return super().query(sql, params)


def test_a_commit_parsed_after_another_reads_only_the_blobs_it_does_not_share(pg):
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    pg.execute("SELECT pggit.create_branch('feature')")
    first = _on_feature(pg, "ALTER TABLE t5 ADD COLUMN note text")
    second = _on_feature(pg, "ALTER TABLE t6 RENAME COLUMN name TO title")
    db = _Counting(pg)
    commits._PARSED.clear()
    cold = commits.parsed(db, second)
    commits._PARSED.clear()
    commits.parsed(db, first)
    db.asked.clear()
    warm = commits.parsed(db, second)
    assert len(db.asked) == 1 and db.asked[0].count(",") == 0  # t6's blob alone
    _same_parse(warm, cold)
    # homes that go and come: what the first commit has there is taken out
    third = _on_feature(pg, "DROP INDEX t7_name; ALTER TABLE t8 RENAME TO t8b; "
                            "CREATE VIEW v9 AS SELECT id FROM t9; CREATE TABLE fresh (id int)")
    commits._PARSED.clear()
    cold = commits.parsed(db, third)
    commits._PARSED.clear()
    commits.parsed(db, first)
    _same_parse(commits.parsed(db, third), cold)


def _same_parse(warm, cold) -> None:
    assert warm[0].to_json() == cold[0].to_json()
    assert (warm[1].root, warm[1].blobs, warm[1].members, warm[1].uses, warm[1].used_by, warm[1].stored, warm[1].nodes) == \
        (cold[1].root, cold[1].blobs, cold[1].members, cold[1].uses, cold[1].used_by, cold[1].stored, cold[1].nodes)


def test_a_tree_whose_blob_is_gone_is_a_pggit_error(pg):
    pg.execute(SCHEMA)
    pg.execute("SELECT pggit.init()")
    head = scalar(pg, "SELECT head_commit_hash FROM pggit.branches WHERE name = 'main'")
    pg.execute("DELETE FROM pggit.objects WHERE hash = (SELECT min(hash) FROM pggit.objects WHERE kind = 'blob')")
    commits._PARSED.clear()
    with pytest.raises(PggitError, match="names blobs that are not in pggit.objects"):
        commits.parsed(PsycopgDb(pg), head)


def test_a_tree_that_is_not_stored_is_a_pggit_error(pg):
    pg.execute("SELECT pggit.init()")
    with pytest.raises(psycopg.errors.UndefinedObject, match="^pggit: no tree"):
        pg.execute("SELECT pggit._snapshot(repeat('0', 64))")
