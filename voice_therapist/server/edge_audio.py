"""Audio at a door's edge: chunks of any length regrouped into whole internal frames."""

from __future__ import annotations

import numpy as np

from ..audio.pcm import FRAME_SAMPLES


class Reframer:
    """Chunks of any length in, whole frames of `size` samples out."""

    def __init__(self, size: int = FRAME_SAMPLES):
        self.size = size
        self._buf = np.zeros(0, np.int16)

    def push(self, chunk: np.ndarray) -> list[np.ndarray]:
        self._buf = np.concatenate([self._buf, chunk.astype(np.int16, copy=False)])
        whole = self._buf.size // self.size * self.size
        out = [self._buf[i:i + self.size] for i in range(0, whole, self.size)]
        self._buf = self._buf[whole:]
        return out
