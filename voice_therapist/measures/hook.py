"""The questionnaire's narrow hook into a session's turn: read before the engine plans, settled after.

`read` sees the user's words first (an item's answer, the reply to an offer, a request) and may
raise the crisis level (a safety item above 0), so the engine enters the screener on that very
turn. `settle` then sees what the engine and safety decided: safety always speaks first, the
crisis path stops the questionnaire, the end of the screener lets it finish if it is safe, and a
scheduled offer comes as the opening's first step is done. Both only read; `commit` applies.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, replace

from ..safety.levels import at_least, rank
from .definition import Measures
from .questionnaire import ASKING, IDLE, OFFERED, SCREENING, Questionnaire, QuestionnaireState, Step
from .schedule import offer_due

PAUSED, HELD, FOLLOWS = "paused", "held", "follows"
SAFE_AFTER_SCREENER = "passive"  # the screener found nothing above a wish to be dead: the questionnaire may finish


@dataclass(frozen=True)
class MeasureTurn:
    state: QuestionnaireState
    lines: tuple[str, ...] = ()  # spoken as written
    # paused: the engine did not get this turn; held: its move is said later; follows: said after these lines
    engine: str = FOLLOWS
    records: tuple[dict, ...] = ()
    raises: str | None = None
    measure: str = ""  # the measure this turn was about, for the turn's step name


@dataclass(frozen=True)
class EngineView:
    """What the hook reads of the engine's state: no more, so the engine can change behind it."""

    phase: str
    step: str
    crisis_path: bool


class MeasureHook:
    def __init__(self, measures: Measures, earlier: list[dict], *, first_step: str, screener_steps: set[str],
                 opening_phase: str = "opening", safety_phase: str = "safety", offer: bool = True, clock=time.time):
        self.questionnaire = Questionnaire(measures, earlier, clock)
        self.state = QuestionnaireState()
        conversation = measures.conversation
        self._due = offer and offer_due(earlier, conversation.scheduled, conversation.offer_every_days, clock())
        self._first_step = first_step
        self._screener = screener_steps
        self._opening, self._safety = opening_phase, safety_phase

    @property
    def holds_floor(self) -> bool:
        return self.state.stage in (OFFERED, ASKING)

    def read(self, text: str, last_reply: str, engine: EngineView, session_level: str) -> MeasureTurn | None:
        """The questionnaire's reading of this turn, as if safety stays quiet; None when it has no part in it."""
        state = self.state
        if state.stage in (OFFERED, ASKING):
            return _turn(self.questionnaire.answer(state, text), PAUSED, state.measure or "offer")
        at_risk = engine.crisis_path or engine.phase == self._safety or at_least(session_level, "passive")
        if state.stage == IDLE and not at_risk:
            names = self.questionnaire.requested(text)
            if names:
                lead = self.questionnaire.lines.on_request
                question = _last_question(last_reply)
                held = f"{self.questionnaire.lines.pick_up} {question}" if question else ""
                return _turn(self.questionnaire.begin(state, names, held, lead), PAUSED, names[0])
        return None

    def settle(self, turn: MeasureTurn | None, *, before: EngineView, after: EngineView | None, move_line: str,
               safety_spoke: bool, session_level: str) -> MeasureTurn | None:
        """The turn once the engine and safety have decided (`after` None: the protocol paused for safety)."""
        state = self.state
        entered_crisis = after is not None and after.crisis_path and not before.crisis_path
        if turn is not None and turn.raises:
            if safety_spoke and entered_crisis:  # the screener starts now; the questionnaire waits for its end
                return replace(turn, engine=FOLLOWS)
            # never expected (no questionnaire starts at risk), but never leave a safety answer unheard
            return _turn(self.questionnaire.after_screener(turn.state, safe=False), FOLLOWS, turn.measure)
        if entered_crisis and state.stage == ASKING:
            return _turn(self.questionnaire.wait_for_screener(state), FOLLOWS, state.measure)
        if entered_crisis and state.stage != IDLE:
            return _turn(self.questionnaire.stop(state), FOLLOWS, state.measure)
        if safety_spoke:
            if state.stage in (OFFERED, ASKING):  # a check-in over an item: asked again once safety is done
                waiting = replace(state, interrupted=state.stage == ASKING)
                return MeasureTurn(waiting, engine=PAUSED, measure=state.measure)
            return None
        if turn is not None:
            return turn
        screening = after is not None and after.phase == self._safety and after.step in self._screener
        if state.stage == SCREENING and after is not None and not screening:
            safe = rank(session_level) <= rank(SAFE_AFTER_SCREENER)
            step = self.questionnaire.after_screener(state, safe, move_line)
            # questions taken up again hold the safety plan's next question until they end
            return _turn(step, HELD if step.state.stage == ASKING else FOLLOWS, state.measure)
        if (self._due and not state.offered and state.stage == IDLE and after is not None
                and before.phase == self._opening and before.step == self._first_step and after.step != before.step
                and not at_least(session_level, "watch")):
            return _turn(self.questionnaire.offer(state, move_line), HELD, "offer")
        return None

    def commit(self, turn: MeasureTurn) -> None:
        self.state = turn.state
        self.questionnaire.remember(turn.records)

    def snapshot(self) -> dict:
        return {"state": asdict(self.state), "due": self._due}

    def restore(self, snapshot: dict) -> None:
        self.state = QuestionnaireState.from_dict(snapshot["state"])
        self._due = bool(snapshot.get("due", self._due))


def _last_question(reply: str) -> str:
    """The question the person was last asked, to pick up from once the questionnaire is done."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", reply.strip()) if s.strip()]
    asked = [s for s in sentences if s.endswith("?")]
    return asked[-1] if asked else ""


def _turn(step: Step, engine: str, measure: str) -> MeasureTurn:
    return MeasureTurn(step.state, step.lines, engine, step.records, step.raises, measure)

