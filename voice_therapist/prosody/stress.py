"""A vocal stress (arousal) cue: how far an utterance's prosody lies from the user's own baseline.

It is a cue, not a diagnosis: higher, louder, faster speech with fewer pauses than this person's
usual scores above 0.5. It says nothing about which emotion, or about risk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from .baseline import Baseline
from .features import ProsodyError, ProsodyFeatures, extract

# Direction and weight of each feature, from the vocal-arousal literature (raised pitch,
# loudness and tempo are the most consistent markers; pitch spread and perturbation less so;
# fewer pauses counts towards arousal). Fixed, not fitted: there is no real stressed speech here.
WEIGHTS = {
    "f0_mean": 1.0,
    "energy_db": 0.8,
    "rate": 0.8,
    "pause_ratio": -0.5,
    "f0_var": 0.3,
    "jitter": 0.3,
}
LABELS = {"f0_mean": "f0_mean", "energy_db": "energy", "rate": "rate", "pause_ratio": "pause",
          "f0_var": "f0_var", "jitter": "jitter"}
GAIN = 1.5  # weighted mean z of 1 -> 0.82, of 2 -> 0.95
Z_CLIP = 4.0  # one wild feature (a shout, a tracking error) cannot decide the score alone
MAX_DRIVERS = 3
MIN_DRIVER = 0.3  # weighted z below this is not worth naming
NEUTRAL = 0.5


@dataclass(frozen=True)
class StressScore:
    score: float  # 0..1; 0.5 is the user's baseline, higher is more aroused
    drivers: tuple[str, ...]  # e.g. ("f0_mean+", "rate+"): the features that moved the score most
    baseline_ready: bool


class StressScorer:
    def score(self, features: ProsodyFeatures, baseline: Baseline) -> StressScore:
        """Score one utterance's features against a baseline; neutral until the baseline is ready."""
        if not baseline.ready:
            return StressScore(NEUTRAL, (), False)
        z = baseline.zscores(features)
        contribution = {name: weight * float(np.clip(z[name], -Z_CLIP, Z_CLIP)) for name, weight in WEIGHTS.items()}
        mean_z = sum(contribution.values()) / sum(abs(w) for w in WEIGHTS.values())
        score = 1.0 / (1.0 + math.exp(-GAIN * mean_z))
        ranked = sorted(contribution, key=lambda name: abs(contribution[name]), reverse=True)
        drivers = tuple(f"{LABELS[name]}{'+' if z[name] > 0 else '-'}" for name in ranked[:MAX_DRIVERS]
                        if abs(contribution[name]) >= MIN_DRIVER)
        return StressScore(score, drivers, True)


class ProsodyTracker:
    """One session's stress cue: scores each utterance, learning the baseline in the first minute."""

    def __init__(self, baseline: Baseline | None = None, scorer: StressScorer | None = None):
        self.baseline = baseline if baseline is not None else Baseline()
        self.scorer = scorer if scorer is not None else StressScorer()

    def measure(self, pcm: np.ndarray, words: int | None = None) -> tuple[StressScore, ProsodyFeatures | None]:
        """Score against the baseline as it stands; changes nothing (a speculative turn may be dropped).

        Audio that cannot be measured (too short, no voiced speech) scores neutral and yields no
        features to learn from: a cough or a clipped 'mm' is no evidence either way."""
        try:
            # One BLAS thread: a second one spins after each call and starves the LLM and TTS.
            with threadpool_limits(1, user_api="blas"):
                features = extract(pcm, words=words)
        except ProsodyError:
            return StressScore(NEUTRAL, (), self.baseline.ready), None
        return self.scorer.score(features, self.baseline), features

    def learn(self, features: ProsodyFeatures | None) -> None:
        """Once the turn is certain: its features join the baseline while it is still being learned."""
        if features is not None:
            self.baseline.add(features)

    def observe(self, pcm: np.ndarray, words: int | None = None) -> StressScore:
        result, features = self.measure(pcm, words)
        self.learn(features)
        return result
