"""The session's step machine: opening, a working phase on one modality, and a close.

It knows steps, slots and exit criteria from the protocol files, never a modality by name.
When the crisis detector puts the session at risk, the protocol pauses and the safety plan
(protocols/safety/safety_plan.yaml) runs instead; the session then closes from there.
Each user turn answers the current step: its slots are filled, its exit criteria checked,
and the next move chosen. `plan` only reads the state; `commit` applies a plan once the
turn is certain, so a reply prepared speculatively and dropped leaves no trace.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from typing import Protocol as TypingProtocol

from ..frames import Move
from ..safety.levels import at_least, rank
from ..safety.screener import covered
from .extractors import SIMPLE
from .prompt import example_line
from .protocol import Artifact, Modality, Protocols, Step
from .reflection import reflect

OPENING, WORKING, SAFETY, CLOSE, DONE = "opening", "working", "safety", "close", "done"
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
                 resources: dict[str, str] | None = None):
        self.protocols = protocols
        self.router = router
        self.distortions = distortions
        self.memory = memory
        self.budget_s = budget_minutes * 60
        self.pinned = pinned
        self.resources = resources or {}  # crisis lines of the user's locale, for the safety plan's lines
        self.state = EngineState(phase=OPENING, step=protocols.frame.opening[0].id)

    # --- reading the state ----------------------------------------------------------------
    def _steps(self, state: EngineState) -> list[Step]:
        if state.phase == OPENING:
            return self.protocols.frame.opening
        if state.phase == WORKING:
            return self._modality(state).steps
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
        routed = None
        artifact = None
        named = self.router.named(user_text)
        if state.phase == DONE:
            return self._plan_for(state, user_text, routed, artifact, finished=True)
        if ctx.at_risk and not state.crisis_path:
            # This turn's words were the disclosure, not an answer to the paused step.
            entry = self.protocols.safety_plan.entry[ctx.risk_level]
            denied = {k: v for k, v in covered("", user_text).items() if v == "no"}  # "...but I'd never do anything"
            entered = replace(state, phase=SAFETY, step=entry, turns_in_step=0, retry=False, greeted=True,
                              crisis_path=True, slots={**state.slots, **denied})
            return self._plan_for(entered, user_text, None, None)
        step = self._step(state)
        slots = dict(state.slots)
        if named and state.phase == OPENING:
            slots["requested_modality"] = named
        if not state.greeted:
            return self._plan_for(replace(state, slots=slots, greeted=True), user_text, None, None)
        before = dict(slots)
        self._fill(step, user_text, slots)
        if state.phase == SAFETY:
            self._screen(step, user_text, slots)
        turns = state.turns_in_step + 1
        missing = [s for s in step.exit.requires if s not in slots]
        exits = (not missing and turns >= step.exit.min_turns) or turns >= step.exit.max_turns
        state = replace(state, slots=slots, turns_in_step=turns, retry=bool(missing) and not exits)
        raises = self._raised(before, slots) if state.phase == SAFETY else None

        if named and state.phase == WORKING and named != state.modality:
            state, routed = self._enter_modality(state, named), (named, 1.0)
        elif exits:
            state, routed, artifact = self._after_step(state, step, ctx)
        if state.phase == WORKING and self._time_to_close(ctx):
            artifact = artifact or self._artifact(state)
            state = self._enter_phase(state, CLOSE)
        return replace(self._plan_for(state, user_text, routed, artifact), raises=raises)

    def resume(self) -> Plan:
        """The paused step asked again, nothing changed: after a clear no to a direct question about risk."""
        state = self.state
        step = self._step(state)
        if step is None:
            return self._plan_for(state, "", None, None, finished=True)
        candidates = self._candidates(step, state)
        plain = [c for c in candidates if "reflection" not in _placeholders(c)] or candidates
        template, line = _choose_line(plain, state.turns_in_step, self._values(state, ""))
        modality = self.protocols.safety_plan.name if state.phase == SAFETY else state.modality or state.phase
        return Plan(Move(modality=modality, step=step.id, scripted_line=line), step.goal, example_line(template), True, state)

    def _time_to_close(self, ctx: TurnContext) -> bool:
        left = self.budget_s - ctx.elapsed_s
        return left <= self.protocols.frame.budget.close_before_end_minutes * 60 and not ctx.at_risk

    def _fill(self, step: Step, text: str, slots: dict[str, str]) -> None:
        utterance_filled = False
        for name, kind in step.slots.items():
            if name in slots:
                continue
            if kind == "distortion":
                label, _ = self.distortions.classify(text)
                slots[name] = label
                slots.update({f"distortion_{k}": v for k, v in self.distortions.describe(label).items()})
                continue
            if kind == "utterance" and utterance_filled:
                continue  # one utterance fills one slot: the next one waits for the next turn
            value = SIMPLE[kind](text)
            if value is not None:
                slots[name] = value
                utterance_filled = utterance_filled or kind == "utterance"

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

    def _after_step(self, state: EngineState, step: Step, ctx: TurnContext):
        safety = self.protocols.safety_plan
        for candidate in self._following(state, step):
            artifact = None
            if state.phase == SAFETY and candidate.id == safety.save_on_entering:
                artifact = self._safety_plan(state)
            return replace(state, step=candidate.id, turns_in_step=0, retry=False), None, artifact
        if state.phase == SAFETY:
            return replace(state, phase=CLOSE, step=safety.close_from, turns_in_step=0, retry=False), None, None
        if state.phase == OPENING:
            modality, confidence = self._choose_modality(state, ctx.stress)
            return self._enter_modality(state, modality), (modality, confidence), None
        if state.phase == WORKING:
            return self._enter_phase(state, CLOSE), None, self._artifact(state)
        return replace(state, phase=DONE, step="", turns_in_step=0), None, None

    def _following(self, state: EngineState, step: Step):
        steps = {s.id: s for s in self._steps(state)}
        nxt = step.next
        while nxt:
            candidate = steps[nxt]
            if self._applies(candidate, state):
                yield candidate
                return
            nxt = candidate.next

    def _applies(self, step: Step, state: EngineState) -> bool:
        screened = [name for name, kind in step.slots.items() if kind == "risk_yes_no"]
        if screened and all(name in state.slots for name in screened):
            return False  # already answered on the crisis path: not asked again
        if step.when == "has_memory":
            return self.memory.has_memory
        if step.when is not None:
            topic = " ".join(state.slots.get(k, "") for k in ("topic", "since_last_time")).lower()
            return any(word in topic for word in step.when.topic_mentions)
        return True

    def _choose_modality(self, state: EngineState, stress: float) -> tuple[str, float]:
        if self.pinned:
            return self.pinned, 1.0
        if state.slots.get("requested_modality"):
            return state.slots["requested_modality"], 1.0
        return self.router.route(state.slots.get("topic", ""), stress)

    def _enter_modality(self, state: EngineState, modality: str) -> EngineState:
        entered = replace(state, phase=WORKING, modality=modality, step="", turns_in_step=0, retry=False)
        first = next(s for s in self._steps(entered) if self._applies(s, entered))
        return replace(entered, step=first.id)

    def _enter_phase(self, state: EngineState, phase: str) -> EngineState:
        entered = replace(state, phase=phase, turns_in_step=0, retry=False, step="")
        first = next(s for s in self._steps(entered) if self._applies(s, entered))
        return replace(entered, step=first.id)

    def _artifact(self, state: EngineState) -> dict | None:
        if state.modality is None:
            return None
        spec = self._modality(state).artifact
        return _filled(spec, state.modality, state.slots) if spec else None

    def _safety_plan(self, state: EngineState) -> dict | None:
        return _filled(self.protocols.safety_plan.artifact, self.protocols.safety_plan.name, state.slots)

    # --- phrasing the move -----------------------------------------------------------------
    def _plan_for(self, state, user_text, routed, artifact, finished: bool = False) -> Plan:
        step = self._step(state)
        if step is None or finished:
            move = Move(modality=state.modality or "", step="finished", scripted_line=FINISHED_LINE)
            return Plan(move, "Close the session kindly.", FINISHED_LINE, True, state, routed, artifact)
        values = self._values(state, user_text)
        template, line = _choose_line(self._candidates(step, state), state.turns_in_step, values)
        modality = self.protocols.safety_plan.name if state.phase == SAFETY else state.modality or state.phase
        return Plan(Move(modality=modality, step=step.id, scripted_line=line),
                    step.goal, example_line(template), step.say == "scripted", state, routed, artifact)

    def _candidates(self, step: Step, state: EngineState) -> list[str]:
        if state.retry and step.retry_lines:
            return step.retry_lines
        first_of_session = state.phase == OPENING and state.turns_in_step == 0 and step.id == self.protocols.frame.opening[0].id
        if first_of_session and self.memory.has_memory and step.returning_lines:
            return step.returning_lines
        return step.lines

    def _values(self, state: EngineState, user_text: str) -> dict[str, str]:
        values = {**self.resources, **self.memory.values, **state.slots, "reflection": reflect(user_text)}
        values.update({f"{k}_you": reflect(v) for k, v in {**self.memory.values, **state.slots}.items() if v})
        if state.modality:
            modality = self._modality(state)
            values["outcome"] = _render(modality.outcome, values) or "We made a start on it together."
        return values

    def commit(self, plan: Plan) -> None:
        self.state = plan.state


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

