"""migra's half of bench/migra_compare.py; runs in migra's own virtualenv, not pggit's.

Reads a JSON list of jobs on stdin, each {"a": URL, "b": URL, "schema": NAME, "repeat": N},
and writes a JSON list of results on stdout, each {"seconds": best wall time of building
the migration from a to b for that schema, "sql": the script} or {"error": text}.
Connections are opened before the clock starts, as pggit's side does.
"""

import json
import sys
import time

from migra import Migration
from sqlbag import S


def one(job: dict) -> dict:
    try:
        with S(job["a"]) as s0, S(job["b"]) as s1:
            times, sql = [], ""
            for _ in range(job.get("repeat", 1)):
                start = time.perf_counter()
                m = Migration(s0, s1, schema=job["schema"])
                m.set_safety(False)
                m.add_all_changes()
                sql = m.sql
                times.append(time.perf_counter() - start)
                s0.rollback()
                s1.rollback()
        return {"seconds": min(times), "sql": sql}
    except Exception as e:  # reported per job; one failure must not hide the others
        return {"error": f"{type(e).__name__}: {e}".strip()[:500]}


if __name__ == "__main__":
    json.dump([one(job) for job in json.load(sys.stdin)], sys.stdout)
