"""The key phrase of an utterance: the short clause worth quoting back, never the whole turn.

"In my chest, like a tight cold feeling, I've had it since I was a kid" holds two things;
a template that pastes all of it stops being a sentence. We keep the clause that carries
the most content, without fillers, capped in length, so it fits inside a reviewed line.
"""

from __future__ import annotations

import re

MAX_WORDS = 12
_FILLER = re.compile(
    r"^(?:(?:so|well|um+|uh+|er+|like|yeah|yes|yep|no|nah|okay|ok|oh|hmm+|honestly|actually|basically|i mean|"
    r"i guess|i think|i suppose|you know|and|but|then|hi|hello|hey|sorry|right|sure|probably|maybe|just)[,.]?\s+)+",
    re.I)
# Where one clause ends and the next begins, in speech that has few full stops.
_CLAUSE = re.compile(r"\s*([.!?;:]+|,|\s-\s|\bbut\b|\bbecause\b|\bcause\b|\bso that\b|\band then\b|\band\b(?= i\b))\s*",
                     re.I)
_STOP = set("""a an the and or but if so to of in on at for with about from by is are was were be been am i you he she
it we they me my your our their this that these those what how why when where who do does did have has had not no yes
just really very can could would should will may might there here then than too also like um uh yeah okay kind sort
thing things feel feeling get got it's i'm i've don't know mean guess think""".split())
_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "am": "are", "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "im": "you're",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves", "we're": "you're",
    "you": "I", "your": "my", "yours": "mine", "yourself": "myself", "you're": "I'm", "was": "was",
}


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 2 and w not in _STOP]


def clauses(text: str) -> list[str]:
    pieces = _CLAUSE.split(text or "")
    merged: list[str] = []
    for i in range(0, len(pieces), 2):
        delimiter = pieces[i - 1].lower() if i else ""
        if delimiter == "and" and merged and len(merged[-1].split()) < 3:
            merged[-1] = f"{merged[-1]} and {pieces[i]}"  # "my partner and I keep fighting" is one clause
        else:
            merged.append(pieces[i])
    parts = [_FILLER.sub("", p.strip()).strip(" ,.;:!?-") for p in merged]
    return [p for p in parts if p]


def tidy(text: str, max_words: int = MAX_WORDS) -> str:
    """Fillers off the front, punctuation off the end, at most `max_words` words."""
    cleaned = _FILLER.sub("", (text or "").strip()).strip().rstrip(".!?,;: ")
    words = cleaned.split()
    if len(words) > max_words:
        words = words[:max_words]
        while words and words[-1].lower() in _STOP - {"i", "me", "you", "it"}:
            words.pop()  # "... because of the" reads as cut off; stop on a content word
    return " ".join(words)


def without_echo(text: str) -> str:
    """An answer without the question echoed before it: "How much do I believe it? Ninety percent"."""
    parts = re.split(r"(?<=\?)\s+", (text or "").strip(), maxsplit=1)
    return parts[1] if len(parts) == 2 and len(parts[0].split()) <= 8 else text


def key_phrase(text: str, max_words: int = MAX_WORDS) -> str:
    """The clause with the most content words (the first on a tie), tidied."""
    parts = clauses(without_echo(text))
    if not parts:
        return ""
    best = max(parts, key=lambda p: (len(content_words(p)), -parts.index(p)))
    return tidy(best, max_words)


def towards_you(phrase: str) -> str:
    """Pronouns turned to the listener: "my chest feels tight" -> "your chest feels tight"."""
    out = []
    previous = ""
    for word in phrase.split():
        core = word.lower().strip(",;:")
        tail = word[len(word.rstrip(",;:")):]
        if previous == "i" and core in ("was", "wasn't"):
            out.append({"was": "were", "wasn't": "weren't"}[core] + tail)  # "I was" -> "you were"
        else:
            out.append(_SWAPS[core] + tail if core in _SWAPS else word)
        previous = core
    if out and out[0] != "I":
        out[0] = out[0][:1].lower() + out[0][1:]
    return " ".join(out)


def is_whole(value: str, utterance: str) -> bool:
    """Whether a kept value is the whole of a long utterance rather than a phrase of it."""
    said = tidy(utterance, 1000).split()
    return len(said) > 10 and len(value.split()) >= 0.9 * len(said)
