"""The crisis detector: a level for each final transcript, with memory across the session.

Two inspectable layers: the lexicon's patterns (lexicon.py) and a small trained model over
the project's exemplars (ngram_classifier.py). The higher level wins; neither ever lowers
the other. Risk builds up over a conversation: it never resets on a calm sentence, the last
few utterances are also read together (a veiled statement is often spread over turns), and
repeated hopelessness becomes a reason to ask directly. `assess` only reads the session's
state; `commit` applies an assessment once the turn is certain.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..frames import Risk
from .levels import LEVELS, SEPARATE, rank
from .lexicon import neutralized, scan
from .ngram_classifier import NgramNaiveBayes

EXEMPLARS_FILE = Path(__file__).resolve().parent.parent.parent / "protocols" / "safety" / "crisis_exemplars.yaml"
MODEL_THRESHOLD = 0.6  # the model's posterior for a risk level must reach this to count
CONTEXT_TURNS = 3  # the utterance and the two before it are also read as one
WATCHES_TO_ASK = 3  # hopelessness said this often is treated as a wish to be dead: ask directly
STRESS_TO_WATCH = 0.8  # a very tense voice alone raises none to watch, never higher
MODEL_MIN_WORDS = 4  # under this the model has too little evidence ("Hello." was flagged); the lexicon still reads it


@dataclass(frozen=True)
class Assessment:
    risk: Risk  # what this turn is reported as
    session_level: str  # the suicide-scale level of the session once this turn counts
    raised: bool  # this turn took the session to a higher level
    text: str = ""
    watch: bool = False


def load_model(path: Path = EXEMPLARS_FILE, ordinary_talk: list[str] = ()) -> NgramNaiveBayes:
    """Trained on the crisis exemplars, with the project's ordinary therapy talk (routing
    examples, distortion thoughts) added to `none`: without it a third of everyday lines
    ("my wife and I keep fighting") were flagged."""
    levels = yaml.safe_load(path.read_text(encoding="utf-8"))["levels"]
    return NgramNaiveBayes({**levels, "none": [*levels["none"], *ordinary_talk]})


def ordinary_talk(protocols, distortions_file: Path) -> list[str]:
    thoughts = yaml.safe_load(distortions_file.read_text(encoding="utf-8"))
    return ([e for m in protocols.modalities.values() for e in m.routing.examples]
            + [e for v in thoughts["distortions"].values() for e in v["exemplars"]] + thoughts["none"]["exemplars"])


class CrisisDetector:
    def __init__(self, model: NgramNaiveBayes | None = None):
        self.model = model
        self.session_level = "none"
        self._recent: deque[str] = deque(maxlen=CONTEXT_TURNS - 1)
        self._watches = 0

    def _model_level(self, text: str) -> tuple[str, float]:
        if self.model is None or len(text.split()) < MODEL_MIN_WORDS:
            return "none", 0.0
        posteriors = self.model.posteriors(text)
        label = max(posteriors, key=posteriors.get)
        if label == "none" or posteriors[label] < MODEL_THRESHOLD:
            return "none", posteriors.get(label, 0.0)
        return label, posteriors[label]

    def assess(self, text: str, stress: float = 0.5) -> Assessment:
        reasons: set[str] = set()
        found: list[str] = []
        for hit in scan(text):
            found.append(hit.level)
            reasons.add(f"lexicon:{hit.level}")
        level, p = self._model_level(text)
        # An idiom or talk about suicide as a topic vetoes the model, never the lexicon.
        if level != "none" and (found or not neutralized(text)):
            reasons.add(f"model:{level}:{p:.2f}")
            # Alone, the model flagged 2.4% of ordinary talk ("I just need to vent"): it may
            # prompt a gentle check-in (watch); the higher levels need the lexicon's evidence.
            found.append(level if found else "watch")
        if self._recent:
            joined = " ".join([*self._recent, text])
            context = [h.level for h in scan(joined)]
            raised_by_context = [lvl for lvl in context if lvl != "none" and lvl not in found]
            if raised_by_context:
                found += raised_by_context
                reasons.add("context")
        separate = [lvl for lvl in found if lvl in SEPARATE]
        scale = max((lvl for lvl in found if lvl in LEVELS), key=rank, default="none")
        watch = scale == "watch"
        if watch and self._watches + 1 >= WATCHES_TO_ASK:
            scale = "passive"
            reasons.add("build_up")
        if scale == "none" and stress >= STRESS_TO_WATCH:
            scale = "watch"
            reasons.add("vocal_stress")
        raised = rank(scale) > rank(self.session_level)
        session_level = scale if raised else self.session_level
        # Harm to others and abuse have their own paths, but never hide a risk to the user's life.
        reported = separate[0] if separate and rank(session_level) < rank("passive") else session_level
        return Assessment(Risk(level=reported, reasons=tuple(sorted(reasons))), session_level, raised, text, watch)

    def commit(self, assessment: Assessment) -> None:
        if rank(assessment.session_level) > rank(self.session_level):
            self.session_level = assessment.session_level
        self._watches += assessment.watch
        if assessment.text:
            self._recent.append(assessment.text)
