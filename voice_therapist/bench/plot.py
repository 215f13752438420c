"""The latency distribution per group (single session, naive, then each concurrency level) as a PNG."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np

from .png import GLYPH_H, Canvas

WIDTH, HEIGHT = 960, 560
LEFT, RIGHT, TOP, BOTTOM = 80, 20, 50, 90  # margins around the plotting area
GREY, BLACK, BLUE, RED, GREEN = (200, 200, 200), (0, 0, 0), (40, 90, 200), (210, 40, 40), (30, 150, 60)
REFERENCES = ((2000, RED, "2 S"), (1200, (230, 140, 0), "1.2 S"), (600, GREEN, "600 MS"))


def _nice_top(value: float) -> tuple[float, float]:
    """An axis top at or above value, and a tick step giving 4 to 10 ticks."""
    value = max(value, 1000.0)
    step = 10 ** math.floor(math.log10(value / 5))
    for factor in (1, 2, 5, 10):
        if value / (step * factor) <= 10:
            step *= factor
            break
    return math.ceil(value / step) * step, step


def latency_plot(groups: list[tuple[str, list[float]]], path: str | Path, title: str) -> None:
    """groups: (label, latencies in ms) in the order drawn, left to right."""
    canvas = Canvas(WIDTH, HEIGHT)
    values = [v for _, vs in groups for v in vs]
    top, step = _nice_top(max(values, default=0) * 1.05)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y_of(ms: float) -> float:
        return TOP + plot_h * (1 - min(max(ms, 0.0), top) / top)

    canvas.text(LEFT, 14, title, BLACK, scale=2)
    tick = 0.0
    while tick <= top:
        canvas.hline(LEFT, LEFT + plot_w, y_of(tick), GREY)
        label = f"{tick:g}"
        canvas.text(LEFT - 8 - canvas.text_width(label), y_of(tick) - GLYPH_H // 2, label, BLACK)
        tick += step
    canvas.text(6, TOP - 18, "MS", BLACK)
    for ms, color, label in REFERENCES:
        if ms <= top:
            canvas.hline(LEFT, LEFT + plot_w, y_of(ms), color, width=2, dash=6)
            canvas.text(LEFT + plot_w - canvas.text_width(label) - 2, y_of(ms) - GLYPH_H - 3, label, color)
    slot = plot_w / max(1, len(groups))
    rng = random.Random(3)
    for i, (label, latencies) in enumerate(groups):
        centre = LEFT + slot * (i + 0.5)
        half = min(40.0, slot * 0.3)
        if latencies:
            p25, median, p75, p95 = np.percentile(latencies, [25, 50, 75, 95])
            canvas.box(centre - half, y_of(p75), centre + half, y_of(p25), BLACK)
            canvas.hline(centre - half, centre + half, y_of(median), BLACK, width=3)
            canvas.hline(centre - half - 6, centre + half + 6, y_of(p95), RED, width=2)
            for ms in latencies:
                canvas.dot(centre + rng.uniform(-half, half), y_of(ms), BLUE if ms <= top else RED)
        canvas.text(centre - canvas.text_width(label) / 2, TOP + plot_h + 10, label, BLACK, scale=2)
        count = f"{len(latencies)} TURNS"
        canvas.text(centre - canvas.text_width(count) / 2, TOP + plot_h + 32, count, BLACK)
    canvas.box(LEFT, TOP, LEFT + plot_w, TOP + plot_h, BLACK)
    canvas.text(LEFT, HEIGHT - 22, "DOTS: TURNS. BOX: P25-P75. THICK LINE: MEDIAN. RED TICK: P95. "
                "DASHED: TARGETS.", BLACK)
    canvas.save(path)
