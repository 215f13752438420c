"""Exemplar scoring that finds the thought inside a longer account.

A client's answer mixes what happened with what they thought; the trap sits in the thought,
and the whole-text embedding dilutes it. So a long answer is read whole and sentence by
sentence, and the sentence that is most like some exemplar and least like a plain account
of events (`situations`) is blended with the whole.

Labels differ in how close they sit to everything: one with broad exemplars is near most
texts and wins by default. So each label's similarity is given as a z-score against its
similarity to the other labels' exemplars.
"""

from __future__ import annotations

import re

import numpy as np

from .embedder import SentenceEmbedder

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
TEMPERATURE = 1.0  # in z units: turns score gaps into a confidence
SITUATION = "plain account of events"
SITUATION_K = 10  # nearest plain accounts of events averaged for a sentence's "just what happened" score


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text.strip()) if len(p.strip()) > 3]
    return parts or [text]


class SentenceExemplarScorer:
    def __init__(self, embedder: SentenceEmbedder, exemplars: dict[str, list[str]], top_k: int, whole_weight: float,
                 situations: list[str] = (), situation_label: str | None = None):
        self._embedder = embedder
        self._top_k = top_k
        self._whole_weight = whole_weight
        self.labels = list(exemplars)
        # A sentence that only tells what happened has no trap: it counts for situation_label.
        self._situation_to = self.labels.index(situation_label) if situations and situation_label else None
        sources = {**exemplars, **({SITUATION: list(situations)} if situations else {})}
        self._matrices = [embedder.embed_exemplars(sources[label]) for label in sources]
        self._situations = self._matrices[-1] if situations else None
        self._mean, self._std = self._background(sources)

    def _top_k_means(self, vectors: np.ndarray) -> np.ndarray:
        """(n_vectors, n_labels): mean similarity of each vector's k nearest exemplars per label."""
        k = self._top_k
        return np.stack([np.sort(vectors @ m.T, axis=1)[:, -k:].mean(1) for m in self._matrices], axis=1)

    def _background(self, exemplars: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Each label's mean and spread of similarity over the other labels' exemplars."""
        owners = np.array([i for i, label in enumerate(exemplars) for _ in exemplars[label]])
        scores = self._top_k_means(np.concatenate(self._matrices))
        mean = np.array([scores[owners != i, i].mean() for i in range(len(exemplars))])
        std = np.array([scores[owners != i, i].std() for i in range(len(exemplars))])
        return mean, np.maximum(std, 1e-6)

    def _thought_index(self, vectors: np.ndarray, per: np.ndarray) -> int:
        if self._situations is None:
            return int(np.argmax(per.max(1)))
        k = min(SITUATION_K, len(self._situations))
        situation = np.sort(vectors @ self._situations.T, axis=1)[:, -k:].mean(1)
        return int(np.argmax(per.max(1) - situation))

    def scores(self, text: str) -> np.ndarray:
        """One z-score per label: the whole answer and its sentence that carries the thought,
        blended by whole_weight (an answer of several thoughts often shows several traps)."""
        parts = sentences(text)
        if len(parts) == 1:
            return self._z(self._top_k_means(self._embedder.embed(parts))[0])
        vectors = self._embedder.embed([text, *parts])
        per = self._top_k_means(vectors)
        best = 1 + self._thought_index(vectors[1:], per[1:, :len(self.labels)])
        return self._whole_weight * self._z(per[0]) + (1 - self._whole_weight) * self._z(per[best])

    def _z(self, similarities: np.ndarray) -> np.ndarray:
        z = (similarities - self._mean) / self._std
        if self._situation_to is not None:
            z[self._situation_to] = max(z[self._situation_to], z[-1])
        return z[:len(self.labels)]

    @staticmethod
    def confidence(values: np.ndarray) -> tuple[int, float]:
        weights = np.exp((values - values.max()) / TEMPERATURE)
        best = int(np.argmax(values))
        return best, float(weights[best] / weights.sum())
