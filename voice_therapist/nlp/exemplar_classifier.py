"""A classifier from written exemplars: a text takes the label whose closest exemplars are nearest.

Deterministic, inspectable (each label is its list of exemplars in a reviewed file), and fast:
one sentence embedding and a matrix product per text.
"""

from __future__ import annotations

import numpy as np

from .embedder import SentenceEmbedder

TEMPERATURE = 0.05  # turns score gaps into a confidence


class ExemplarClassifier:
    def __init__(self, embedder: SentenceEmbedder, exemplars: dict[str, list[str]], top_k: int = 3):
        self._embedder = embedder
        self._top_k = top_k  # a label's score is the mean similarity of its k nearest exemplars
        self.labels = list(exemplars)
        self._matrices = [embedder.embed_exemplars(exemplars[label]) for label in self.labels]

    def scores(self, text: str) -> dict[str, float]:
        vector = self._embedder.embed([text])[0]
        return {
            label: float(np.mean(np.sort(matrix @ vector)[-self._top_k:]))
            for label, matrix in zip(self.labels, self._matrices)
        }

    def classify(self, text: str, bias: dict[str, float] | None = None) -> tuple[str, float]:
        """(label, confidence in 0..1); `bias` adds to a label's score before choosing."""
        scores = self.scores(text)
        for label, extra in (bias or {}).items():
            scores[label] += extra
        values = np.array(list(scores.values()))
        weights = np.exp((values - values.max()) / TEMPERATURE)
        best = int(np.argmax(values))
        return self.labels[best], float(weights[best] / weights.sum())
