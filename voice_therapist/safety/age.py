"""Whether the user says they are under 18: the assistant is for adults only.

Only a plain statement about the speaker counts ("I'm 15", "I'm in year 10", "I'm a
minor"); a past age ("when I was 15") or a number of something else ("I'm 15 minutes
late") does not.
"""

from __future__ import annotations

import re

_AGE = (r"(?:1[0-7]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)")
_PATTERNS = [
    # "I'm 15", "I am only sixteen years old", "im 14 and", "I'm 17, and"
    rf"\b(?:i'm|i am|im)\s+(?:only\s+|just\s+)?{_AGE}(?:\s+years?\s+old|\s*y/?o)?(?=\s*(?:$|[.,!?;]|and\b|but\b|so\b|now\b))",
    rf"\b(?:i'm|i am|im)\s+(?:only\s+|just\s+)?{_AGE}\s+years?\s+old\b",
    r"\b(?:i'm|i am|im)\s+(?:a\s+minor|under\s*(?:18|eighteen)|not\s+(?:18|eighteen)\s+yet)\b",
    r"\b(?:i'm|i am|im)\s+in\s+year\s+(?:[5-9]|1[0-2]|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    r"\b(?:i'm|i am|im)\s+in\s+(?:[5-9]th|1[01]th|fifth|sixth|seventh|eighth|ninth|tenth|eleventh)\s+grade\b",
    r"\bmy\s+(?:1[0-7]|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)(?:th)?\s+birthday\s+(?:is|was)\s+(?:next|last|this)\b",
]
_COMPILED = [re.compile(p, re.I) for p in _PATTERNS]


def says_under_18(text: str) -> bool:
    lowered = text.lower().replace("’", "'")
    return any(p.search(lowered) for p in _COMPILED)
