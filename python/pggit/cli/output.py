"""Output for people (rich tables, colour only on a terminal) and for machines (--json).

Values from the database go into tables as `Text`, never as markup: a type such as
`text[]` or a name with brackets must print as it is.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import sys

import click
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

CHANGE_STYLES = {"added": "green", "removed": "red", "modified": "yellow"}


def console() -> Console:
    """stdout as rich sees it; made per call, so it writes to the sys.stdout of the moment."""
    term = sys.stdout.isatty()
    # Off a terminal rich would wrap at 80 columns; a pipe or a log has no width.
    width = None if term else int(os.environ.get("COLUMNS", "200"))
    return Console(file=sys.stdout, highlight=False, width=width,
                   soft_wrap=not term)


def _json_default(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value)


def emit_json(data) -> None:
    """Machine output: one JSON document on stdout and nothing else."""
    click.echo(json.dumps(data, default=_json_default, indent=2))


def say(message: str, style: str | None = None) -> None:
    console().print(Text(message, style=style or ""))


def cell(value) -> Text:
    if value is None:
        return Text("")
    if isinstance(value, (list, tuple)):
        return Text(", ".join(str(v) for v in value))
    if isinstance(value, datetime.datetime):
        return Text(value.strftime("%Y-%m-%d %H:%M:%S"))
    return Text(str(value))


def table(rows: list[dict], columns: list[tuple[str, str]], styles: dict | None = None) -> None:
    """Print `rows` with `columns` as (key, heading); `styles` maps a key to a row -> style."""
    out = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for _, heading in columns:
        out.add_column(heading)
    for row in rows:
        cells = []
        for key, _ in columns:
            text = cell(row.get(key))
            if styles and key in styles:
                text.stylize(styles[key](row) or "")
            cells.append(text)
        out.add_row(*cells)
    console().print(out)


def change_table(rows: list[dict]) -> None:
    """schema_diff / status rows: what changes, and what each change risks."""
    table(rows, [("change_type", "change"), ("object_type", "type"),
                 ("object_name", "object"), ("hazards", "hazards")],
          styles={"change_type": lambda r: CHANGE_STYLES.get(r["change_type"]),
                  "hazards": lambda r: "red"})


def working(message: str):
    """A spinner on stderr while a long call runs; nothing off a terminal."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    return Console(file=sys.stderr).status(message)
