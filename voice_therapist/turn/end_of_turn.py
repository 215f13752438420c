"""Is the user's turn over? A pause is judged on three things, not on its length alone:

- the words so far (a trailing "and", "because", "I just...", Whisper's "..."),
- how the voice ended (falling pitch says done; level or rising says more is coming),
- Smart Turn v3.2, an audio model trained on finished and unfinished turns.

The judgement is the silence that ends this pause: short when the turn is surely over, up to
`max_wait_ms` when it is surely not. Deciding happens here; speaking is the session's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import TurnConfig
from .pitch_cue import Ending, ending
from .smart_turn import SmartTurn
from .words_cue import WordsCue, judge_words

PITCH_SPAN_ST = 3.0  # a fall of this many semitones counts fully; more does not count more


@dataclass(frozen=True)
class Evidence:
    complete_p: float  # Smart Turn's probability that the turn is finished
    words: WordsCue
    ending: Ending


@dataclass(frozen=True)
class Verdict:
    silence_ms: int  # the silence after the last voiced frame that ends the turn
    finished: bool  # False: judged unfinished (it may hear a backchannel while it waits)


def score(evidence: Evidence, cfg: TurnConfig) -> float:
    """Higher is more surely finished: Smart Turn's probability, a falling pitch, finished words."""
    fall = float(np.clip(-evidence.ending.movement_st / PITCH_SPAN_ST, -1.0, 1.0)) if evidence.ending.voiced else 0.0
    words = cfg.words_weight if evidence.words == "finished" else 0.0
    # Rounded: 0.3 + 0.15 must reach a 0.45 threshold, which binary floats alone miss.
    return round(cfg.smart_turn_weight * evidence.complete_p + cfg.pitch_weight * fall + words, 6)


def judge(evidence: Evidence, cfg: TurnConfig) -> Verdict:
    if evidence.words == "unfinished":
        return Verdict(cfg.max_wait_ms, False)
    s = score(evidence, cfg)
    if s >= cfg.finished_above:
        return Verdict(cfg.quick_silence_ms, True)
    if s >= cfg.probably_above:
        return Verdict(cfg.unsure_silence_ms, True)
    # The longest wait; no "mm" after words that read as a finished sentence unless the audio model heard
    # more coming (a finished sentence whose pitch was unread on an 8 kHz line heard "Mm" before its reply).
    heard_more = evidence.words != "finished" or (cfg.smart_turn_weight > 0 and evidence.complete_p < 0.5)
    return Verdict(cfg.max_wait_ms, not heard_more)


def gather(smart_turn: SmartTurn | None, pcm: np.ndarray, text: str) -> Evidence:
    """The evidence for a pause: `pcm` is the turn's audio up to now (trailing silence included)."""
    return with_words(listen(smart_turn, pcm), text)


def listen(smart_turn: SmartTurn | None, pcm: np.ndarray) -> Evidence:
    """What the sound says, before the words are in. Without Smart Turn (weight 0) its probability is 0."""
    return Evidence(smart_turn.complete_probability(pcm) if smart_turn is not None else 0.0, "unknown", ending(pcm))


def with_words(sound: Evidence, text: str) -> Evidence:
    return Evidence(sound.complete_p, judge_words(text), sound.ending)
