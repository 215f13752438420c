"""The crisis detector's semantic layer: the nearest written exemplar, over sentence embeddings.

Catches what the lexicon's patterns do not spell out ("everyone would be better off without
me", "I've been giving my things away"). Every decision points at one exemplar in
protocols/safety/crisis_exemplars.yaml, so a reviewer can see why a line was flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..nlp.embedder import SentenceEmbedder
from ..nlp.exemplar_index import ExemplarIndex

# Chosen on the development set (tests/data/crisis_eval.jsonl), never on the blind test set:
# the nearest exemplar must be this close, and this much closer than the nearest ordinary line.
# scripts/tune_crisis_thresholds.py found 0.55 catches a little more, but it put answers to
# the miracle question ("I would wake up with some energy") on the crisis path.
MIN_SIMILARITY = 0.6
from .combine import CLEAR_MARGIN as MARGIN_OVER_NONE  # noqa: E402  one value, owned by the combiner
MIN_WORDS = 3  # "Hello." is nearest to something; under this there is too little to go on


@dataclass(frozen=True)
class Nearest:
    level: str  # the level of the nearest exemplar; "none" when no risk exemplar is close
    similarity: float
    exemplar: str
    clear: bool  # also clearly nearer than any ordinary line: enough on its own
    nearer: bool = False  # at least nearer than any ordinary line: enough with another layer's word
    ordinary: str = ""  # the nearest ordinary (`none`) line, which combine.py weighs the risk exemplar against
    ordinary_similarity: float = 0.0


class SemanticCrisisModel:
    def __init__(self, embedder: SentenceEmbedder, exemplars: dict[str, list[str]], wide: np.ndarray):
        """`wide`: the exemplars' wide vectors (embedder.embed_exemplars(..., wide=True)) in the
        order of `exemplars`; the linear layer trains on them, and they are not kept here (36 MB)."""
        self.embedder = embedder
        self.texts = [text for texts in exemplars.values() for text in texts]
        self.labels = np.array([label for label, texts in exemplars.items() for _ in texts])
        # The nearest exemplar is found in the final layer's space, where the thresholds above
        # were chosen.
        self.matrix = np.ascontiguousarray(wide[:, :embedder.dim])
        none = self.labels == "none"
        self._index = ExemplarIndex(self.matrix, {"risk": np.flatnonzero(~none), "none": np.flatnonzero(none)},
                                    embedder.cache.directory / "models")

    def vector(self, text: str) -> np.ndarray | None:
        """The utterance's wide embedding (embedder.embed_wide), or None when it is too short to judge."""
        return self.embedder.embed_wide([text])[0] if len(text.split()) >= MIN_WORDS else None

    def nearest(self, vector: np.ndarray | None) -> Nearest:
        if vector is None:
            return Nearest("none", 0.0, "", False)
        found = self._index.nearest(vector[:self.matrix.shape[1]])
        ordinary, nearest_ordinary = (self.texts[found["none"][0]], found["none"][1]) if "none" in found else ("", -1.0)
        if "risk" not in found:
            return Nearest("none", 0.0, "", False, ordinary=ordinary, ordinary_similarity=nearest_ordinary)
        best, similarity = found["risk"]
        if similarity < MIN_SIMILARITY:
            return Nearest("none", similarity, "", False, ordinary=ordinary, ordinary_similarity=nearest_ordinary)
        return Nearest(str(self.labels[best]), similarity, self.texts[best],
                       clear=similarity - nearest_ordinary >= MARGIN_OVER_NONE, nearer=similarity >= nearest_ordinary,
                       ordinary=ordinary, ordinary_similarity=nearest_ordinary)
