"""Plot the lens's overhead versus branch count; runs in the bench venv that has matplotlib.

Usage: python plot.py LENS_JSON OUT_PNG, where LENS_JSON is the list bench/routing.py's
run() returns: one {"branches", "protocol", "direct_tps", "lens_tps", "search_path_tps"} each.
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src: str, out: str):
    rows = json.load(open(src))
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    styles = {"simple": "-", "prepared": "--"}
    for route, label, marker in (("lens_tps", "through pggit_lens.users (opt-in lens)", "o"),
                                 ("search_path_tps", "through search_path", "s")):
        for protocol, style in styles.items():
            pts = sorted((r["branches"], r[route] / r["direct_tps"]) for r in rows if r["protocol"] == protocol)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker=marker,
                        label=f"{label}, -M {protocol}")
    ax.axhline(1.0, color="grey", linewidth=0.8)
    ax.set_xlabel("branches (the lens view has one more arm, main's)")
    ax.set_ylabel("tps / tps on the table directly")
    ax.set_title("pggit on branch b1: point-lookup throughput relative to the table itself")
    ax.set_xticks(sorted({r["branches"] for r in rows}))
    ax.set_ylim(0, max(1.2, ax.get_ylim()[1]))
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
