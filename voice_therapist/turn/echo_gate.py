"""Tells the assistant's own voice, coming back through the microphone, from the user's.

Browsers and phones cancel echo themselves; this gate covers a desktop microphone and
speakers, where our playback can leak into the input. An input frame that is strongly
correlated with what we played in the last few hundred milliseconds is echo.
"""

from __future__ import annotations

import numpy as np

from ..audio.pcm import FRAME_SAMPLES, to_float


class EchoGate:
    def __init__(self, threshold: float, max_delay_ms: int = 300, sample_rate: int = 16000):
        self.threshold = threshold
        self._delay = max_delay_ms * sample_rate // 1000
        self._reference = np.zeros(self._delay + FRAME_SAMPLES, np.float32)

    def played(self, pcm: np.ndarray) -> None:
        """Record the frame just sent to the speaker."""
        n = pcm.size
        self._reference = np.concatenate([self._reference[n:], to_float(pcm)])

    def is_echo(self, pcm: np.ndarray) -> bool:
        ref = self._reference
        x = to_float(pcm)
        x_energy = float(np.dot(x, x))
        if x_energy < 1e-9 or not np.any(ref):
            return False
        # Normalised cross-correlation of the frame against every delay in the window.
        n = 1 << int(np.ceil(np.log2(ref.size + x.size)))
        corr = np.fft.irfft(np.fft.rfft(ref, n) * np.conj(np.fft.rfft(x, n)), n)[: ref.size - x.size + 1]
        window_energy = np.convolve(ref * ref, np.ones(x.size, np.float32), mode="valid")
        ncc = corr / np.sqrt(x_energy * np.maximum(window_energy, 1e-9))
        return float(np.max(np.abs(ncc))) >= self.threshold
