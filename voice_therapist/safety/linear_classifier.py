"""The crisis detector's trained layer: logistic regression over the sentence embedding.

Trained at start-up on every written exemplar in protocols/safety/crisis_exemplars.yaml (and
the project's ordinary therapy talk as `none`). Where the nearest-exemplar layer answers for
one exemplar, this layer weighs all of them, so a phrasing nobody wrote down is still placed
between the ones that were. It reads the vector the semantic layer already computed, so it
adds a matrix product, not a second encoder run.

That vector is wide: the last layer's embedding beside the one pooled after layer 4, which
stays nearer the words. Leaving each of seven authors' sets out of the exemplars in turn,
the wide vector caught 0.907 of their risk lines against 0.890 for the last layer alone, and
0.910 of plan/imminent at active or above against 0.895, with the same hard negatives (6.7%)
and ordinary talk (1.6%) flagged (both at C 16).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..resources import data_path
from .levels import AT_RISK, SEPARATE

log = logging.getLogger(__name__)
# Shipped, not trained at start: where lbfgs stops moves with the BLAS kernels, so answers differed by CPU.
SHIPPED = data_path("models", "crisis_linear.npz")

# Both chosen on read sets left out in turn, never on unread ones (figures: docs/safety-record.md).
REGULARISATION_C = 64.0
MIN_RISK_MASS = 0.9  # the at-risk levels' probabilities together must reach this


@dataclass(frozen=True)
class LinearVerdict:
    level: str  # the most likely at-risk or separate level, or "none" when the mass is too low
    probability: float


def training_digest(texts: list[str], labels: list[str]) -> str:
    """What the layer is trained on, as written (not the vectors, which differ by float rounding between CPUs)."""
    from ..nlp.embedder import EARLY_LAYER, ENCODER_VERSION

    digest = hashlib.sha256(f"C={REGULARISATION_C}|{ENCODER_VERSION}|early={EARLY_LAYER}\n".encode())
    for text, label in zip(texts, labels):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


class LinearCrisisModel:
    def __init__(self, vectors: np.ndarray, labels: list[str]):
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # one BLAS thread: the same stopping point on every run of this CPU
            # Balanced: how many lines a level happens to have says nothing about how likely it is.
            model = LogisticRegression(C=REGULARISATION_C, max_iter=3000, class_weight="balanced").fit(vectors, labels)
        self.labels = [str(label) for label in model.classes_]
        self._weights = model.coef_.astype(np.float32).T
        self._bias = model.intercept_.astype(np.float32)

    @classmethod
    def shipped_or_trained(cls, vectors: np.ndarray, labels: list[str], digest: str,
                           path: Path = SHIPPED) -> LinearCrisisModel:
        """The shipped layer when it was trained on exactly these exemplars; else one trained now
        (a leave-one-out run, or exemplars edited without `make train-crisis`, which a test catches)."""
        try:
            with np.load(path) as shipped:
                if str(shipped["digest"]) == digest:
                    model = cls.__new__(cls)
                    model.labels = [str(label) for label in shipped["labels"]]
                    model._weights, model._bias = shipped["weights"], shipped["bias"]
                    return model
        except (OSError, KeyError, ValueError):
            pass
        log.info("the crisis linear layer is trained at start-up (%s does not match the exemplars)", path.name)
        return cls(vectors, labels)

    def save(self, path: Path, digest: str) -> None:
        np.savez(path, digest=np.array(digest), labels=np.array(self.labels), weights=self._weights, bias=self._bias)

    def probabilities(self, vector: np.ndarray) -> dict[str, float]:
        logits = vector @ self._weights + self._bias
        odds = np.exp(logits - logits.max())
        return dict(zip(self.labels, (odds / odds.sum()).tolist()))

    def verdict(self, vector: np.ndarray) -> LinearVerdict:
        probs = self.probabilities(vector)
        for group in (AT_RISK, SEPARATE):
            present = [level for level in group if level in probs]
            if present and sum(probs[level] for level in present) >= MIN_RISK_MASS:
                best = max(present, key=probs.get)
                return LinearVerdict(best, probs[best])
        return LinearVerdict("none", 0.0)
