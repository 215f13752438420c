"""Fill a step's slots from what the user said. Each extractor is named in the protocol files.

Rules and small classifiers, not the LLM: a 135M model cannot be trusted to extract, and a
slot that holds the user's own words is exactly what the session should reflect back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..safety.screener import answers_question

_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
_FILLER = re.compile(r"^(?:(?:so|well|um+|uh+|like|yeah|okay|ok|hmm+|i mean|i guess|i think)[,.]?\s+)+", re.I)
_YES = re.compile(r"\b(yes|yeah|yep|yup|right|exactly|it does|that fits|true|(?<!not )sure|definitely|kind of|i think so)\b", re.I)
_NO = re.compile(r"\b(no|nope|not really|doesn't|does not|don't think|not quite|wrong)\b", re.I)
# A balanced thought holds the hard part too; these mark a claim that only reassures.
_ONLY_POSITIVE = re.compile(
    r"\b(everything (will|is going to) be (fine|ok|okay|perfect|great)|nothing (bad )?will (go wrong|happen)|"
    r"i('m| am) (perfect|the best|always right)|never (fail|make mistakes)|everyone (loves|likes) me|"
    r"it doesn't matter at all|i don't care at all)\b", re.I)
_BALANCE = re.compile(
    r"\b(even if|even though|but|although|sometimes|might|may|can|could|it's possible|possible|not always|"
    r"one (mistake|bad)|doesn't mean|does not mean|i'm learning|i am learning|still|also|and yet|at least|"
    r"some|usually|not the end)\b", re.I)


def clean_utterance(text: str) -> str:
    """The user's words, without leading fillers and trailing punctuation: fit to quote back."""
    return _FILLER.sub("", text.strip()).strip().rstrip(".!?,;: ")


def rating(text: str) -> str | None:
    """A number from zero to ten ("about a six", "7 out of 10", "six or seven" -> "6")."""
    for token in re.findall(r"\d+(?:\.\d+)?|[a-z]+", text.lower()):
        value = _NUMBERS.get(token)
        if value is None and re.fullmatch(r"\d+(?:\.\d+)?", token):
            value = round(float(token))
        if value is not None and 0 <= value <= 10:
            return str(value)
    return None


def yes_no(text: str) -> str | None:
    no, yes = _NO.search(text), _YES.search(text)
    if no and not (yes and yes.start() < no.start()):
        return "no"
    return "yes" if yes else None


def utterance(text: str) -> str | None:
    cleaned = clean_utterance(text)
    return cleaned if len(cleaned.split()) >= 1 else None


def balanced_thought(text: str) -> str | None:
    """Realistic, not just positive: refuses pure reassurance, wants some nuance."""
    cleaned = clean_utterance(text)
    if len(cleaned.split()) < 4 or _ONLY_POSITIVE.search(cleaned):
        return None
    return cleaned if _BALANCE.search(cleaned) else None


SIMPLE: dict[str, Callable[[str], str | None]] = {
    "utterance": utterance,
    "rating": rating,
    "yes_no": yes_no,
    "risk_yes_no": answers_question,  # a hedge ("sometimes", "I don't know") is a yes; a yes to something else is not
    "balanced_thought": balanced_thought,
}
