"""The latency distribution per group (single session, naive, then each concurrency level) as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

TARGETS_MS = ((600, "#1e9640", "600 ms: target median, one session"),
              (1200, "#e68c00", "1.2 s: target p95, one session"),
              (2000, "#d22828", "2 s: target p95, concurrent sessions"))


def latency_plot(groups: list[tuple[str, list[float]]], path: str | Path, title: str) -> None:
    """groups: (label, latencies in ms) in the order drawn, left to right."""
    latency_figure(groups, title).savefig(Path(path))


def latency_figure(groups: list[tuple[str, list[float]]], title: str):
    """A matplotlib Figure: a box, the turns as dots and the targets as lines, per group."""
    # The figure object and its Agg canvas directly: pyplot's global figure state is not needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.6, 5.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = np.arange(1, len(groups) + 1)
    filled = [(pos, values) for pos, (_, values) in zip(positions, groups) if values]
    if filled:
        axes.boxplot([values for _, values in filled], positions=[pos for pos, _ in filled], widths=0.5,
                     whis=(5, 95), showfliers=False, medianprops={"color": "black", "linewidth": 2},
                     label="p25 to p75 (box), median (line), p5 to p95 (whiskers)")
        rng = np.random.default_rng(3)
        for index, (pos, values) in enumerate(filled):
            axes.scatter(pos + rng.uniform(-0.18, 0.18, len(values)), values, s=12, color="#2858c8", alpha=0.6,
                         zorder=3, label="one turn" if index == 0 else None)
    for ms, color, label in TARGETS_MS:
        axes.axhline(ms, color=color, linestyle="--", linewidth=1.2, label=label)
    axes.set_xticks(positions, [f"{label}\n{len(values)} turns" for label, values in groups])
    axes.set_xlim(0.4, len(groups) + 0.6)
    axes.set_ylim(bottom=0)
    axes.set_xlabel("pipeline, and number of concurrent sessions")
    axes.set_ylabel("end of speech to first reply sample (ms)")
    axes.set_title(title)
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize="small")
    return figure
