"""Risk levels, ordered, modelled on the Columbia screener."""

from __future__ import annotations

LEVELS = ("none", "watch", "passive", "active", "plan", "imminent")
SEPARATE = ("harm_others", "abuse")  # their own paths, not points on the suicide scale
AT_RISK = LEVELS[LEVELS.index("passive"):]  # a wish to be dead and up: the crisis path


def rank(level: str) -> int:
    """Position on the suicide-risk scale; the separate paths rank with `active`."""
    return LEVELS.index(level) if level in LEVELS else LEVELS.index("active")


def at_least(level: str, floor: str) -> bool:
    return rank(level) >= rank(floor)
