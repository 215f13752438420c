"""The shape of protocols/knowledge/distortions.yaml, checked when it is loaded.

It is clinical content like the protocols, so a broken file fails at start-up the same way:
with the file, the line and the reason (a cue that is not a valid pattern included).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..dialogue.protocol import ProtocolError, read_yaml, validated


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc
    return pattern


Text = Annotated[str, Field(min_length=1)]
Cue = Annotated[str, Field(min_length=1), AfterValidator(_compiles)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Distortion(_Strict):
    title: Text
    description: Text
    spoken_explanation: Text
    question: Text
    cues: list[Cue] = []
    exemplars: list[Text] = Field(min_length=1)


class NoTrap(_Strict):
    exemplars: list[Text] = Field(min_length=1)


class DistortionKnowledge(_Strict):
    distortions: dict[str, Distortion] = Field(min_length=1)
    none: NoTrap
    situations: list[Text] = []


def load_knowledge(path: Path) -> DistortionKnowledge:
    text, data = read_yaml(path, "a knowledge file")
    if not isinstance(data, dict):
        raise ProtocolError(f"{path}, line 1: a knowledge file must be a mapping with distortions and none")
    return validated(path, text, data, DistortionKnowledge)
