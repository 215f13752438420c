"""One user turn's transcription while it is being spoken.

Partials are refreshed on an interval so captions move while the user talks. Pauses inside
the turn commit what came before them, so at the end only the audio after the last pause
has to be recognised. The final pass starts speculatively in the endpoint silence and is
thrown away if the user goes on speaking.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import numpy as np

from ..audio.pcm import SAMPLE_RATE
from .base import SpeechRecognizer

RunBlocking = Callable[..., Awaitable]
MIN_COMMIT_SECONDS = 2.0  # shorter stretches are not committed: whisper needs context


class TurnTranscriber:
    def __init__(self, recognizer: SpeechRecognizer, run_blocking: RunBlocking, partial_interval_ms: int):
        self._asr = recognizer
        self._run = run_blocking
        self._interval = partial_interval_ms
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self._committed_text = ""
        self._committed_samples = 0
        self._last_partial_ms = 0.0
        self._partial_task: asyncio.Task | None = None
        self._final_task: asyncio.Task | None = None
        self.partial_text = ""

    @property
    def audio(self) -> np.ndarray:
        if len(self._chunks) > 1:
            self._chunks = [np.concatenate(self._chunks)]
        return self._chunks[0] if self._chunks else np.zeros(0, np.int16)

    @property
    def duration_ms(self) -> float:
        return self._samples * 1000 / SAMPLE_RATE

    def feed(self, pcm: np.ndarray) -> None:
        self._chunks.append(pcm)
        self._samples += pcm.size

    def want_partial(self) -> bool:
        busy = self._partial_task is not None and not self._partial_task.done()
        return not busy and self.duration_ms - self._last_partial_ms >= self._interval

    async def partial(self, commit_pause: bool) -> str:
        """Recognise the uncommitted tail; at a pause, commit it. Returns the full partial text."""
        self._last_partial_ms = self.duration_ms
        upto = self._samples
        tail = self.audio[self._committed_samples:upto]
        self._partial_task = asyncio.ensure_future(self._run(self._asr.transcribe, tail, self._committed_text))
        text = await self._partial_task
        if commit_pause and tail.size >= MIN_COMMIT_SECONDS * SAMPLE_RATE and upto > self._committed_samples:
            self._committed_text = _join(self._committed_text, text)
            self._committed_samples = upto
            self.partial_text = self._committed_text
        else:
            self.partial_text = _join(self._committed_text, text)
        return self.partial_text

    def speculate(self) -> None:
        """Start the final pass now, over the audio heard so far."""
        self.cancel_speculation()
        self._final_task = asyncio.ensure_future(
            self._final_pass(self._committed_text, self.audio[self._committed_samples:self._samples]))

    async def _final_pass(self, head: str, tail: np.ndarray) -> str:
        # The committed text it starts from travels with it: a partial may commit more
        # while this pass runs, and joining that to this pass's tail would say it twice.
        return _join(head, await self._run(self._asr.transcribe, tail, head))

    def cancel_speculation(self) -> None:
        if self._final_task is not None and not self._final_task.done():
            self._final_task.cancel()
        self._final_task = None

    async def final(self) -> str:
        """The final transcript; reuses the speculative pass unless speech resumed after it."""
        if self._final_task is None or self._final_task.cancelled():
            self.speculate()
        # Shielded: a reply that is cancelled must not cancel the recognition its words need.
        return await asyncio.shield(self._final_task)


def _join(head: str, tail: str) -> str:
    return f"{head} {tail}".strip() if head else tail.strip()
