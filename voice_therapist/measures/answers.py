"""What a spoken answer to a questionnaire item means: 0-3, or repeat, skip, or unclear.

Rules, not the LLM: a frequency phrase ("most days", "a couple of times", "pretty much every
day") or a number (an option's number, or a count of days out of the fortnight) gives the
value; a plain denial ("no, not really") gives 0 only when nothing more was said. A phrase
after "not" ("not every day, but most") does not count, and a correction ("most days, actually
no, every day") is read from the correction on. Anything else is unclear, and asked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VALUE, REPEAT, SKIP, UNCLEAR = "value", "repeat", "skip", "unclear"
FORTNIGHT = 14


@dataclass(frozen=True)
class Answer:
    kind: str  # value | repeat | skip | unclear
    value: int | None = None


_REPEAT = re.compile(
    r"\b(?:repeat|say (?:that|it|the question) again|pardon|come again|what was (?:the|that) question|"
    r"(?:didn't|did not|couldn't) (?:catch|hear)|missed (?:that|it)|one more time|(?:read|ask) (?:that|it|that one) again|"
    r"what did you (?:say|ask)|what was that|say again)\b|^\W*(?:sorry|what|huh|eh)\W*(?:what\W*)?$")
_SKIP = re.compile(
    r"\b(?:skip|pass|next question|next one|move on|rather not|prefer not|(?:don't|do not) want to answer|no comment|"
    r"go (?:on )?to the next|leave (?:that|this) one)\b")
_UNSURE = re.compile(
    r"\b(?:(?:don't|do not) know|not sure|unsure|depends|no idea|hard to (?:say|tell)|couldn't say|can't say(?! i)|"
    r"varies|complicated|what do you mean|different every)\b")
_CORRECTION = re.compile(r"\b(?:actually|i mean|or rather|no wait|wait)\b")
# Not answers: the time frame of the question, and filler that names numbers.
_TIME_FRAME = re.compile(
    r"\b(?:(?:in )?the (?:last|past) (?:two|2|couple of|few) weeks|this fortnight|this week and last|"
    r"out of (?:the )?(?:fourteen|14)(?: days)?|(?:two|2) weeks)\b")

_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen".split())}
_NUMBER = r"(?:\d{1,2}|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen)"
_DAYS = re.compile(rf"\b({_NUMBER})(?:\s+or\s+({_NUMBER}))?\s+(days?|times? a week|times? per week|nights?)\b")
_BARE = re.compile(rf"(?<!\bthat )(?<!\bthis )(?<!\bthe )(?<!\bno )(?<!\bevery )(?<!\beach )\b({_NUMBER})\b(?!'s| more| of)")

# Longest and most specific first: a span matched is used up, so "a fair bit" is not also "a bit".
_PHRASES: list[tuple[int, str]] = [
    (1, r"every so often|every now and (?:then|again)|once in a while|from time to time"),
    (0, r"not (?:even )?once|not a (?:single (?:day|time)|bit of it)|not at all|none of (?:the|them)|no days"),
    (3, r"(?:nearly|almost|just about|practically|pretty much|basically|literally) (?:every|each) (?:single )?day"),
    (3, r"(?:every|each) (?:single )?day|each and every day|every waking (?:moment|hour)|day in,? day out|all day long|"
        r"all day|every night|without fail|all (?:of )?the days|all fourteen days|(?:almost |nearly )?all the time|"
        r"constant(?:ly)?|non-? ?stop|always|(?:almost |pretty much )?daily"),
    (2, r"more than half|over half|(?:about|around|roughly) half|half the (?:days|time)|more often than not|"
        r"more days than not|(?:the )?majority|most of (?:the|them)|most days|better part|much of the time|"
        r"more often than i'?d like|too often|a fair bit|quite a (?:bit|lot|few)|a good few|lots|loads|a lot|"
        r"(?:quite |pretty |fairly |very )?(?:often|frequently)|mostly|\bmost\b"),
    (1, r"less than half|not (?:that |very |too |so )?often|not (?:a lot|much|many)|several|some (?:days|of the days|of them)|"
        r"sometimes|(?:a )?few (?:days|times)|a couple|couple of (?:days|times)|a day or two|now and (?:then|again)|"
        r"every now and (?:then|again)|every so often|once in a while|once or twice|occasionally|from time to time|"
        r"here and there|on and off|off and on|a handful|rarely|hardly ever|a (?:little )?bit|a little|twice|once|"
        r"(?:but )?some\b"),
    (0, r"never|nope|nah|none|nothing|zero|"
        r"not really|no\b|(?:haven't|hasn't|have not|has not|wasn't|isn't)|not (?:an issue|a problem|lately|recently|for me|"
        r"in\b|that i|that one|me)|no problems?|(?:don't|do not) think so|wouldn't say so|definitely not|absolutely not|"
        r"not been an? (?:issue|problem)"),
]
_COMPILED = [(value, re.compile(rf"\b(?:{pattern})")) for value, pattern in _PHRASES]
_NEGATED = re.compile(r"\bnot (?:(?:quite|really|exactly|that|very|too|so) )?$")


def normalise(text: str) -> str:
    lowered = text.lower().replace("’", "'").replace("-", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " , ", lowered)).strip()


def read_answer(text: str) -> Answer:
    words = normalise(text)
    plain = re.sub(r" , ", " ", f" {words} ").strip()
    if not plain:
        return Answer(UNCLEAR)
    if _REPEAT.search(plain):
        return Answer(REPEAT)
    if _SKIP.search(plain):
        return Answer(SKIP)
    corrected = _CORRECTION.split(words)
    for part in ([corrected[-1], words] if len(corrected) > 1 else [words]):
        value = _value(part)
        if value is not None:
            return Answer(VALUE, value)
    return Answer(UNCLEAR)


def _value(words: str) -> int | None:
    text = f" {words} "
    days = _days(text)
    text = _TIME_FRAME.sub(" ", _DAYS.sub(" ", text))
    found, rest = _phrases(text)
    bare = [_number(m.group(1)) for m in _BARE.finditer(rest)]
    scale = [n for n in bare if n <= 3]
    if scale:
        return scale[-1]  # the option's number: "I'd say a two"
    if days is None and bare and max(bare) <= FORTNIGHT:
        days = max(bare)  # "about eleven": days out of the fortnight
    if days is not None:
        found.append((len(text), _from_days(days)))
    positive = [(at, v) for at, v in found if v > 0]
    if positive:
        return max(positive)[1]  # the last thing said: people narrow their answer as they go
    if _UNSURE.search(text):
        return None  # "I have no idea" is not a "no"
    return 0 if found else None


def _phrases(text: str) -> tuple[list[tuple[int, int]], str]:
    """(position, value) of every frequency phrase, without those said after "not", and the
    text with them blanked out."""
    found = []
    for value, pattern in _COMPILED:
        for match in pattern.finditer(text):
            negated = value >= 2 and _NEGATED.search(text[:match.start()])
            # "not often" is less than that; "not every day, but most" is said by what follows
            found.append((match.start(), max(1, value - 1) if negated else value))
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return found, text


def _days(text: str) -> int | None:
    counts = []
    for match in _DAYS.finditer(text):
        n = max(_number(g) for g in match.groups()[:2] if g)
        counts.append(n * 2 if "week" in match.group(3) else n)
    return max(counts) if counts else None


def _from_days(days: int) -> int:
    """Days out of the fortnight to the options: 0; several (1-6); more than half (7-11); nearly every day."""
    if days <= 0:
        return 0
    if days <= 6:
        return 1
    return 2 if days <= 11 else 3


def _number(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBERS[token]
