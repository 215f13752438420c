"""Protocols are data: YAML files a clinician reviews, validated when they are loaded.

`session.yaml` is the frame (opening and close); every other file is a modality. The engine
knows no modality by name: adding one means adding a file. A broken file fails at start-up
with the file, the line and the reason.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..resources import data_path

PROTOCOL_DIR = data_path("protocols")
Extractor = Literal["utterance", "rating", "mood", "yes_no", "risk_yes_no", "distortion", "balanced_thought", "topic",
                    "thought", "evidence_against", "body", "feeling", "need", "exception", "step", "future", "inner",
                    "support", "strength"]
# Values the engine provides besides slots: see engine.TEMPLATE_VALUES.
ENGINE_VALUES = {
    "reflection", "outcome", "distortion_title", "distortion_explanation", "distortion_question",
    "last_topic", "last_modality", "last_card_thought", "last_step", "last_mood", "recurring_themes",
    "helpful_modality", "phrase", "phrase_you", "concern", "concern_you",
    "last_phq9", "last_gad7",  # the last questionnaire scores (memory/context.py, protocols/measures/)
}
# The crisis resources of the user's locale (config/crisis_resources.yaml).
RESOURCE_VALUES = {"crisis_line", "emergency", "youth_line", "abuse_line"}
SAFETY_PLAN_FILE = Path("safety") / "safety_plan.yaml"
RESPONSES_FILE = Path("dialogue") / "responses.yaml"
RESPONSE_VALUES = {"phrase", "phrase_you", "concern", "concern_you"}


MAX_PROTOCOL_BYTES = 1024 * 1024


class ProtocolError(ValueError):
    """A protocol file is unusable; the message names the file, the line and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExitCriteria(_Strict):
    min_turns: int = Field(1, ge=1)
    max_turns: int = Field(3, ge=1)
    requires: list[str] = []

    @model_validator(mode="after")
    def _ordered(self) -> "ExitCriteria":
        if self.max_turns < self.min_turns:
            raise ValueError("max_turns must be at least min_turns")
        return self


class TopicMentions(_Strict):
    topic_mentions: list[str] = Field(min_length=1)


class Step(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    goal: str = Field(min_length=10)
    slots: dict[str, Extractor] = {}
    lines: list[str] = Field(min_length=1)
    returning_lines: list[str] = []  # used instead of `lines` for someone we have met before
    retry_lines: list[str] = []  # used when a required slot is still empty
    help_lines: list[str] = []  # after "I don't know": an example or a smaller question
    explain_lines: list[str] = []  # after "what do you mean?": the question put another way
    exit: ExitCriteria = ExitCriteria()
    next: str | None = None
    when: Union[Literal["has_memory"], TopicMentions, None] = None
    say: Literal["llm", "scripted"] = "llm"  # scripted: the line carries content the LLM must not rephrase
    raises: Literal["active", "plan", "imminent"] | None = None  # a "yes" here takes the crisis level up to this

    @model_validator(mode="after")
    def _requires_known_slots(self) -> "Step":
        unknown = [s for s in self.exit.requires if s not in self.slots]
        if unknown:
            raise ValueError(f"step {self.id!r} requires slots it does not fill: {', '.join(unknown)}")
        if self.raises and "risk_yes_no" not in self.slots.values():
            raise ValueError(f"step {self.id!r} raises the crisis level on a yes, but asks no risk_yes_no question")
        return self


def _check_links(steps: list[Step]) -> None:
    ids = [s.id for s in steps]
    if len(set(ids)) != len(ids):
        raise ValueError("step ids must be unique")
    for step in steps:
        if step.next is not None and step.next not in ids:
            raise ValueError(f"step {step.id!r} goes next to unknown step {step.next!r}")


class Routing(_Strict):
    names: list[str] = Field(min_length=1)  # how a user asks for it by name
    examples: list[str] = Field(min_length=5)  # what the router is built from
    cues: list[str] = []  # regular expressions whose words lean the router this way (nlp/router.py)

    @model_validator(mode="after")
    def _cues_compile(self) -> "Routing":
        import re

        for cue in self.cues:
            try:
                re.compile(cue)
            except re.error as exc:
                raise ValueError(f"cue {cue!r} is not a regular expression: {exc}") from exc
        return self


class Artifact(_Strict):
    kind: Literal["coping_card", "next_step", "safety_plan"]
    fields: dict[str, str] = Field(min_length=1)  # stored field -> slot
    required: list[str] = []  # fields without which it is not kept; empty: all of them


class Modality(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    summary: str
    kind: Literal["modality"]
    routing: Routing
    steps: list[Step] = Field(min_length=1)
    outcome: str
    artifact: Artifact | None = None
    deepening: list[Step] = []  # the protocol's own further moves, for the time left after the steps

    @model_validator(mode="after")
    def _valid(self) -> "Modality":
        _check_links(self.steps)
        _check_links(self.deepening)
        if {s.id for s in self.steps} & {s.id for s in self.deepening}:
            raise ValueError("deepening step ids must differ from the steps' ids")
        if self.artifact:
            missing = [s for s in self.artifact.fields.values() if s not in self.slot_names() | {"topic"}]
            if missing:
                raise ValueError(f"artifact uses slots no step fills: {', '.join(missing)}")
            unknown = [f for f in self.artifact.required if f not in self.artifact.fields]
            if unknown:
                raise ValueError(f"artifact requires fields it does not have: {', '.join(unknown)}")
        return self

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)

    def slot_names(self) -> set[str]:
        return {name for step in [*self.steps, *self.deepening] for name in step.slots}


class SafetyPlan(_Strict):
    """The crisis path: a screener, then a safety plan; entered by risk level, never routed to."""

    name: str
    title: str
    summary: str
    kind: Literal["safety_plan"]
    entry: dict[Literal["passive", "active", "plan", "imminent"], str]
    close_from: str  # after the plan, the session closes from this step of the frame's close
    save_on_entering: str  # the artifact is saved as this step begins (the read-back says so)
    steps: list[Step] = Field(min_length=1)
    artifact: Artifact

    @model_validator(mode="after")
    def _valid(self) -> "SafetyPlan":
        _check_links(self.steps)
        ids = {s.id for s in self.steps}
        unknown = sorted({*self.entry.values(), self.save_on_entering} - ids)
        if unknown:
            raise ValueError(f"entry or save_on_entering names no step: {', '.join(unknown)}")
        if set(self.entry) != {"passive", "active", "plan", "imminent"}:
            raise ValueError("entry needs a first step for each of passive, active, plan and imminent")
        if any(step.say != "scripted" for step in self.steps):
            raise ValueError("every step of the safety plan must be say: scripted (reviewed words only)")
        slots = {name for step in self.steps for name in step.slots}
        missing = [s for s in self.artifact.fields.values() if s not in slots]
        if missing:
            raise ValueError(f"artifact uses slots no step fills: {', '.join(missing)}")
        return self


class Budget(_Strict):
    close_before_end_minutes: float = Field(4, ge=0)


class SessionFrame(_Strict):
    name: str
    title: str
    summary: str
    kind: Literal["frame"]
    budget: Budget = Budget()
    opening: list[Step] = Field(min_length=1)
    close: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> "SessionFrame":
        _check_links(self.opening)
        _check_links(self.close)
        return self

    def slot_names(self) -> set[str]:
        return {name for step in [*self.opening, *self.close] for name in step.slots}


class Responses(_Strict):
    """Reviewed lines for each kind of answer, and the short acknowledgements that open a reply.

    {phrase} is the person's key phrase as said, {phrase_you} turned to "you"; {concern} a
    new concern they raised. Each pool is large enough that no line is said twice in a session.
    """

    greeting: list[str] = Field(min_length=1)
    returning_greeting: list[str] = Field(min_length=1)
    notice: str = Field(min_length=10)  # the limits, said once at the start
    returning_notice: str = Field(min_length=10)
    acknowledge: list[str] = Field(min_length=10)
    acknowledge_thought: list[str] = Field(min_length=3)
    yes: list[str] = Field(min_length=3)
    no: list[str] = Field(min_length=3)
    dont_know: list[str] = Field(min_length=3)
    question: list[str] = Field(min_length=3)
    is_it_normal: list[str] = Field(min_length=2)
    correction: list[str] = Field(min_length=3)
    new_concern: list[str] = Field(min_length=2)
    switch: list[str] = Field(min_length=2)
    later: list[str] = Field(min_length=2)
    decline: list[str] = Field(min_length=3)
    wrap_up: list[str] = Field(min_length=2)
    number_elsewhere: list[str] = Field(min_length=2)
    thanks: list[str] = Field(min_length=2)
    off_task: list[str] = Field(min_length=3)
    revisit: list[str] = Field(min_length=1)  # the steps are done with time left: the concern kept for later
    revisit_declined: list[str] = Field(min_length=1)  # asked to drop the rules, play a part, or give a dose  # a number given, but about something other than the mood

    def pools(self) -> dict[str, list[str]]:
        return {k: v if isinstance(v, list) else [v] for k, v in self.model_dump().items()}


class Protocols(BaseModel):
    """Everything the engine runs: the frame and the modalities by name."""

    frame: SessionFrame
    modalities: dict[str, Modality]
    safety_plan: SafetyPlan
    responses: Responses


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest YAML node along a validation error's path."""
    line = node.start_mark.line
    for i, key in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            # a bad mapping key ("[key]" in pydantic's path) sits on the key's own line
            match = None if pair is None else pair[0] if loc[i + 1:i + 2] == ("[key]",) else pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line
    return line + 1


# libyaml when PyYAML has it: the crisis exemplar files took 0.6-1.0 s each to read in pure
# Python at every start-up, 20 ms with it.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, what: str = "a protocol") -> tuple[str, Any]:
    """The file's text (kept to find lines in should validation fail) and its data, or a ProtocolError."""
    try:
        if path.stat().st_size > MAX_PROTOCOL_BYTES:
            raise ProtocolError(f"{path}, line 1: larger than {MAX_PROTOCOL_BYTES // 1024} KiB; is this {what}?")
        text = path.read_text(encoding="utf-8")
        return text, yaml.load(text, Loader=SAFE_LOADER)
    except OSError as exc:
        raise ProtocolError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"{path}, line 1: not UTF-8 text: {exc.reason}") from exc
    except RecursionError as exc:  # found by fuzzing: "[[[[..." ran the YAML parser out of stack
        raise ProtocolError(f"{path}, line 1: nested too deeply to be {what}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise ProtocolError(f"{path}, {where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc


def validated(path: Path, text: str, data: Any, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        # The node tree, with its line marks, is only needed to say where: built here, not on every load.
        line = _line_of(yaml.compose(text, Loader=SAFE_LOADER), err["loc"])
        raise ProtocolError(f"{path}, line {line}: {field}: {err['msg']}") from exc


def load_protocol(path: Path) -> SessionFrame | Modality | SafetyPlan:
    text, data = read_yaml(path)
    if not isinstance(data, dict):
        raise ProtocolError(f"{path}, line 1: a protocol must be a mapping with name, title, summary, kind")
    model = {"frame": SessionFrame, "safety_plan": SafetyPlan}.get(data.get("kind"), Modality)
    return validated(path, text, data, model)


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _check_placeholders(path: Path, steps: list[Step], known: set[str], extra: list[str] = ()) -> None:
    known = known | {f"{name}_you" for name in known}  # every slot also comes turned to "you"
    text = path.read_text(encoding="utf-8").splitlines()
    templates = [line for step in steps
                 for line in (*step.lines, *step.returning_lines, *step.retry_lines, *step.help_lines, *step.explain_lines)]
    for template in [*templates, *extra]:
        for name in _placeholders(template) - known:
            line = next((i + 1 for i, row in enumerate(text) if "{" + name + "}" in row), 1)
            raise ProtocolError(f"{path}, line {line}: placeholder {{{name}}} is not a slot or an engine value")


def load_protocols(directory: Path = PROTOCOL_DIR) -> Protocols:
    frame: SessionFrame | None = None
    frame_path = directory / "session.yaml"
    modalities: dict[str, tuple[Path, Modality]] = {}
    for path in sorted(directory.glob("*.yaml")):
        protocol = load_protocol(path)
        if isinstance(protocol, SafetyPlan):
            raise ProtocolError(f"{path}, line 1: the safety plan belongs in {SAFETY_PLAN_FILE}")
        if isinstance(protocol, SessionFrame):
            if frame is not None:
                raise ProtocolError(f"{path}, line 1: a second session frame")
            frame, frame_path = protocol, path
        elif protocol.name in modalities:
            raise ProtocolError(f"{path}, line 1: protocol name {protocol.name!r} is used twice")
        else:
            modalities[protocol.name] = (path, protocol)
    if frame is None:
        raise ProtocolError(f"{directory}: no session frame (a file with kind: frame)")
    if not modalities:
        raise ProtocolError(f"{directory}: no modality protocols found")
    _check_placeholders(frame_path, [*frame.opening, *frame.close], frame.slot_names() | ENGINE_VALUES)
    for path, modality in modalities.values():
        known = modality.slot_names() | frame.slot_names() | ENGINE_VALUES
        _check_placeholders(path, [*modality.steps, *modality.deepening], known, [modality.outcome])
    safety_path = directory / SAFETY_PLAN_FILE
    if not safety_path.is_file():
        raise ProtocolError(f"{safety_path}: missing; the crisis path cannot run without its safety plan")
    safety_plan = load_protocol(safety_path)
    if not isinstance(safety_plan, SafetyPlan):
        raise ProtocolError(f"{safety_path}, line 1: kind must be safety_plan")
    if safety_plan.close_from not in {s.id for s in frame.close}:
        raise ProtocolError(f"{safety_path}: close_from {safety_plan.close_from!r} is not a step of the close")
    slots = {name for step in safety_plan.steps for name in step.slots}
    _check_placeholders(safety_path, safety_plan.steps, slots | ENGINE_VALUES | RESOURCE_VALUES)
    return Protocols(frame=frame, modalities={name: m for name, (_, m) in modalities.items()},
                     safety_plan=safety_plan, responses=load_responses(directory / RESPONSES_FILE))


def load_responses(path: Path) -> Responses:
    if not path.is_file():
        raise ProtocolError(f"{path}: missing; the answer kinds have no reviewed lines")
    text, data = read_yaml(path, "the response lines")
    responses = validated(path, text, data, Responses)
    for name, pool in responses.pools().items():
        for template in pool:
            unknown = _placeholders(template) - RESPONSE_VALUES
            if unknown:
                line = next((i + 1 for i, row in enumerate(text.splitlines()) if template[:30] in row), 1)
                raise ProtocolError(f"{path}, line {line}: {name}: placeholder {{{sorted(unknown)[0]}}} is not one of "
                                    f"{', '.join(sorted(RESPONSE_VALUES))}")
    return responses
