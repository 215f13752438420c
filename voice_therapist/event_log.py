"""Session events as JSON lines, flushed one by one so a crash loses nothing already said."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class EventLog:
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> "EventLog":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")
        return self

    def write(self, event: dict[str, Any]) -> None:
        self._fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        self._fh.flush()

    def __exit__(self, *exc: object) -> None:
        os.fsync(self._fh.fileno())
        self._fh.close()
