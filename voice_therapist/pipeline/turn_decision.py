"""What one user turn means, settled before a word of the reply is synthesised.

Risk, the protocol's move, slots and what safety says are decided from the words alone; the
audio that answers them consumes this decision and can fail or be cut without changing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..dialogue.engine import Plan
from ..measures.hook import MeasureTurn
from ..safety.detector import Assessment
from ..safety.responses import SafetyScripts


@dataclass(frozen=True)
class TurnDecision:
    text: str  # the turn's words, with any carried over from a reply that was cut before it was heard
    carried: int  # how many carried items of the session's list these words used up
    assessment: Assessment
    plan: Plan | None  # None when safety answers: the protocol pauses where it was
    minor: bool  # said, now or before, that they are under 18
    safety_lines: tuple[str, ...] | None  # the reviewed safety words for this turn, in order; None if safety is quiet
    safety_kind: str = ""  # "crisis", "check" (a direct question), "declined" (a no to it), or "" when quiet
    scripts: SafetyScripts | None = None  # the crisis lines of the country they are in, from this turn on
    measure: MeasureTurn | None = None  # what a questionnaire makes of the turn; None when it has no part in it
