#!/usr/bin/env python3
"""Benchmark point lookups by primary key: on main before and after init(), on a branch
through search_path against its table qualified, and through the opt-in lens.

A throwaway PostgreSQL 15 server (bench/server.py) gets a 100k-row table `public.users`
and pgbench (1 client, `-M simple` and `-M prepared`) runs `SELECT * FROM <t> WHERE id = :id`.

Part 1, main and a branch, the figures that matter (target: 1.00x, no overhead):

  main before:   users, a default session, before pggit.init()
  main after:    users, a default session, after pggit.init() and pggit.create_branch('b1')
  direct:        pggit_branch_b1.users, qualified, a default session
  search_path:   users, a session opened with PGOPTIONS = pggit.connection_options('b1')
                 (-c search_path=pggit_branch_b1,pggit_mask_b1,"$user",public
                  -c pggit.current_branch=b1: what switch_branch() sets)

The same table is measured before and after: between rounds the database goes back and
forth with pggit.detach(drop_branches => true) and init() + create_branch('b1'), rounds
alternating which state comes first; best of each. Figures: main after over main before,
search_path over direct (throughput ratios: 1.00x is the same rate).

Part 2, the lens (opt-in, for sessions that can only set a GUC): after
pggit.enable_lens(), with 1, 5 and 20 branches (real create_branch copies of the table)

  lens:          users, with PGOPTIONS='-c search_path=pggit_lens,public -c pggit.current_branch=b1'
                 (the view pggit_lens.users over the routing function pggit_routes.users())
  search_path:   as above;  direct: as above, the baseline of both

The lens view has one UNION ALL arm per branch plus main's, so N branches mean N + 1 arms.

Run: /usr/local/lib/pggit-venv/bin/python bench/routing.py [--seconds 10] [--rows 100000]
     [--branches 1,5,20] [--rounds 1] [--lookup-rounds 3] [--out PATH]
Needs the extension installed (`make install`) and pgbench (postgresql-15).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import Report, progress  # noqa: E402
from server import throwaway_server  # noqa: E402

DBNAME = "lookup_bench"
PROTOCOLS = ("simple", "prepared")
LENS = "-c search_path=pggit_lens,public -c pggit.current_branch=b1"


def pgbench_tps(srv, script: str, protocol: str, seconds: int, options: str | None = None) -> float:
    path = srv.workdir / f"script-{abs(hash(script))}.sql"
    path.write_text(script)
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")
    env = dict(os.environ, PGOPTIONS=options) if options else None
    out = srv.run(["pgbench", "-n", "-c", "1", "-T", str(seconds), "-M", protocol, "-f", str(path),
                   DBNAME], env=env).stdout
    return float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out).group(1))


def lookup(table: str, rows: int) -> str:
    return f"\\set id random(1, {rows})\nSELECT * FROM {table} WHERE id = :id;\n"


class Layout:
    """The database before init() or after init() + create_branch('b1'), switched on demand."""

    def __init__(self, conn):
        self.conn, self.initialised, self.options = conn, False, None

    def set(self, initialised: bool):
        if initialised == self.initialised:
            return
        if initialised:
            self.conn.execute("SELECT pggit.init()")
            self.conn.execute("SELECT pggit.create_branch('b1')")
            self.options = self.conn.execute("SELECT pggit.connection_options('b1')").fetchone()[0]
        else:
            self.conn.execute("SELECT pggit.detach(drop_branches => true)")
        self.conn.execute("VACUUM ANALYZE")
        self.initialised = initialised


def main_and_branch(srv, report: Report, layout: Layout, seconds: int, rows: int, rounds: int):
    """Part 1: main after init() against main before it; b1 through search_path against its table."""
    runs = {(p, k): [] for p in PROTOCOLS for k in ("before", "after", "direct", "path")}
    for i in range(rounds):
        # alternate which state goes first, so neither always gets the warmer machine
        for initialised in ((False, True) if i % 2 == 0 else (True, False)):
            layout.set(initialised)
            progress(f"lookups: round {i + 1}/{rounds}, {'after' if initialised else 'before'} init()")
            for protocol in PROTOCOLS:
                if not initialised:
                    runs[protocol, "before"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds))
                    continue
                runs[protocol, "direct"].append(
                    pgbench_tps(srv, lookup("pggit_branch_b1.users", rows), protocol, seconds))
                runs[protocol, "path"].append(
                    pgbench_tps(srv, lookup("users", rows), protocol, seconds, layout.options))
                runs[protocol, "after"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds))
    best = {key: max(values) for key, values in runs.items()}
    for protocol in PROTOCOLS:
        report.add(f"main, {protocol}: users after init()", best[protocol, "after"],
                   best[protocol, "before"], "tps", "the same lookup before init()")
    for protocol in PROTOCOLS:
        report.add(f"branch b1, {protocol}: users through search_path (connection_options('b1'))",
                   best[protocol, "path"], best[protocol, "direct"], "tps", "pggit_branch_b1.users qualified")
    report.note(f"Point lookups by primary key on a {rows:,}-row table, pgbench with 1 client, {seconds} s "
                f"per run, best of {rounds} interleaved round(s) of each. Before and after are the same "
                "table `public.users` in one database: between rounds it goes back and forth with "
                "`pggit.detach(drop_branches => true)` and `pggit.init()` + `pggit.create_branch('b1')`, "
                "rounds alternating which state runs first. The branch session is opened with "
                f"`PGOPTIONS='{layout.options}'` (`pggit.connection_options('b1')`). Ratios are "
                "throughput over the baseline's: 1.00x means no overhead. Target: at least 0.99x.")


def lens(srv, report: Report, layout: Layout, seconds: int, rows: int,
         branches: tuple[int, ...], rounds: int) -> list[dict]:
    """Part 2: the lens at each branch count, and search_path beside it, against the table."""
    conn = layout.conn
    layout.set(True)
    conn.execute("SELECT pggit.enable_lens()")
    results = []
    made = 1  # b1
    for n in branches:
        progress(f"lens: building {n} branch(es)")
        while made < n:
            made += 1
            conn.execute(f"SELECT pggit.create_branch('b{made}')")
        conn.execute("VACUUM ANALYZE")
        for protocol in PROTOCOLS:
            progress(f"lens: {n} branch(es), -M {protocol}, {rounds} x 3 x {seconds} s of pgbench")
            runs = {"direct": [], "lens": [], "path": []}
            for _ in range(rounds):  # interleaved, best of each: the machine's noise hits all three
                runs["direct"].append(pgbench_tps(srv, lookup("pggit_branch_b1.users", rows), protocol, seconds))
                runs["lens"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds, LENS))
                runs["path"].append(pgbench_tps(srv, lookup("users", rows), protocol, seconds, layout.options))
            direct, through_lens, path = max(runs["direct"]), max(runs["lens"]), max(runs["path"])
            report.add(f"{n} branch(es) ({n + 1} arms), {protocol}: through pggit_lens.users",
                       through_lens, direct, "tps", "pggit_branch_b1.users qualified")
            report.add(f"{n} branch(es) ({n + 1} arms), {protocol}: through search_path",
                       path, direct, "tps", "pggit_branch_b1.users qualified")
            results.append({"branches": n, "protocol": protocol, "direct_tps": direct,
                            "lens_tps": through_lens, "search_path_tps": path})
    report.note(f"The lens is opt-in (`SELECT pggit.enable_lens()`, called first here); kept for reference. "
                f"Sessions on b1: through the lens with `PGOPTIONS='{LENS}'`, through search_path with "
                f"`pggit.connection_options('b1')`. Branches made by `pggit.create_branch`, each a copy of "
                f"the {rows:,}-row table. pgbench with 1 client, {seconds} s per run, best of {rounds} "
                "interleaved run(s) of each; ratios are throughput over the direct baseline.")
    return results


def run(srv, report: Report, lens_report: Report | None = None, seconds: int = 10, rows: int = 100_000,
        branches: tuple[int, ...] = (1, 5, 20), rounds: int = 1, lookup_rounds: int = 3) -> list[dict]:
    """Add part 1's figures to `report` and the lens's to `lens_report` (default: a section of
    `report`); return one dict per (branches, protocol) of the lens, for plotting."""
    if lens_report is None:
        lens_report = report.section("The lens (opt-in): point lookups through pggit_lens")
    conn = srv.new_database(DBNAME)
    conn.execute(f"""
        CREATE TABLE public.users (id serial PRIMARY KEY, name text NOT NULL,
                                   email text, created_at timestamptz DEFAULT now());
        INSERT INTO public.users (name, email)
        SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, {rows}) g;
        CREATE INDEX ON public.users (email);
    """)
    conn.execute("VACUUM ANALYZE")
    layout = Layout(conn)
    main_and_branch(srv, report, layout, seconds, rows, lookup_rounds)
    results = lens(srv, lens_report, layout, seconds, rows, branches, rounds)
    conn.close()
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10, help="pgbench duration per measurement")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--branches", default="1,5,20", help="branch counts for the lens, ascending")
    ap.add_argument("--rounds", type=int, default=1, help="interleaved runs of each lens measure, best taken")
    ap.add_argument("--lookup-rounds", type=int, default=3,
                    help="interleaved rounds of part 1 (before/after init, search_path/direct), best taken")
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("Point lookups")
    with throwaway_server() as srv:
        run(srv, report.section("Main before and after init(); branch b1 through search_path"),
            report.section("The lens (opt-in): point lookups through pggit_lens"),
            seconds=args.seconds, rows=args.rows, branches=tuple(int(n) for n in args.branches.split(",")),
            rounds=args.rounds, lookup_rounds=args.lookup_rounds)
    report.emit(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
