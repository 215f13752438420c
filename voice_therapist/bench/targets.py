"""The issue's targets, beside what was measured, each with a met flag.

They are reported, never asserted: timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

# name: (where the measured value is in the results, comparison, target, unit, what it means)
TARGETS = {
    "single_median": (("single", "median_ms"), "<=", 600, "ms", "voice-to-voice median, one session"),
    "single_p95": (("single", "p95_ms"), "<=", 1200, "ms", "voice-to-voice p95, one session"),
    "naive_ratio": (("naive", "ratio"), ">=", 2.0, "x", "naive median / streaming median"),
    "concurrent_sessions": (("concurrency", "max_sessions_p95_under_2s"), ">=", 4, "sessions",
                            "concurrent sessions with p95 <= 2 s"),
    "rss": (("memory", "rss_mb"), "<=", 1536, "MB", "resident memory with all models loaded"),
    "per_session": (("memory", "per_session_mb"), "<=", 50, "MB", "resident memory per extra session"),
    "crisis_check": (("crisis_check", "p95_ms"), "<=", 5, "ms", "crisis check per utterance (p95, alone)"),
}


def _lookup(results: dict, path: tuple[str, ...]):
    value = results
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def judge(results: dict) -> dict:
    judged = {}
    for name, (path, op, target, unit, meaning) in TARGETS.items():
        value = _lookup(results, path)
        met = None if value is None else (value <= target if op == "<=" else value >= target)
        judged[name] = {"measured": value, "target": f"{op} {target}", "unit": unit, "met": met,
                        "what": meaning, "key": ".".join(path)}
    return judged
