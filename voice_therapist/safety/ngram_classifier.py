"""A small trained model for crisis levels: multinomial naive Bayes over hashed n-grams.

Trained at start-up from the project's written exemplars (protocols/safety/
crisis_exemplars.yaml). Character n-grams inside word boundaries survive the way speech
recognition splits and joins words ("kill my self", "suicide all"); word pairs keep a little
order ("not wake", "too many"). Scoring one utterance takes well under a millisecond.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

BUCKETS = 1 << 16
CHAR_NGRAMS = (3, 4, 5)
ALPHA = 0.1  # additive smoothing


def features(text: str) -> list[int]:
    words = re.findall(r"[a-z']+", text.lower().replace("’", "'"))
    grams = [f"w:{w}" for w in words] + [f"b:{a}_{b}" for a, b in zip(words, words[1:])]
    for word in words:
        padded = f" {word} "
        grams += [f"c:{padded[i:i + n]}" for n in CHAR_NGRAMS for i in range(len(padded) - n + 1)]
    return [zlib.crc32(g.encode()) % BUCKETS for g in grams]


class NgramNaiveBayes:
    def __init__(self, exemplars: dict[str, list[str]]):
        self.labels = list(exemplars)
        counts = np.full((len(self.labels), BUCKETS), ALPHA, np.float64)
        for row, label in enumerate(self.labels):
            for text in exemplars[label]:
                np.add.at(counts[row], features(text), 1.0)
        self._log_prob = np.log(counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)
        # Uniform priors: how often a level is written down says nothing about how likely it is.
        self._prior = np.zeros(len(self.labels), np.float32)

    def posteriors(self, text: str) -> dict[str, float]:
        index = features(text)
        if not index:
            return {label: 1.0 / len(self.labels) for label in self.labels}
        log_joint = self._prior + self._log_prob[:, index].sum(axis=1)
        probs = np.exp(log_joint - log_joint.max())
        probs /= probs.sum()
        return dict(zip(self.labels, probs.tolist()))
