"""What kind of answer a turn is: an answer, yes or no, "I don't know", a question back, a
correction, a new concern, "I'd rather not", or a wish to stop.

Rules, small and predictable, so a reviewer can see why a turn was read as it was; the
table in tests/test_dialogue_answer_kinds.py is their contract.
"""

from __future__ import annotations

import re

from .key_phrase import content_words

ANSWER, YES, NO, DONT_KNOW, QUESTION, CORRECTION, NEW_CONCERN, DECLINE, WRAP_UP, THANKS, OFF_TASK = (
    "answer", "yes", "no", "dont_know", "question", "correction", "new_concern", "decline", "wrap_up", "thanks",
    "off_task")
KINDS = (ANSWER, YES, NO, DONT_KNOW, QUESTION, CORRECTION, NEW_CONCERN, DECLINE, WRAP_UP, THANKS, OFF_TASK)

# Asked to drop its rules, play a part, or give a dose: not an answer to quote back or keep.
_OFF_TASK = re.compile(
    r"\b(ignore (all |your |the |my |previous |any )*(instructions|rules|prompt)|forget (your|all|the) (instructions|rules)|"
    r"you are now|pretend (to be|you'?re)|act as (a|an|my)|system prompt|developer mode|jailbreak|tell me a joke|"
    r"(what|which|how much|how many) (dose|dosage|mg|milligrams|pills|tablets)|how (much|many) (of )?(my |the )?"
    r"(\w+ )?(pills|tablets|medication|meds) (should|can|do) i|(should|can) i (take|double|up) (my |more |the )?(dose|meds|medication|pills)|"
    r"prescribe me|recommend (a|some) (medication|pill|drug))\b", re.I)
_DECLINE = re.compile(
    r"\b(i'?d rather not|i would rather not|(i'?d )?prefer not to|i don'?t (really )?want to (talk|say|go|get|answer|think)|"
    r"rather not (say|talk|go|get)|can we skip|let'?s skip|skip (that|this)|pass on (that|this)|not ready to (talk|say|go)|"
    r"i'?m not comfortable (talking|saying|answering)|leave (that|it) (for now|there))\b", re.I)
_CORRECTION = re.compile(
    r"(^\W*(no|nope|sorry|wait|oh|actually)\b[\s,.!]*(no[\s,.]*)?(i meant|what i meant|i mean\b|that'?s not)|"
    r"\b(i meant|what i meant was|that'?s not what i (said|meant)|you misheard|i didn'?t say|let me correct|to correct)\b)",
    re.I)
_WRAP_UP = re.compile(
    r"\b(i (have|need|got) to go|i'?ve got to (go|run)|gotta go|that'?s all for (today|now)|let'?s (stop|wrap (it )?up|end) "
    r"(here|there|now|for today)|can we (stop|end|finish|wrap up)( here| now| for today)?\b|i'?m done for today|"
    r"end (the|this) session|i need to stop( now| here| for today)?\W*$)", re.I)
_NEW_CONCERN = re.compile(
    r"\b(something else|another thing|one more thing|the (bigger|real|other|actual) (thing|problem|issue|worry)|"
    r"what'?s really (bothering|getting|eating)|can we talk about|could we talk about|i'?d rather talk about|"
    r"i want to talk about|change the subject|on another note|different (topic|subject)|"
    r"(there'?s|there is) also|but really,? the|unrelated|on a side note|side note|by the way)\b", re.I)
_DONT_KNOW = re.compile(
    r"\b(i (really )?don'?t know|i do not know|i'?m not (really )?sure|not sure|no idea|dunno|i (can'?t|cannot) (think|say|tell)|"
    r"hard to say|no clue|nothing comes to mind|i have no idea|i can'?t remember|i don'?t remember|beats me|"
    r"i'?ve no idea|i wouldn'?t know)\b", re.I)
# A question for the assistant, not a worried "what if" of the person's own.
_ASKS_BACK = re.compile(
    r"(^|[.!]\s+|^\W*(sorry|wait|um|uh|so|hmm)[,\s]+)(what do you mean|what does that mean|what'?s that mean|meaning what|"
    r"is (that|this|it) (normal|common|ok|okay|bad|weird|strange|wrong|usual)|is it normal|do other people|does everyone|"
    r"why (do|would|are|is|does|should) (you|i|that|this|it)|how (do|does|would|will|can|is) (that|this|it|you)|"
    r"what (is|are|would|should|do) (a|an|the|that|this|you|i)\b|can you (explain|say|repeat|give)|could you (explain|repeat|give)|"
    r"like what|for example\?|such as\?|sorry,? what|pardon|huh)", re.I)
_THANKS = re.compile(r"^\W*(ok(ay)?,? )?(thanks|thank you|cheers|that('?s| is| was) (really )?(helpful|useful)|"
                     r"(this|that) (really )?helped)\b", re.I)
_WHAT_IF = re.compile(r"\bwhat if\b", re.I)
_YES = re.compile(r"^\W*(yes|yeah|yep|yup|yea|sure|right|exactly|definitely|absolutely|correct|it does|that fits|"
                  r"i think so|kind of|sort of|mm+ ?hm+|uh[- ]huh|okay|ok|true|i guess so|probably)\b", re.I)
_NO = re.compile(r"^\W*(no|nope|nah|not really|not quite|i don'?t think so|it doesn'?t|not at all|never)\b", re.I)


def classify(text: str) -> str:
    """The kind of one turn's answer (see the module doc); ANSWER when nothing else fits."""
    said = (text or "").strip()
    if not said:
        return DONT_KNOW
    if _OFF_TASK.search(said):
        return OFF_TASK
    if _WRAP_UP.search(said):
        return WRAP_UP
    if _DECLINE.search(said):
        return DECLINE
    if _CORRECTION.search(said):
        return CORRECTION
    if _NEW_CONCERN.search(said):
        return NEW_CONCERN
    if _asks_back(said):
        return QUESTION
    if _DONT_KNOW.search(said) and len(content_words(_DONT_KNOW.sub(" ", said))) < 3:
        return DONT_KNOW
    words = len(said.split())
    if words <= 8 and _THANKS.search(said):
        return THANKS
    if words <= 6 and _NO.search(said):
        return NO
    if words <= 6 and _YES.search(said):
        return YES
    return ANSWER


def _asks_back(said: str) -> bool:
    if _WHAT_IF.search(said):
        return False
    if _ASKS_BACK.search(said):
        # A question at the end of a long answer is rhetorical more often than not.
        last = re.split(r"(?<=[.!])\s+", said)[-1]
        return bool(_ASKS_BACK.search(last)) or len(said.split()) <= 14
    return said.endswith("?") and len(said.split()) <= 10 and bool(re.search(r"\b(you|that|this|it)\b", said, re.I))


def correction_text(text: str) -> str:
    """What the person put in place of the earlier answer: the words after "I meant"."""
    match = re.search(r"\b(?:i meant|what i meant was|i mean|that'?s not what i (?:said|meant))\b[\s,:]*(?:that\s+|is\s+|was\s+)?(.*)",
                      text, re.I)
    return match.group(1) if match and match.group(1).strip() else text


def concern_text(text: str) -> str:
    """The new concern itself, without "actually, there's something else"."""
    rest = _NEW_CONCERN.sub(" ", text)
    rest = re.sub(r"^[\W]*(?:(?:actually|also|but|and|so|well|um|is|was|that|it'?s|really)[\s,.:]+)*", "", rest.strip(), flags=re.I)
    return rest or text
