"""The per-utterance crisis classifier: a pure function of the words (and the assistant's last question).

Each layer reports what it heard as `Evidence`; combine.py turns the evidence into a level. No
state: the same text and question always give the same reading. The conversation (what was said
before, how often) is conversation.py's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .combine import FRAME_CAPS, Decision, combine
from .evidence import Evidence
from .lexicon import read
from .risk_answers import answered_level, asked_about_means

# An answer to the means question that names a time or an intent is a disclosure, not the plan's answer.
INTENT = re.compile(r"\b(?:tonight|tomorrow|today|now|soon|later|this (?:week|weekend)|going to|gonna|about to|taking|"
                    r"ready|plan\w*|decided|want to|wanna|use (?:it|them) on|when everyone|once everyone)\b")
LINEAR_MIN_WORDS = 6  # shorter, it was sure of nearly anything: "Hi, it's me again." at imminent, 0.99
MODEL_MIN_WORDS = 4  # under this the n-gram and tuned layers have too little to go on ("Hello." was flagged)


@dataclass(frozen=True)
class Reading:
    evidence: tuple[Evidence, ...]  # everything every layer heard
    decision: Decision  # what it adds up to

    @property
    def level(self) -> str:
        return self.decision.level


def lexicon_evidence(text: str, layer: str = "lexicon") -> list[Evidence]:
    """The lexicon's hits (with their pattern ids) and the frames it found."""
    reading = read(text)
    return ([Evidence(layer, hit.level, 1.0, hit.id) for hit in reading.hits]
            + [Evidence("frame", FRAME_CAPS[name] or "none", 1.0, name) for name in reading.frames])


class UtteranceClassifier:
    def __init__(self, models):
        self.models = models  # detector.CrisisModels: any layer may be absent (tests run the lexicon alone)

    def evidence(self, text: str, asked: str = "") -> list[Evidence]:
        found = lexicon_evidence(text)
        words = len(text.split())
        m = self.models
        if m.ngram is not None and words >= MODEL_MIN_WORDS:
            posteriors = m.ngram.posteriors(text)
            label = max(posteriors, key=posteriors.get)
            if label != "none":
                found.append(Evidence("ngram", label, posteriors[label]))
        vector = m.semantic.vector(text) if m.semantic is not None else None
        if vector is not None:
            near = m.semantic.nearest(vector)
            if near.level != "none":
                found.append(Evidence("semantic", near.level, near.similarity, near.exemplar))
            if near.ordinary:
                found.append(Evidence("semantic", "none", near.ordinary_similarity, near.ordinary))
            if m.linear is not None and words >= LINEAR_MIN_WORDS:
                verdict = m.linear.verdict(vector)
                if verdict.level != "none":
                    found.append(Evidence("linear", verdict.level, verdict.probability))
        if m.tuned is not None and words >= MODEL_MIN_WORDS:
            tuned = m.tuned.verdict(text)
            if tuned.level != "none":
                found.append(Evidence("tuned", tuned.level, tuned.probability))
            # Only what it read whole may veto: cut at 64 tokens, a long post's risk may lie past the cut.
            found.append(Evidence("tuned", "none", tuned.none, "read whole" if tuned.whole else "cut short"))
        if asked_about_means(asked) and not INTENT.search(text.lower()):
            found.append(Evidence("frame", FRAME_CAPS["means_question"], 1.0, "means_question"))
        answered = answered_level(asked, text)
        if answered is not None:
            found.append(Evidence("answer", answered, 1.0, "yes to a question about risk"))
        return found

    def read(self, text: str, asked: str = "") -> Reading:
        evidence = tuple(self.evidence(text, asked))
        return Reading(evidence, combine(evidence))
