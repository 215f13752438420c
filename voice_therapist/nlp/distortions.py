"""Naming the thinking trap in an automatic thought, from protocols/knowledge/distortions.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .embedder import SentenceEmbedder
from .exemplar_classifier import ExemplarClassifier

# Tuned on a dev set (the reframing CSV minus thoughts in the test sets), never on the tests:
CUE_WEIGHT = 0.1  # per matching cue pattern: phrasing is strong evidence for some traps
TOP_K = 20  # traps are about a thought's form, which a few nearest exemplars catch less well
KNOWLEDGE_FILE = Path(__file__).resolve().parent.parent.parent / "protocols" / "knowledge" / "distortions.yaml"
NONE_DESCRIPTION = {
    "title": "no clear thinking trap",
    "explanation": "I don't hear an obvious thinking trap in that, which is worth knowing. Let's still check how true it feels.",
    "question": "How true does that thought feel, from zero to a hundred percent?",
}


class DistortionNamer:
    def __init__(self, embedder: SentenceEmbedder, path: Path = KNOWLEDGE_FILE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._knowledge = data["distortions"]
        exemplars = {name: entry["exemplars"] for name, entry in self._knowledge.items()}
        exemplars["none"] = data["none"]["exemplars"]
        self._classifier = ExemplarClassifier(embedder, exemplars, top_k=TOP_K)
        self._cues = {name: [re.compile(p, re.I) for p in entry.get("cues", [])] for name, entry in self._knowledge.items()}
        self.labels = self._classifier.labels

    def classify(self, text: str) -> tuple[str, float]:
        lowered = text.replace("’", "'")
        bias = {name: CUE_WEIGHT * sum(bool(p.search(lowered)) for p in patterns) for name, patterns in self._cues.items()}
        return self._classifier.classify(text, bias)

    def describe(self, label: str) -> dict[str, str]:
        entry = self._knowledge.get(label)
        if entry is None:
            return dict(NONE_DESCRIPTION)
        return {"title": entry["title"].lower(), "explanation": entry["spoken_explanation"], "question": entry["question"]}
