#!/usr/bin/env python3
"""Benchmark how pggit's operations grow with the schema, at real applications' density.

For each size (default 100 and 1,000 tables; `--sizes 100,1000,3000` for the full growth
table), on a schema from bench/real_density.py (6 indexes and 2.5 foreign keys per
table, a view per 4 tables, 40 enums and 100 functions per 1,000 tables), in one server:

  init()                               vs  the CREATE script that made the schema
  create_branch (no rows)              vs  the same CREATE script
  one ALTER TABLE on a branch          vs  the same statement with pggit's event triggers disabled
  merge of one new column              vs  that ALTER TABLE run straight on main
  three-way merge, 5% of tables changed on each side  vs  the same migrations run straight
  schema_diff of two branches, 5% changed             vs  pg_dump --schema-only of main
  history: 100 commits of one change each             vs  the storage of one commit's objects
                                                          (one full snapshot), and vs the schema
                                                          as one compressed JSON document

and, for two sizes or more, each figure's growth from the second largest size to the
largest (ratio of ratios: 1.00 is flat). Writes bench/results/scale.md and .json, and
bench/results/scale.png when matplotlib is at hand (the migra venv has it).

Run: /usr/local/lib/pggit-venv/bin/python bench/scale.py [--sizes 100,1000] [--out PREFIX]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_density import changes, script  # noqa: E402
from report import Report, progress  # noqa: E402
from server import throwaway_server  # noqa: E402

HERE = Path(__file__).resolve().parent


def timed(conn, sql: str) -> float:
    start = time.perf_counter()
    conn.execute(sql)
    return time.perf_counter() - start


def on_branch(conn, name: str, sql: str) -> float:
    conn.execute("SELECT pggit.switch_branch(%s)", (name,))
    try:
        return timed(conn, sql)
    finally:
        conn.execute("SELECT pggit.switch_branch('main')")


def size_figures(srv, n: int, rounds: int) -> dict:
    """Every figure at one size: {name: (value, baseline)} in seconds (bytes for history)."""
    out = {}
    scratch = srv.new_database(f"scratch{n}")
    create = timed(scratch, script(n))
    scratch.close()
    db = srv.new_database(f"scale{n}")
    timed(db, script(n))
    progress(f"{n} tables: schema made")
    out["init"] = (timed(db, "SELECT pggit.init()"), create)
    out["create_branch, no rows"] = (timed(db, "SELECT pggit.create_branch('b')"), create)
    db.execute("SELECT pggit.create_branch('c')")
    progress(f"{n} tables: branches made")

    with_triggers, without = [], []
    for i in range(rounds * 5):
        with_triggers.append(on_branch(db, "b", f"ALTER TABLE t{i % n} ADD COLUMN e{i} integer"))
        db.execute("ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE; ALTER EVENT TRIGGER pggit_sql_drop DISABLE")
        without.append(on_branch(db, "b", f"ALTER TABLE t{i % n} ADD COLUMN d{i} integer"))
        db.execute("ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE; ALTER EVENT TRIGGER pggit_sql_drop ENABLE")
    # the event triggers did not see the d columns: drop them as they came, unseen
    db.execute("ALTER EVENT TRIGGER pggit_ddl_command_end DISABLE; ALTER EVENT TRIGGER pggit_sql_drop DISABLE")
    db.execute("SELECT pggit.switch_branch('b')")
    for i in range(rounds * 5):
        db.execute(f"ALTER TABLE t{i % n} DROP COLUMN d{i}")
    db.execute("SELECT pggit.switch_branch('main')")
    db.execute("ALTER EVENT TRIGGER pggit_ddl_command_end ENABLE; ALTER EVENT TRIGGER pggit_sql_drop ENABLE")
    ddl, alone = statistics.median(with_triggers), statistics.median(without)
    out["one ALTER TABLE on a branch, with pggit"] = (ddl, alone)
    out["added by pggit to one ALTER TABLE"] = (ddl - alone, alone)
    db.execute("SELECT pggit.merge('b', 'main')")  # the e columns: one merge, out of the figures below
    progress(f"{n} tables: DDL measured")

    merges, straight = [], []
    for i in range(rounds):
        on_branch(db, "b", f"ALTER TABLE t{(7 * i + 3) % n} ADD COLUMN m{i} integer")
        merges.append(timed(db, "SELECT pggit.merge('b', 'main')"))
        straight.append(timed(db, f"ALTER TABLE t{(7 * i + 5) % n} ADD COLUMN s{i} integer"))
    out["merge, one column on one table"] = (statistics.median(merges), statistics.median(straight))
    progress(f"{n} tables: one-column merges measured")

    side1, side0 = changes(n, 0.05, 1), changes(n, 0.05, 0)
    on_branch(db, "c", side1)
    run_straight = timed(db, side0)
    srv.run(["pg_dump", "--schema-only", "-d", db.info.dbname])  # warm, as pggit's is
    start = time.perf_counter()
    srv.run(["pg_dump", "--schema-only", "-d", db.info.dbname])
    pg_dump = time.perf_counter() - start
    out["schema_diff of two branches, 5% changed"] = (
        timed(db, "SELECT count(*) FROM pggit.schema_diff('main', 'c')"), pg_dump)
    out["three-way merge, 5% changed on each side"] = (timed(db, "SELECT pggit.merge('c', 'main')"), run_straight)
    progress(f"{n} tables: diff and three-way merge measured")

    head = db.execute("SELECT head_commit_hash FROM pggit.branches WHERE name = 'main'").fetchone()[0]
    one = db.execute(ONE_TREE, (head,)).fetchone()[0]
    before = db.execute(STORED).fetchone()[0]
    db.execute("SELECT pggit.switch_branch('b')")
    for i in range(100):
        db.execute(f"ALTER TABLE t{i % n} ADD COLUMN h{i} integer")
        db.execute("SELECT pggit.commit(%s)", (f"h{i}",))
    db.execute("SELECT pggit.switch_branch('main')")
    grown = db.execute(STORED).fetchone()[0] - before
    out["history: 100 commits of one change each (bytes)"] = (grown + one, one)
    db.execute("CREATE TEMP TABLE one_document AS SELECT snapshot FROM pggit.commits WHERE hash = %s", (head,))
    document = db.execute("SELECT pg_column_size(snapshot) FROM one_document").fetchone()[0]
    out["history: 100 commits of one change each, against one JSON document (bytes)"] = (grown + one, document)
    progress(f"{n} tables: history measured")
    db.close()
    return out


# What pggit stores for commits: the objects (blobs and trees) they are made of.
STORED = "SELECT coalesce(sum(pg_column_size(body)), 0) FROM pggit.objects"
# The storage of one commit's content alone: the objects its tree reaches.
ONE_TREE = """
WITH RECURSIVE walk(hash) AS (
    SELECT tree FROM pggit.commit_log WHERE hash = %s
    UNION
    SELECT e.value FROM walk JOIN pggit.objects o USING (hash), jsonb_each_text(o.body::jsonb) AS e
     WHERE o.kind = 'tree'
)
SELECT sum(pg_column_size(o.body)) FROM walk JOIN pggit.objects o USING (hash)
"""


def run(srv, report: Report, sizes=(100, 1000), rounds: int = 3) -> dict:
    figures = {n: size_figures(srv, n, rounds) for n in sizes}
    for n, figs in figures.items():
        section = report.section(f"{n:,} tables")
        for name, (value, baseline) in figs.items():
            if "bytes" in name:
                section.add(name, value, baseline, "bytes", "one JSON document of the schema (compressed)"
                            if "document" in name else "one commit's objects (one full snapshot)")
            else:
                section.add(name, value, baseline, "s", _baseline(name))
    if len(sizes) > 1:
        a, b = sizes[-2], sizes[-1]
        lines = [f"Growth from {a:,} to {b:,} tables ({b / a:.0f}x the tables): each figure's time at {b:,} "
                 f"over its time at {a:,}; for the schema's own work, the baseline's growth.", "",
                 "| figure | growth | baseline's growth |", "|---|---|---|"]
        for name in figures[a]:
            (va, ba), (vb, bb) = figures[a][name], figures[b][name]
            lines.append(f"| {name} | {vb / va:.2f}x | {bb / ba:.2f}x |")
        report.note("\n".join(lines))
    return {str(n): {k: list(v) for k, v in f.items()} for n, f in figures.items()}


def _baseline(name: str) -> str:
    return {"init": "CREATE script", "create_branch, no rows": "CREATE script",
            "one ALTER TABLE on a branch, with pggit": "event triggers off",
            "added by pggit to one ALTER TABLE": "the ALTER alone",
            "merge, one column on one table": "the ALTER on main",
            "schema_diff of two branches, 5% changed": "pg_dump -s",
            "three-way merge, 5% changed on each side": "the migrations on main"}[name]


def plot(raw: dict, out: Path) -> None:
    """scale.png through the migra venv's matplotlib, when it is there."""
    import os

    venv = Path(os.environ.get("PGGIT_MIGRA_VENV", "/usr/local/lib/pggit-migra-venv")) / "bin" / "python"
    if not venv.exists() or len(raw) < 2:
        return
    src = out.with_suffix(".raw.json")
    src.write_text(json.dumps(raw))
    code = ("import json,sys,matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
            "raw=json.load(open(sys.argv[1])); sizes=sorted(raw, key=int)\n"
            "fig,ax=plt.subplots(figsize=(7,4.2),dpi=110)\n"
            "for name in raw[sizes[0]]:\n"
            "    if 'bytes' in name: continue\n"
            "    ax.plot([int(s) for s in sizes],[raw[s][name][0] for s in sizes],marker='o',label=name)\n"
            "ax.set_xscale('log'); ax.set_yscale('log'); ax.set_xlabel('tables'); ax.set_ylabel('seconds')\n"
            "ax.set_title('pggit at real density: time per operation'); ax.legend(fontsize=7); ax.grid(alpha=.3)\n"
            "fig.tight_layout(); fig.savefig(sys.argv[2])\n")
    subprocess.run([str(venv), "-c", code, str(src), str(out.with_suffix(".png"))], check=False)
    src.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "results" / "scale"))
    args = parser.parse_args()
    report = Report("Scale: real-density schemas")
    with throwaway_server() as srv:
        raw = run(srv, report, tuple(int(s) for s in args.sizes.split(",")), args.rounds)
    report.emit(args.out)
    plot(raw, Path(args.out))


if __name__ == "__main__":
    main()
