"""The session's step machine: opening, a working phase on one modality, and a close.

It knows steps, slots and exit criteria from the protocol files, never a modality by name.
When the crisis detector puts the session at risk, the protocol pauses and the safety plan
(protocols/safety/safety_plan.yaml) runs instead; the session then closes from there.
Each user turn is read for every open slot of the session, not only the current step's,
and for its kind of answer ("I don't know", a question back, a correction...). A filled
slot is never asked for again, and a step whose slots are all filled is passed over. The
reply acknowledges what was said, then makes the move, from lines not yet said this
session. `plan` only reads the state; `commit` applies a plan once the turn is certain, so
a reply prepared speculatively and dropped leaves no trace.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace
from typing import Protocol as TypingProtocol

from ..frames import Move
from ..safety.levels import at_least, rank
from ..safety.screener import covered
from . import answer_kinds as kinds
from .answer_kinds import concern_text, correction_text
from .extractors import EXTRACTORS, SIMPLE, ratings_heard
from .guard import check_sentence, fits_the_mood
from .key_phrase import key_phrase, towards_you
from .prompt import example_line
from .protocol import Artifact, Modality, Protocols, Step
from .reflection import reflect
from .understanding import TurnQuestion, Understander, Understanding, read_by_rules

OPENING, WORKING, SAFETY, CLOSE, DONE = "opening", "working", "safety", "close", "done"
STEPS, DEEPENING = "steps", "deepening"
DEEPEN_MARGIN_S = 90  # a deepening move starts only with this much time left before the close
FINISHED_LINE = ("We've come to the end of today's session. If you'd like to talk more, "
                 "you can start a new session any time.")


class Router(TypingProtocol):
    def route(self, text: str, stress: float) -> tuple[str, float]: ...

    def named(self, text: str) -> str | None: ...


class DistortionNamer(TypingProtocol):
    def classify(self, text: str) -> tuple[str, float]: ...

    def describe(self, label: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class MemoryContext:
    """What we know from earlier sessions, for the opening."""

    values: dict[str, str] = field(default_factory=dict)  # last_topic, last_card_thought, ...

    @property
    def has_memory(self) -> bool:
        return bool(self.values.get("last_topic"))


@dataclass(frozen=True)
class EngineState:
    phase: str
    step: str
    modality: str | None = None
    turns_in_step: int = 0
    retry: bool = False
    slots: dict[str, str] = field(default_factory=dict)
    greeted: bool = False  # the first user words ("hi") are answered by the welcome, not taken as its answer
    crisis_path: bool = False  # the safety plan has begun; it is not begun twice
    round: str = STEPS  # in the working phase: the protocol's steps, then its deepening moves
    spoken: tuple[str, ...] = ()  # the templates said this session: none is said twice
    passed: tuple[str, ...] = ()  # slots the person declined or could not answer: not asked again
    helped: bool = False  # this step's "I don't know" has had its smaller question
    offer: str = ""  # a new concern raised, waiting for "now or later"
    route_text: str = ""  # the words the topic came from, whole, for the router only
    last_slot: str = ""  # the slot the last answer filled: what a correction replaces
    saved: bool = False  # the modality's card or step is saved; the close does not save it again

    def __post_init__(self) -> None:
        # A state restored from its JSON snapshot (a resumed session) brings lists back: tuples again.
        object.__setattr__(self, "spoken", tuple(self.spoken))
        object.__setattr__(self, "passed", tuple(self.passed))


@dataclass(frozen=True)
class Plan:
    move: Move
    goal: str
    example: str  # the chosen line with its values blanked: the LLM prompt's example
    scripted: bool  # say the line as written; the LLM does not rephrase it
    state: EngineState
    routed: tuple[str, float] | None = None  # the modality chosen this turn, with confidence
    artifact: dict | None = None  # a completed coping card, next step or safety plan, to save
    raises: str | None = None  # a screener answer that takes the crisis level up to this
    kind: str = kinds.ANSWER  # how the turn was read: an answer, "I don't know", a question back...
    asks: tuple[str, ...] = ()  # the slots the move asks for


@dataclass(frozen=True)
class TurnContext:
    elapsed_s: float = 0.0
    stress: float = 0.5  # the vocal stress cue, 0 calm .. 1 tense; neutral until it is measured
    risk_level: str = "none"  # the crisis detector's level for the session, this turn included

    @property
    def at_risk(self) -> bool:
        return at_least(self.risk_level, "passive")  # the suicide scale only: the session level never holds abuse


class SessionEngine:
    def __init__(self, protocols: Protocols, router: Router, distortions: DistortionNamer,
                 memory: MemoryContext = MemoryContext(), budget_minutes: float = 20.0, pinned: str | None = None,
                 resources: dict[str, str] | None = None, understander: Understander | None = None):
        self.protocols = protocols
        self.router = router
        self.distortions = distortions
        self.memory = memory
        self.budget_s = budget_minutes * 60
        self.pinned = pinned
        self.resources = resources or {}  # crisis lines of the user's locale, for the safety plan's lines
        self.understander = understander  # a capable LLM's reading of each turn; the rules when None or failing
        self.responses = protocols.responses.pools()
        self.kinds = self._slot_kinds()
        self.state = EngineState(phase=OPENING, step=protocols.frame.opening[0].id)

    def _slot_kinds(self) -> dict[str, str]:
        """Every slot a session can fill, with its extractor: the frame's and every modality's."""
        steps = [*self.protocols.frame.opening, *self.protocols.frame.close]
        steps += [s for m in self.protocols.modalities.values() for s in (*m.steps, *m.deepening)]
        found: dict[str, str] = {}
        for step in steps:
            for name, kind in step.slots.items():
                found.setdefault(name, kind)
        return found

    # --- reading the state ----------------------------------------------------------------
    def _steps(self, state: EngineState) -> list[Step]:
        if state.phase == OPENING:
            return self.protocols.frame.opening
        if state.phase == WORKING:
            modality = self._modality(state)
            return modality.deepening if state.round == DEEPENING else modality.steps
        if state.phase == SAFETY:
            return self.protocols.safety_plan.steps
        return self.protocols.frame.close

    def _modality(self, state: EngineState) -> Modality:
        return self.protocols.modalities[state.modality]

    def _step(self, state: EngineState) -> Step | None:
        if state.phase == DONE:
            return None
        return next(s for s in self._steps(state) if s.id == state.step)

    def prompt_context(self) -> tuple[str, str] | None:
        """(goal, example line) of the move most likely to come next, for prefilling the LLM;
        None when that move is scripted, so the LLM will not be asked."""
        state = self.state
        step = self._step(state)
        if step is None:
            return "Close the session kindly.", FINISHED_LINE
        if state.turns_in_step + 1 >= step.exit.min_turns and step.next:
            step = next(s for s in self._steps(state) if s.id == step.next)
        if step.say == "scripted":
            return None
        return step.goal, example_line(step.lines[0])

    # --- planning a turn --------------------------------------------------------------------
    def plan(self, user_text: str, ctx: TurnContext = TurnContext()) -> Plan:
        state = self.state
        if state.phase == DONE:
            return self._plan_for(state, user_text, None, None, finished=True)
        if ctx.at_risk and not state.crisis_path:
            # This turn's words were the disclosure, not an answer to the paused step.
            entry = self.protocols.safety_plan.entry[ctx.risk_level]
            denied = {k: v for k, v in covered("", user_text).items() if v == "no"}  # "...but I'd never do anything"
            entered = replace(state, phase=SAFETY, step=entry, turns_in_step=0, retry=False, greeted=True,
                              crisis_path=True, slots={**state.slots, **denied})
            return self._plan_for(entered, user_text, None, None)
        if state.phase == SAFETY:
            return self._plan_safety(state, user_text, ctx)
        return self._plan_conversation(state, user_text, ctx)

    def _plan_safety(self, state: EngineState, user_text: str, ctx: TurnContext) -> Plan:
        """The safety plan asks its reviewed questions in order; each answer fills its own step."""
        step = self._step(state)
        slots = dict(state.slots)
        before = dict(slots)
        for name, kind in step.slots.items():
            if name not in slots:
                value = SIMPLE[kind](user_text)
                if value is not None:
                    slots[name] = value
        self._screen(step, user_text, slots)
        turns = state.turns_in_step + 1
        missing = [s for s in step.exit.requires if s not in slots]
        exits = (not missing and turns >= step.exit.min_turns) or turns >= step.exit.max_turns
        state = replace(state, slots=slots, turns_in_step=turns, retry=bool(missing) and not exits)
        raises = self._raised(before, slots)
        artifact = None
        if exits:
            state, artifact = self._after_safety_step(state, step)
        return replace(self._plan_for(state, user_text, None, artifact), raises=raises)

    def resume(self) -> Plan:
        """The paused step asked again, nothing changed: after a clear no to a direct question about risk."""
        state = self.state
        step = self._step(state)
        if step is None:
            return self._plan_for(state, "", None, None, finished=True)
        if state.phase != SAFETY:
            return replace(self._compose(state, "", [], kinds.ANSWER, lines="again"), scripted=True)
        candidates = step.retry_lines if state.retry and step.retry_lines else step.lines
        plain = [c for c in candidates if "reflection" not in _placeholders(c)] or candidates
        template, line = _choose_line(plain, state.turns_in_step, self._values(state, ""))
        return Plan(Move(modality=self.protocols.safety_plan.name, step=step.id, scripted_line=line), step.goal,
                    example_line(template), True, state)

    def _screen(self, step: Step, text: str, slots: dict[str, str]) -> None:
        """On the crisis path one answer settles every screener question it covers (safety/screener.py)."""
        asked = next((name for name, kind in step.slots.items() if kind == "risk_yes_no"), "")
        for name, answer in covered(asked, text).items():
            slots.setdefault(name, answer)

    def _raised(self, before: dict[str, str], slots: dict[str, str]) -> str | None:
        """The highest level a screener "yes" given this turn takes the crisis level to."""
        levels = [s.raises for s in self.protocols.safety_plan.steps if s.raises and any(
            kind == "risk_yes_no" and slots.get(name) == "yes" and before.get(name) != "yes"
            for name, kind in s.slots.items())]
        return max(levels, key=rank, default=None)

    def _after_safety_step(self, state: EngineState, step: Step):
        safety = self.protocols.safety_plan
        for candidate in self._following(state, step):
            artifact = self._safety_plan(state) if candidate.id == safety.save_on_entering else None
            return replace(state, step=candidate.id, turns_in_step=0, retry=False), artifact
        return replace(state, phase=CLOSE, step=safety.close_from, turns_in_step=0, retry=False), None

    def _question(self, state: EngineState, step: Step) -> TurnQuestion:
        asked = dict(step.slots) if state.greeted else {}
        # The current modality's slots first: an offered phrase fills the first open slot of its kind.
        ours = self._modality(state).slot_names() if state.modality else set()
        ordered = sorted(self.kinds.items(), key=lambda item: item[0] not in ours)
        opened = {name: kind for name, kind in ordered
                  if name not in state.slots and name not in state.passed and name not in asked
                  and kind not in ("risk_yes_no", "yes_no", "rating", "mood", "distortion", "utterance")}
        ahead = {}
        if asked and all(kind in ("yes_no", "rating", "mood") for kind in asked.values()):
            following = next(self._following(state, step), None) if state.phase != OPENING else None
            ahead = {n: k for n, k in (following.slots.items() if following else ()) if k != "distortion"}
        opened = {n: k for n, k in opened.items() if n not in ahead}
        return TurnQuestion(goal=step.goal, asked=asked, open=opened, ahead=ahead)

    def _understand(self, text: str, question: TurnQuestion) -> Understanding:
        if self.understander is not None:
            reading = self.understander.understand(text, question)
            if reading is not None:
                rules = read_by_rules(text, question)
                return replace(reading, ratings=rules.ratings)
        return read_by_rules(text, question)

    def _plan_conversation(self, state: EngineState, text: str, ctx: TurnContext) -> Plan:
        step = self._step(state)
        named = self.router.named(text)
        reading = self._understand(text, self._question(state, step))
        kind = reading.kind
        slots = dict(state.slots)
        if named and state.phase == OPENING:
            slots["requested_modality"] = named
        filled = {**reading.asked, **{k: v for k, v in reading.offered.items() if k not in slots}}
        for about, value in reading.ratings.items():
            if f"rating_{about}" not in slots:
                filled[f"rating_{about}"] = value
        heard_numbers = ratings_heard(text) if kind != kinds.OFF_TASK else []
        if heard_numbers:  # numbers said along the way ("a six now"): kept, never asked for
            slots["ratings_heard"] = ", ".join(filter(None, [slots.get("ratings_heard", ""), *heard_numbers]))
        if "topic" in filled and not state.route_text:
            state = replace(state, route_text=text)
        slots.update(filled)
        self._name_distortion(slots)
        said: list[tuple[str, dict[str, str]]] = []  # (pool, values): what answers the kind of turn
        heard = reading.acknowledgement
        if heard and kind in (kinds.ANSWER, kinds.YES, kinds.NO) and heard.rstrip()[-1:] in ".!" and all(
                v.ok for v in (check_sentence(heard, 0), fits_the_mood(heard, text))):
            said.append(("heard", {"line": heard.strip()}))  # a capable LLM's reflection, checked by the guard
        previous_slot = state.last_slot
        state = replace(state, slots=slots, last_slot=next(iter(filled), state.last_slot))

        if not state.greeted:
            return self._welcome(replace(state, greeted=True), text, filled, ctx, kind, said)

        if kind == kinds.OFF_TASK:  # nothing of it is kept or quoted; the question stands
            return self._compose(self.state, text, [("off_task", {})], kind, lines="again")
        if state.offer:
            return self._answer_offer(state, text, kind, ctx)
        if kind == kinds.CORRECTION and previous_slot in self.kinds:
            target = previous_slot
            value = EXTRACTORS[self.kinds[target]].asked(correction_text(text)) or key_phrase(correction_text(text))
            if value:
                slots = {**state.slots, target: value}
                if self.kinds[target] == "thought":
                    slots = {k: v for k, v in slots.items() if not k.startswith("distortion")}
                    self._name_distortion(slots)
                state = replace(state, slots=slots, last_slot=target)
                said.append(("correction", {"phrase": value, "phrase_you": towards_you(value)}))
                return self._move_on(state, step, text, ctx, said, kind, filled={target: value}, stay=True)
        if kind == kinds.WRAP_UP and state.phase == WORKING:
            said.append(("wrap_up", {}))
            closing = self._enter_phase(state, CLOSE)
            artifact = None if state.saved else self._artifact(state)
            return self._compose(closing, text, said, kind, artifact=artifact)
        if kind == kinds.NEW_CONCERN and state.phase == WORKING:
            concern = key_phrase(concern_text(text))
            state = replace(state, offer=concern)
            said.append(("new_concern", {"concern": concern, "concern_you": towards_you(concern)}))
            return self._compose(state, text, said, kind, ask=False)
        if kind == kinds.QUESTION:
            normal = bool(re.search(r"\b(normal|common|weird|strange|usual|other people|everyone|silly|crazy|okay to)\b", text, re.I))
            said.append(("is_it_normal" if normal else "question", {}))
            return self._compose(state, text, said, kind, lines="explain")
        if kind == kinds.DECLINE:
            said.append(("decline", {}))
            state = replace(state, passed=state.passed + tuple(s for s in step.slots if s not in state.slots))
            return self._move_on(state, step, text, ctx, said, kind, filled, force=True)
        if kind == kinds.DONT_KNOW and not any(k in step.slots for k in filled):
            said.append(("dont_know", {}))
            if not state.helped:
                state = replace(state, helped=True, turns_in_step=state.turns_in_step + 1)
                return self._compose(state, text, said, kind, lines="help")
            state = replace(state, passed=state.passed + tuple(s for s in step.slots if s not in state.slots))
            return self._move_on(state, step, text, ctx, said, kind, filled, force=True)
        return self._move_on(state, step, text, ctx, said, kind, filled)

    def _welcome(self, state: EngineState, text: str, filled: dict[str, str], ctx: TurnContext, kind: str,
                 heard: list) -> Plan:
        """The first reply: hello, what they said if it was more than hello, the limits, then the first question."""
        returning = self.memory.has_memory
        said = [("returning_greeting" if returning else "greeting", {})]
        if kind != kinds.OFF_TASK:
            said += heard or self._acknowledgement(state, filled, text)
        said.append(("returning_notice" if returning else "notice", {}))
        if kind == kinds.OFF_TASK:
            said.append(("off_task", {}))
        step = self._step(state)
        if self._satisfied(step, state):
            state, routed, artifact = self._advance(state, step, ctx)
            return self._compose(state, text, said, kinds.ANSWER, routed=routed, artifact=artifact)
        return self._compose(state, text, said, kinds.ANSWER, lines="returning" if returning else "lines")

    def _answer_offer(self, state: EngineState, text: str, kind: str, ctx: TurnContext) -> Plan:
        """After "shall we switch to that now, or note it for later?"."""
        concern, state = state.offer, replace(state, offer="")
        later = re.search(r"\b(later|stick with|keep going|carry on|finish (this|that|what)|not now|another time|park it|"
                          r"stay with|come back to it)\b", text, re.I)
        now = kind == kinds.YES or re.search(r"\b(now|switch|that one|let'?s (talk|do|go)|talk about (that|it|this))\b", text, re.I)
        if now and kind != kinds.NO and not later:
            slots = {k: v for k, v in state.slots.items() if k in self.protocols.frame.slot_names() or
                     k.startswith("rating_") or k == "requested_modality"}
            slots["topic"], slots["earlier_topic"] = concern, state.slots.get("topic", "")
            state = replace(state, slots=slots, route_text=concern, saved=False, passed=())
            modality, confidence = self._choose_modality(state, ctx.stress)
            entered = self._enter_modality(state, modality)
            return self._compose(entered, text, [("switch", {})], kind, routed=(modality, confidence))
        if state.slots.get("revisit") == "offered":  # the steps are done: not now means the close
            slots = {**state.slots, "revisit": "declined"}
            closing = self._enter_phase(replace(state, slots=slots), CLOSE)
            return self._compose(closing, text, [("revisit_declined", {})], kind)
        slots = {**state.slots, "later_concern": concern}
        return self._compose(replace(state, slots=slots), text, [("later", {})], kind, lines="again")

    def _move_on(self, state: EngineState, step: Step, text: str, ctx: TurnContext, said: list, kind: str,
                 filled: dict[str, str], force: bool = False, stay: bool = False) -> Plan:
        """Count the answer, leave the step when it is done, and ask what is still open."""
        turns = state.turns_in_step + 1
        missing = [s for s in step.exit.requires if s not in state.slots and s not in state.passed]
        number_elsewhere = step.id == self.protocols.frame.opening[0].id and missing and any(
            k.startswith("rating_") for k in state.slots) and not state.slots.get("mood_start")
        if number_elsewhere:  # "eight out of ten anxious": a number was given; the mood is not asked again
            said.append(("number_elsewhere", {}))
            state = replace(state, passed=state.passed + tuple(missing))
            missing = []
        exits = force or (not missing and turns >= step.exit.min_turns) or turns >= step.exit.max_turns
        if kind not in (kinds.DECLINE, kinds.DONT_KNOW, kinds.CORRECTION) and not number_elsewhere and not any(
                pool == "heard" for pool, _ in said):
            said[:0] = self._acknowledgement(state, filled, text, kind)
        routed = artifact = None
        if exits and not stay:
            state, routed, artifact = self._advance(replace(state, turns_in_step=turns), step, ctx)
            if state.offer and state.slots.get("revisit") == "offered":
                concern = state.offer
                said.append(("revisit", {"concern": concern, "concern_you": towards_you(concern)}))
                return self._compose(state, text, said, kind, artifact=artifact, ask=False)
        else:
            state = replace(state, turns_in_step=turns, retry=bool(missing))
        if state.phase == WORKING and self._time_to_close(ctx):
            artifact = artifact or (None if state.saved else self._artifact(state))
            state = self._enter_phase(state, CLOSE)
        if named := self.router.named(text):
            if state.phase == WORKING and named != state.modality:
                state, routed = self._enter_modality(state, named), (named, 1.0)
        return self._compose(state, text, said, kind, routed=routed, artifact=artifact)

    def _advance(self, state: EngineState, step: Step, ctx: TurnContext):
        """The next step that still has something to ask; the next phase when none is left."""
        state = replace(state, helped=False, retry=False)
        for candidate in self._following(state, step):
            return replace(state, step=candidate.id, turns_in_step=0), None, None
        if state.phase == OPENING:
            modality, confidence = self._choose_modality(state, ctx.stress)
            entered = self._enter_modality(state, modality)
            if entered.phase == WORKING:
                return entered, (modality, confidence), None
            return entered, (modality, confidence), self._artifact(entered)
        if state.phase == WORKING:
            artifact = None if state.saved else self._artifact(state)
            saved = state.saved or artifact is not None
            modality = self._modality(state)
            time_left = self._time_left(ctx) > self._close_at() + DEEPEN_MARGIN_S
            if state.round == STEPS and modality.deepening and time_left:
                deeper = replace(state, round=DEEPENING, saved=saved, step="", turns_in_step=0)
                first = self._first_open(deeper)
                if first is not None:
                    return replace(deeper, step=first.id), None, artifact
            if time_left and state.slots.get("later_concern") and "revisit" not in state.slots:
                # A second round, on what they kept for later: offered, not imposed.
                slots = {**state.slots, "revisit": "offered"}
                return replace(state, saved=saved, slots=slots, offer=state.slots["later_concern"]), None, artifact
            return self._enter_phase(replace(state, saved=saved), CLOSE), None, artifact
        if state.phase == CLOSE:
            return replace(state, phase=DONE, step="", turns_in_step=0), None, None
        return state, None, None

    def _time_left(self, ctx: TurnContext) -> float:
        return self.budget_s - ctx.elapsed_s

    def _close_at(self) -> float:
        return self.protocols.frame.budget.close_before_end_minutes * 60

    def _time_to_close(self, ctx: TurnContext) -> bool:
        return self._time_left(ctx) <= self._close_at() and not ctx.at_risk

    def _satisfied(self, step: Step, state: EngineState) -> bool:
        """All its slots are known, or the person passed on them: nothing left to ask."""
        return bool(step.slots) and all(s in state.slots or s in state.passed for s in step.slots
                                        if step.slots[s] != "distortion")

    def _following(self, state: EngineState, step: Step):
        steps = {s.id: s for s in self._steps(state)}
        nxt = step.next
        while nxt:
            candidate = steps[nxt]
            if self._applies(candidate, state) and (state.phase == SAFETY or not self._satisfied(candidate, state)):
                yield candidate
                return
            nxt = candidate.next

    def _first_open(self, state: EngineState) -> Step | None:
        for step in self._steps(state):
            if self._applies(step, state) and not self._satisfied(step, state):
                return step
        return None

    def _applies(self, step: Step, state: EngineState) -> bool:
        screened = [name for name, kind in step.slots.items() if kind == "risk_yes_no"]
        if screened and all(name in state.slots for name in screened):
            return False  # already answered on the crisis path: not asked again
        if step.when == "has_memory":
            return self.memory.has_memory
        if step.when is not None:
            topic = " ".join([state.route_text, *(state.slots.get(k, "") for k in ("topic", "since_last_time"))]).lower()
            return any(word in topic for word in step.when.topic_mentions)
        return True

    def _name_distortion(self, slots: dict[str, str]) -> None:
        """The thinking trap is named on the thought itself, never on the evidence around it."""
        thought = slots.get("automatic_thought")
        if thought and "distortion" not in slots:
            label, _ = self.distortions.classify(thought)
            slots["distortion"] = label
            slots.update({f"distortion_{k}": v for k, v in self.distortions.describe(label).items()})

    def _choose_modality(self, state: EngineState, stress: float) -> tuple[str, float]:
        if self.pinned:
            return self.pinned, 1.0
        if state.slots.get("requested_modality"):
            return state.slots["requested_modality"], 1.0
        return self.router.route(state.route_text or state.slots.get("topic", ""), stress)

    def _enter_modality(self, state: EngineState, modality: str) -> EngineState:
        entered = replace(state, phase=WORKING, modality=modality, round=STEPS, step="", turns_in_step=0, retry=False,
                          helped=False)
        first = self._first_open(entered)
        if first is None:  # everything was said already: straight to the deepening moves, or the close
            deeper = replace(entered, round=DEEPENING)
            first = self._first_open(deeper) if self._modality(entered).deepening else None
            if first is None:
                return self._enter_phase(entered, CLOSE)
            return replace(deeper, step=first.id)
        return replace(entered, step=first.id)

    def _enter_phase(self, state: EngineState, phase: str) -> EngineState:
        entered = replace(state, phase=phase, turns_in_step=0, retry=False, step="", helped=False)
        first = self._first_open(entered) or next(s for s in self._steps(entered) if self._applies(s, entered))
        return replace(entered, step=first.id)

    def _artifact(self, state: EngineState) -> dict | None:
        if state.modality is None:
            return None
        spec = self._modality(state).artifact
        return _filled(spec, state.modality, state.slots) if spec else None

    def _safety_plan(self, state: EngineState) -> dict | None:
        return _filled(self.protocols.safety_plan.artifact, self.protocols.safety_plan.name, state.slots)

    # --- phrasing the move -----------------------------------------------------------------
    def _acknowledgement(self, state: EngineState, filled: dict[str, str], text: str,
                         kind: str = kinds.ANSWER) -> list[tuple[str, dict[str, str]]]:
        """A short reflection of what was just said, quoting its key phrase."""
        if kind in (kinds.YES, kinds.NO, kinds.THANKS):
            return [(kind, {})]
        name, value = next(((k, v) for k, v in filled.items()
                            if k in self.kinds and self.kinds[k] not in ("rating", "mood", "yes_no")),
                           (None, None))
        if value is None:
            if filled or not text.strip():
                return [("yes", {})]  # a number or a yes: thanks, not a quotation
            value = key_phrase(text)
            if len(value.split()) < 3:
                return []
        if len(value.split()) > 12:
            value = key_phrase(value)  # a reflection is short; the slot keeps the longer phrase
        if name is not None and len(value.split()) < 3:
            whole = key_phrase(text)
            value = whole if value.lower() in whole.lower() else value  # "sad" alone is curt: the clause it came in
        if name is not None and self.kinds.get(name) == "thought":
            return [("acknowledge_thought", {"phrase": value, "phrase_you": towards_you(value), "slot": name})]
        return [("acknowledge", {"phrase": value, "phrase_you": towards_you(value), "slot": name or ""})]

    def _compose(self, state: EngineState, text: str, said: list[tuple[str, dict[str, str]]], kind: str,
                 routed=None, artifact=None, lines: str = "lines", ask: bool = True) -> Plan:
        """The reply: what answers this turn, then the move's question, from lines not said yet."""
        spoken = list(state.spoken)
        values = self._values(state, text)
        step = self._step(state)
        template = ""
        question = ""
        if ask and step is not None:
            template, question = self._pick(self._candidates(step, state, lines), values, spoken)
        parts = []
        phrased = False  # the LLM's words are in the reply: it is not sent to the LLM again
        quoted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        for pool, extra in said:
            slot = extra.get("slot")
            if slot and (slot in quoted or f"{slot}_you" in quoted):
                continue  # the move's own line quotes it already
            if pool == "heard":
                parts.append(extra["line"])
                phrased = True
                continue
            _, line = self._pick(self.responses[pool], {**values, **extra}, spoken)
            if line:
                parts.append(line)
        if question:
            if parts and parts[-1].split()[:2] == question.split()[:2]:
                parts.pop()  # "Thank you. Thank you for your time": the move says it already
            parts.append(question)
        if step is None:
            parts.append(FINISHED_LINE)  # the goodbye was said: what is left is to say the session is over
        line = _sentence_case(" ".join(parts))
        state = replace(state, spoken=tuple(spoken))
        if step is None:
            move = Move(modality=state.modality or "", step="finished", scripted_line=line)
            return Plan(move, "Close the session kindly.", line, True, state, routed, artifact, kind=kind)
        modality = state.modality or state.phase
        asks = tuple(s for s in step.slots if s not in state.slots) if ask else ()
        # The reviewed answer to "I don't know", a question back, a correction... is said as written.
        answered = any(pool not in ("acknowledge", "acknowledge_thought", "yes", "no", "thanks") for pool, _ in said)
        return Plan(Move(modality=modality, step=step.id, scripted_line=line), step.goal,
                    example_line(template or line), step.say == "scripted" or phrased or answered, state, routed,
                    artifact, kind=kind, asks=asks)

    def _pick(self, candidates: list[str], values: dict[str, str], spoken: list[str]) -> tuple[str, str]:
        """The first template not said yet whose values are known; it is marked as said."""
        fresh = [t for t in candidates if t not in spoken]
        for template in fresh:
            rendered = _render(template, values)
            if rendered is not None:
                spoken.append(template)
                return template, rendered
        for template in candidates:  # every line said: better a repeat than silence
            rendered = _render(template, values)
            if rendered is not None:
                return template, rendered
        return "", ""

    def _candidates(self, step: Step, state: EngineState, lines: str) -> list[str]:
        if lines == "help":
            return [*step.help_lines, *step.retry_lines, *step.lines[1:], *step.lines[:1]]
        if lines == "explain":
            return [*step.explain_lines, *step.retry_lines, *step.lines[1:], *step.lines[:1]]
        if lines == "returning" and step.returning_lines:
            return step.returning_lines
        if state.retry and step.retry_lines:
            return [*step.retry_lines, *step.lines]
        if lines == "again":
            return [*step.lines, *step.retry_lines, *step.explain_lines]
        return [*step.lines, *step.retry_lines]

    def _plan_for(self, state, user_text, routed, artifact, finished: bool = False) -> Plan:
        """The safety plan's lines: reviewed words only, in their order (a safety line may repeat)."""
        step = self._step(state)
        if step is None or finished:
            move = Move(modality=state.modality or "", step="finished", scripted_line=FINISHED_LINE)
            return Plan(move, "Close the session kindly.", FINISHED_LINE, True, state, routed, artifact)
        if state.phase != SAFETY:
            return self._compose(state, user_text, [], kinds.ANSWER, routed, artifact)
        values = self._values(state, user_text)
        candidates = step.retry_lines if state.retry and step.retry_lines else step.lines
        template, line = _choose_line(candidates, state.turns_in_step, values)
        modality = self.protocols.safety_plan.name
        return Plan(Move(modality=modality, step=step.id, scripted_line=line),
                    step.goal, example_line(template), step.say == "scripted", state, routed, artifact)

    def _values(self, state: EngineState, user_text: str) -> dict[str, str]:
        values = {**self.resources, **self.memory.values, **state.slots,
                  "reflection": towards_you(key_phrase(user_text)) or reflect(user_text)}
        values.update({f"{k}_you": towards_you(v) if state.phase != SAFETY else reflect(v)
                       for k, v in {**self.memory.values, **state.slots}.items() if v})
        if state.modality:
            modality = self._modality(state)
            values["outcome"] = _render(modality.outcome, values) or "We made a start on it together."
        return values

    def commit(self, plan: Plan) -> None:
        self.state = plan.state


def _sentence_case(line: str) -> str:
    """A capital after each full stop: a key phrase turned to "you" may start a sentence."""
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), line.strip())


def _filled(spec: Artifact, source: str, slots: dict[str, str]) -> dict | None:
    """The artifact with its fields from the slots, or None while a required one is empty."""
    fields = {name: slots.get(slot) for name, slot in spec.fields.items()}
    if not all(fields[name] for name in spec.required or fields):
        return None
    return {"kind": spec.kind, "modality": source, **{k: v for k, v in fields.items() if v}}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _render(template: str, values: dict[str, str]) -> str | None:
    """The template filled in, or None when a value it needs is missing."""
    if _placeholders(template) - values.keys():
        return None
    return template.format(**values)


def _choose_line(candidates: list[str], turn: int, values: dict[str, str]) -> tuple[str, str]:
    """(template, line) for this turn; a line whose values are missing yields to one that has them."""
    ordered = candidates[turn % len(candidates):] + candidates[:turn % len(candidates)]
    for template in ordered:
        rendered = _render(template, values)
        if rendered is not None:
            return template, rendered
    return ordered[0], ordered[0].format_map(_Blank(values))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "that"
