"""The shape of protocols/safety/crisis_exemplars.yaml, checked when it is loaded.

Every level needs its exemplars: a level with none would silently never be found by the
models. A broken file stops start-up with the file, the line and the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..dialogue.protocol import ProtocolError, read_yaml, validated
from .levels import LEVELS, SEPARATE

Level = Literal[(*LEVELS, *SEPARATE)]
Text = Annotated[str, Field(min_length=1)]


class CrisisExemplars(BaseModel):
    model_config = ConfigDict(extra="forbid")
    levels: dict[Level, Annotated[list[Text], Field(min_length=1)]]

    @model_validator(mode="after")
    def _every_level(self) -> "CrisisExemplars":
        missing = [level for level in (*LEVELS, *SEPARATE) if level not in self.levels]
        if missing:
            raise ValueError(f"levels without exemplars: {', '.join(missing)}")
        return self


def load_crisis_exemplars(path: Path) -> dict[str, list[str]]:
    text, data = read_yaml(path, "a crisis exemplar file")
    if not isinstance(data, dict):
        raise ProtocolError(f"{path}, line 1: a crisis exemplar file must be a mapping with levels")
    return dict(validated(path, text, data, CrisisExemplars).levels)
