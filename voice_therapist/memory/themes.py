"""Recurring themes, named by a small reviewed lexicon over what the user chose to work on."""

from __future__ import annotations

import re

THEMES = {
    "work": r"\b(work|job|boss|manager|colleague|office|career|deadline|shift)s?\b",
    "sleep": r"\b(sleep|insomnia|awake|tired|exhausted|night)\b",
    "relationship": r"\b(partner|husband|wife|boyfriend|girlfriend|marriage|relationship|break ?up|divorce|dating)\b",
    "family": r"\b(mum|mom|mother|dad|father|parents?|sister|brother|son|daughter|kids?|children|family)\b",
    "study": r"\b(exam|school|study|studies|university|college|class|grade|homework)s?\b",
    "health": r"\b(health|ill|illness|pain|doctor|hospital|body|sick)\b",
    "money": r"\b(money|debt|rent|bills?|pay|afford|finances?)\b",
    "loneliness": r"\b(lonely|alone|isolated|no friends|nobody)\b",
    "self-worth": r"\b(failure|useless|worthless|not good enough|stupid|hate myself)\b",
    "anxiety": r"\b(anxious|anxiety|worry|worried|panic|nervous|scared)\b",
}
_COMPILED = {name: re.compile(p, re.I) for name, p in THEMES.items()}


def themes_of(text: str) -> list[str]:
    return [name for name, pattern in _COMPILED.items() if pattern.search(text or "")]
