"""merge and conflicts: three-way merges, and the conflicts one would stop at."""

from __future__ import annotations

import click
from psycopg.types.json import Jsonb

from . import output
from .options import db_command, json_option

EXIT_CONFLICTS = 1
SIDES = ("ours", "theirs")
CONFLICT_COLUMNS = [("object_type", "type"), ("object_name", "object"), ("ours", "ours (target)"),
                    ("theirs", "theirs (source)"), ("description", "what happened")]


def parse_resolutions(ctx, param, values) -> dict | None:
    """`--resolve users.email=theirs` (repeatable) as the jsonb object merge() takes."""
    resolutions = {}
    for value in values:
        name, sep, side = value.rpartition("=")
        if not sep or not name or side not in SIDES:
            raise click.BadParameter(f"{value!r} is not OBJECT=ours or OBJECT=theirs")
        resolutions[name] = side
    return resolutions or None


@db_command()
@click.argument("source")
@click.argument("target", metavar="[INTO]", required=False)
@click.option("--strategy", type=click.Choice(SIDES),
              help="Settle every conflict with the target's (ours) or the source's (theirs) side.")
@click.option("--resolve", "resolutions", multiple=True, metavar="OBJECT=ours|theirs",
              callback=parse_resolutions, help="Settle one conflict (repeatable); wins over --strategy.")
@click.option("--preview", is_flag=True, help="Only list the conflicts; change nothing.")
@json_option
def merge(session, source, target, strategy, resolutions, preview, as_json):
    """Merge branch SOURCE into INTO (default: main). Exits 1 on conflicts."""
    if preview:
        if strategy or resolutions:
            raise click.UsageError("--preview takes no --strategy or --resolve")
        found = _conflicts(session, source, target)
        _print_conflicts(found, as_json)
        click.get_current_context().exit(EXIT_CONFLICTS if found else 0)
    with output.working(f"merging {source}…"):
        result = session.rows("SELECT * FROM pggit.merge(%s, %s, %s, %s)",
                              (source, target, strategy or "fail",
                               Jsonb(resolutions) if resolutions else None))[0]
    found = _conflicts(session, source, target) if result["status"] == "conflicts" else []
    if as_json:
        output.emit_json({**result, "conflict_list": found})
    else:
        output.say(result["message"], "red" if found else "green")
        if found:
            _print_conflicts(found, False)
            output.say("resolve with --strategy ours|theirs or --resolve OBJECT=ours|theirs")
    click.get_current_context().exit(EXIT_CONFLICTS if result["status"] == "conflicts" else 0)


@db_command()
@click.argument("source")
@click.argument("target", metavar="[INTO]", required=False)
@json_option
def conflicts(session, source, target, as_json):
    """The conflicts merging SOURCE into INTO (default: main) would stop at."""
    _print_conflicts(_conflicts(session, source, target), as_json)


def _conflicts(session, source, target) -> list[dict]:
    return session.rows("SELECT * FROM pggit.conflicts(%s, %s)", (source, target))


def _print_conflicts(found: list[dict], as_json: bool) -> None:
    if as_json:
        return output.emit_json(found)
    if not found:
        return output.say("no conflicts")
    output.table(found, CONFLICT_COLUMNS, styles={"object_name": lambda r: "bold"})
