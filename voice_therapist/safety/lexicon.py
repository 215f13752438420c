"""The first, inspectable layer of crisis detection: patterns written by the project.

Patterns tolerate common speech-recognition splits ("kill my self", "suicide all").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SELF = r"(?:my ?self|me)"

PATTERNS: dict[str, list[str]] = {
    "imminent": [
        rf"\b(?:going to|gonna|about to|ready to) (?:kill {SELF}|end (?:it|my life)|jump|take (?:them|the pills|all))\b.*\b(?:now|tonight|right now)\b",
        r"\b(?:i(?:'ve| have) (?:already )?(?:taken|swallowed)) (?:all|a lot of|too many|the whole)\b",
        r"\b(?:standing|sitting) on (?:the|a) (?:edge|ledge|bridge|roof)\b",
        r"\bthis is (?:goodbye|my last)\b",
    ],
    "plan": [
        r"\b(?:i have|i've got|got) (?:a|the) (?:plan|rope|gun|pills saved)\b",
        r"\b(?:how many|how much) (?:of )?(?:my |these |the )?(?:sleeping )?(?:pills|tablets|paracetamol)\b.*\b(?:too many|enough|kill|die|lethal)\b",
        r"\bwhat (?:bridges?|buildings?|heights?)\b.*\b(?:higher|high|tall)\b",
        r"\b(?:wrote|written|writing) (?:a|my) (?:suicide |goodbye )?(?:note|letter)s?\b.*\b(?:family|goodbye|everyone)\b",
        r"\b(?:giving|gave) away my (?:things|stuff|belongings)\b",
        r"\b(?:tried|attempted) to (?:kill {self}|end (?:it|my life))\b".replace("{self}", SELF),
        r"\b(?:i'm|i am) (?:cutting|hurting) (?:myself|my self)\b",
    ],
    "active": [
        rf"\b(?:kill(?:ing)? {SELF}|end(?:ing)? my (?:own )?life|take my (?:own )?life|suicid\w*|suicide all)\b",
        rf"\b(?:hurt|harm|cut)(?:ing)? {SELF}\b",
        r"\bself[- ]?harm\w*\b",
    ],
    "passive": [
        r"\b(?:wish|want|wanted|wanting) (?:i was|i were|to be) dead\b",
        r"\b(?:wish|hope) i (?:wouldn't|would not|didn't|did not|won't|don't) wake up\b",
        r"\b(?:not|never) (?:to )?wake up\b",
        r"\b(?:don't|do not) want to (?:be here|live|exist|be alive)(?: anymore| any more)?\b",
        r"\bbetter off (?:dead|without me)\b",
        r"\bno reason to (?:live|go on)\b",
        r"\b(?:want|wanted) (?:it all )?to (?:end|stop existing|disappear forever)\b",
    ],
    "harm_others": [
        r"\b(?:going to|gonna|want to|will) (?:kill|hurt|stab|shoot) (?:him|her|them|my \w+)\b",
    ],
    "abuse": [
        r"\b(?:he|she|they|my (?:partner|husband|wife|boyfriend|girlfriend|dad|father|mum|mom|mother)) "
        r"(?:hits|hit|beats|beat|chokes|choked|threatens|threatened|hurts) me\b",
        r"\b(?:i'm|i am) (?:scared|afraid) (?:of|for my life)\b.*\b(?:partner|husband|wife|boyfriend|girlfriend|home)\b",
    ],
    "watch": [
        r"\b(?:hopeless|no hope|pointless|no point|no future|can't go on|cannot go on)\b",
        r"\b(?:a |such a )?burden (?:to|on) (?:everyone|my family|them|people)\b",
        r"\bused to (?:think about|want to) (?:dying|die|kill)\w*\b",
    ],
}

# Figures of speech that use crisis words; checked first, and removed before matching.
IDIOMS = [
    r"\b(?:is|was|are|'s|keeps|kept) killing me\b",
    r"\bdying (?:to|for)\b",
    r"\bdead (?:tired|beat|on|serious|end)\b",
    r"\bkill(?:ing)? (?:time|it)\b(?! now)",
    r"\bi could (?:just )?die of (?:embarrassment|shame)\b",
]

_COMPILED = {level: [re.compile(p, re.I) for p in pats] for level, pats in PATTERNS.items()}
_IDIOMS = [re.compile(p, re.I) for p in IDIOMS]


@dataclass(frozen=True)
class LexiconHit:
    level: str
    pattern: str


def scan(text: str) -> list[LexiconHit]:
    cleaned = text.lower().replace("’", "'")
    for idiom in _IDIOMS:
        cleaned = idiom.sub(" ", cleaned)
    hits = []
    for level, patterns in _COMPILED.items():
        for pattern in patterns:
            if pattern.search(cleaned):
                hits.append(LexiconHit(level, pattern.pattern))
    return hits
