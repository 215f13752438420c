"""The benchmark's spoken turns: three short conversations, 1 to 25 words a turn.

The first is the older latency script's (turns.UTTERANCES); each conversation is one
session, so every session starts in the opening and reaches the working phase, as real
users do, instead of one long session running out of protocol. Not clinical content, and
nothing in it should raise the crisis level.
"""

from __future__ import annotations

from .turns import UTTERANCES

PARTNER = [
    "Hello there.",
    "My partner and I keep having the same argument about money.",
    "It starts small and then we both get loud.",
    "Angry, but underneath I think I am scared.",
    "Scared that we are drifting apart and neither of us knows how to stop it.",
    "No.",
    "Maybe I could tell her I miss the way we used to talk after dinner, before the phones came out.",
    "Probably tomorrow evening.",
    "It feels a bit better to have said it out loud.",
    "Okay, thanks.",
]

PRESENTATION = [
    "Good morning.",
    "I have a presentation on Friday and my mind keeps racing.",
    "I keep thinking everyone will see that I don't know what I am doing.",
    "I've given talks before and they went fine, mostly.",
    "A little calmer.",
    "I could practise it twice tonight with a timer and then go to bed early instead of rereading my notes.",
    "Right.",
    "My friend Sam said he would listen to a practice run.",
    "I think I'm ready to stop for today.",
    "Bye.",
]

CONVERSATIONS: tuple[list[str], ...] = (list(UTTERANCES), PARTNER, PRESENTATION)


def all_turns(conversations=CONVERSATIONS) -> list[str]:
    return [text for conversation in conversations for text in conversation]


def shortened(conversations, turns_each: int) -> tuple[list[str], ...]:
    """The first turns of each conversation, for a quick run."""
    return tuple(list(c[:turns_each]) for c in conversations)
