#!/usr/bin/env python3
"""Every pggit benchmark in one run, one report: bench/results/report.md and report.json.

Each figure is a ratio against a baseline measured in the same run, on one throwaway
PostgreSQL 15 server (bench/server.py). In order: point lookups (bench/routing.py: main
before and after init(), a branch through search_path, then the opt-in lens at 1/5/20
branches), branch operations (bench/branches.py: switch_branch, event triggers, init() on
1,000 tables empty and with rows, create_branch), schema_diff (bench/schema_diff.py),
merge (bench/merge.py), schema_diff side by side with migra (bench/migra_compare.py), and
a plot of the lens's overhead versus branch count (bench/plot.py, bench/results/routing.png).
Progress lines go to stderr. About 12 minutes on a 2-core machine.

Run: /usr/local/lib/pggit-venv/bin/python bench/run.py [--quick] [--out PREFIX]
Needs the extension installed (`make install`) and pgbench. migra and matplotlib are
installed on first use into their own virtualenv (see bench/migra_compare.py).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import branches  # noqa: E402
import merge  # noqa: E402
import migra_compare  # noqa: E402
import routing  # noqa: E402
import schema_diff  # noqa: E402
from report import Report, progress  # noqa: E402
from server import PG_BIN, throwaway_server  # noqa: E402

FULL = {
    "routing": {"seconds": 5, "rows": 100_000, "branches": (1, 5, 20), "rounds": 2, "lookup_rounds": 3},
    "branches": {"rows": 1_000_000, "tables": 1000, "table_rows": 1000},
    "schema_diff": {"sizes": (100, 1000, 5000)},
    "merge": {"sizes": (100, 1000), "repeat": 3},
    "migra": {"sizes": (100, 1000), "repeat": 3},
}
QUICK = {  # a smoke test of the whole pipeline, a minute or two; figures not meaningful
    "routing": {"seconds": 1, "rows": 10_000, "branches": (1, 5), "lookup_rounds": 2},
    "branches": {"rows": 20_000, "tables": 50, "table_rows": 100},
    "schema_diff": {"sizes": (50,)},
    "merge": {"sizes": (50,), "repeat": 1},
    "migra": {"sizes": (50,), "repeat": 1},
}


def describe_run(seconds: float, sizes: dict) -> str:
    commit = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "unknown"
    pg = subprocess.run([str(PG_BIN / "postgres"), "--version"], capture_output=True, text=True).stdout.strip()
    return (f"Run of {datetime.date.today().isoformat()} at commit {commit}, {pg}, {os.cpu_count()} "
            f"cores (a shared machine: other work ran beside it), {seconds / 60:.1f} minutes in all. "
            "Every figure is a ratio against a baseline measured in the same run; "
            "absolute times mean little across runs. Sizes: "
            + json.dumps({k: {kk: vv for kk, vv in v.items()} for k, v in sizes.items()}, default=str))


def plot(lens_rows: list[dict], png: Path, report: Report):
    python, how = migra_compare.ensure_venv()
    if python is None:
        report.note(f"No plot: the bench venv with matplotlib could not be had ({how}).")
        return
    data = png.with_suffix(".data.json")
    data.write_text(json.dumps(lens_rows))
    out = subprocess.run([str(python), str(HERE / "plot.py"), str(data), str(png)], capture_output=True, text=True)
    data.unlink()
    if out.returncode:
        report.note(f"No plot: bench/plot.py failed: {out.stderr.strip()[-300:]}")
    else:
        report.note(f"![the lens's overhead versus branch count]({png.name})")
        progress(f"wrote {png}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny sizes: check the pipeline, not the figures")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "report",
                    help="path prefix of the .md and .json reports (default bench/results/report)")
    args = ap.parse_args()
    sizes = QUICK if args.quick else FULL
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    report = Report("pggit benchmarks")
    migra_data = {}
    with throwaway_server() as srv:
        progress("point lookups (pgbench: main before/after init(), b1 through search_path, the lens)")
        lookups = report.section("Point lookups: main before and after init(), branch b1 through search_path")
        lens = report.section("The lens (opt-in): point lookups through pggit_lens, by branch count")
        lens_rows = routing.run(srv, lookups, lens, **sizes["routing"])
        plot(lens_rows, args.out.parent / "routing.png", lens)
        progress("branch operations")
        branches.run(srv, report.section("Branch operations"), **sizes["branches"])
        progress("schema_diff")
        schema_diff.run(srv, report.section("schema_diff (against pg_dump --schema-only of one side)"),
                        **sizes["schema_diff"])
        progress("merge")
        merge.run(srv, report.section("Merge"), **sizes["merge"])
        progress("schema_diff side by side with migra")
        migra_data = migra_compare.run(srv, report.section("schema_diff side by side with migra"),
                                       **sizes["migra"])
    report.notes.insert(0, describe_run(time.perf_counter() - start, sizes))
    report.emit(args.out)
    if migra_data:  # per-pair detail for machines, beside the figures
        data = json.loads(args.out.with_suffix(".json").read_text())
        data["migra_pairs"] = migra_data
        args.out.with_suffix(".json").write_text(json.dumps(data, indent=2) + "\n")
    progress(f"done in {(time.perf_counter() - start) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
