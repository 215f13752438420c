"""The Hyperscan prefilter may only make the lexicon faster: its answers must be `re`'s."""

import json
import re
from pathlib import Path

import pytest

from voice_therapist.safety import lexicon, pattern_set
from voice_therapist.safety.detector import exemplars
from voice_therapist.safety.pattern_set import PatternSet

DATA = Path(__file__).parent / "data"
ALL_PATTERNS = [*lexicon._IDIOMS, *(p for patterns in lexicon._COMPILED.values() for p in patterns)]


def _every_crisis_line() -> list[str]:
    lines = [json.loads(line)["text"] for path in sorted(DATA.glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines + [text for texts in exemplars().values() for text in texts]


def test_the_prefilter_is_in_use():
    """Without it every pattern runs on every utterance: a 5 ms budget the crisis check misses."""
    assert pattern_set.hyperscan is not None
    assert PatternSet(ALL_PATTERNS)._database is not None


def test_the_prefilter_finds_exactly_what_re_finds_on_every_line_we_have():
    prefiltered = PatternSet(ALL_PATTERNS)
    plain = PatternSet(ALL_PATTERNS)
    plain._database = None
    lines = _every_crisis_line()
    assert len(lines) > 8000
    differing = [text for text in lines for lowered in [text.lower().replace("’", "'")]
                 if prefiltered.matching(lowered) != plain.matching(lowered)]
    assert differing == []


@pytest.mark.parametrize("text,level", [
    ("i'm going to kill myself tonight", "imminent"),
    ("I’ve been saving up my pills", "plan"),  # a typographic apostrophe
    ("je veux mourir, i want to die, café", "passive"),  # not ASCII: every pattern runs
])
def test_risk_is_found_through_either_path(text, level):
    assert level in {hit.level for hit in lexicon.scan(text)}


def test_a_pattern_hyperscan_cannot_take_leaves_the_set_correct_and_unfiltered():
    patterns = [re.compile(r"\bdie\b"), re.compile("caf\u00e9 (?:noir|au lait)")]  # not ASCII: cannot be encoded
    patterns_set = PatternSet(patterns)
    assert patterns_set._database is None
    assert patterns_set.matching("i want to die") == [0]
    assert patterns_set.matching("un caf\u00e9 noir") == [1]


@pytest.mark.parametrize("pattern,part", [
    (r"^(?=.*\bpills\b)(?=.*\btonight\b)", r".*\bpills\b"),
    (r"^(?=.*\b(?:rope|belt)\b(?: is)? (?:up|ready))(?=.*\bme\b)", r".*\b(?:rope|belt)\b(?: is)? (?:up|ready)"),
    (r"^(?=.*[)(|\]])(?=.*b)", r".*[)(|\]]"),  # brackets and bars inside a class
    (r"^(?=.*[]x])(?=.*b)", r".*[]x]"),
    # An alternative outside the look-aheads matches without them: the whole pattern is kept.
    (r"^(?=.*\bcharcoal\b)(?=.*\btape\b)|\bhose\b.*\bexhaust\b", r"^(?=.*\bcharcoal\b)(?=.*\btape\b)|\bhose\b.*\bexhaust\b"),
    (r"\bdie\b", r"\bdie\b"),
    (r"^(?=.*unclosed", r"^(?=.*unclosed"),
])
def test_a_conjunction_of_look_aheads_is_prefiltered_by_its_first_one(pattern, part):
    assert pattern_set.necessary_part(pattern) == part


def test_the_lexicon_s_look_ahead_patterns_are_not_confirmed_on_every_utterance():
    """They were approximated as matching anything: ~50 `re` searches per utterance, ~0.1 ms of each check."""
    named: set[int] = set()
    lexicon._PATTERNS._database.scan(b"my wife and i keep fighting about money", match_event_handler=lambda i, *_: named.add(i))
    assert len(named) < 5
