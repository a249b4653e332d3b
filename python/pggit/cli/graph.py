"""`log --graph`: git-style lanes drawn beside commits listed newest first.

Pure Python over `pggit.log()` rows (hash, parents): each lane waits for one commit;
a commit takes the leftmost lane waiting for it, lanes waiting for the same commit
join into it (`|/`), and a merge opens a lane for its second parent (`|\\`).
"""

from __future__ import annotations


def graph_lines(commits: list[dict]) -> list[tuple[str, dict | None]]:
    """(drawing, commit) per commit row; connector rows carry None."""
    lanes: list[str] = []
    out: list[tuple[str, dict | None]] = []
    for commit in commits:
        col = _take_lane(lanes, commit["hash"], out)
        out.append((_row(len(lanes), {col: "*"}), commit))
        opened = _follow_parents(lanes, col, list(commit["parents"] or []))
        if opened:
            out.append((_shifted(len(lanes), first=col + 1, mark="\\"), None))
    return out


def _take_lane(lanes: list[str], digest: str, out: list) -> int:
    hits = [i for i, waiting in enumerate(lanes) if waiting == digest]
    if not hits:
        lanes.append(digest)
        return len(lanes) - 1
    if len(hits) > 1:
        # Branches that forked here meet again: draw them joining, keep one lane.
        out.append((_shifted(len(lanes), first=hits[1], mark="/"), None))
        for i in reversed(hits[1:]):
            del lanes[i]
    return hits[0]


def _follow_parents(lanes: list[str], col: int, parents: list[str]) -> bool:
    """The commit's lane now waits for its first parent; later parents get new lanes."""
    if not parents:
        del lanes[col]
        return False
    lanes[col] = parents[0]
    opened = [p for p in parents[1:] if p not in lanes]
    lanes[col + 1:col + 1] = opened
    return bool(opened)


def _row(width: int, marks: dict[int, str]) -> str:
    return " ".join(marks.get(i, "|") for i in range(width))


def _shifted(width: int, first: int, mark: str) -> str:
    """Lanes before `first` go straight down; from `first` on they lean by half a column."""
    chars = [" "] * (2 * width)
    for i in range(width):
        if i < first:
            chars[2 * i] = "|"
        else:
            chars[2 * i - 1] = mark
    return "".join(chars).rstrip()
