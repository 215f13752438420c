"""One client's whole session, as written in tests/sessions/<id>.yaml, validated on load."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MODALITIES = ("cbt", "gestalt", "efit", "sfbt", "quick_help", "any")
FACT_KINDS = ("topic", "feeling", "rating", "body", "thought", "evidence_for", "evidence_against",
              "balanced_thought", "goal", "exception", "strength", "need", "next_step", "support", "country")


class SuiteError(ValueError):
    """A session file that cannot be run, with the file and what is wrong."""


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal[FACT_KINDS]  # type: ignore[valid-type]
    turn: int = Field(ge=1)
    words: list[str] = Field(min_length=1)
    about: str = ""


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modality: Literal[MODALITIES]  # type: ignore[valid-type]
    modality_by_turn: int = Field(default=3, ge=1)
    risk: Literal["none", "passive", "real"]
    crisis_turn: int | None = None
    page: bool
    facts: list[Fact] = Field(default_factory=list)

    @model_validator(mode="after")
    def _risk_has_a_turn(self) -> Expect:
        if (self.risk == "none") != (self.crisis_turn is None):
            raise ValueError("crisis_turn is set exactly when risk is not none")
        if self.page and self.risk != "real":
            raise ValueError("only a real risk may expect a page")
        return self


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    persona: str
    topic: str
    voice: str = "en-us"
    held_out: bool = False
    note: str = ""
    expect: Expect
    turns: list[str] = Field(min_length=3)

    @field_validator("turns")
    @classmethod
    def _speakable(cls, turns: list[str]) -> list[str]:
        for i, turn in enumerate(turns, 1):
            if not turn.strip():
                raise ValueError(f"turn {i} is empty")
        return turns

    @model_validator(mode="after")
    def _turns_exist(self) -> Case:
        last = len(self.turns)
        named = [("crisis_turn", self.expect.crisis_turn), ("modality_by_turn", self.expect.modality_by_turn),
                 *((f"fact {f.kind}", f.turn) for f in self.expect.facts)]
        for what, turn in named:
            if turn is not None and turn > last:
                raise ValueError(f"{what} names turn {turn}, but there are {last} turns")
        return self


def load_case(path: Path) -> Case:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        case = Case.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise SuiteError(f"{path}: {exc}") from exc
    if case.id != path.stem:
        raise SuiteError(f"{path}: id {case.id!r} is not the file's name")
    return case


def load_suite(folder: Path, held_out: bool | None = None) -> list[Case]:
    """Every session in the folder, sorted by id; `held_out` picks one part, None both."""
    cases = [load_case(p) for p in sorted(folder.glob("*.yaml"))]
    if not cases:
        raise SuiteError(f"{folder}: no session files")
    return [c for c in cases if held_out is None or c.held_out == held_out]
