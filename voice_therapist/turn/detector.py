"""Voice activity, endpointing and barge-in over 20 ms frames.

Each call to `process` takes one input frame and returns the turn events it caused. The
detector keeps no audio of its own beyond a short pre-roll; the ASR stage owns the utterance.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np
import webrtcvad

from ..audio.pcm import FRAME_MS, SAMPLE_RATE
from ..config import TurnConfig
from .echo_gate import EchoGate


class TurnEvent(Enum):
    SPEECH_STARTED = "speech_started"  # a user turn begins (also on barge-in)
    BARGE_IN = "barge_in"  # the user started a turn while the assistant was speaking
    SPECULATE = "speculate"  # silence long enough to start the final transcript early
    RESUMED = "resumed"  # speech came back after SPECULATE: drop the speculative result
    SPEECH_ENDED = "speech_ended"  # the turn is over


@dataclass(frozen=True)
class TurnSignal:
    event: TurnEvent
    t_ms: float  # media time the event refers to (turn start, or end of the last voiced frame)
    preroll: tuple[np.ndarray, ...] = ()  # frames of the turn heard before SPEECH_STARTED


class TurnDetector:
    PREROLL_MS = 300  # audio kept from before the voiced run that started the turn

    def __init__(self, cfg: TurnConfig):
        self.cfg = cfg
        self._vad = webrtcvad.Vad(cfg.vad_aggressiveness)
        self.echo = EchoGate(cfg.echo_correlation)
        # The history must hold a whole barge-in window (twice the speech it needs) and pre-roll.
        preroll_ms = 2 * max(cfg.start_speech_ms, cfg.barge_in_min_speech_ms) + self.PREROLL_MS
        self._recent: deque[tuple[np.ndarray, bool]] = deque(maxlen=preroll_ms // FRAME_MS)
        self.in_turn = False
        self._run_start_ms = 0.0
        self._last_voiced_end_ms = 0.0
        self._speculating = False
        self._turn_start_ms = 0.0
        self._now_end_ms = 0.0
        # With the end-of-turn model, each pause waits for its judgement (turn/end_of_turn.py).
        self.judging = cfg.end_of_turn == "model"
        self.pause_number = 0  # counts SPECULATE signals: a judgement names the pause it is for
        self._judged_ms: float | None = None

    @property
    def pause_ms(self) -> float:
        """Silence so far inside the current turn; a pause is a good place to commit text."""
        return self._now_end_ms - self._last_voiced_end_ms if self.in_turn else 0.0

    @property
    def judged(self) -> bool:
        """The current pause has its judgement (always so under the silence rule)."""
        return not self.judging or self._judged_ms is not None

    def judge(self, pause_number: int, silence_ms: float) -> None:
        """The silence that ends pause `pause_number`; ignored once speech resumed after it."""
        if self.in_turn and self._speculating and pause_number == self.pause_number:
            self._judged_ms = silence_ms

    def _endpoint_ms(self) -> float:
        if not self.judging:
            return self.cfg.endpoint_silence_ms
        return self._judged_ms if self._judged_ms is not None else self.cfg.max_wait_ms

    def _is_speech(self, pcm: np.ndarray, assistant_speaking: bool) -> bool:
        self.echo.heard(pcm)
        if not self._vad.is_speech(pcm.tobytes(), SAMPLE_RATE):
            return False
        return not (assistant_speaking and self.echo.is_echo())

    def process(self, pcm: np.ndarray, t_ms: float, assistant_speaking: bool) -> list[TurnSignal]:
        voiced = self._is_speech(pcm, assistant_speaking)
        end_ms = t_ms + FRAME_MS
        self._now_end_ms = end_ms
        self._recent.append((pcm, voiced))
        if not self.in_turn:
            return self._idle(voiced, t_ms, end_ms, assistant_speaking)
        return self._speaking(voiced, end_ms)

    def _idle(self, voiced: bool, t_ms: float, end_ms: float, assistant_speaking: bool) -> list[TurnSignal]:
        # A turn starts when enough of a recent window is voiced, so the short pauses
        # inside speech ("Sorry, actually...") do not restart the count.
        needed = self.cfg.barge_in_min_speech_ms if assistant_speaking else self.cfg.start_speech_ms
        window = list(self._recent)[-int(2 * needed // FRAME_MS):]
        if not voiced or sum(v for _, v in window) * FRAME_MS < needed:
            return []
        first_voiced = next(i for i, (_, v) in enumerate(window) if v)
        self._run_start_ms = end_ms - (len(window) - first_voiced) * FRAME_MS
        self.in_turn = True
        self._speculating = False
        self._turn_start_ms = self._run_start_ms
        self._last_voiced_end_ms = end_ms
        keep = int((end_ms - self._run_start_ms + self.PREROLL_MS) // FRAME_MS)
        preroll = tuple(frame for frame, _ in list(self._recent)[-keep:])
        signals = [TurnSignal(TurnEvent.SPEECH_STARTED, self._run_start_ms, preroll)]
        if assistant_speaking:
            signals.insert(0, TurnSignal(TurnEvent.BARGE_IN, end_ms))
        return signals

    def _speaking(self, voiced: bool, end_ms: float) -> list[TurnSignal]:
        if voiced:
            self._last_voiced_end_ms = end_ms
            if self._speculating:
                self._speculating = False
                self._judged_ms = None
                return [TurnSignal(TurnEvent.RESUMED, end_ms)]
            if end_ms - self._turn_start_ms >= self.cfg.max_turn_seconds * 1000:
                return self._end()
            return []
        silence = end_ms - self._last_voiced_end_ms
        if silence >= self._endpoint_ms():
            return self._end()
        if silence >= self.cfg.speculative_silence_ms and not self._speculating:
            self._speculating = True
            self.pause_number += 1
            self._judged_ms = None
            return [TurnSignal(TurnEvent.SPECULATE, self._last_voiced_end_ms)]
        return []

    def end_input(self) -> list[TurnSignal]:
        """The input ended (a hang-up, a closed socket, the end of a file): a turn in progress
        ends here, as if the endpoint silence had been heard, so its words still count."""
        return self._end() if self.in_turn else []

    def _end(self) -> list[TurnSignal]:
        self.in_turn = False
        self._speculating = False
        self._judged_ms = None
        self._recent.clear()  # the next turn's window starts empty
        return [TurnSignal(TurnEvent.SPEECH_ENDED, self._last_voiced_end_ms)]
