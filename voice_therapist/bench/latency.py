"""End of user speech to first audio out, over spoken turns in a paced session."""

from __future__ import annotations

import re

from ..pipeline.turn_record import LATENCY_PARTS
from .stats import spread


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Word errors over all turns, divided by the number of reference words."""
    errors = words = 0
    for ref, hyp in zip(references, hypotheses):
        r, h = _words(ref), _words(hyp)
        d = list(range(len(h) + 1))
        for i, rw in enumerate(r, 1):
            prev, d[0] = d[:], i
            for j, hw in enumerate(h, 1):
                d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + (rw != hw))
        errors += d[len(h)]
        words += len(r)
    return errors / max(1, words)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def summarize(turns: list[dict]) -> dict[str, dict[str, float | int | None]]:
    """spread() of each latency part the turns reached."""
    summary = {}
    for part in LATENCY_PARTS:
        values = [t["latency_ms"][part] for t in turns if part in t["latency_ms"]]
        if values:
            summary[part] = spread(values)
    return summary
