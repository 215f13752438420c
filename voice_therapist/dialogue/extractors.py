"""Fill slots from what the user said. Each extractor is named in the protocol files.

Rules and small classifiers, not the LLM: a 135M model cannot be trusted to extract, and a
slot that holds the user's own words is exactly what the session should reflect back.
Every extractor reads a turn two ways: as the answer to its own question (`asked`), and
for what a person offers before it is asked (`offered`: only on a clear cue, so one
sentence does not fill every slot of the session).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..safety.screener import answers_question
from .key_phrase import clauses, content_words, key_phrase, tidy, without_echo

_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}
# "ninety percent" is said as often as "nine out of ten": tens are read as tenths.
_TENS = {w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_TENS["hundred"] = 100
_FILLER = re.compile(r"^(?:(?:so|well|um+|uh+|like|yeah|okay|ok|hmm+|i mean|i guess|i think)[,.]?\s+)+", re.I)
_YES = re.compile(r"\b(yes|yeah|yep|yup|right|exactly|it does|that fits|true|(?<!not )sure|definitely|kind of|i think so)\b", re.I)
_NO = re.compile(r"\b(no|nope|not really|doesn't|does not|don't think|not quite|wrong)\b", re.I)
# A balanced thought holds the hard part too; these mark a claim that only reassures.
_ONLY_POSITIVE = re.compile(
    r"\b(everything (will|is going to) be (fine|ok|okay|perfect|great)|nothing (bad )?will (go wrong|happen)|"
    r"i('m| am) (perfect|the best|always right)|never (fail|make mistakes)|everyone (loves|likes) me|"
    r"it doesn't matter at all|i don't care at all)\b", re.I)
_BALANCE = re.compile(
    r"\b(even if|even though|but|although|sometimes|might|may|can|could|it's possible|possible|not always|"
    r"one (mistake|bad)|doesn't mean|does not mean|i'm learning|i am learning|still|also|and yet|at least|"
    r"some|usually|not the end)\b", re.I)
_THANKS_ONLY = re.compile(r"^\W*(thanks|thank you|cheers|this helped|that helped|this (is|was) helpful)\W*$", re.I)
_NOT_AN_ANSWER = re.compile(
    r"^\W*(i (really )?don'?t know|i'?m not sure|not sure|no idea|dunno|i'?d rather not|pass|what do you mean|"
    r"yes|yeah|no|nope|okay|ok|mm+|hmm+)\W*$", re.I)
# "about a six", "an eight out of ten anxious", "my stress is a seven": what the number is about.
_RATED = re.compile(
    r"\b(anxious|anxiety|stress(?:ed)?|nervous|panick?y|panic|worried|worry|sad|down|tired|exhausted|energy|angry|"
    r"lonely|motivat(?:ed|ion)|burn(?:ed|t) out|calm|confident|overwhelmed|scared|mood)\b", re.I)
# The thing rated sits right by the number: "an eight out of ten anxious", "my stress is like a seven".
_RATED_AFTER = re.compile(rf"\s*(?:out of (?:10|ten)|/\s*10)?\s*(?:(?:on|for|in|of) (?:the )?)?(?:\w+ )?(?P<about>{_RATED.pattern[2:-2]})\b",
                          re.I)
_RATED_BEFORE = re.compile(rf"(?P<about>{_RATED.pattern[2:-2]})\W+(?:\w+\W+){{0,5}}?(?:is|'s|at|about|like|around|sits at)"
                           rf"\W+(?:(?:a|an|at|like|around|about|maybe|probably)\W+){{0,2}}$", re.I)
_ABOUT = {"anxious": "anxiety", "stressed": "stress", "nervous": "anxiety", "panicky": "anxiety", "panic": "anxiety",
          "panicy": "anxiety", "worried": "worry", "exhausted": "tiredness", "tired": "tiredness", "down": "sadness",
          "sad": "sadness", "scared": "fear", "motivated": "motivation", "burned out": "burnout",
          "burnt out": "burnout", "overwhelmed": "stress"}


@dataclass(frozen=True)
class Extractor:
    asked: Callable[[str], str | None]  # the answer to its own question: its cue, else the key phrase
    offered: Callable[[str], str | None] = lambda text: None  # before it is asked: only on a clear cue


def clean_utterance(text: str) -> str:
    """The user's words, without leading fillers and trailing punctuation: fit to quote back."""
    return _FILLER.sub("", text.strip()).strip().rstrip(".!?,;: ")


def _numbers(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) of each number from zero to ten said as a rating, in order."""
    found = []
    short = len(text.split()) <= 4  # "Five." "About a six.": a short answer is the number
    for match in re.finditer(r"\d+(?:\.\d+)?|[a-z]+", text.lower()):
        token = match.group()
        value = _NUMBERS.get(token)
        if value is None and token in _TENS and re.match(r"(\s|-)*(\w+\s+)?(%|percent|per cent)", text[match.end():], re.I):
            value = round(_TENS[token] / 10)
        if value is None and re.fullmatch(r"\d+(?:\.\d+)?", token):
            value = round(float(token))
            if re.match(r"\s*(%|percent)", text[match.end():]):
                value = round(value / 10)  # "ninety percent sure" is a nine
        if value is not None and 0 <= value <= 10 and (short or _rated_here(text, match.start(), match.end())):
            found.append((value, match.start(), match.end()))
    return found


_BEFORE_NUMBER = re.compile(r"(\b(a|an|about|maybe|like|around|at|say|probably|is|was|it'?s|i'?m|mood'?s?|now|guess|honestly|"
                            r"solid|only|just|be|more like|or)|^|[.,?!:])\s*$", re.I)
_AFTER_NUMBER = re.compile(r"^\s*(out of|/|percent|%|per cent|or (a )?\w+\b|now|right now|today|at the moment|maybe|i (guess|think|suppose|'d say)|"
                           r"honestly|probably|[.,?!]|$)", re.I)


def _rated_here(text: str, start: int, end: int) -> bool:
    """"A six now", "about a 4", "seven out of ten": a number said as a rating, not "one thing" or "two jobs"."""
    return bool(_BEFORE_NUMBER.search(text[max(0, start - 20):start])) and bool(_AFTER_NUMBER.match(text[end:end + 20]))


def ratings_heard(text: str) -> list[str]:
    """Every rating said, as said: "7", "90 percent"."""
    heard = []
    for match in re.finditer(r"\b(\d+|[a-z]+)\s*(%|percent|per cent)", text.lower()):
        token = match.group(1)
        number = int(token) if token.isdigit() else _TENS.get(token)
        if number is not None and number <= 100:
            heard.append(f"{number} percent")
    if not heard:
        heard = [str(value) for value, start, _ in _numbers(text) if not re.search(r"(out of|/)\s*$", text[:start], re.I)]
    return heard


def rating(text: str) -> str | None:
    """A number from zero to ten ("about a six", "7 out of 10", "six or seven" -> "6")."""
    found = _numbers(text)
    return str(found[0][0]) if found else None


def ratings_about(text: str) -> dict[str, str]:
    """Numbers said about something named: "like an eight out of ten anxious" -> {"anxiety": "8"}."""
    rated = {}
    for value, start, end in _numbers(text):
        if re.search(r"(out of|/)\s*$", text[:start], re.I):
            continue  # "eight out of ten": the ten is the scale, not a rating
        after = _RATED_AFTER.match(text[end:])
        lead = text[max(0, start - 60):start]
        nearest = list(_RATED.finditer(lead))
        before = _RATED_BEFORE.match(lead, nearest[-1].start()) if nearest else None
        word = after or before
        if word:
            about = _ABOUT.get(word.group("about").lower(), word.group("about").lower())
            if about != "mood":  # the mood has its own slot
                rated[about] = str(value)
    return rated


def mood_rating(text: str) -> str | None:
    """The mood number: any number, unless it is said to be about something else ("eight out of ten anxious")."""
    if ratings_about(text) and not re.search(r"\bmood\b", text, re.I):
        return None
    return rating(text)


def yes_no(text: str) -> str | None:
    no, yes = _NO.search(text), _YES.search(text)
    if no and not (yes and yes.start() < no.start()):
        return "no"
    return "yes" if yes else None


def only_a_number(text: str) -> bool:
    """"Uh, ninety percent. Honestly.": a number with nothing to quote around it."""
    rest = re.sub(r"\b(\d+|%|percent|per cent|out of|ten|" + "|".join([*_NUMBERS, *_TENS]) + r")\b", " ", text.lower())
    return bool(_numbers(text)) and len(content_words(rest)) < 2


def utterance(text: str) -> str | None:
    """The key phrase of an answer, never the whole of a long turn."""
    text = without_echo(text)
    if _NOT_AN_ANSWER.match(text.strip()) or only_a_number(text):
        return None
    phrase = key_phrase(text)
    if not phrase or _THANKS_ONLY.match(phrase):
        return None
    return phrase


def balanced_thought(text: str) -> str | None:
    """Realistic, not just positive: refuses pure reassurance, wants some nuance."""
    first = re.split(r"(?<=[.?!])\s+", text.strip(), maxsplit=1)[0]
    if only_a_number(first):
        return None  # "Sixty percent? It's quieter": a rating, not a thought to keep
    cleaned = tidy(text, 30)
    if len(cleaned.split()) < 4 or _ONLY_POSITIVE.search(cleaned):
        return None
    return cleaned if _BALANCE.search(cleaned) else None


_ASIDE = re.compile(r"^\W*(thanks|thank you|cheers|okay|ok|yes|yeah|no|that'?s (a|an|it|all)|honestly|i guess|i think)\b", re.I)


def _clause_matching(pattern: re.Pattern[str], text: str, max_words: int = 12) -> str | None:
    """The first clause with the cue in it, from the cue on when the cue starts late."""
    parts = clauses(text)
    for i, part in enumerate(parts):
        match = pattern.search(part)
        if match:
            start = match.start() if len(part.split()) > max_words and len(part[:match.start()].split()) > 4 else 0
            phrase = part[start:]
            if len(phrase.split()) < 5 and i + 1 < len(parts) and not _ASIDE.match(parts[i + 1]) \
                    and len(content_words(parts[i + 1])) >= 2:
                phrase = f"{phrase}, {parts[i + 1]}"  # "last week" alone says little: what happened then
            phrase = tidy(phrase, max_words)
            if content_words(phrase):
                return phrase
    return None


_TOPIC_NOISE = re.compile(r"^\W*(hi|hello|hey|good (morning|evening|afternoon)|it'?s me( again)?|i'?m here|"
                          r"thanks?( you)?|ok(ay)?|(about |maybe |like |probably )?(an? )?\w+( out of (10|ten))?)\W*$", re.I)


def offered_topic(text: str) -> str | None:
    """What they came with, said before it was asked: a clause that says more than hello and a number."""
    parts = [p for p in clauses(text) if not _TOPIC_NOISE.match(p) and len(content_words(p)) >= 2 and len(p.split()) >= 4]
    if not parts:
        return None
    best = max(range(len(parts)), key=lambda i: (len(content_words(parts[i])), -i))
    if best + 1 < len(parts) and len(parts[best].split()) + len(parts[best + 1].split()) <= 18:
        return tidy(f"{parts[best]}, and {parts[best + 1]}", 18)  # what happened, and what it does to them
    if best > 0 and len(parts[best - 1].split()) + len(parts[best].split()) <= 18:
        return tidy(f"{parts[best - 1]}, and {parts[best]}", 18)
    return tidy(parts[best], 18)


def topic(text: str) -> str | None:
    """What they came with, in answer to the question: any key phrase with some content."""
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    found = offered_topic(text)
    if found:
        return found
    phrase = key_phrase(text)
    return phrase if len(content_words(phrase)) >= 1 else None


_THOUGHT = re.compile(
    r"\b(i keep thinking|i thought|the thought is|the thought was|i think everyone|i think they|they'?ll (all )?think|"
    r"they'?re (all )?going to think|people will think|my (head|mind|brain) "
    r"(says|keeps saying|tells me|goes)|i tell myself|i keep telling myself|what if|i'?m (going to|gonna) (fail|mess|screw|"
    r"blow|lose|bomb|flunk|look|be a|be the|let)|i'?ll (never|fail|mess|bomb|flunk|look)|everyone (will|thinks|must|is going)|"
    r"i'?m (such an?|so) (idiot|failure|stupid|useless|loser|pathetic|disappointment)|i'?m (useless|worthless|stupid|a failure|"
    r"an idiot|not good enough|a fraud|hopeless|a mess)|they (must|probably|all|definitely) (think|hate)|nobody (likes|wants|cares)|"
    r"i can'?t do anything right|i always (mess|screw|fail|ruin))", re.I)
_THOUGHT_LEAD = re.compile(r"^\W*(?:(?:and |so |then )?(?:(?:the|my) thought (?:is|was)(?: basically)?|i (?:keep )?thought|i keep thinking|i think|my (?:head|mind|brain) "
                           r"(?:says|keeps saying|tells me|goes)|i (?:keep )?tell(?:ing)? myself|it says|it'?s like)(?: that)?[,:]?\s+)",
                           re.I)


def thought(text: str) -> str | None:
    """The automatic thought, as it sounded: "I thought, I'm such an idiot" -> "I'm such an idiot"."""
    text = without_echo(text)
    if _NOT_AN_ANSWER.match(text.strip()) or only_a_number(text):
        return None
    cue = _THOUGHT.search(text)
    source = text[cue.start():] if cue and len(text[:cue.start()].split()) > 6 else text
    source = re.split(r"[.!?]\s|\b(?:but|though|although)\b", _THOUGHT_LEAD.sub("", source.strip()), maxsplit=1)[0]
    phrase = tidy(source, 16)
    return phrase or utterance(text)


def offered_thought(text: str) -> str | None:
    cue = _THOUGHT.search(text)
    if not cue:
        return None
    phrase = tidy(_THOUGHT_LEAD.sub("", text[cue.start():].strip()), 16)
    return phrase if content_words(phrase) else None


_AGAINST = re.compile(
    r"\b(but|though|although|even though|then again|to be fair|on the other hand|mind you|i mean)\b[^.?!]{0,60}?"
    r"\b(i (did|passed|got|managed|have|had|was|know|studied|finished|made|do|usually|always|actually|aced|handled)|"
    r"last (time|year|term|semester|week|month)|actually|usually|most of the time|every time before|never (actually )?(failed|been))",
    re.I)
_AGAINST_DIRECT = re.compile(r"\b(the evidence against|doesn'?t fit|isn'?t (really )?true|not (really )?true because|"
                             r"i'?ve never actually|i have never actually|it'?s never actually)\b", re.I)


def offered_evidence_against(text: str) -> str | None:
    match = _AGAINST.search(text) or _AGAINST_DIRECT.search(text)
    if not match:
        return None
    rest = text[match.start():]
    rest = re.sub(r"^\W*(but|though|although|even though|then again|to be fair|on the other hand|mind you|i mean)\b[,\s]*",
                  "", rest, flags=re.I)
    phrase = tidy(re.split(r"[.?!;]", rest)[0], 14)
    return phrase if content_words(phrase) else None


_BODY = re.compile(
    r"\b(chest|stomach|tummy|gut|shoulders?|throat|neck|jaw|heart|headache|hands?|legs?|breath(ing)?|face|skin|"
    r"tight(ness)?|knots?|heavy|heaviness|racing|pounding|shaky|shaking|tense|tension|butterflies|nause(ous|a)|"
    r"sick to my stomach|lump|buzzing|restless|clenched|sweaty|dizzy)\b", re.I)


def body(text: str) -> str | None:
    """A sensation somewhere in the body; without one the question stays open."""
    return _clause_matching(_BODY, text)


def offered_body(text: str) -> str | None:
    return _clause_matching(_BODY, text)


_FEELINGS = (r"sad(ness)?|angry|anger|anxious|anxiety|scared|afraid|fear|lonely|loneliness|alone|ashamed|shame|guilty|"
             r"guilt|hurt|numb|empty|frustrated|frustration|overwhelmed|panicky|panic|nervous|worried|exhausted|"
             r"hopeless|furious|jealous|grief|heartbroken|stressed|rage|resentful|resentment|disappointed|rejected|"
             r"unloved|invisible|helpless|worthless|drained|relieved|calm|calmer|lighter|tired|upset|low|down|"
             r"terrified|embarrassed|unwanted|abandoned|betrayed|bitter|miserable|depressed|confused|lost|stuck|left out|"
             r"stings?|grey|flat|ashamed|alone|scared")
_FEELING = re.compile(rf"\b({_FEELINGS})\b", re.I)
_FEELING_SAID = re.compile(rf"\b(i (just |really |always |still |kind of )?(feel|felt|am|'m|was|get|got) (so |really |very |just |kind of |pretty |a bit |quite )?"
                           rf"({_FEELINGS})|i'?m (feeling|so|really) (\w+ )?({_FEELINGS}))\b", re.I)


def feeling(text: str) -> str | None:
    """The feeling named: the feeling words themselves, "sad and a bit angry"."""
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    words = [m.group(1).lower() for m in _FEELING.finditer(text)]
    if words:
        return " and ".join(dict.fromkeys(words[:2]))
    if _BODY.search(text):
        return None  # a sensation, not yet a feeling: the question stays open
    return utterance(text)


def offered_feeling(text: str) -> str | None:
    said = _FEELING_SAID.search(text)
    if not said:
        return None
    words = [m.group(1).lower() for m in _FEELING.finditer(said.group(0))]
    return words[-1] if words else None


def inner(text: str) -> str | None:
    """What happens inside: a feeling or a body sensation, whichever they name; else the key phrase."""
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    words = [m.group(1).lower() for m in _FEELING.finditer(text)]
    if words and len(content_words(text)) <= 8:
        return " and ".join(dict.fromkeys(words[:2]))  # "Lonely, mostly. And kind of, rejected?"
    return _clause_matching(_FEELING_SAID, text) or _clause_matching(_BODY, text) or utterance(text)


_NEED = re.compile(
    r"\b(i (just )?(want|wanted|need|needed|wish|long|longed|miss)( for)? (him|her|them|someone|somebody|my \w+|to feel|to be|"
    r"to know|to matter|to hear|us|being|feeling)|i'?d love (him|her|them) to|to feel (close|valued|safe|seen|heard|wanted|loved|"
    r"like i matter))", re.I)


def need(text: str) -> str | None:
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    return _clause_matching(_NEED, text, 14) or utterance(text)


def offered_need(text: str) -> str | None:
    return _clause_matching(_NEED, text, 14)


_EXCEPTION = re.compile(
    r"\b(last (week|weekend|sunday|monday|tuesday|wednesday|thursday|friday|saturday|month|summer|year)|"
    r"(a|one) (few|couple of)? ?(days?|weeks?|months?) ago|there was a (day|time|week)|on (the )?days (when|i)|the days i|"
    r"(it was|it'?s|things were|i felt|i feel) (a bit |a little |much |way )?(better|easier|lighter|okay|good) when|"
    r"when i (was on holiday|took|went|had|did))\b", re.I)
_BETTER = re.compile(r"\b(better|easier|lighter|good|great|fine|okay|calmer|energy|energised|energized|helped|enjoyed|"
                     r"happier|relaxed|rested)\b", re.I)


def exception(text: str) -> str | None:
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    return _clause_matching(_EXCEPTION, text, 14) or utterance(text)


def offered_exception(text: str) -> str | None:
    phrase = _clause_matching(_EXCEPTION, text, 14)
    return phrase if phrase and _BETTER.search(text) else None


_STEP = re.compile(r"\b(i'?ll|i will|i could|i can|i'?m going to|i'?m gonna|i might|maybe i('ll| could| can| will)?|"
                   r"i want to try|i should (probably )?|i'?d like to try|i guess i could|i'?ll try)\b", re.I)
_TRY = re.compile(r"\b(i could try|i'?ll try|i will try|i'?m going to try|i'?m gonna try|maybe i could|i guess i could)\b",
                  re.I)
_WILL = re.compile(r"\b(i'?ll|i will|i'?m going to|i'?m gonna)\s+(?!be\b|never\b|survive\b|probably\b|just\b)\w+", re.I)
_NOT_A_STEP = re.compile(r"\b(fail|mess (it |this |everything )?up|screw|lose|die|kill|hurt|never|can'?t|cannot|look stupid|be fired|bomb|flunk|end up)\b",
                         re.I)


def small_step(text: str) -> str | None:
    """One thing they will do, from "I'll" or "I could" on: "I'll write down one thing that went well"."""
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    found = _clause_matching(_STEP, text, 14)
    if found and _NOT_A_STEP.search(found):
        return None  # "I'll end up alone in the kitchen" is the fear, not the plan
    if found:
        rest = text[text.find(found[:20]) + len(found):] if found[:20] in text else ""
        more = _clause_matching(_STEP, rest, 12) if rest else None
        return tidy(f"{found}, and {more}", 24) if more and more not in found else found
    plain = utterance(text)
    # Without "I'll" or "I could", a plan sounds like "a walk at lunch" or "text Aoife": not "because..."
    return plain if plain and not re.match(r"^(because|cause|since|it'?s|it was|that'?s|i was|i had)\b", plain, re.I) else None


def offered_step(text: str) -> str | None:
    phrase = _clause_matching(_TRY, text, 14) or _clause_matching(_WILL, text, 14)
    return phrase if phrase and not _NOT_A_STEP.search(phrase) else None


_PEOPLE = (r"(my |our )?(roommate|flatmate|housemate|sister|brother|friend|best friend|mum|mom|mother|dad|father|partner|wife|"
           r"husband|neighbou?r|colleague|boss|manager|gran|grandma|nan|aunt|uncle|cousin|daughter|son|teacher|tutor|"
           r"therapist|gp|doctor|coach|[A-Z][a-z]+)")
_SUPPORT = re.compile(rf"\b{_PEOPLE}\b[^.?!]{{0,30}}\b(has been (amazing|great|brilliant|so good|a rock|there|really kind|lovely|"
                      rf"supportive|helping)|(always|really) (listens|helps|gets it|makes me laugh)|helps me|is always there|"
                      rf"made me (soup|dinner|tea|laugh)|checks in on me)", re.I)


def offered_support(text: str) -> str | None:
    """Someone on their side: "my roommate Dani has been amazing"."""
    return _clause_matching(_SUPPORT, text, 12)


_STRENGTH = re.compile(r"\bi'?m (really |quite |very |pretty )?(stubborn|resilient|organi[sz]ed|persistent|determined|patient|"
                       r"a fighter|strong|good at \w+|good with \w+|hard[- ]working|reliable|careful|creative|funny|kind|"
                       r"loyal|brave|calm under pressure)\b", re.I)


def offered_strength(text: str) -> str | None:
    return _clause_matching(_STRENGTH, text, 12)


_FUTURE = re.compile(r"\b(i'?d|i would|i will|i'?ll|wake up|i'?d notice|i would notice|i'?d feel|i would feel)\b", re.I)


def future(text: str) -> str | None:
    if _NOT_AN_ANSWER.match(text.strip()):
        return None
    return _clause_matching(_FUTURE, text, 14) or utterance(text)


EXTRACTORS: dict[str, Extractor] = {
    "utterance": Extractor(utterance),
    "rating": Extractor(rating),
    "mood": Extractor(mood_rating),
    "yes_no": Extractor(yes_no),
    # the screener's questions: a hedge ("sometimes", "I don't know") is a yes; a yes to something else is not
    "risk_yes_no": Extractor(answers_question),
    "balanced_thought": Extractor(balanced_thought),
    "topic": Extractor(topic, offered_topic),
    "thought": Extractor(thought, offered_thought),
    "evidence_against": Extractor(utterance, offered_evidence_against),
    "body": Extractor(body, offered_body),
    "feeling": Extractor(feeling, offered_feeling),
    "need": Extractor(need, offered_need),
    "inner": Extractor(inner),
    "exception": Extractor(exception, offered_exception),
    "step": Extractor(small_step, offered_step),
    "future": Extractor(future),
    "support": Extractor(utterance, offered_support),
    "strength": Extractor(utterance, offered_strength),
}
# A kind that also takes what these kinds take: a body sensation answers "what happens inside you?".
COVERS = {"inner": {"body", "feeling"}}
# The older single-reading table, for callers that only answer the question asked.
SIMPLE: dict[str, Callable[[str], str | None]] = {name: e.asked for name, e in EXTRACTORS.items()}
