"""Checks every sentence the assistant is about to say. A sentence that fails is not spoken."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCES = 3
MAX_WORDS = 45  # in one sentence
MAX_REPLY_WORDS = 35  # in the whole spoken reply: about 12 seconds of speech

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("diagnosis", re.compile(r"\b(diagnos\w*|you (have|suffer from|are suffering from) (a |an )?(clinical |major )?"
                             r"(depression|anxiety disorder|bipolar|ptsd|adhd|ocd|schizophreni\w*|borderline|disorder))\b", re.I)),
    ("medication", re.compile(r"\b(medication|medicine|antidepressant\w*|ssri\w*|prozac|zoloft|xanax|sertraline|"
                              r"fluoxetine|benzodiazepine\w*|lithium|dosage|dose|\d+\s?mg|milligrams?|prescri\w*|pills? to take)\b", re.I)),
    ("promise", re.compile(r"\b(i promise|i guarantee|guaranteed|i will (call|contact|visit|always)|i'll (call|contact|always)|"
                           r"everything will be (fine|ok|okay)|you will definitely)\b", re.I)),
    ("role_text", re.compile(r"(<\|?|\|>|\b(user|assistant|system)\s*:|as an ai|language model|http\S*|www\.)", re.I)),
    ("method", re.compile(r"\b(overdose|lethal|how (much|many) .* (kill|die)|ways to (die|kill))\b", re.I)),
    ("refusal", re.compile(r"\b(i'?m sorry,? but|i('m| am) (unable|not able)|i (can't|cannot) (help|respond|assist)|"
                           r"unable to (help|respond|assist))\b", re.I)),
    ("meta", re.compile(r"\b(misunderstanding|confusion|as i (mentioned|said)|in (a|my|the|your) (post|article|message|question)|"
                        r"you('re| are) right,? i|about me\b)", re.I)),
]
_CHEERFUL = re.compile(r"\b((glad|good|great|happy|wonderful) to hear|(that|it)'?s (a |so )?(great|wonderful|awesome|fantastic)|"
                       r"congratulations)\b", re.I)
_DISTRESS = re.compile(r"\b(stress\w*|tired|exhausted|sad|lonely|alone|fail\w*|anxious|worr\w*|scared|afraid|hurt\w*|"
                       r"overwhelm\w*|hopeless|angry|upset|awful|terrible|bad|hard|rough|cry\w*|can't|cannot|lost|pil\w+ on)\b", re.I)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def check_sentence(sentence: str, already_spoken: int, words_spoken: int = 0) -> Verdict:
    words = sentence.split()
    if len(words) < 2 or not re.search(r"[A-Za-z]{2,}", sentence):
        return Verdict(False, "empty")
    if already_spoken >= MAX_SENTENCES or words_spoken + len(words) > MAX_REPLY_WORDS:
        return Verdict(False, "too_long")
    if len(words) > MAX_WORDS:
        return Verdict(False, "sentence_too_long")
    for name, pattern in _RULES:
        if pattern.search(sentence):
            return Verdict(False, name)
    if sum(ch.isascii() for ch in sentence) < 0.95 * len(sentence):
        return Verdict(False, "not_speakable")
    return Verdict(True)


RELEVANCE_FLOOR = 0.3  # cosine to the user's words or the step's line; nonsense measured <= 0.23
_ACKNOWLEDGEMENT = re.compile(r"^(i'?m (so |really )?sorry|that sounds|i hear you|thank you for|it makes sense|that must be|"
                              r"i can hear|i understand)\b", re.I)


def is_acknowledgement(text: str) -> bool:
    """A short empathic opener, fine before the step's work even though it names nothing."""
    return len(text.split()) <= 12 and bool(_ACKNOWLEDGEMENT.match(text.strip()))


def repeats(text: str, said: list[str]) -> bool:
    words = set(_content_words(text)) or set(text.lower().split())
    for earlier in said:
        other = set(_content_words(earlier)) or set(earlier.lower().split())
        if words and len(words & other) >= 0.8 * len(words):
            return True
    return False


def fits_the_mood(text: str, user_text: str) -> Verdict:
    """No cheerfulness at someone's distress ("glad to hear that" to "I feel like I'm failing")."""
    if _CHEERFUL.search(text) and _DISTRESS.search(user_text):
        return Verdict(False, "tone")
    return Verdict(True)


def serves_step(text: str, user_text: str, scripted_line: str) -> Verdict:
    """A reply must connect to what the user said or to the step's own line."""
    anchors = _content_words(user_text) | _content_words(scripted_line)
    if _content_words(text) & anchors or text.rstrip().endswith("?"):
        return Verdict(True)
    return Verdict(False, "off_step")


_STOP = set("""a an the and or but if so to of in on at for with about from by is are was were be been am i you he
she it we they me my your our their this that these those what how why when where who do does did have has had
not no yes just really very can could would should will shall may might there here then than too also""".split())


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", text.lower()) if len(w) > 2 and w not in _STOP}
