"""Which of many regular expressions match a text: Hyperscan narrows them, Python's `re` decides.

The crisis lexicon runs all its patterns and idioms on every utterance, and one `re.search`
each took 0.6 ms at the 95th percentile, an eighth of the crisis check's 5 ms. Hyperscan compiles all of
them into one automaton that reads the text once. In its prefilter mode it approximates what it
cannot express (look-arounds), so it may name a pattern that does not match but never misses
one that does; each pattern it names is confirmed by `re`. The answer is always `re`'s: without
Hyperscan installed, or for text that is not ASCII (where `\\w` and `\\b` differ between the
two), every pattern runs as before.

A pattern that is a conjunction of look-aheads (`^(?=.*A)(?=.*B)`) is approximated as matching
everything, so its first look-ahead's body (`.*A`), which must match wherever the pattern does,
is what Hyperscan reads instead: a quarter of the lexicon's patterns are of this kind, and each
was confirmed by `re` on every utterance.
"""

from __future__ import annotations

import logging
import re
import threading

log = logging.getLogger(__name__)

try:
    import hyperscan
except ImportError:  # not built for every platform; `re` alone gives the same answers
    hyperscan = None


class PatternSet:
    def __init__(self, patterns: list[re.Pattern]):
        self.patterns = patterns
        self._database = _prefilter(patterns) if hyperscan is not None else None
        self._scratch = threading.local()  # Hyperscan's working memory; sessions scan from several threads

    def matching(self, text: str) -> list[int]:
        """Indices, in order, of the patterns that `re.search` finds in `text`."""
        if self._database is None or not text.isascii():
            candidates = range(len(self.patterns))
        else:
            named: set[int] = set()
            scratch = getattr(self._scratch, "space", None)
            if scratch is None:
                scratch = self._scratch.space = hyperscan.Scratch(self._database)
            self._database.scan(text.encode("ascii"), match_event_handler=lambda index, *_: named.add(index),
                                scratch=scratch)
            candidates = sorted(named)
        return [i for i in candidates if self.patterns[i].search(text)]

    def any_match(self, text: str) -> bool:
        return bool(self.matching(text))


def _prefilter(patterns: list[re.Pattern]):
    if not patterns:
        return None
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_SINGLEMATCH
    database = hyperscan.Database()
    try:
        database.compile(expressions=[necessary_part(p.pattern).encode("ascii") for p in patterns],
                         ids=list(range(len(patterns))),
                         elements=len(patterns),
                         flags=[flags | (hyperscan.HS_FLAG_CASELESS if p.flags & re.IGNORECASE else 0) for p in patterns])
    except (hyperscan.error, UnicodeEncodeError) as exc:
        # Correct either way, only slower: say so once rather than fail the safety stage.
        log.warning("crisis patterns run without the Hyperscan prefilter: %s", type(exc).__name__)
        return None
    return database


def necessary_part(pattern: str) -> str:
    """What must match wherever `pattern` does: the body of a leading `^(?=...)` when nothing
    outside the groups offers an alternative (`^(?=.*a)(?=.*b)|c` matches "c" alone), else the pattern."""
    if not pattern.startswith("^(?="):
        return pattern
    first_end = None
    depth, in_class, i = 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += pattern.startswith("^", i + 1)
            i += pattern.startswith("]", i + 1)  # "[]...]", "[^]...]": a literal bracket, not the end
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0 and first_end is None:
                first_end = i
        elif char == "|" and depth == 0:
            return pattern
        i += 1
    if first_end is None or depth != 0 or in_class:
        return pattern  # malformed: let the compiler say what is wrong with it
    return pattern[len("^(?="):first_end]
