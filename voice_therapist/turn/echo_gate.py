"""Tells the assistant's own voice, coming back through the microphone, from the user's.

Browsers and phones cancel echo themselves; this gate covers a desktop microphone and
speakers, where playback leaks into the input. The last 200 ms of input are compared with
what was played up to 300 ms before: echo is a delayed, scaled copy, so its normalised
correlation at the best delay is near 1, while a different voice over the same stretch
stays well below. (A 20 ms window was too short: two voices often correlated by chance.)
It does not model a reverberant room; there a headset or the OS echo canceller is needed.
"""

from __future__ import annotations

import numpy as np

from ..audio.pcm import to_float

WINDOW_MS = 200
MAX_DELAY_MS = 300


class EchoGate:
    def __init__(self, threshold: float, sample_rate: int = 16000):
        self.threshold = threshold
        self._win = WINDOW_MS * sample_rate // 1000
        self._reference = np.zeros(self._win + MAX_DELAY_MS * sample_rate // 1000, np.float32)
        self._input = np.zeros(self._win, np.float32)
        self._fft_size = 1 << int(np.ceil(np.log2(self._reference.size + self._win)))

    def played(self, pcm: np.ndarray) -> None:
        """Record the frame just sent to the speaker."""
        self._reference = np.concatenate([self._reference[pcm.size:], to_float(pcm)])

    def heard(self, pcm: np.ndarray) -> None:
        """Record the frame just taken from the microphone."""
        self._input = np.concatenate([self._input[pcm.size:], to_float(pcm)])

    def correlation(self) -> float:
        """Best normalised correlation of the recent input with any delay of the playback."""
        x, ref = self._input, self._reference
        x_energy = float(np.dot(x, x))
        if x_energy < 1e-7 or not np.any(ref):
            return 0.0
        n = self._fft_size
        corr = np.fft.irfft(np.fft.rfft(ref, n) * np.conj(np.fft.rfft(x, n)), n)[: ref.size - x.size + 1]
        sq = np.concatenate([[0.0], np.cumsum(ref.astype(np.float64) ** 2)])
        window_energy = sq[x.size:] - sq[: -x.size]
        ncc = corr / np.sqrt(x_energy * np.maximum(window_energy, 1e-9))
        return float(np.max(np.abs(ncc)))

    def is_echo(self) -> bool:
        return self.correlation() >= self.threshold
