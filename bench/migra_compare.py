#!/usr/bin/env python3
"""schema_diff side by side with migra, on the same schema pairs: time, and whether each
tool's script round-trips.

Pairs: migra's own fixtures (../shared/peer-fixtures/migra, 26 cases, a.sql → b.sql) and
the generated 100- and 1,000-table pair of bench/schema_diff.py. Each pair is loaded into
three databases (A for pggit, A for migra, B); every schema A and B share is diffed.

  time        best of N wall time to build the script from A to B, connections already
              open: pggit's engine.diff_script() here, migra's Migration(...).sql in its
              own virtualenv (bench/migra_side.py). The figure is pggit over migra.
  round trip  apply the tool's script to its A; then A and B must be identical by
              `pg_dump --schema-only` (test/engine_support.py's dump(); for pggit its
              round_trip(), which also wants an empty re-diff).

migra comes from PyPI into its own virtualenv (default /usr/local/lib/pggit-migra-venv,
or $PGGIT_MIGRA_VENV), made on first use with `/usr/bin/python3 -m venv` and
`pip install migra psycopg2-binary matplotlib` (matplotlib is for bench/plot.py). If it
cannot be installed or imported, the report says so and the rest of the bench goes on.

Run: /usr/local/lib/pggit-venv/bin/python bench/migra_compare.py [--sizes 100,1000] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "test"))
from report import Report, progress  # noqa: E402
from schema_diff import schema_sql  # noqa: E402
from server import throwaway_server  # noqa: E402

from engine_support import MIGRA, SCHEMAS, dump, round_trip, run_sql  # noqa: E402
from engine_support import MIGRA_SKIP as SKIP  # noqa: E402
from pggit.db import PsycopgDb  # noqa: E402
from pggit.engine import diff_script  # noqa: E402

VENV = Path(os.environ.get("PGGIT_MIGRA_VENV", "/usr/local/lib/pggit-migra-venv"))
VENV_PACKAGES = ["migra", "psycopg2-binary", "matplotlib"]
_CHECK = "import migra, schemainspect, sqlbag, psycopg2, matplotlib; print(migra.__name__)"


def ensure_venv(venv: Path = VENV) -> tuple[Path | None, str]:
    """The bench venv's python, made on first use; (None, why) if it cannot be had."""
    python = venv / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", _CHECK], capture_output=True).returncode == 0:
        return python, "present"
    progress(f"migra: creating {venv} and installing {' '.join(VENV_PACKAGES)} from PyPI")
    try:
        if not python.exists():
            subprocess.run(["/usr/bin/python3", "-m", "venv", str(venv)], check=True, capture_output=True,
                           text=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *VENV_PACKAGES], check=True,
                       capture_output=True, text=True, timeout=600)
        subprocess.run([str(python), "-c", _CHECK], check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as e:
        return None, f"`{' '.join(map(str, e.cmd))}` failed: {(e.stderr or e.stdout or '').strip()[-400:]}"
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{type(e).__name__}: {e}"
    return python, "installed now"


def migra_version(python: Path) -> str:
    out = subprocess.run([str(python), "-m", "pip", "show", "migra", "schemainspect", "sqlbag"],
                         capture_output=True, text=True).stdout
    names = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith(("Name: ", "Version: "))]
    return ", ".join(f"{n} {v}" for n, v in zip(names[::2], names[1::2]))


def run_migra(python: Path, jobs: list[dict]) -> list[dict]:
    out = subprocess.run([str(python), str(HERE / "migra_side.py")], input=json.dumps(jobs),
                         capture_output=True, text=True)
    if out.returncode:
        return [{"error": f"migra_side.py exited {out.returncode}: {out.stderr.strip()[-400:]}"}] * len(jobs)
    return json.loads(out.stdout)


def url(srv, dbname: str) -> str:
    return f"postgresql+psycopg2://postgres@/{dbname}?host={srv.host}&port={srv.port}"


def best(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


class Pair:
    """One schema pair loaded three times: A for pggit, A for migra, B."""

    def __init__(self, srv, name: str, a_sql: str, b_sql: str):
        self.name, self.srv, self.error, self.schemas = name, srv, None, []
        self._conns = {}
        with srv.connect() as admin:
            for side in ("a_pggit", "a_migra", "b"):
                admin.execute(f'DROP DATABASE IF EXISTS "{self.dbname(side)}"')
                admin.execute(f'CREATE DATABASE "{self.dbname(side)}" TEMPLATE template0')
        try:
            for side, sql in (("a_pggit", a_sql), ("a_migra", a_sql), ("b", b_sql)):
                self.conn(side).execute(sql)
            self.schemas = sorted({r[0] for r in self.conn("a_pggit").execute(SCHEMAS)}
                                  & {r[0] for r in self.conn("b").execute(SCHEMAS)})
        except Exception as e:
            self.error = f"fixture does not load: {type(e).__name__}: {str(e).splitlines()[0]}"
        self.close()  # dozens of pairs wait here at once: keep no connections open

    def dbname(self, side: str) -> str:
        return f"mc_{self.name}_{side}"

    def conn(self, side: str):
        if side not in self._conns:
            self._conns[side] = self.srv.connect(self.dbname(side))
        return self._conns[side]

    def close(self):
        for conn in self._conns.values():
            conn.close()
        self._conns = {}

    def drop(self):
        self.close()
        with self.srv.connect() as admin:
            for side in ("a_pggit", "a_migra", "b"):
                admin.execute(f'DROP DATABASE IF EXISTS "{self.dbname(side)}" WITH (FORCE)')


def pggit_side(pair: Pair, repeat: int, skip: str | None) -> dict:
    if skip:
        return {"skipped": skip}
    a, b = PsycopgDb(pair.conn("a_pggit")), PsycopgDb(pair.conn("b"))
    total = 0.0
    try:
        for schema in pair.schemas:
            total += best(lambda: diff_script(a, schema, b, schema), repeat)[0]
    except Exception as e:
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    result = {"seconds": total, "round_trip": True}
    try:
        for schema in pair.schemas:
            round_trip(pair.conn("a_pggit"), pair.conn("b"), schema)
    except Exception as e:  # AssertionError from round_trip, or the script failing to apply
        result |= {"round_trip": False, "why": f"{schema}: {type(e).__name__}: {str(e).splitlines()[0]}"}
    return result


def migra_side(pair: Pair, results: list[dict]) -> dict:
    """Sum migra's times over the pair's schemas, then apply its scripts to migra's A."""
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        return {"error": errors[0]}
    result = {"seconds": sum(r["seconds"] for r in results), "round_trip": True}
    conn_a, conn_b = pair.conn("a_migra"), pair.conn("b")
    try:
        for schema, r in zip(pair.schemas, results):
            run_sql(conn_a, r["sql"], schema)
        for schema in pair.schemas:
            if dump(conn_a, schema) != dump(conn_b, schema):
                return result | {"round_trip": False, "why": f"{schema}: pg_dump differs after its script"}
    except Exception as e:
        return result | {"round_trip": False, "why": f"script fails: {type(e).__name__}: {str(e).splitlines()[0]}"}
    return result


def cell(side: dict) -> tuple[str, str]:
    if "skipped" in side:
        return "skipped", side["skipped"]
    if "error" in side:
        return "error", side["error"]
    return f"{side['seconds'] * 1000:.1f} ms", "yes" if side["round_trip"] else f"**no**: {side['why']}"


def run(srv, report: Report, sizes: tuple[int, ...] = (100, 1000), repeat: int = 3) -> dict:
    python, how = ensure_venv()
    if python is None:
        report.note(f"**migra could not be installed or imported, so this comparison was not run**: {how}")
        progress(f"migra: unavailable ({how}); going on without it")
        return {}
    progress(f"migra: venv {VENV} ({how}; {migra_version(python)})")
    with srv.connect() as admin:
        admin.execute("DO $$BEGIN CREATE ROLE schemainspect_test_role; "
                      "EXCEPTION WHEN duplicate_object THEN NULL; END$$")

    pairs = []
    cases = sorted(p.name for p in MIGRA.iterdir() if p.is_dir()) if MIGRA.is_dir() else []
    progress(f"migra: loading {len(cases)} fixture pairs from {MIGRA}")
    for case in cases:
        pairs.append((Pair(srv, case, (MIGRA / case / "a.sql").read_text(),
                           (MIGRA / case / "b.sql").read_text()), SKIP.get(case), repeat))
    for n in sizes:
        progress(f"migra: loading the generated {n:,}-table pair")
        pairs.append((Pair(srv, f"gen{n}", schema_sql("gen", n, False), schema_sql("gen", n, True)), None,
                      repeat if n <= 100 else 2))

    jobs = [{"a": url(srv, pair.dbname("a_migra")), "b": url(srv, pair.dbname("b")), "schema": s, "repeat": r}
            for pair, _, r in pairs for s in pair.schemas]
    progress(f"migra: timing migra on {len(jobs)} schema pairs")
    migra_results = run_migra(python, jobs)

    rows, at, generated = [], 0, {f"gen{n}" for n in sizes}
    for pair, skip, r in pairs:
        progress(f"migra: {pair.name}: pggit timing and both round trips")
        mine = migra_results[at:at + len(pair.schemas)]
        at += len(pair.schemas)
        if pair.error:
            row = {"pair": pair.name, "generated": pair.name in generated, "pggit": {"error": pair.error}, "migra": {"error": pair.error}}
        else:
            row = {"pair": pair.name, "generated": pair.name in generated, "schemas": pair.schemas, "pggit": pggit_side(pair, r, skip),
                   "migra": migra_side(pair, mine)}
        rows.append(row)
        pair.drop()

    fixtures = [row for row in rows if not row["generated"]]
    both = [row for row in fixtures if "seconds" in row["pggit"] and "seconds" in row["migra"]]
    if both:
        report.add(f"migra's fixtures, sum over the {len(both)} pairs both tools diffed",
                   sum(r["pggit"]["seconds"] for r in both), sum(r["migra"]["seconds"] for r in both),
                   "s", "migra")
    for row in rows:
        if row["generated"] and "seconds" in row["pggit"] and "seconds" in row["migra"]:
            n = int(row["pair"][3:])
            report.add(f"generated pair, {n:,} tables", row["pggit"]["seconds"], row["migra"]["seconds"],
                       "s", "migra")

    def passed(tool, subset):
        return sum(1 for r in subset if r[tool].get("round_trip"))

    summary = {
        tool: {"fixtures_passed": passed(tool, fixtures), "fixtures": len(fixtures),
               "skipped": sum(1 for r in fixtures if "skipped" in r[tool]),
               "errors": sum(1 for r in fixtures if "error" in r[tool]),
               "generated_passed": passed(tool, [r for r in rows if r["generated"]]),
               "generated": len(rows) - len(fixtures)}
        for tool in ("pggit", "migra")}
    lines = [f"Round trips (apply the tool's script to A; then `pg_dump --schema-only` of A and B must "
             f"match, schema by schema): **pggit {summary['pggit']['fixtures_passed']}/{len(fixtures)}** of "
             f"migra's fixtures ({summary['pggit']['skipped']} skipped as outside what pggit models), "
             f"**migra {summary['migra']['fixtures_passed']}/{len(fixtures)}**; generated pairs: pggit "
             f"{summary['pggit']['generated_passed']}/{summary['pggit']['generated']}, migra "
             f"{summary['migra']['generated_passed']}/{summary['migra']['generated']}. Times are best of "
             f"{repeat} (best of 2 for the 1,000-table pair), connections already open; ratio is pggit's "
             f"time over migra's. {migra_version(python)}.", "",
             "| pair | pggit time | pggit round-trips | migra time | migra round-trips |",
             "|---|---|---|---|---|"]
    for row in rows:
        (pt, pr), (mt, mr) = cell(row["pggit"]), cell(row["migra"])
        lines.append(f"| {row['pair']} | {pt} | {pr.replace('|', '/')} | {mt} | {mr.replace('|', '/')} |")
    report.note("\n".join(lines))
    return {"summary": summary, "pairs": rows}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100,1000", help="sizes of the generated pair")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="write the markdown and JSON reports here (a path prefix)")
    args = ap.parse_args()
    report = Report("schema_diff side by side with migra")
    with throwaway_server() as srv:
        run(srv, report, tuple(int(s) for s in args.sizes.split(",") if s), args.repeat)
    report.emit(args.out)


if __name__ == "__main__":
    main()
