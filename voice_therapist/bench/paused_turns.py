"""The turn-taking benchmark's utterances: finished ones, and ones with a pause inside.

Written for measuring, not clinical content. A paused utterance is spoken as two pieces with
0.5-2 s of silence between them: at a clause boundary, after a filler, or mid-phrase. Some
first pieces end with a comma or "..." (espeak-ng then keeps the pitch up, as people do);
others end bare, so the voice falls as if the thought were done and only the words can tell.
Each text is spoken by two of the voices. Texts alternate between the tuning part and the
held-out part, so no text (in any voice) is in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FINISHED = [
    "I had a rough day at work today.",
    "My sister called me last night and we argued again.",
    "I feel tired all the time.",
    "I don't know what else to do.",
    "It has been like this for about three months.",
    "Mostly I just want to sleep.",
    "My manager keeps piling on more tasks.",
    "I stopped going to the gym in the spring.",
    "Nobody at home really listens to me.",
    "I think I am a burden to my friends.",
    "Yes.",
    "No, not really.",
    "That sounds okay.",
    "I guess I could call my brother tonight.",
    "Sometimes I lie awake until three in the morning.",
    "The exam is next Friday and I haven't started revising.",
    "I keep replaying the conversation in my head.",
    "It makes me feel small.",
    "I would rate it about a six out of ten.",
    "We moved here last year for my partner's job.",
    "I haven't told anyone about this before.",
    "Thank you, that helps a little.",
    "My chest gets tight when I walk into the office.",
    "I used to love painting, but I stopped.",
    "Maybe I am expecting too much of myself.",
    "She said I was overreacting.",
    "I eat lunch at my desk most days.",
    "It started after my father got sick.",
    "I am worried I will lose my job.",
    "I walked the dog this morning and it helped.",
    "Honestly, I feel a bit better than last week.",
    "I don't want to go to the party on Saturday.",
    "My neighbour plays loud music every night.",
    "The worst part is feeling alone in a crowded room.",
    "I cried in the car on the way home.",
    "I would like to be kinder to myself.",
    "That is exactly how it feels.",
    "My best friend moved to another city.",
    "I think about it every single day.",
    "I am not sure that is true.",
    "I snapped at my kids again this morning.",
    "It's hard to explain.",
    "I have been drinking more coffee than usual.",
    "My thoughts race whenever I try to relax.",
    "I want to feel like myself again.",
    "Work is the only thing I think about.",
    "I felt proud of myself for once.",
    "The doctor said everything looked normal.",
    "I skipped dinner again yesterday.",
    "It's been a long week.",
    "I called my mother and it went well.",
    "I am scared of making the wrong choice.",
]

# (before the pause, after it, where the pause falls)
PAUSED = [
    ("I just feel", "like nobody at home even sees me.", "mid_phrase"),
    ("I keep thinking that...", "maybe it's me.", "mid_phrase"),
    ("When I get home,", "I just sit in the car for a while.", "clause"),
    ("I wanted to call her, um", "but I didn't know what to say.", "filler"),
    ("The thing is", "I never asked for any of this.", "mid_phrase"),
    ("My manager said", "that my work was not good enough.", "mid_phrase"),
    ("I tried to sleep, but", "my mind would not stop.", "clause"),
    ("It's like,", "everything is too much at once.", "filler"),
    ("I don't know, I guess", "I am just tired of pretending.", "filler"),
    ("Sometimes I wonder if", "anyone would notice if I left.", "mid_phrase"),
    ("We used to be close, and", "now we barely talk.", "clause"),
    ("I went to the", "doctor last week about my sleep.", "mid_phrase"),
    ("Because of work,", "I have not seen my friends in months.", "clause"),
    ("Um,", "I think it started in the summer.", "filler"),
    ("My father was", "always very strict with us.", "mid_phrase"),
    ("If I am honest,", "I am scared of being alone.", "clause"),
    ("I feel like, uh", "I am letting everyone down.", "filler"),
    ("The hardest part is", "the evenings when the house is quiet.", "mid_phrase"),
    ("I told my partner and", "he just changed the subject.", "clause"),
    ("I'm not sure,", "maybe I'm overthinking it.", "filler"),
    ("Every morning I", "dread opening my email.", "mid_phrase"),
    ("After the funeral,", "I stopped answering my phone.", "clause"),
    ("It's just that", "nobody asks how I am.", "mid_phrase"),
    ("I was going to say", "that I feel a bit lighter today.", "mid_phrase"),
    ("So, um", "I finally talked to my boss.", "filler"),
    ("What bothers me most is", "that I can't fix it.", "mid_phrase"),
    ("I know it sounds silly, but", "I miss my old job.", "clause"),
    ("My sister and I", "have not spoken since Christmas.", "mid_phrase"),
    ("I think the problem is", "I never say no.", "mid_phrase"),
    ("Well, you know,", "it's complicated.", "filler"),
    ("I get this feeling in my", "stomach before every meeting.", "mid_phrase"),
    ("When she left,", "the house felt empty.", "clause"),
    ("I started running again, and", "it really helps.", "clause"),
    ("I feel so", "tired all the time.", "mid_phrase"),
    ("Honestly, uh", "I don't remember the last time I laughed.", "filler"),
    ("I wish I could", "just take a break from everything.", "mid_phrase"),
    ("Part of me wants to", "quit and start over.", "mid_phrase"),
    ("Although I love them,", "my family drains me.", "clause"),
    ("I've been meaning to tell you", "that I lost my job.", "mid_phrase"),
    ("Like,", "I do everything for everyone.", "filler"),
    ("I just", "can't seem to get going in the mornings.", "mid_phrase"),
    ("Whenever I try to relax,", "my heart starts racing.", "clause"),
    ("My friend told me", "I should talk to someone.", "mid_phrase"),
    ("I guess, um", "I am angry more than sad.", "filler"),
    ("The last few weeks have been", "really hard.", "mid_phrase"),
    ("I didn't go to work today because", "I couldn't face it.", "clause"),
    ("I want to feel", "normal again.", "mid_phrase"),
    ("It's hard, you know, because", "I used to be the strong one.", "clause"),
    ("Er,", "I don't really know where to start.", "filler"),
    ("I keep telling myself", "it will get better.", "mid_phrase"),
    ("My kids are", "the only reason I get up.", "mid_phrase"),
    ("Since the accident,", "I avoid driving at night.", "clause"),
]

VOICES = (("en-us+m3", 165), ("en-us+f3", 155), ("en-gb-x-rp+m5", 170), ("en-gb-scotland+f2", 160))
PAUSE_S = (0.5, 2.0)
SEED = 26


@dataclass(frozen=True)
class Utterance:
    key: str  # unique: text number, voice
    text: str  # what is said, the pause shown as " ... "
    pieces: tuple[str, ...]  # one (finished) or two (paused) pieces
    kind: str  # "finished", or where the pause falls: "clause", "filler", "mid_phrase"
    pause_s: float  # the silence between the pieces (0 when finished)
    voice: str
    speed: int
    held_out: bool  # reported apart; never used to choose settings

    @property
    def paused(self) -> bool:
        return len(self.pieces) == 2


def utterances() -> list[Utterance]:
    """208 utterances: 52 finished and 52 paused texts, each in two voices."""
    rng = np.random.default_rng(SEED)
    out: list[Utterance] = []
    for i, text in enumerate(FINISHED):
        for j in range(2):
            voice, speed = VOICES[(i + 2 * j) % len(VOICES)]
            out.append(Utterance(f"f{i}-{voice}", text, (text,), "finished", 0.0, voice, speed, i % 2 == 1))
    for i, (before, after, kind) in enumerate(PAUSED):
        for j in range(2):
            voice, speed = VOICES[(i + 1 + 2 * j) % len(VOICES)]
            pause = round(float(rng.uniform(*PAUSE_S)), 2)
            out.append(Utterance(f"p{i}-{voice}", f"{before} ... {after}", (before, after), kind, pause, voice,
                                 speed, i % 2 == 1))
    return out
