"""Picks the modality from what the user says and how they sound; or by name when asked.

Built from each protocol's `routing.examples`, so a new modality file routes without code.
"""

from __future__ import annotations

import re

from ..dialogue.protocol import Protocols
from .embedder import SentenceEmbedder
from .exemplar_classifier import ExemplarClassifier

# Asking for a method by name needs a request around it, not just the word.
_REQUEST = r"(?:can we|could we|let's|let us|i'd like|i would like|i want|i wanna|can i|switch to|try|do some|do a|do the|how about|prefer)"
STRESS_BIAS = 0.04  # a tense voice leans towards steadying first (quick help), never decides alone
# Each cue word of a modality's `routing.cues` adds this to its score, up to the cap: "burned out" and
# "stuck" lean to solution-focused work, a partner to EFIT; the exemplars still decide a close call.
CUE_BIAS, CUE_CAP = 0.05, 0.10


class ModalityRouter:
    def __init__(self, embedder: SentenceEmbedder, protocols: Protocols, calming_modality: str = "quick_help"):
        self._classifier = ExemplarClassifier(
            embedder, {name: m.routing.examples for name, m in protocols.modalities.items()})
        self._calming = calming_modality if calming_modality in protocols.modalities else None
        self._cues = {name: [re.compile(c, re.I) for c in m.routing.cues] for name, m in protocols.modalities.items()}
        self._names = [
            (re.compile(rf"\b{_REQUEST}\b.{{0,40}}\b{re.escape(n.lower())}\b"), name)
            for name, m in protocols.modalities.items() for n in sorted(m.routing.names, key=len, reverse=True)
        ]

    def named(self, text: str) -> str | None:
        lowered = text.lower().replace("-", " ")
        for pattern, name in self._names:
            if pattern.search(lowered):
                return name
        return None

    def route(self, text: str, stress: float = 0.5) -> tuple[str, float]:
        named = self.named(text)
        if named:
            return named, 1.0
        bias = {name: min(CUE_CAP, CUE_BIAS * sum(len(c.findall(text)) for c in cues))
                for name, cues in self._cues.items()}
        if self._calming and stress > 0.5:
            bias[self._calming] += STRESS_BIAS * (stress - 0.5) * 2
        return self._classifier.classify(text, bias)
