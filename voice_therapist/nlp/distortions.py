"""Naming the thinking trap in an automatic thought, from protocols/knowledge/distortions.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..resources import data_path
from .distortion_knowledge import load_knowledge
from .embedder import SentenceEmbedder
from .sentence_exemplar_scorer import SentenceExemplarScorer

# Tuned with scripts/tune_distortions.py on dev sets (the reframing CSV minus thoughts that
# appear in the test sets, CBT-Bench's seed examples, and a Burns-style set the project
# wrote), never on the tests.
# Scores are z-scores (sentence_exemplar_scorer.py), so the weights are in standard deviations:
CUE_WEIGHT = 1.0  # per matching cue pattern: phrasing is strong evidence for some traps
TOP_K = 40  # traps are about a thought's form, which a few nearest exemplars catch less well
WHOLE_WEIGHT = 0.5  # the rest goes to the sentence that reads most like a thought
PRIOR_WEIGHT = 0.4  # times log relative frequency: when two traps score alike, prefer the commoner
# How often each label is tagged in the reframing dev set (260 thoughts, several labels each); a
# pseudo-count keeps labels it never or seldom tags (mental filter) from being ruled out.
DEV_LABEL_COUNTS = {
    "all_or_nothing": 63, "overgeneralization": 66, "mental_filter": 0, "disqualifying_positive": 33,
    "mind_reading": 48, "fortune_telling": 50, "catastrophizing": 55, "emotional_reasoning": 29,
    "should_statements": 10, "labeling": 62, "personalization": 75, "none": 17,
}
PSEUDO_COUNT = 10
KNOWLEDGE_FILE = data_path("protocols", "knowledge", "distortions.yaml")
NONE_DESCRIPTION = {
    "title": "no clear thinking trap",
    "explanation": "I don't hear an obvious thinking trap in that, which is worth knowing. Let's still check how true it feels.",
    "question": "How true does that thought feel, from zero to a hundred percent?",
}


def log_prior(labels: list[str], weight: float = PRIOR_WEIGHT) -> np.ndarray:
    counts = np.array([DEV_LABEL_COUNTS.get(label, 0) + PSEUDO_COUNT for label in labels], dtype=float)
    return weight * np.log(counts / counts.mean())


class DistortionNamer:
    def __init__(self, embedder: SentenceEmbedder, path: Path = KNOWLEDGE_FILE, *, top_k: int = TOP_K,
                 whole_weight: float = WHOLE_WEIGHT, cue_weight: float = CUE_WEIGHT, prior_weight: float = PRIOR_WEIGHT):
        knowledge = load_knowledge(path)
        self._knowledge = knowledge.distortions
        exemplars = {name: entry.exemplars for name, entry in self._knowledge.items()}
        exemplars["none"] = knowledge.none.exemplars
        self._scorer = SentenceExemplarScorer(embedder, exemplars, top_k=top_k, whole_weight=whole_weight,
                                              situations=knowledge.situations, situation_label="none")
        self._cues = {name: [re.compile(p, re.I) for p in entry.cues] for name, entry in self._knowledge.items()}
        self._cue_weight = cue_weight
        self.labels = self._scorer.labels
        self._prior = log_prior(self.labels, prior_weight)

    def cue_counts(self, text: str) -> np.ndarray:
        lowered = text.replace("’", "'")
        return np.array([sum(bool(p.search(lowered)) for p in self._cues.get(name, [])) for name in self.labels], float)

    def classify(self, text: str) -> tuple[str, float]:
        values = self._scorer.scores(text) + self._cue_weight * self.cue_counts(text) + self._prior
        best, confidence = self._scorer.confidence(values)
        return self.labels[best], confidence

    def describe(self, label: str) -> dict[str, str]:
        entry = self._knowledge.get(label)
        if entry is None:
            return dict(NONE_DESCRIPTION)
        return {"title": entry.title.lower(), "explanation": entry.spoken_explanation, "question": entry.question}
