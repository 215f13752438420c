"""The measures are data: protocols/measures/*.yaml, validated when they are loaded.

Each measure file holds its items, scoring, bands, missing-item rule and licence; the
conversation file holds the lines every measure shares. A broken file fails at start-up with
the file, the line and the reason, as the protocols do.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..dialogue.protocol import PROTOCOL_DIR, ProtocolError, read_yaml, validated

MEASURES_DIR = PROTOCOL_DIR / "measures"
CONVERSATION_FILE = "conversation.yaml"
SCALE_MAX = 3  # every item is answered 0-3: not at all .. nearly every day
LINE_VALUES = {"title", "about", "score", "max_score", "band", "previous", "rise", "skipped", "options"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    say: str = Field(min_length=5)
    safety: bool = False  # any answer above 0 goes to the crisis path, through the screener


class MissingRule(_Strict):
    prorate_up_to: int = Field(ge=0)  # this many skipped items are filled with the mean; more: no score
    rule: str = Field(min_length=20)
    source: str = Field(min_length=10)


class Band(_Strict):
    low: int = Field(ge=0)
    high: int = Field(ge=0)
    name: str
    see_doctor: bool = False


class Measure(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    about: str
    licence: str = Field(min_length=20)
    source: str = Field(min_length=10)
    request_words: list[str] = Field(min_length=1)
    intro: str
    stem: str
    items: list[Item] = Field(min_length=1)
    max_score: int
    missing: MissingRule
    bands: list[Band] = Field(min_length=1)
    rise_to_mention: int = Field(ge=1)
    grounding_first_from: int | None = None  # a last score this high leans the router towards grounding first

    @model_validator(mode="after")
    def _consistent(self) -> "Measure":
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        if self.max_score != SCALE_MAX * len(self.items):
            raise ValueError(f"max_score must be {SCALE_MAX} times the {len(self.items)} items")
        if any(i.safety for i in self.items[:-1]):
            # the screener's end is then the questionnaire's end: nothing is asked after a crisis check
            raise ValueError("a safety item must be the last item")
        if self.missing.prorate_up_to >= len(self.items):
            raise ValueError("prorate_up_to must leave at least one answered item")
        expected = 0
        for band in self.bands:
            if band.low != expected or band.high < band.low:
                raise ValueError(f"bands must cover 0..max_score without gaps; band {band.name!r} starts at "
                                 f"{band.low}, expected {expected}")
            expected = band.high + 1
        if expected != self.max_score + 1:
            raise ValueError(f"the last band must end at max_score ({self.max_score})")
        return self

    def band(self, score: int) -> Band:
        return next(b for b in self.bands if b.low <= score <= b.high)

    def item_line(self, index: int) -> str:
        return f"{self.stem} {self.items[index].say}"


class Conversation(_Strict):
    offer_every_days: float = Field(gt=0)
    scheduled: list[str] = Field(min_length=1)
    options: str
    offer: str
    offer_again: str
    declined: str
    accepted: str
    on_request: str
    next_item: list[str] = Field(min_length=1)
    unclear: str
    skipped: str
    result: str
    result_prorated: str
    see_doctor: str
    no_diagnosis: str
    no_score: str
    rise: str
    after_screener: str
    back_to_questions: str
    finished: str
    pick_up: str


@dataclass(frozen=True)
class Measures:
    conversation: Conversation
    measures: dict[str, Measure]

    def requested(self, text: str) -> list[str]:
        """The measures a request names ("can we do the depression questionnaire?"), in file order."""
        lowered = text.lower().replace("-", " ")
        return [name for name, m in self.measures.items() if any(w in lowered for w in m.request_words)]


def load_measures(directory: Path = MEASURES_DIR) -> Measures:
    path = directory / CONVERSATION_FILE
    text, data = read_yaml(path, "a measures conversation file")
    conversation = validated(path, text, data, Conversation)
    _check_placeholders(path, [v for v in conversation.model_dump().values() if isinstance(v, str)])
    measures: dict[str, Measure] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == CONVERSATION_FILE:
            continue
        text, data = read_yaml(path, "a measure")
        if not isinstance(data, dict):
            raise ProtocolError(f"{path}, line 1: a measure must be a mapping with name, title, items, bands")
        measure = validated(path, text, data, Measure)
        if measure.name in measures:
            raise ProtocolError(f"{path}, line 1: measure name {measure.name!r} is used twice")
        measures[measure.name] = measure
    unknown = [n for n in conversation.scheduled if n not in measures]
    if unknown:
        raise ProtocolError(f"{directory / CONVERSATION_FILE}: scheduled names unknown measure(s): "
                            f"{', '.join(unknown)}")
    return Measures(conversation, measures)


def _check_placeholders(path: Path, templates: list[str]) -> None:
    for template in templates:
        unknown = {f for _, f, _, _ in string.Formatter().parse(template) if f} - LINE_VALUES
        if unknown:
            raise ProtocolError(f"{path}: placeholder {{{sorted(unknown)[0]}}} is not one of "
                                f"{', '.join(sorted(LINE_VALUES))}")
