"""Risk words said to deny a risk, or to tell a past that is over.

"No, I'm not thinking about hurting myself, I'm just angry", "I told her honestly, no, never",
"Ten years ago I tried to end my life, and it's so far behind me now", "one more meeting and I'll
shoot myself, I'm kidding". People say these when asked, or to give the assistant the full
picture; the lexicon read the risk words alone and put them on the crisis path. A denial is
blanked before the patterns run. A past that is over, or a risk taken back as a joke, counts as
`watch` (the screener's "past ideation, now resolved"; a joke about dying still earns a gentle
question), never higher.

Neither applies where the same sentence takes it back ("but", "lately", "again"): a
disclosure after a denial is still a disclosure. One exception: a "but" that only leads to a
plain resolution ("I tried when I was nineteen, but that's long gone") tells the past as over.
"""

from __future__ import annotations

import re

RISK_ACT = (r"(?:suicid\w*|self[- ]?harm\w*|hurt(?:ing)? my ?self|harm(?:ing)? my ?self|kill(?:ing)? my ?self|"
            r"end(?:ing)? (?:my (?:own )?life|it(?: all)?)|tak(?:e|ing) my (?:own )?life|dying|die)")
TAKEN_BACK = re.compile(r"\b(?:but|though|although|except|yet|lately|recently|these days|again|sometimes|"
                        r"some days|some nights|at night|still|unless|till|until|wait(?:ing)?|tomorrow|later|for now|"
                        r"next week|weekend)\b")
# Of those, the words that say a risk recurs: they take a past or a denial back wherever they stand...
RECURS = re.compile(r"\b(?:lately|recently|these days|again|sometimes|some days|some nights|at night|still)\b")
# ...unless their clause only explains the feeling as something ordinary ("I'm just tired lately").
_ORDINARY_REASON = re.compile(r"\b(?:just|only|simply|that'?s all|because of (?:work|the job|the baby|the kids))\b")
# A denial's own clause qualified by a time: "not right now", "not tonight", "not yet", "for now".
_QUALIFIED = re.compile(r"\b(?:right now|tonight|today|yet|for now|at the moment|this week|these days|lately|recently|"
                        r"again|sometimes|at night|still|till|until|tomorrow|later)\b")
_CONTRAST_AFTER = re.compile(r"\b(?:but|though|although|except|yet|unless|till|until|wait(?:ing)?|tomorrow|later|"
                             r"next week|weekend)\b")
_CLAUSE_END = re.compile(r"[.,;!?]| - ")

DENIALS = [re.compile(p) for p in (
    # "I'm not suicidal", "I'm not thinking about hurting myself", "I'm not gonna hurt myself"
    rf"\b(?:i'?m|i am|am i) (?:really |honestly |actually |definitely |absolutely )?not (?:at all )?(?:really |actually )?"
    rf"(?:thinking (?:about|of) |having (?:any )?thoughts? (?:of|about) |going to |gonna |feeling |planning (?:to|on) |"
    rf"trying to |going to try to |wanting to |looking to |about to |considering )?"
    rf"{RISK_ACT}\b",
    # "I don't have any thoughts of harming myself", "no plans to hurt myself, never had any"
    rf"\b(?:i (?:don'?t|do not|haven'?t|have not|never)(?: ever)? (?:have |had |got |been having )?|no |not )(?:any )?"
    rf"(?:thoughts?|plans?|urges?|intentions?|desire|wish) (?:of|about|to) {RISK_ACT}\b",
    rf"\bi (?:don'?t|do not|never) (?:want|wanna|wanted) to {RISK_ACT}\b",
    # A screening question answered no: "Am I suicidal? No", "thoughts of suicide? Nope"
    rf"(?:^\W*|\b(?:am i|do i|have i|any|passive)\W+)(?:[\w']+\W+){{0,5}}?{RISK_ACT}(?: thoughts?)?\W+(?:no|nope|nah|"
    rf"never)\b",
    # Asked, and the answer was no: "asked if I'd ever hurt myself and I told her no"
    # or "asked whether I've ever wanted to die, and honestly no, never" ("and no one asked" is no answer)
    rf"\b(?:asked|ask|asks|asking)(?: me)?(?: (?:if|whether))?\b(?:[\w' ]+?\b)?{RISK_ACT}\b.*?\b(?:said|say|told "
    rf"(?:her|him|them|you)(?: (?:straight|honestly|truthfully))?|answer(?:ed|'s| is)|answer was|and)\W+(?:honestly\W+|"
    rf"truthfully\W+)?(?:no|never|nope|nah)\b(?!\W*(?:one|body|longer|more|matter|idea|way|doubt|wonder|point|reason|"
    rf"hope|future|plan|option|choice|other|chance|way out|end|escape|else)\b)",
)]

_PAST = re.compile(
    r"\b(?:years? ago|years back|(?:a )?long time ago|when i was (?:a )?(?:teenager|kid|younger|at school|in (?:high )?school|"
    r"in college|at uni|\d+|[a-z]+teen|twenty[\w-]*)|as a teen(?:ager)?|in my (?:teens|twenties|thirties|forties)|"
    r"i used to|went through a (?:[\w']+ ){0,2}(?:patch|spell|phase|period)|back in "
    r"(?:19|20)\d\d|back in (?:school|high school|uni|college|the day|my \w+)|in high school|at school|when i first got back)\b")
# The resolutions that say it is over in any sentence.
_SETTLED_WORDS = (
    r"(?:long|way|so far|far|well) (?:gone|behind me|in the past)|behind me|(?:that'?s|it'?s|that was) (?:over|done|"
    r"history|in the past)|as history|chapter'?s (?:closed|over)|got through it|glad i stuck around|"
    r"(?:been )?(?:well|stable|clean|clear|sober) (?:for|since|over)|(?:a )?(?:totally |completely )?different (?:person|place)|"
    r"(?:just )?giving you (?:the )?background|full picture|only (?:bring|bringing|mention\w*) it (?:up )?because|"
    r"came out the other side|got (?:some |the )?help|it'?s been (?:[\w']+ )?years since|haven'?t (?:done it |since )?(?:in|for) "
    r"(?:about |over |nearly |almost )?(?:[\w']+ )?(?:years?|ages|a long time|decades?)|(?:[\w']+ )?years (?:sober|clean)")
_SETTLED = re.compile(rf"\b(?:{_SETTLED_WORDS})\b")
# These also say it is over, with nothing taking it back, but turn up in "not doing well" or
# "haven't felt this low since" too.
_OVER = re.compile(
    rf"\b(?:{_SETTLED_WORDS}|(?:a )?(?:much |totally |completely |very )?(?:different|better|good) place|"
    r"haven'?t (?:done|had|felt|thought|been)|not since|never since|(?:been )?(?:well|stable|clean|clear|sober) now|"
    r"doing (?:well|okay|ok|good|great)|recovered|(?:i'?m|i am) (?:fine|okay|ok|good|well|safe) now|"
    r"(?:don'?t|do not) (?:think|feel) (?:that|like that) (?:now|any ?more)|life'?s (?:really |actually )?good now|"
    r"(?:talk|speak|tell (?:that|my) story) (?:about it )?(?:at|in) (?:schools|meetings)|volunteer\w*|"
    r"run a (?:peer )?group)\b")
_CONTRAST = {"but", "though", "although", "yet"}
# Said before the resolution: "it's not behind me", "I thought it was behind me", "I wish it was over".
_DOUBTED = re.compile(r"(?:\b(?:not|never|no|isn'?t|wasn'?t|ain'?t)|n't)\W+(?:[\w']+\W+){0,2}$|"
                      r"\b(?:thought|hoped|believed|assumed|pretend\w*|wish\w*|if)\W+(?:[\w']+\W+){0,3}$")
# Between the "but" and the resolution: anything that could be a disclosure of its own.
# After a resolution, what would bring the risk back into the present.
_RISK_AFTER = re.compile(RISK_ACT + r"|\b(?:tonight|want|wanna|going to|gonna|plan\w*|ready|got the|have the|pills|"
                         r"tablets|rope|gun|bridge|think\w* (?:about|of)|thoughts?|urges?|back|miss\w*|do it|the same|"
                         r"tempt\w*|again)\b")
_PRESENT_RISK = re.compile(RISK_ACT + r"|\b(?:now|tonight|today|want|wanna|going to|gonna|plan\w*|ready|got the|have the|"
                           r"pills|tablets|rope|gun|bridge)\b")


def _clauses_after(text: str, position: int) -> list[str]:
    return [c for c in _CLAUSE_END.split(text[position:]) if c.strip()]


def _denial_taken_back(text: str, denial: re.Match) -> bool:
    """A denial stands unless its own clause is qualified by a time ("not tonight", "not right
    now"), a contrast follows it anywhere ("..., but sometimes"), or a later clause says the risk
    recurs without explaining it as ordinary ("..., lately it comes back" against "..., I'm just
    tired lately")."""
    own = _CLAUSE_END.split(text[denial.end():], maxsplit=1)[0]
    if _QUALIFIED.search(text[denial.start():denial.end()] + own):
        return True
    if _CONTRAST_AFTER.search(text, denial.end()) or _CONTRAST_AFTER.search(text[:denial.start()]):
        return True
    return any(RECURS.search(c) and not _ORDINARY_REASON.search(c) for c in _clauses_after(text, denial.end()))


def _standing_denials(text: str) -> list[re.Match]:
    found = [m for denial in DENIALS for m in denial.finditer(text)]
    return [m for m in found if not _denial_taken_back(text, m)]


def blank_denials(text: str) -> str:
    """`text` (lower case) with its denials of risk blanked, unless something takes them back."""
    standing = _standing_denials(text)
    if len(standing) != len([m for denial in DENIALS for m in denial.finditer(text)]):
        return text  # one denial taken back: the whole sentence is heard as said
    for denial in DENIALS:
        text = denial.sub(" ", text)
    return text


def denies(text: str) -> bool:
    found = [m for denial in DENIALS for m in denial.finditer(text)]
    return bool(found) and len(_standing_denials(text)) == len(found)


def told_as_past(text: str) -> bool:
    """A risk told as something long over, with nothing in the sentence saying it is back."""
    if not _PAST.search(text):
        return False
    if RECURS.search(text):
        return False
    taken_back = list(TAKEN_BACK.finditer(text))
    if not taken_back:
        return bool(_OVER.search(text))
    # Resolved first, then a contrast or a later time with no risk words after it: ", though work is
    # rough", ", anyway see you next week".
    first = taken_back[0].start()
    if not _RISK_AFTER.search(text, first) and any(
            not _DOUBTED.search(text[:settled.start()]) for settled in _SETTLED.finditer(text[:first])):
        return True
    return any(_only_leads_to(taken_back, settled, text) for settled in _SETTLED.finditer(text))


def _only_leads_to(taken_back: list[re.Match], settled: re.Match, text: str) -> bool:
    """Every word that might take the past back is a "but" before this resolution, which nothing
    doubts, with no disclosure between them."""
    if not all(word.group() in _CONTRAST and word.end() <= settled.start() for word in taken_back):
        return False
    before = text[:settled.start()]
    return not _DOUBTED.search(before) and not _PRESENT_RISK.search(text, taken_back[-1].end(), settled.start())


# "I'm kidding", "figure of speech", "not literally"; not "I'm not kidding" or "only half joking".
_JOKED = re.compile(r"(?<!not )(?<!n't )\b(?:(?:i'?m|i am|im) (?:just |only )?(?:kidding|joking)|(?:just|only) (?:kidding|joking)|"
                    r"jk|not literally|(?:just )?(?:a )?figure of speech|(?:just )?a turn of phrase)\b")
# After the joke, anything that might take the joke back: "I'm kidding, but honestly...", "...or am I".
_UNJOKED = re.compile(r"\b(?:but|though|although|except|actually|seriously|honestly|really|truthfully|sometimes|part of me|"
                      r"or am i|or not|kind of|sort of|half|partly|mostly|maybe|unless|still|lately)\b")


def joked_after(text: str, position: int) -> bool:
    """Risk words ending at `position` are then called a joke, and nothing after that takes the joke back."""
    joke = _JOKED.search(text, position)
    return joke is not None and not _UNJOKED.search(text, joke.end())
