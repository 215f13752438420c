"""Crisis words that, in the sentence around them, say nothing about the speaker.

"I work in A and E and we had three overdoses in", "the overdose scene in Pulp Fiction", "a rope
for my climbing course", "I'm on the roof fixing the guttering", "I keep thinking I'll faint and
never wake up, but that's the anxiety". In such a frame the words are taken out before the
lexicon's patterns run. The semantic and n-gram layers still read the whole sentence, and any
first-person talk of acting, dying or oneself keeps every word: a frame never hides a risk
statement.
"""

from __future__ import annotations

import re

FIRST_PERSON_RISK = re.compile(
    r"\b(?:my ?self|my (?:own )?life|kill me|(?:i|i'd|i'll|i will|i'm going to|gonna) (?:do it|end it|jump|hang|"
    r"take them|take it all|be gone|be dead|not be here)|i (?:want|wanna|wanted|need) to (?:die|end|go|stop|sleep)|"
    r"i'?m (?:going|gonna|planning|about) to (?:kill|end|take|jump|overdose|do)|i (?:tried|attempted|overdosed)|"
    r"i(?:'ve| have)? (?:just )?(?:took|taken|swallowed)|my (?:own )?(?:suicide|overdose|attempt)|hope i|wish i|tonight|"
    r"(?:join|be with|follow) (?:him|her|them)|(?:do|doing|did|go|going) the same(?: way)?|same thing to my ?self|"
    r"enough (?:[\w']+ ){0,2}for me|"
    # Thinking about "it" after a shift is the work on one's mind; thinking about dying is not.
    r"(?:i'?d|i'?ve|i have|i had|i'?m|i am|i keep|i was) (?:been )?(?:having thoughts|thinking(?! about (?:it|that|them|"
    r"this|him|her)\b)))\b")

_FRAMES: list[tuple[str, re.Pattern, re.Pattern]] = [
    # Work, study, someone else's story, a film or a song: the crisis words are its subject.
    ("work_or_story", re.compile(
        r"(?:\bi'?m an?|\bi am an?|\bi work as an?|\bas an?|'s an?|\b(?:is|was) an?) "
        r"(?:nurse|pharmacist|paramedic|doctor|medic|gp|carer|care worker|"
        r"counsell?or|therapist|psychologist|psychiatrist|social worker|police officer|firefighter|first aider|"
        r"researcher|lecturer|teacher|journalist|volunteer|pharmacy tech\w*|pharmacy assistant|dispenser|"
        r"toxicologist|pharmacologist|an(?:a)?esthetist|coroner|pathologist|"
        r"(?:healthcare|care) assistant|vet nurse|vet)\b|\bi work (?:in|at|on|for)\b|\ba (?:and|&) e\b|"
        r"\b(?:first aid|training|course|module|lecture|seminar|workshop|placement|helpline|hotline|shift|"
        r"emergency department|scene|character|episode|essay|podcast|film|movie|song|novel|documentary|series|drama|"
        r"thriller|detective|plot|twist|season|finale|box set|soap|class|play|shakespeare|poem|poetry|literature|"
        r"book club|memorial|vigil|sermon|remembrance)\b|"
        r"\b(?:the |my )?(?:doctor|gp|pharmacist|nurse|health visitor) (?:said|says|told me|explained)\b|"
        r"\bmy (?:[\w']+ ){0,2}(?:friend|sister|brother|mum|mom|dad|cousin|aunt|uncle|son|daughter|colleague|mate|"
        r"flatmate|patient|client)'?s? (?:(?!i\b|i'|me\b)[\w']+ ){0,8}(?:overdos\w*|self[- ]?harm\w*|suicid\w*)"),
     re.compile(r"\b(?:overdos\w*|suicid\w*|self[- ]?harm\w*|count(?:ing)? (?:out )?(?:tablets|pills)|"
                r"(?:taken|took) too many (?:pills|tablets))\b")),
    # Someone else's overdose: "an inmate overdosed in his cell", "we lost a young guy to an overdose".
    ("someone_elses_overdose", re.compile(r"\b(?:he|she|they|(?:a|an|the|this|one|some|two|three) (?:young )?(?:lad|guy|man|woman|girl|boy|patient|kid|"
                r"bloke|inmate|client|resident|prisoner|customer|teenager|student|fella|chap|lass)|my (?:[\w']+ )?(?:buddy|"
                r"mate|friend|brother|sister|cousin|son|daughter|dad|mum|mom|uncle|aunt|patient|client)|someone|somebody)"
                r"(?: [\w']+){0,2} (?:overdosed|od'?d|had an overdose)\b|\b(?:lost|found|treated|saved|revived) (?:a|an|the|"
                r"one|two|three|\w+) (?:[\w']+ ){0,3}(?:to|from|after|with) an? overdose\b|\bcollapsed from an overdose\b"),
     re.compile(r"\boverdos\w*|\bod'?d\b")),
    # Someone else's words, reported: "my mate rang saying he wanted to end it all".
    ("someone_elses_words", re.compile(r"\b(?:he|she|they|my (?:mate|friend|brother|sister|son|daughter|dad|mum|mom|colleague|cousin|flatmate))"
                r"(?: [\w']+){0,4} (?:said|saying|says|told me|texted|messaged|rang)\b"),
     re.compile(r"\b(?:he|she|they) (?:wanted|wants|was going|were going|is going) to (?:end it(?: all)?|die|kill "
                r"(?:himself|herself|themselves)|end (?:his|her|their) life)\b")),
    # A question asked and answered no ("my GP asked if I think about suicide and I said no").
    ("question_answered_no", re.compile(r"\b(?:asked|asks|ask) (?:me )?(?:if|whether)\b.*\b(?:said|say|told (?:her|him|them)|answered) "
                r"(?:honestly |truthfully )?(?:no|never)\b(?!.*\bbut\b)"),
     re.compile(r"\b(?:suicid\w*|self[- ]?harm\w*)\b")),
    # A rope or a blade for a hobby or a job.
    ("hobby_or_job_kit", re.compile(r"\b(?:climb\w*|belay\w*|abseil\w*|sail\w*|boat|camp\w*|tent|skipping|washing line|tow\w*|"
                r"fishing|whittl\w*|carving|chef|butcher\w*|swing|tree ?house|tug of war|hammock)\b"),
     re.compile(r"\b(?:(?:set up|tied|bought|got) )?(?:a|the|my) (?:rope|knife|blade)s?\b")),
    # Up high for a job.
    ("job_up_high", re.compile(r"\b(?:fixing|repair\w*|gutter\w*|tiles|cleaning|clearing|aerial|antenna|satellite|solar panels?|"
                r"painting|chimney)\b"),
     re.compile(r"\b(?:i'?m|i am) on (?:the|a) roof\b")),
    # Sightseeing at a height, from behind the rail.
    ("sightseeing", re.compile(r"\b(?:the (?:tour )?guide (?:said|says|told us)|tour guide|guided tour|kept (?:well )?back|stayed (?:well )?"
                r"back)\b"),
     re.compile(r"\b(?:cliffs?|bridges?|drop|metres|meters|feet|high|fall|edge)\b")),
    # A health fear worked on in therapy, not a wish.
    ("health_fear", re.compile(r"\b(?:fear|scared|afraid|worried|worry|anxious|anxiety|panic\w*|terrified|keep thinking)\b"),
     re.compile(r"\b(?:faint|pass out|collapse|nod off|fall asleep|go under|stop breathing)\b(?: [\w']+){0,6} "
                r"(?:and |i'?ll )?never wake up\b")),
]


# Frames precise enough that what the learned layers hear in the rest is someone else's too (combine.py).
ABOUT_SOMEONE_ELSE = ("someone_elses_overdose", "someone_elses_words")


def strip_harmless(text: str) -> str:
    """`text` (lower case) without the crisis words a harmless frame accounts for."""
    return harmless_frames(text)[0]


def harmless_frames(text: str) -> tuple[str, list[str]]:
    """`text` without the crisis words harmless frames account for, and the names of those that took words out."""
    if FIRST_PERSON_RISK.search(text):
        return text, []
    applied = [name for name, frame, words in _FRAMES if frame.search(text) and words.search(text)]  # read whole
    for name, frame, words in _FRAMES:
        if name in applied:
            text = words.sub(" ", text)
    return text, applied
