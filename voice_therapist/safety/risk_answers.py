"""Short answers to a question about risk: "Sometimes." after "Have you had thoughts of killing yourself?"

Such an answer says nothing by itself, so the detector reads it with the question the person
heard. A hedge ("maybe", "I don't know", "now and then") counts as yes, as screeners count
it: the next questions find out more. So does a method or a time named instead of "yes"
("Pills.", "Friday."). A plain denial counts as no.
"""

from __future__ import annotations

import re

from .levels import rank

MAX_ANSWER_WORDS = 20  # longer answers say enough to be read on their own words
AFFIRMATION_WITHIN_WORDS = 6  # "honestly... yeah, sometimes" counts; a "yes" deep in other talk does not

_DENIAL = re.compile(
    r"^\W*(?:(?:um+|uh+|er+m?|well|honestly|oh|to be honest|if i'?m honest|truthfully)\W+)*(?:no|nope|nah|never|"
    r"not at all|not really|god no|no way|absolutely not|definitely not|of course not|i haven't|i have not|"
    r"i (?:don't|do not)(?! know)|i(?:'m| am) not(?! sure)|not anymore|not any more|not since)\b")
# After a denial, "but ..." takes it back: "no, but sometimes I wish I wouldn't wake up".
_TAKEN_BACK = re.compile(r"\bbut\b")
AFFIRMATION = re.compile(
    r"\b(?:yes|yeah|yea|yep|yup|aye|ya|yah|mm+[- ]?hm+|uh[- ]?huh|i have|i do|i am|i did|i guess|i think so|i suppose|"
    r"sometimes|some days|most days|every day|every night|most nights|all the time|a bit|a little|"
    r"kind of|kinda|sort of|maybe|probably|now and then|on and off|occasionally|a few times|once or twice|"
    r"more than once|(?:i )?(?:don't|do not) know|not sure|it has|it's crossed my mind|crossed my mind|definitely|"
    r"constantly|too often|more than i'?d like)\b")
# A method, a place or a time named instead of "yes" ("Pills." after "Have you thought about how?").
_DETAIL = re.compile(
    r"\b(?:pills|tablets|meds|overdose|rope|hang\w*|gun|rifle|shotgun|knife|blade|razor|jump\w*|bridge|cliff|roof|"
    r"train|tracks|drown\w*|car|exhaust|tonight|tomorrow|this week|next week|soon|(?:mon|tues|wednes|thurs|fri|satur|"
    r"sun)day|weekend)\b")

# What a question asks about, in the assistant's words ("you", "yourself"). Only questions about
# thoughts and wishes count: a "yes" to "is there anything you could use to hurt yourself?" on
# the safety plan's means step is not a new disclosure.
_QUESTION_LEVELS = [
    ("active", re.compile(
        r"\b(?:kill(?:ing)? your ?self|suicid\w*|end(?:ing)? your (?:own )?life|tak(?:e|ing) your (?:own )?life|"
        r"(?:hurt|harm|cut|burn)(?:ing)? your ?self|self[- ]?harm\w*|end(?:ing)? it all)\b")),
    ("passive", re.compile(
        r"\b(?:not (?:wanting|want) to (?:be alive|live|be here|wake up|go on)|(?:wish|wishing|wished) (?:you were|you'd "
        r"be|to be) dead|better off dead|(?:not|never) (?:to )?wake up|(?:don't|do not) want to (?:be here|be alive|live)|"
        r"(?:wish|wishing|wished) you (?:could|would|were) (?:go to sleep|disappear|not (?:here|alive|wake))|"
        r"life (?:is|isn't|was|wasn't) (?:not )?worth living|no longer (?:be )?(?:here|alive))\b")),
]
_ABOUT_THOUGHTS = re.compile(
    r"\b(?:thoughts?|think(?:ing)?|thought about|wish(?:ing|ed)?|wanting|want(?:ed)? to|feel(?:ing)? like|felt like|"
    r"on your mind|crossed your mind|urges?|consider(?:ed|ing)?)\b")
# "Has anything like that been on your mind?" asks about the sentence before it.
_REFERS_BACK = re.compile(r"\b(?:like that|like this|those thoughts|these thoughts|that way|feel that|felt that)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def asked_level(assistant_text: str) -> str | None:
    """The level a "yes" would disclose, from the last question the assistant asked (with the
    sentence before it when the question refers back); None when that question is not about
    thoughts of risk, or it asked none."""
    sentences = [s.lower().replace("’", "'") for s in _SENTENCE_END.split(assistant_text.strip())]
    asked = [i for i, sentence in enumerate(sentences) if sentence.rstrip().endswith("?")]
    if not asked:
        return None
    question = sentences[asked[-1]]
    if _REFERS_BACK.search(question) and asked[-1] > 0:
        question = f"{sentences[asked[-1] - 1]} {question}"
    if not _ABOUT_THOUGHTS.search(question):
        return None
    found = [level for level, pattern in _QUESTION_LEVELS if pattern.search(question)]
    return max(found, key=rank, default=None)


# The safety plan's means step ("Is there anything you could use to hurt yourself that you could put away?").
_MEANS_QUESTION = re.compile(r"\b(?:anything|something|what) (?:you could use|that could be used|you might use) to (?:hurt|harm)"
                             r"|\b(?:put (?:it |them )?away|give (?:it |them )?to someone|out of the house|make (?:things|your "
                             r"(?:home|surroundings)) safer)\b")


def asked_about_means(assistant_text: str) -> bool:
    """The assistant's last question was the safety plan's question about means to put away."""
    sentences = [s.lower().replace("’", "'") for s in _SENTENCE_END.split(assistant_text.strip()) if s.strip()]
    asked = [sentence for sentence in sentences if sentence.rstrip().endswith("?")]
    return bool(asked) and bool(_MEANS_QUESTION.search(asked[-1]))


def risk_answer(text: str) -> str | None:
    """"yes", "no", or None (no answer: a question back, or something else)."""
    lowered = text.lower().replace("’", "'").strip()
    if not lowered or lowered.rstrip().endswith("?"):
        return None
    denial = _DENIAL.search(lowered)
    if denial and not _TAKEN_BACK.search(lowered, denial.end()):
        return "no"
    opening = " ".join(lowered.split()[:AFFIRMATION_WITHIN_WORDS])
    return "yes" if AFFIRMATION.search(opening) or _DETAIL.search(lowered) else None


# A "yeah" that goes on to describe the body ("Yeah, my heart's going like crazy") may answer how
# they feel rather than the question: asked again gently (watch), not taken as a disclosure.
_BODY = re.compile(r"\b(?:heart|chest|breath\w*|breathing|shak\w*|trembl\w*|sweat\w*|stomach|tummy|dizzy|light-?headed|"
                   r"headache|hands|legs|pounding|racing|going like crazy|tight|tense|panic\w*|anxious|nervous|jittery)\b")


def answered_level(assistant_text: str, answer: str) -> str | None:
    """The level a short "yes" to the assistant's risk question discloses, else None."""
    if not assistant_text or len(answer.split()) > MAX_ANSWER_WORDS:
        return None
    level = asked_level(assistant_text)
    if level is None or risk_answer(answer) != "yes":
        return None
    lowered = answer.lower().replace("’", "'")
    return "watch" if _BODY.search(lowered) and not _DETAIL.search(lowered) else level
