"""The reviewed "mm" and "take your time" said into a long unfinished pause (protocols/turn/)."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..resources import data_path

HOLD_ON_FILE = data_path("protocols", "turn", "hold_on.yaml")
MAX_WORDS = 4  # longer would talk over someone who is about to go on


class HoldOnError(ValueError):
    """The hold-on lines file is missing or malformed; the message says where."""


def load_hold_on(path: Path = HOLD_ON_FILE) -> tuple[str, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HoldOnError(f"{path}: cannot read the hold-on lines: {exc}") from exc
    lines = data.get("lines") if isinstance(data, dict) else None
    if not isinstance(lines, list) or not lines:
        raise HoldOnError(f"{path}: needs `lines:`, a non-empty list of short lines")
    for i, line in enumerate(lines):
        if not isinstance(line, str) or not line.strip() or len(line.split()) > MAX_WORDS:
            raise HoldOnError(f"{path}: lines[{i}] must be a non-empty line of at most {MAX_WORDS} words")
    return tuple(line.strip() for line in lines)


class HoldOn:
    """Hands the lines out in turn, so the same "mm" is not heard every time."""

    def __init__(self, lines: tuple[str, ...]):
        self.lines = lines
        self._said = 0

    def next_line(self) -> str:
        line = self.lines[self._said % len(self.lines)]
        self._said += 1
        return line
