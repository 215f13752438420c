"""The crisis detector: a level for each final transcript, with memory across the session.

Risk builds up over a conversation: a calm sentence after a disclosure does not reset it.
"""

from __future__ import annotations

import time

from ..frames import Risk
from .levels import LEVELS, SEPARATE, rank
from .lexicon import scan


class CrisisDetector:
    def __init__(self) -> None:
        self.session_level = "none"

    def assess(self, text: str) -> tuple[Risk, float]:
        """(the level for this utterance combined with the session so far, milliseconds spent)."""
        start = time.perf_counter()
        hits = scan(text)
        separate = [h for h in hits if h.level in SEPARATE]
        scale = [h for h in hits if h.level in LEVELS]
        level = max((h.level for h in scale), key=rank, default="none")
        if rank(level) > rank(self.session_level) and level in LEVELS:
            self.session_level = level
        reported = separate[0].level if separate else self.session_level
        reasons = tuple(sorted({f"{h.level}:lexicon" for h in hits}))
        return Risk(level=reported, reasons=reasons), (time.perf_counter() - start) * 1000
