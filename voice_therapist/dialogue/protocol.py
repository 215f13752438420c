"""Protocols are data: YAML files a clinician reviews, validated when they are loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PROTOCOL_DIR = Path(__file__).resolve().parent.parent.parent / "protocols"


class ProtocolError(ValueError):
    """A protocol file is unusable; the message names the file, the line and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExitCriteria(_Strict):
    min_turns: int = Field(1, ge=1)
    max_turns: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> "ExitCriteria":
        if self.max_turns < self.min_turns:
            raise ValueError("max_turns must be at least min_turns")
        return self


class Step(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    goal: str = Field(min_length=10)
    slots: list[str] = []
    lines: list[str] = Field(min_length=1)
    exit: ExitCriteria = ExitCriteria()
    next: str | None = None


class Protocol(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    summary: str
    steps: list[Step] = Field(min_length=1)

    @model_validator(mode="after")
    def _links(self) -> "Protocol":
        ids = [s.id for s in self.steps]
        if len(set(ids)) != len(ids):
            raise ValueError("step ids must be unique")
        for step in self.steps:
            if step.next is not None and step.next not in ids:
                raise ValueError(f"step {step.id!r} goes next to unknown step {step.next!r}")
        return self

    def step(self, step_id: str) -> Step:
        return next(s for s in self.steps if s.id == step_id)


def _line_of(node: yaml.Node, loc: tuple[Any, ...]) -> int:
    """The 1-based line of the deepest YAML node along a validation error's path."""
    line = node.start_mark.line
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node, line = match, match.start_mark.line
    return line + 1


def load_protocol(path: Path) -> Protocol:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except OSError as exc:
        raise ProtocolError(f"{path}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "unknown line"
        raise ProtocolError(f"{path}, {where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or node is None:
        raise ProtocolError(f"{path}, line 1: a protocol must be a mapping with name, title, summary, steps")
    try:
        return Protocol.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ProtocolError(f"{path}, line {_line_of(node, err['loc'])}: {field}: {err['msg']}") from exc


def load_protocols(directory: Path = PROTOCOL_DIR) -> dict[str, Protocol]:
    protocols: dict[str, Protocol] = {}
    for path in sorted(directory.glob("*.yaml")):
        protocol = load_protocol(path)
        if protocol.name in protocols:
            raise ProtocolError(f"{path}: protocol name {protocol.name!r} is used twice")
        protocols[protocol.name] = protocol
    if not protocols:
        raise ProtocolError(f"{directory}: no protocol files found")
    return protocols
