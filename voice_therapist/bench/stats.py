"""Percentiles as the report gives them."""

from __future__ import annotations

import statistics

import numpy as np


def spread(values: list[float]) -> dict[str, float | int | None]:
    """median, p95 and max (ms, one decimal); None when there is nothing to summarise."""
    if not values:
        return {"median_ms": None, "p95_ms": None, "max_ms": None, "n": 0}
    return {
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(float(np.percentile(values, 95)), 1),
        "max_ms": round(max(values), 1),
        "n": len(values),
    }
