"""The scripted safety replies, filled in with the crisis resources for the user's locale."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..resources import data_path

RESPONSES_FILE = data_path("protocols", "safety", "responses.yaml")
RESOURCES_FILE = data_path("config", "crisis_resources.yaml")
REQUIRED_KEYS = ("crisis_line", "emergency", "youth_line", "abuse_line", "transfer_number")


class SafetyScriptError(ValueError):
    pass


class SafetyScripts:
    def __init__(self, locale: str = "", responses: Path = RESPONSES_FILE, resources: Path = RESOURCES_FILE):
        self.responses = yaml.safe_load(responses.read_text(encoding="utf-8"))
        table = yaml.safe_load(resources.read_text(encoding="utf-8"))
        chosen = locale or table["default_locale"]
        if chosen not in table["locales"]:
            raise SafetyScriptError(f"{resources}: no crisis resources for locale {chosen!r}")
        self.locale = chosen
        self.resources = table["locales"][chosen]
        missing = [k for k in REQUIRED_KEYS if k not in self.resources]
        if missing:
            raise SafetyScriptError(f"{resources}: locale {chosen} lacks {', '.join(missing)}")

    def reply(self, level: str) -> str | None:
        """The scripted reply for a level, or None when the session goes on as normal."""
        template = self.responses.get(level)
        return template.format(**self.resources) if template else None
