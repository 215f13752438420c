"""The user's own prosodic baseline: running mean and spread of each feature (Welford).

Learned from the first `window_s` seconds of speech in a session, and seedable from earlier
sessions through to_dict()/from_dict(); a seeded baseline keeps learning from the new session's
first minute, so it follows slow changes in the voice or the microphone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .features import FEATURES, ProsodyFeatures

FORMAT_VERSION = 1

# The smallest spread a feature is allowed, as (absolute, share of the mean). A baseline from one
# or two utterances has a spread near zero, and dividing by it would turn any wobble into a huge
# z. Each floor is about the utterance-to-utterance variation of one calm speaker.
STD_FLOOR = {
    "f0_mean": (0.0, 0.06),  # about one semitone, whatever the voice's register
    "f0_var": (0.3, 0.0),  # semitones
    "energy_db": (1.5, 0.0),  # dB
    "rate": (0.4, 0.0),  # syllables per second
    "pause_ratio": (0.05, 0.0),
    "jitter": (0.001, 0.2),  # depends on the voice and the microphone: mostly relative
}


@dataclass
class _Running:
    """Welford's running mean and sum of squared deviations, for one feature."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    def std(self) -> float:
        return math.sqrt(self.m2 / (self.n - 1)) if self.n > 1 else 0.0


class Baseline:
    def __init__(self, window_s: float = 60.0, min_utterances: int = 3, min_seconds: float = 8.0):
        if window_s <= 0 or min_utterances < 1 or min_seconds <= 0:
            raise ValueError("window_s and min_seconds must be positive, min_utterances at least 1")
        self.window_s = window_s
        self.min_utterances = min_utterances
        self.min_seconds = min_seconds
        self._stats = {name: _Running() for name in FEATURES}
        self._seconds = 0.0  # speech learned from, all sessions together
        self._session_seconds = 0.0  # speech learned from in this session: the window

    @property
    def n(self) -> int:
        """Utterances learned from, all sessions together."""
        return self._stats[FEATURES[0]].n

    @property
    def seconds(self) -> float:
        return self._seconds

    @property
    def learning(self) -> bool:
        """Still inside this session's learning window."""
        return self._session_seconds < self.window_s

    @property
    def ready(self) -> bool:
        """Enough speech to score against: min_utterances utterances or min_seconds of speech."""
        return self.n >= self.min_utterances or (self.n > 0 and self._seconds >= self.min_seconds)

    def add(self, features: ProsodyFeatures) -> bool:
        """Learn from one utterance; False (and nothing learned) once this session's window is full."""
        if not self.learning:
            return False
        values = features.as_dict()
        if not all(math.isfinite(v) for v in values.values()):
            raise ValueError("features with NaN or infinite values cannot enter a baseline")
        for name, value in values.items():
            self._stats[name].add(value)
        self._seconds += features.speech_s
        self._session_seconds += features.speech_s
        return True

    def mean(self, name: str) -> float:
        return self._stats[name].mean

    def std(self, name: str) -> float:
        """The spread of one feature, never below its floor."""
        stat = self._stats[name]
        absolute, relative = STD_FLOOR[name]
        floor = max(absolute, relative * abs(stat.mean))
        return max(stat.std(), floor)

    def zscores(self, features: ProsodyFeatures) -> dict[str, float]:
        """How far each feature of an utterance lies from this baseline, in (floored) spreads."""
        if self.n == 0:
            raise ValueError("the baseline has learned nothing yet")
        values = features.as_dict()
        return {name: (values[name] - self.mean(name)) / self.std(name) for name in FEATURES}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able numbers for storage between sessions; no audio, no words."""
        return {
            "version": FORMAT_VERSION,
            "seconds": self._seconds,
            "features": {name: {"n": s.n, "mean": s.mean, "m2": s.m2} for name, s in self._stats.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], window_s: float = 60.0, min_utterances: int = 3,
                  min_seconds: float = 8.0) -> Baseline:
        """A baseline seeded from an earlier session; its learning window starts afresh."""
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"not a stored prosody baseline (version {FORMAT_VERSION} expected)")
        baseline = cls(window_s, min_utterances, min_seconds)
        try:
            stored = data["features"]
            for name in FEATURES:
                entry = stored[name]
                stat = _Running(n=int(entry["n"]), mean=float(entry["mean"]), m2=float(entry["m2"]))
                if stat.n < 0 or stat.m2 < 0 or not math.isfinite(stat.mean) or not math.isfinite(stat.m2):
                    raise ValueError(f"impossible values for {name}")
                baseline._stats[name] = stat
            baseline._seconds = float(data["seconds"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"stored prosody baseline is incomplete: {exc}") from exc
        if len({s.n for s in baseline._stats.values()}) != 1:
            raise ValueError("stored prosody baseline has different counts per feature")
        return baseline
