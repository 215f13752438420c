"""Turns the user's own words back towards them, so scripted lines stay about what they said."""

from __future__ import annotations

import re

_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "am": "are", "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd",
    "we": "you", "us": "you", "our": "your",
    "you": "I", "your": "my", "yours": "mine", "yourself": "myself", "you're": "I'm",
}
_FILLERS = re.compile(r"^(?:(?:so|well|um+|uh+|like|yeah|okay|ok|and|but|hi|hello|sorry|actually|i mean|anyway)[,.]?\s+)+", re.I)
MAX_WORDS = 18


def reflect(text: str, max_words: int = MAX_WORDS) -> str:
    """The user's last clause with pronouns swapped: "I can't sleep" -> "you can't sleep"."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
    if not sentences:
        return "this has been hard"
    # The longest sentence usually carries the concern; greetings are short.
    sentence = max(sentences, key=lambda s: len(s.split()))
    sentence = _FILLERS.sub("", sentence).strip().rstrip(".!?")
    words = sentence.split()[:max_words]
    swapped = []
    for word in words:
        core = word.lower().strip(",;:")
        tail = word[len(word.rstrip(",;:")):]
        swapped.append(_SWAPS[core] + tail if core in _SWAPS else word)
    if swapped and swapped[0] != "I":
        swapped[0] = swapped[0][:1].lower() + swapped[0][1:]
    return " ".join(swapped) or "this has been hard"
