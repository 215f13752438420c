"""The crisis check on its own: ms per utterance, each judged by a fresh detector (as in crisis.py)."""

from __future__ import annotations

import time

from ..safety.detector import CrisisDetector
from .stats import spread


def time_crisis_check(crisis_models, texts: list[str], rounds: int) -> dict:
    timings = []
    for _ in range(rounds):
        for text in texts:
            detector = CrisisDetector(crisis_models)
            start = time.perf_counter()
            detector.assess(text)
            timings.append((time.perf_counter() - start) * 1000)
    return {**spread(timings), "utterances": len(texts), "rounds": rounds}
