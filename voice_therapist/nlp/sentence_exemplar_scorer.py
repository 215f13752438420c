"""Exemplar scoring that also looks at a long text sentence by sentence.

A client's account mixes situation and thought; the trap usually sits in one sentence,
and the whole-text embedding dilutes it. So a label's score blends its top-k exemplar
similarity for the whole text with the best such similarity over the text's sentences.
"""

from __future__ import annotations

import re

import numpy as np

from .embedder import SentenceEmbedder

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
TEMPERATURE = 0.05  # turns score gaps into a confidence, as in ExemplarClassifier


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text.strip()) if len(p.strip()) > 3]
    return parts or [text]


class SentenceExemplarScorer:
    def __init__(self, embedder: SentenceEmbedder, exemplars: dict[str, list[str]], top_k: int, whole_weight: float):
        self._embedder = embedder
        self._top_k = top_k
        self._whole_weight = whole_weight
        self.labels = list(exemplars)
        self._matrices = [embedder.embed_exemplars(exemplars[label]) for label in self.labels]

    def _top_k_means(self, vectors: np.ndarray) -> np.ndarray:
        """(n_vectors, n_labels): mean similarity of each vector's k nearest exemplars per label."""
        k = self._top_k
        return np.stack([np.sort(vectors @ m.T, axis=1)[:, -k:].mean(1) for m in self._matrices], axis=1)

    def scores(self, text: str) -> np.ndarray:
        parts = sentences(text)
        texts = [text] if len(parts) == 1 else [text, *parts]
        per = self._top_k_means(self._embedder.embed(texts))
        return self._whole_weight * per[0] + (1 - self._whole_weight) * per[1:].max(0) if len(per) > 1 else per[0]

    @staticmethod
    def confidence(values: np.ndarray) -> tuple[int, float]:
        weights = np.exp((values - values.max()) / TEMPERATURE)
        best = int(np.argmax(values))
        return best, float(weights[best] / weights.sum())
