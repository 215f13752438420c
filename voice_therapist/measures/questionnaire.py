"""The questionnaire as a small state machine: offered, asking item by item, waiting on the screener.

Pure: `QuestionnaireState` is plain data (a resumed session restores it) and every method
returns the next state with the lines to say; nothing is spoken or stored here. The lines are
the reviewed ones of protocols/measures/; the LLM never phrases a measure.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace

from .answers import REPEAT, UNCLEAR, VALUE, read_answer
from .definition import Measure, Measures
from .scoring import score

IDLE, OFFERED, ASKING, SCREENING = "idle", "offered", "asking", "screening"
COMPLETE, INCOMPLETE, DECLINED, STOPPED_FOR_SAFETY = "complete", "incomplete", "declined", "stopped_for_safety"
SAFETY_ITEM_RAISES = "passive"  # any answer above 0 to a safety item: at least a wish to be dead, so the screener asks

_YES = re.compile(r"\b(?:yes|yeah|yep|yup|sure|okay|ok|alright|all right|go on|go ahead|let's|fine|why not|please|"
                  r"happy to|i can|i will|i'll|we can)\b")
_NO = re.compile(r"\b(?:no|nope|nah|not (?:now|today|really|this time|right now)|later|another time|rather not|skip|"
                 r"pass|don't|do not|not up to|not in the mood)\b")
_ASKING_FOR = re.compile(r"\b(?:questionnaires?|questions|phq|gad|quiz|survey|check ?list)\b")
# A request, not talk about one: "I failed my test and feel so depressed" starts nothing.
_REQUEST = re.compile(r"\b(?:can|could|shall|may) (?:we|i|you)\b|\blet'?s\b|\bi'?d (?:like|love)\b|\bi (?:want|wanna)\b|"
                      r"\b(?:do|take|fill (?:in|out)|go through|start)\b")


@dataclass(frozen=True)
class QuestionnaireState:
    stage: str = IDLE
    measure: str = ""  # the one being asked
    queue: tuple[str, ...] = ()  # asked after it
    index: int = 0  # the item being asked
    answers: dict[str, int | None] = field(default_factory=dict)  # item id -> 0-3, None when skipped
    asked_again: bool = False  # the current item (or the offer) was already asked again once
    interrupted: bool = False  # safety spoke over the current item: it is asked again, not answered
    held_line: str = ""  # what the session was asking before: said once the questionnaire ends
    offered: bool = False  # offered once this session already

    @classmethod
    def from_dict(cls, data: dict) -> "QuestionnaireState":
        data = dict(data)
        data["queue"] = tuple(data.get("queue", ()))
        return cls(**data)


@dataclass(frozen=True)
class Step:
    state: QuestionnaireState
    lines: tuple[str, ...] = ()
    records: tuple[dict, ...] = ()  # measures finished, declined or stopped: to store
    raises: str | None = None  # a safety item answered above 0: the crisis level goes at least this high


class Questionnaire:
    def __init__(self, measures: Measures, earlier: list[dict] = (), clock=time.time):
        self.measures = measures
        self.lines = measures.conversation
        self.clock = clock
        self.previous = _last_scores(earlier)  # measure -> the last total told, for the rise line

    # --- starting ------------------------------------------------------------------------------
    def offer(self, state: QuestionnaireState, held_line: str) -> Step:
        return Step(replace(state, stage=OFFERED, offered=True, held_line=held_line, asked_again=False),
                    (self.lines.offer,))

    def requested(self, text: str) -> list[str]:
        """The measures a request asks for ("can we do the depression questionnaire?"); [] if none."""
        lowered = text.lower()
        if not (_ASKING_FOR.search(lowered) and _REQUEST.search(lowered)):
            return []
        return self.measures.requested(lowered) or (list(self.lines.scheduled) if "questionnaire" in lowered else [])

    def begin(self, state: QuestionnaireState, names: list[str], held_line: str, lead: str) -> Step:
        first, *rest = names
        started = replace(state, stage=ASKING, measure=first, queue=tuple(rest), index=0, answers={},
                          asked_again=False, interrupted=False, held_line=held_line)
        return Step(started, (lead, *self._opening(first)))

    # --- one turn -------------------------------------------------------------------------------
    def answer(self, state: QuestionnaireState, text: str) -> Step:
        if state.stage == OFFERED:
            return self._offer_answer(state, text)
        if state.stage != ASKING:
            raise ValueError(f"no question is waiting for an answer (stage {state.stage})")
        measure = self.measures.measures[state.measure]
        if state.interrupted:
            again = replace(state, interrupted=False, asked_again=False)
            return Step(again, (self.lines.back_to_questions, measure.item_line(state.index)))
        item = measure.items[state.index]
        reading = read_answer(text)
        if reading.kind == REPEAT:
            return Step(state, (measure.item_line(state.index),))
        if reading.kind == UNCLEAR and not state.asked_again:
            return Step(replace(state, asked_again=True), (self.lines.unclear.format(options=self.lines.options),))
        if reading.kind == VALUE:
            value = reading.value
        elif reading.kind == UNCLEAR and item.safety:
            value = 1  # a safety item left unclear twice counts as above 0, as screeners count a hedge
        else:
            value = None  # skipped, or still unclear after asking again: marked, never guessed
        answers = {**state.answers, item.id: value}
        answered = replace(state, answers=answers, asked_again=False)
        if item.safety and value:
            return Step(replace(answered, stage=SCREENING), raises=SAFETY_ITEM_RAISES)
        lead = (self.lines.skipped,) if value is None else ()
        return self._next(answered, lead)

    def wait_for_screener(self, state: QuestionnaireState) -> Step:
        """The crisis path took over on an ordinary item: it is asked again after the screener, if safe."""
        return Step(replace(state, stage=SCREENING, asked_again=False, interrupted=False))

    def after_screener(self, state: QuestionnaireState, safe: bool, next_line: str = "") -> Step:
        """The screener is over. Only if it was safe to go on is the score told, or the questions
        taken up again (with `next_line`, the safety plan's next question, said at their end)."""
        measure = self.measures.measures[state.measure]
        idle = replace(state, stage=IDLE, measure="", queue=(), index=0, answers={}, held_line="")
        if not safe:
            return Step(idle, records=(self._record(measure, state.answers, STOPPED_FOR_SAFETY),))
        if measure.items[state.index].id not in state.answers:  # an ordinary item was interrupted
            again = replace(state, stage=ASKING, queue=(), held_line=next_line)
            return Step(again, (self.lines.after_screener, self.lines.back_to_questions, measure.item_line(state.index)))
        lines, record = self._result(measure, state.answers)
        return Step(idle, (self.lines.after_screener, *lines), (record,))

    def stop(self, state: QuestionnaireState) -> Step:
        """The crisis path took over mid-questionnaire: what was answered is kept, nothing is told."""
        idle = replace(state, stage=IDLE, measure="", queue=(), index=0, answers={}, held_line="",
                       interrupted=False, asked_again=False)
        if state.stage in (ASKING, SCREENING):
            measure = self.measures.measures[state.measure]
            return Step(idle, records=(self._record(measure, state.answers, STOPPED_FOR_SAFETY),))
        return Step(idle)

    def remember(self, records: tuple[dict, ...]) -> None:
        """Scores told this session become "last time" for a later questionnaire (once the turn counts)."""
        self.previous.update(_last_scores(list(records)))

    # --- helpers --------------------------------------------------------------------------------
    def _offer_answer(self, state: QuestionnaireState, text: str) -> Step:
        lowered = text.lower()
        no, yes = _NO.search(lowered), _YES.search(lowered)
        if yes and not (no and no.start() < yes.start()):
            return self.begin(state, list(self.lines.scheduled), state.held_line, self.lines.accepted)
        if no or state.asked_again:
            records = tuple({"kind": "measure", "measure": name, "title": self.measures.measures[name].title,
                             "status": DECLINED, "at": self.clock()} for name in self.lines.scheduled)
            idle = replace(state, stage=IDLE, held_line="", asked_again=False)
            return Step(idle, (self.lines.declined, *_said(state.held_line)), records)
        return Step(replace(state, asked_again=True), (self.lines.offer_again,))

    def _opening(self, name: str) -> tuple[str, str]:
        measure = self.measures.measures[name]
        return measure.intro, measure.item_line(0)

    def _next(self, state: QuestionnaireState, lead: tuple[str, ...]) -> Step:
        measure = self.measures.measures[state.measure]
        index = state.index + 1
        if index < len(measure.items):
            prefix = self.lines.next_item[(index - 1) % len(self.lines.next_item)]
            return Step(replace(state, index=index), (*lead, f"{prefix} {measure.items[index].say}"))
        lines, record = self._result(measure, state.answers)
        if state.queue:
            following = self.begin(state, list(state.queue), state.held_line, "")
            return Step(following.state, (*lead, *lines, *[l for l in following.lines if l]), (record,))
        idle = replace(state, stage=IDLE, measure="", queue=(), index=0, answers={}, held_line="")
        return Step(idle, (*lead, *lines, self.lines.finished, *_said(state.held_line)), (record,))

    def _result(self, measure: Measure, answers: dict[str, int | None]) -> tuple[tuple[str, ...], dict]:
        result = score(measure, answers)
        record = self._record(measure, answers, COMPLETE if not result.skipped else INCOMPLETE)
        if result.total is None:
            return (self.lines.no_score.format(skipped=len(result.skipped)),), record
        values = {"score": result.total, "max_score": measure.max_score, "band": result.band}
        lines = [(self.lines.result_prorated if result.prorated else self.lines.result).format(**values)]
        previous = self.previous.get(measure.name)
        if previous is not None and result.total - previous >= measure.rise_to_mention:
            lines.append(self.lines.rise.format(rise=result.total - previous, previous=previous))
        lines.append(self.lines.see_doctor if result.see_doctor else self.lines.no_diagnosis)
        return tuple(lines), record

    def _record(self, measure: Measure, answers: dict[str, int | None], status: str) -> dict:
        result = score(measure, {k: v for k, v in answers.items()})
        told = status in (COMPLETE, INCOMPLETE)
        return {"kind": "measure", "measure": measure.name, "title": measure.title, "status": status,
                "at": self.clock(), "answers": {i.id: answers.get(i.id) for i in measure.items},
                "skipped": list(result.skipped) if told else [i.id for i in measure.items if answers.get(i.id) is None],
                "score": result.total, "band": result.band, "prorated": result.prorated,
                "max_score": measure.max_score}


def _said(line: str) -> tuple[str, ...]:
    return (line,) if line else ()


def _last_scores(earlier: list[dict]) -> dict[str, int]:
    last: dict[str, int] = {}
    for record in sorted(earlier, key=lambda r: r.get("at", 0)):
        if record.get("kind") == "measure" and record.get("score") is not None:
            last[record["measure"]] = int(record["score"])
    return last
