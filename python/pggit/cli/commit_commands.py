"""status, commit and log: a branch's uncommitted changes and its history."""

from __future__ import annotations

import click

from . import output
from .graph import graph_lines
from .options import branch_option, db_command, json_option

LOG_COLUMNS = [("short", "commit"), ("timestamp", "date"), ("author", "author"),
               ("message", "message")]


@db_command()
@branch_option
@json_option
def status(session, branch, as_json):
    """What changed on the branch since its last commit."""
    session.use_branch(branch)
    name = session.value("SELECT pggit.current_branch()")
    rows = session.rows("SELECT * FROM pggit.status()")
    made = session.value("SELECT data FROM pggit.list_branches() WHERE name = %s", (name,))
    if as_json:
        return output.emit_json({"branch": name, "data": made, "changes": rows})
    output.say(f"On branch {name}" + ("" if made in (None, "all") else f" (made with data: {made})"))
    if not rows:
        return output.say("nothing to commit")
    output.change_table(rows)
    output.say(f"{len(rows)} uncommitted change(s); pggit commit -m MESSAGE records them")


@db_command()
@click.option("-m", "--message", required=True, help="The commit message.")
@branch_option
@json_option
def commit(session, message, branch, as_json):
    """Snapshot the branch's schema as a commit."""
    session.use_branch(branch)
    name = session.value("SELECT pggit.current_branch()")
    before = _head(session, name)
    digest = session.value("SELECT pggit.commit(%s)", (message,))
    # commit() returns the old head when nothing changed: say so rather than pretend.
    created = digest != before
    if as_json:
        return output.emit_json({"branch": name, "commit": digest, "created": created})
    if created:
        output.say(f"[{name} {digest[:10]}] {message}")
    else:
        output.say(f"nothing to commit on {name}; head is {digest[:10]}")


def _head(session, name):
    return session.value("SELECT head_commit_hash FROM pggit.list_branches() WHERE name = %s",
                         (name,))


@db_command()
@click.argument("ref", metavar="[BRANCH]", required=False)
@click.option("--graph", is_flag=True, help="Draw the commit graph beside the commits.")
@json_option
def log(session, ref, graph, as_json):
    """Commits reachable from BRANCH (or a commit hash; default: main), newest first."""
    rows = session.rows("SELECT * FROM pggit.log(%s)", (ref,))
    if as_json:
        return output.emit_json(rows)
    if not rows:
        return output.say("no commits yet")
    if graph:
        lines = graph_lines(rows)
        width = max(len(line) for line, _ in lines)
        for line, row in lines:
            output.say(line if row is None else f"{line.ljust(width)}  {_summary(row)}")
        return
    for row in rows:
        row["short"] = row["hash"][:10]
    output.table(rows, LOG_COLUMNS, styles={"short": lambda r: "yellow"})


def _summary(row) -> str:
    when = row["timestamp"].strftime("%Y-%m-%d %H:%M")
    return f"{row['hash'][:10]} {when} {row['author']}  {row['message']}"
