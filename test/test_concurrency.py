"""Concurrency, short: bench/concurrency.py's sessions for a few seconds in CI.

4 sessions create, switch, change, merge and delete branches at once; afterwards the
metadata agrees with the catalog, every error was a clean `pggit:` error or retryable,
and no DDL landed on the wrong branch. The long run is `bench/concurrency.py`.
"""

import sys


from conftest import REPO, connect

sys.path.insert(0, str(REPO / "bench"))

import concurrency  # noqa: E402


def test_sessions_at_once_leave_a_consistent_repository(server, new_db):
    conn = new_db()
    conn.execute("CREATE EXTENSION pggit CASCADE")
    concurrency.setup(conn)
    result = concurrency.run(lambda: connect(server, conn.info.dbname), sessions=4, seconds=15, seed=1)
    print(concurrency.summary(result))
    assert sum(result["operations"].values()) > 20, result["operations"]
    assert result["violations"] == [], concurrency.summary(result)
