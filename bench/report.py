"""Benchmark figures as ratios against a baseline measured in the same run.

These machines are shared and noisy: absolute times mean little across runs, the
ratio of two things measured side by side means more. Each figure keeps its raw
median too, for the JSON report.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import asdict, dataclass, field


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
    title: str
    figures: list[Figure] = field(default_factory=list)

    def add(self, name, value, baseline, unit, baseline_name):
        self.figures.append(Figure(name, value, baseline, unit, baseline_name))
        f = self.figures[-1]
        print(f"  {name}: {fmt(value, unit)} vs {baseline_name} {fmt(baseline, unit)} = {f.ratio:.2f}x",
              flush=True)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| measure | value | baseline | ratio |", "|---|---|---|---|"]
        for f in self.figures:
            lines.append(f"| {f.name} | {fmt(f.value, f.unit)} | {f.baseline_name}: "
                         f"{fmt(f.baseline, f.unit)} | {f.ratio:.2f}x |")
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        return json.dumps({"title": self.title,
                           "figures": [asdict(f) | {"ratio": f.ratio} for f in self.figures]}, indent=2)


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.3f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:,.0f} {unit}"
