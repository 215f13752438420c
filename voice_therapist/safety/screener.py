"""Reads one answer on the crisis path for every screener question it covers.

"No, I haven't thought about doing anything, I don't have a plan" answers the questions about
a method, an intention and a plan at once; asking them again tells the person they were not
heard. A "no" to thoughts of killing oneself skips method, intent and plan, as the Columbia
screener does, and goes on to preparation. A "yes" counts only when it answers the question:
"Yeah, I can save the number" or "I guess I could try writing the worries down" answer
something else, and "a plan for organic" is no method. Hedges ("maybe", "I don't know") stay a
yes, as screeners count them. Pure functions of the words: the engine fills its slots from them.
"""

from __future__ import annotations

import re

from .risk_answers import risk_answer

# The screener's questions, as the safety plan's slots name them, in the order they are asked.
QUESTIONS = ("thoughts", "method", "intent", "plan_details", "preparation")
# A no to thoughts of killing oneself: the questions that follow from such thoughts are not asked.
FOLLOW_FROM_THOUGHTS = ("method", "intent", "plan_details")

_NEG = r"(?:haven'?t|have not|hasn'?t|never|don'?t|do not|didn'?t|did not|wouldn'?t|would not|won'?t|will not|not|no)"
# What a denial covers, by the words it is said with.
_COVERS = [
    ("method", re.compile(rf"\b{_NEG} (?:really |ever |even )?(?:thought|think|thinking|considered|considering) "
                          rf"(?:about |of )?(?:how|doing (?:anything|it|something)|a way|ways|methods?|that far)\b"
                          rf"|\bno (?:idea|thoughts?) (?:of|about) how\b")),
    ("intent", re.compile(rf"\b(?:{_NEG} (?:really |ever )?(?:thought about |going to |gonna |planning to |intend(?:ing)? to |"
                          rf"want to |wanna )?(?:do|doing|act|acting|go through with) (?:anything|it|something|on (?:it|them|"
                          rf"those thoughts|these thoughts))|no (?:intention|intent)|never act|wouldn'?t act|i'?d never|"
                          rf"i would never|i could never|not going to do anything|wouldn'?t do (?:it|anything))\b")),
    ("plan_details", re.compile(rf"\b(?:{_NEG} (?:have |got |made |make |worked out |work out )?(?:a |any )?plans?"
                                rf"|no plans?|not planning|nothing planned|{_NEG} worked (?:anything|it) out|no details)\b")),
    ("preparation", re.compile(rf"\b(?:{_NEG} (?:done|did) anything|{_NEG} (?:prepared|prepare|tried|hurt myself|harmed myself)|"
                               rf"nothing (?:like that|to prepare)|no preparations?)\b")),
]
_THOUGHTS_DENIED = re.compile(rf"\b{_NEG} (?:really |ever )?(?:had |have |having |been having )?(?:any )?(?:thoughts? (?:of|about) "
                              rf"(?:killing|suicide|hurting|ending)|(?:want|wanted) to (?:kill|die|end)|suicidal)\b")
# A yes that goes on about one of these, with no risk words, answers something else: the crisis
# line, a coping step, a pet, study ("yeah, I can save the number", "my cat keeps me going").
_ELSEWHERE = re.compile(
    r"\b(?:the number|numbers?|save|saved|phone|write|writing|down|worries|worry|cat|dog|pets?|keeps? me going|"
    r"revis\w*|exams?|organic|chemistry|homework|study\w*|music|walk|shower|tea|call (?:her|him|them|my)|"
    r"text (?:her|him|them|my)|try that|give (?:it|that) a go)\b")
# Words that keep a yes on the question, whatever else is said.
_ON_TOPIC = re.compile(
    r"\b(?:kill\w*|die|dying|dead|suicid\w*|hurt\w*|harm\w*|end (?:it|my life|things)|do it|doing it|how|when|where|"
    r"plan\w*(?!\s+(?:for|with|about)\b)|thought|thoughts|thinking|intend\w*|mean to|going to|gonna|prepar\w*|tried|"
    r"attempt\w*|wrote|written|"
    r"notes?|letters?|gave away|giving away|pills|tablets|meds|overdose|rope|hang\w*|gun|knife|blade|razor|jump\w*|bridge|"
    r"cliff|roof|train|tracks|drown\w*|exhaust|tonight|tomorrow|this week|next week|soon|weekend|sometimes|often|"
    r"lately|a lot|every day|every night|most days|some days|at night|once|twice|before)\b")


def _clean(text: str) -> str:
    return text.lower().replace("’", "'").strip()


def answers_question(text: str) -> str | None:
    """The answer to the screener question just asked: "yes", "no", or None when the words
    answer something else (then nothing is filled and nothing is raised)."""
    said = risk_answer(text)
    lowered = _clean(text)
    if said == "yes" and _ELSEWHERE.search(lowered) and not _ON_TOPIC.search(lowered):
        return None  # an ambivalent "I don't know, I'm scared" stays a yes: only talk of something else is not
    return said


def covered(asked: str, text: str) -> dict[str, str]:
    """Every screener question this answer settles, beside the one asked: {"method": "no", ...}."""
    lowered = _clean(text)
    found: dict[str, str] = {}
    direct = answers_question(text) if asked in QUESTIONS else None
    if direct is not None:
        found[asked] = direct
    said_yes = direct == "yes"
    if not said_yes:  # a denial of one thing said beside a yes to another stays for the next question
        for question, pattern in _COVERS:
            if pattern.search(lowered) and not _taken_back(lowered, pattern):
                found.setdefault(question, "no")
        if asked == "thoughts" and _THOUGHTS_DENIED.search(lowered):
            found.setdefault("thoughts", "no")
    if found.get("thoughts") == "no":
        for question in FOLLOW_FROM_THOUGHTS:
            found.setdefault(question, "no")
    return found


def _taken_back(lowered: str, pattern: re.Pattern) -> bool:
    """"I don't have a plan, but I've thought about pills" takes the denial back."""
    match = pattern.search(lowered)
    rest = lowered[match.end():]
    return bool(re.search(r"\bbut\b", rest)) and bool(_ON_TOPIC.search(rest.split("but", 1)[1]))


# "What number do I call?" on the crisis path is answered before the next question, never passed over.
_ASKS_FOR_THE_LINE = re.compile(
    r"\b(?:what|which)(?:'s| is)? (?:the )?(?:number|line|hotline|helpline)\b|\b(?:what|which) (?:number|line) (?:do|can|should) "
    r"i\b|\bwho (?:do|can|should) i (?:call|ring|phone|text)\b|\bwhere (?:do|can|should) i (?:call|ring|go)\b|"
    r"\bhow do i (?:call|reach|get hold of) (?:them|someone|the line)\b")


def asks_for_the_line(text: str) -> bool:
    return bool(_ASKS_FOR_THE_LINE.search(_clean(text)))


def denies_only_acting(text: str) -> bool:
    """A no that denies a plan, a method or acting, not the thoughts: said to "has anything like that
    been on your mind?" after a wish not to wake up, it owns the wish."""
    lowered = _clean(text)
    specific = re.sub(r"\bnothing like that\b", " ", lowered)  # a plain no to the question, not about acting
    acting = any(pattern.search(specific) for _, pattern in _COVERS)
    return risk_answer(text) == "no" and acting and not _THOUGHTS_DENIED.search(lowered) and not re.search(
        r"^\W*(?:no|nope|nah)\W+(?:not (?:like that|really|at all)|nothing like that|never)\W*$", lowered)
