"""The reviewed lines a phone call speaks about PINs (protocols/phone/pin_entry.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..resources import data_path

PIN_LINES_FILE = data_path("protocols", "phone", "pin_entry.yaml")


class PinLines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    prompt: str = Field(min_length=1)
    accepted: str = Field(min_length=1)
    wrong: str = Field(min_length=1)
    no_more_tries: str = Field(min_length=1)


def load_pin_lines(path: Path = PIN_LINES_FILE) -> PinLines:
    """The lines, checked at start-up; a ValueError names the file and the key at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PinLines.model_validate(data)
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the PIN lines: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}" for err in exc.errors())
        raise ValueError(f"{path}: {problems}") from exc
