"""The crisis detector: a level for each final transcript, with memory across the session.

Risk builds up over a conversation: a calm sentence after a disclosure does not reset it.
`assess` only reads the session's state; `commit` applies an assessment once the turn is
certain, so a reply prepared speculatively and then dropped leaves no trace.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..frames import Risk
from .levels import LEVELS, SEPARATE, rank
from .lexicon import scan


@dataclass(frozen=True)
class Assessment:
    risk: Risk  # what this turn is reported as
    session_level: str  # the suicide-scale level of the session once this turn counts
    raised: bool  # this turn took the session to a higher level


class CrisisDetector:
    def __init__(self) -> None:
        self.session_level = "none"

    def assess(self, text: str) -> Assessment:
        hits = scan(text)
        separate = [h for h in hits if h.level in SEPARATE]
        level = max((h.level for h in hits if h.level in LEVELS), key=rank, default="none")
        raised = rank(level) > rank(self.session_level)
        session_level = level if raised else self.session_level
        reported = separate[0].level if separate else session_level
        reasons = tuple(sorted({f"{h.level}:lexicon" for h in hits}))
        return Assessment(Risk(level=reported, reasons=reasons), session_level, raised)

    def commit(self, assessment: Assessment) -> None:
        if rank(assessment.session_level) > rank(self.session_level):
            self.session_level = assessment.session_level
