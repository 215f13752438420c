"""What one turn says, for the step machine: its answer kind, and the slots it fills.

Two readers give the same shape. The rules (answer_kinds + extractors) always run and are
the embedded default. A capable LLM (llm.backend: openai, see openai_understanding.py) may
read the turn instead; whatever it returns is checked here, and anything unusable falls
back to the rules, so the session never depends on the model being right or reachable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol as TypingProtocol

from . import answer_kinds
from .extractors import COVERS, EXTRACTORS, ratings_about
from .key_phrase import content_words, key_phrase

RATING_KINDS = {"rating", "mood"}


@dataclass(frozen=True)
class TurnQuestion:
    """What the reader needs to know: the question just asked and the slots still open."""

    goal: str  # the current step's goal
    asked: dict[str, str]  # slot -> extractor kind, of the step just asked
    open: dict[str, str]  # every other slot still open this session -> extractor kind
    ahead: dict[str, str] = field(default_factory=dict)  # the next step's, when this one asks only yes or a number


@dataclass(frozen=True)
class Understanding:
    kind: str
    asked: dict[str, str] = field(default_factory=dict)  # slots of the question asked, answered
    offered: dict[str, str] = field(default_factory=dict)  # other open slots the turn also filled
    ratings: dict[str, str] = field(default_factory=dict)  # numbers said about something: {"anxiety": "8"}
    acknowledgement: str | None = None  # an LLM's short reflection of the turn; the guard checks it
    source: str = "rules"


class Understander(TypingProtocol):
    def understand(self, text: str, question: TurnQuestion) -> Understanding | None: ...


def read_by_rules(text: str, question: TurnQuestion) -> Understanding:
    kind = answer_kinds.classify(text)
    if kind == answer_kinds.OFF_TASK:
        return Understanding(kind)
    cued = _cued(text, question)
    asked: dict[str, str] = {}
    if kind in (answer_kinds.ANSWER, answer_kinds.YES, answer_kinds.NO, answer_kinds.DONT_KNOW,
                answer_kinds.NEW_CONCERN):
        for name, extractor in question.asked.items():
            if extractor in EXTRACTORS and (kind != answer_kinds.DONT_KNOW or extractor == "risk_yes_no"):
                own = EXTRACTORS[extractor].offered(text)
                if own is None and cued and extractor not in ("rating", "mood", "yes_no", "risk_yes_no", "balanced_thought"):
                    continue  # a body, a feeling, a need said in answer to something else: it fills its own slot
                value = own or EXTRACTORS[extractor].asked(text)
                if value is not None:
                    asked[name] = value
    if kind == answer_kinds.ANSWER and len(content_words(text)) >= 5:
        # "Yes, that fits. Last time my voice shook": the answer to the next question, given early.
        for name, extractor in question.ahead.items():
            value = EXTRACTORS[extractor].asked(text) if extractor in EXTRACTORS else None
            if value is not None and value not in asked.values():
                asked[name] = value
    offered: dict[str, str] = {}
    for name, extractor in question.open.items():
        if name in asked or extractor not in EXTRACTORS:
            continue
        if asked and extractor in ("thought", "topic"):
            continue  # the words answered the question asked; "I'm an idiot" inside a balanced thought is not a new one
        value = EXTRACTORS[extractor].offered(text)
        if value is not None and value not in offered.values() and value not in asked.values():
            offered[name] = value
    return Understanding(kind, asked, offered, ratings_about(text))


def _cued(text: str, question: TurnQuestion) -> bool:
    """Whether the heart of the turn is another slot's content (a body sensation, a feeling, a need...)."""
    asked_kinds = set(question.asked.values())
    asked_kinds |= {k for kind in list(asked_kinds) for k in COVERS.get(kind, ())}
    heart = set(content_words(key_phrase(text)))
    for kind in {*question.open.values()} - asked_kinds:
        if kind in EXTRACTORS and kind not in ("topic", "thought"):
            value = EXTRACTORS[kind].offered(text)
            if value is not None and heart and len(heart & set(content_words(value))) >= 0.6 * len(heart):
                return True
    return False


def checked(reading: dict, question: TurnQuestion) -> Understanding | None:
    """An LLM's reading as an Understanding, or None when any part of it is unusable."""
    if not isinstance(reading, dict) or reading.get("kind") not in answer_kinds.KINDS:
        return None
    slots = reading.get("slots") or {}
    if not isinstance(slots, dict):
        return None
    asked, offered = {}, {}
    for name, value in slots.items():
        if value is None or value == "":
            continue
        kind = question.asked.get(name) or question.open.get(name) or question.ahead.get(name)
        if kind is None or not isinstance(value, str) or len(value.split()) > 25:
            return None  # a slot nobody asked about, or a whole speech pasted in: not to be trusted
        if kind in RATING_KINDS and not (value.isdigit() and 0 <= int(value) <= 10):
            return None
        if kind in ("yes_no", "risk_yes_no") and value not in ("yes", "no"):
            return None
        (offered if name in question.open else asked)[name] = value.strip()
    ack = reading.get("acknowledgement")
    return Understanding(reading["kind"], asked, offered, {}, ack if isinstance(ack, str) and ack.strip() else None,
                         source="llm")
