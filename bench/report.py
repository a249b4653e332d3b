"""Benchmark figures as ratios against a baseline measured in the same run.

These machines are shared and noisy: absolute times mean little across runs, the
ratio of two things measured side by side means more. Each figure keeps its raw
median too, for the JSON report.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

_START = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, with the time since the run started."""
    print(f"[{time.perf_counter() - _START:6.0f} s] {message}", file=sys.stderr, flush=True)


def median_seconds(fn, repeat: int) -> float:
    """The median wall time of `repeat` calls of fn()."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Figure:
    name: str
    value: float
    baseline: float
    unit: str
    baseline_name: str

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


@dataclass
class Report:
    """Figures, free-text notes and images under a title; sections nest (one level per
    benchmark in bench/run.py's report)."""

    title: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list["Report"] = field(default_factory=list)

    def add(self, name, value, baseline, unit, baseline_name):
        self.figures.append(Figure(name, value, baseline, unit, baseline_name))
        f = self.figures[-1]
        print(f"  {name}: {fmt(value, unit)} vs {baseline_name} {fmt(baseline, unit)} = {f.ratio:.2f}x",
              flush=True)

    def note(self, text: str):
        """A paragraph of markdown printed after the figures (a table, an image, a caveat)."""
        self.notes.append(text)

    def section(self, title: str) -> "Report":
        self.sections.append(Report(title))
        return self.sections[-1]

    def markdown(self, level: int = 2) -> str:
        lines = [f"{'#' * level} {self.title}", ""]
        if self.figures:
            lines += ["| measure | value | baseline | ratio |", "|---|---|---|---|"]
            for f in self.figures:
                lines.append(f"| {f.name} | {fmt(f.value, f.unit)} | {f.baseline_name}: "
                             f"{fmt(f.baseline, f.unit)} | {f.ratio:.2f}x |")
            lines.append("")
        for text in self.notes:
            lines += [text.rstrip(), ""]
        out = "\n".join(lines)
        for sub in self.sections:
            out += "\n" + sub.markdown(level + 1)
        return out

    def data(self) -> dict:
        out = {"title": self.title,
               "figures": [asdict(f) | {"ratio": f.ratio} for f in self.figures]}
        if self.notes:
            out["notes"] = self.notes
        if self.sections:
            out["sections"] = [s.data() for s in self.sections]
        return out

    def json(self) -> str:
        return json.dumps(self.data(), indent=2)

    def emit(self, out_prefix: Path | str | None = None):
        """Print the markdown report; with a path prefix, also write PREFIX.md and PREFIX.json."""
        print()
        print(self.markdown())
        if out_prefix:
            out = Path(out_prefix)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.with_suffix(".md").write_text(self.markdown())
            out.with_suffix(".json").write_text(self.json() + "\n")
            progress(f"wrote {out.with_suffix('.md')} and {out.with_suffix('.json')}")


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.3f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"
