"""Do the words heard so far read as a finished thought? ("I just feel..." does not.)"""

from __future__ import annotations

import re
from typing import Literal

WordsCue = Literal["finished", "open", "unfinished", "unknown"]

# A sentence seldom ends on these: a conjunction, a filler, an article, a preposition, a subject.
# (Words that often do end one, "that", "so", "really", "feel", "do", are left out on purpose.)
CONTINUING = frozenset("""
and but because cause cos or like than
the a an my your his her our their every
to of with for from into onto at
i i'm im we they he she it's there's
just very kind sort um uh er erm
""".split())
# A sentence may end on these, but often goes on ("My manager said... that"): no evidence either way.
OPEN = frozenset("""
said told think thought feel felt wish want wanted need needed guess mean
is was are were am be been could would should can will so that then
also even still about in on get got go going keep kept trying thinking feeling wondering maybe this
""".split())
SUBORDINATORS = frozenset("when if although though while whenever unless".split())
TRAILING_OFF = re.compile(r"(\.\.\.|…|,|;|:|-|—)\s*$")
FINAL_PUNCTUATION = re.compile(r"[.?!]\s*$")
WORD = re.compile(r"[a-z']+")


def judge_words(text: str) -> WordsCue:
    """Whisper's punctuation and the last word: a trailing "and" or "..." means more is coming."""
    text = text.strip().lower()
    words = WORD.findall(text)
    if not words:
        return "unknown"
    if TRAILING_OFF.search(text) or words[-1] in CONTINUING:
        return "unfinished"
    # "When I get home." is a subordinate clause alone: its main clause is still to come.
    if words[0] in SUBORDINATORS and "," not in text and len(words) <= 8:
        return "unfinished"
    if words[-1] in OPEN:
        return "open"
    return "finished" if FINAL_PUNCTUATION.search(text) else "unknown"
