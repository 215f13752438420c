"""Risk words said to deny a risk, or to tell a past that is over.

"No, I'm not thinking about hurting myself, I'm just angry", "I told her honestly, no, never",
"Ten years ago I tried to end my life, and it's so far behind me now". People say these when
asked, or to give the assistant the full picture; the lexicon read the risk words alone and put
them on the crisis path. A denial is blanked before the patterns run. A past that is over
counts as `watch` (the screener's "past ideation, now resolved"), never higher.

Neither applies where the same sentence takes it back ("but", "lately", "again"): a
disclosure after a denial is still a disclosure.
"""

from __future__ import annotations

import re

RISK_ACT = (r"(?:suicid\w*|self[- ]?harm\w*|hurt(?:ing)? my ?self|harm(?:ing)? my ?self|kill(?:ing)? my ?self|"
            r"end(?:ing)? (?:my (?:own )?life|it(?: all)?)|tak(?:e|ing) my (?:own )?life|dying|die)")
TAKEN_BACK = re.compile(r"\b(?:but|though|although|except|yet|lately|recently|these days|again|sometimes|"
                        r"some days|some nights|at night|still|unless|till|until|wait(?:ing)?|tomorrow|later|for now|"
                        r"next week|weekend)\b")

DENIALS = [re.compile(p) for p in (
    # "I'm not suicidal", "I'm not thinking about hurting myself", "I'm not gonna hurt myself"
    rf"\b(?:i'?m|i am|am i) (?:really |honestly |actually |definitely |absolutely )?not (?:at all )?(?:really |actually )?"
    rf"(?:thinking (?:about|of) |having (?:any )?thoughts? (?:of|about) |going to |gonna |feeling |planning (?:to|on) )?"
    rf"{RISK_ACT}\b",
    # "I don't have any thoughts of harming myself", "no plans to hurt myself, never had any"
    rf"\b(?:i (?:don'?t|do not|haven'?t|have not|never)(?: ever)? (?:have |had |got |been having )?|no |not )(?:any )?"
    rf"(?:thoughts?|plans?|urges?|intentions?|desire|wish) (?:of|about|to) {RISK_ACT}\b",
    rf"\bi (?:don'?t|do not|never) (?:want|wanna|wanted) to {RISK_ACT}\b",
    # A screening question answered no: "Am I suicidal? No", "thoughts of suicide? Nope"
    rf"(?:^\W*|\b(?:am i|do i|have i|any|passive)\W+)(?:[\w']+\W+){{0,5}}?{RISK_ACT}(?: thoughts?)?\W+(?:no|nope|nah|"
    rf"never)\b",
    # Asked, and the answer was no: "asked if I'd ever hurt myself and I told her no"
    rf"\b(?:asked|ask|asks|asking)(?: me)?(?: (?:if|whether))?\b(?:[\w' ]+?\b)?{RISK_ACT}\b.*?\b(?:said|say|told "
    rf"(?:her|him|them|you)(?: (?:straight|honestly|truthfully))?|answer(?:ed|'s| is)|answer was)\W+(?:honestly\W+|"
    rf"truthfully\W+)?(?:no|never|nope|nah)\b",
)]

_PAST = re.compile(
    r"\b(?:years? ago|years back|(?:a )?long time ago|when i was (?:a )?(?:teenager|kid|younger|at school|in (?:high )?school|"
    r"in college|at uni|\d+|[a-z]+teen|twenty[\w-]*)|as a teen(?:ager)?|in my (?:teens|twenties|thirties|forties)|back in "
    r"(?:19|20)\d\d|back in (?:school|high school|uni|college|the day|my \w+)|in high school|at school|when i first got back)\b")
_OVER = re.compile(
    r"\b(?:(?:long|way|so far|far|well) (?:gone|behind me|in the past)|behind me|(?:a )?(?:much |totally |completely |very )?"
    r"(?:different|better|good) place|different person|haven'?t (?:done|had|felt|thought|been)|not since|never since|"
    r"(?:been )?(?:well|stable|clean|clear|sober)(?: for| since| over| now)|doing (?:well|okay|ok|good|great)|"
    r"(?:that'?s|it'?s|that was) (?:over|done|history|in the past)|as history|chapter'?s (?:closed|over)|recovered|"
    r"(?:i'?m|i am) (?:fine|okay|ok|good|well|safe) now|(?:don'?t|do not) (?:think|feel) (?:that|like that) (?:now|any ?more)|"
    r"glad i stuck around|life'?s (?:really |actually )?good now|got through it|(?:just )?giving you (?:the )?background|"
    r"full picture|(?:talk|speak|tell (?:that|my) story) (?:about it )?(?:at|in) (?:schools|meetings)|volunteer\w*|"
    r"run a (?:peer )?group|only (?:bring|bringing|mention\w*) it (?:up )?because)\b")


def blank_denials(text: str) -> str:
    """`text` (lower case) with its denials of risk blanked, unless something takes them back."""
    if TAKEN_BACK.search(text):
        return text
    for denial in DENIALS:
        text = denial.sub(" ", text)
    return text


def denies(text: str) -> bool:
    return not TAKEN_BACK.search(text) and any(denial.search(text) for denial in DENIALS)


def told_as_past(text: str) -> bool:
    """A risk told as something long over, with nothing in the sentence saying it is back."""
    return bool(_PAST.search(text) and _OVER.search(text)) and not TAKEN_BACK.search(text)
