"""The assistant's outgoing audio, handed out one 20 ms frame per tick.

It knows which sentence each sample belongs to, so when the user interrupts, the part of
the reply that was actually heard can be kept in the history and the rest dropped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from ..audio.pcm import FRAME_SAMPLES

SILENCE = np.zeros(FRAME_SAMPLES, np.int16)


@dataclass
class _Piece:
    reply_id: int
    text: str
    pcm: np.ndarray
    played: int = 0


@dataclass
class PlayedFrame:
    pcm: np.ndarray
    started: list[int] = field(default_factory=list)  # replies whose first sample is in this frame
    finished: list[int] = field(default_factory=list)  # replies whose last queued piece ended here


class Playback:
    def __init__(self) -> None:
        self._queue: deque[_Piece] = deque()
        self._spoken: dict[int, list[str]] = {}
        self._closed: set[int] = set()  # replies that will get no more audio

    @property
    def speaking(self) -> bool:
        return bool(self._queue)

    def enqueue(self, reply_id: int, text: str, pcm: np.ndarray) -> None:
        if pcm.size:
            self._queue.append(_Piece(reply_id, text, pcm))

    def close_reply(self, reply_id: int) -> bool:
        """No more audio for this reply. True when it has already finished playing."""
        self._closed.add(reply_id)
        return not any(p.reply_id == reply_id for p in self._queue)

    def next_frame(self) -> PlayedFrame:
        out = PlayedFrame(SILENCE.copy())
        filled = 0
        while filled < FRAME_SAMPLES and self._queue:
            piece = self._queue[0]
            if piece.played == 0 and piece.reply_id not in self._spoken:
                self._spoken[piece.reply_id] = []
                out.started.append(piece.reply_id)
            take = min(FRAME_SAMPLES - filled, piece.pcm.size - piece.played)
            out.pcm[filled:filled + take] = piece.pcm[piece.played:piece.played + take]
            filled += take
            piece.played += take
            if piece.played == piece.pcm.size:
                self._queue.popleft()
                self._spoken[piece.reply_id].append(piece.text)
                if piece.reply_id in self._closed and not any(p.reply_id == piece.reply_id for p in self._queue):
                    out.finished.append(piece.reply_id)
        return out

    def spoken_text(self, reply_id: int) -> str:
        return " ".join(self._spoken.get(reply_id, []))

    def clear(self) -> dict[int, str]:
        """Stop at once. Returns, per interrupted reply, the text that was actually heard."""
        heard: dict[int, str] = {}
        for piece in self._queue:
            words = piece.text.split()
            if piece.played and words:
                cut = int(round(len(words) * piece.played / piece.pcm.size))
                self._spoken[piece.reply_id].append(" ".join(words[:cut]))
            heard.setdefault(piece.reply_id, "")
        self._queue.clear()
        for reply_id in heard:
            heard[reply_id] = " ".join(t for t in self._spoken.get(reply_id, []) if t).strip()
        return heard

    def forget(self, reply_id: int) -> None:
        self._spoken.pop(reply_id, None)
        self._closed.discard(reply_id)
