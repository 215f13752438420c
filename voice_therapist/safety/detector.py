"""The crisis detector: a level for each final transcript, with memory across the session.

Five inspectable layers: the lexicon's patterns (lexicon.py), the nearest written exemplar
over sentence embeddings (semantic.py), logistic regression over the same embedding
(linear_classifier.py), a small n-gram model (ngram_classifier.py), and MiniLM's first layers
fine-tuned as a level classifier (tuned_model.py), all trained on the same written exemplars.
The highest level wins. One layer lowers others, and only one way: the tuned layer, when it
is sure a line is harmless, overrules the layers that read topics and turns the lexicon's
passive or active into a gentle question (`_after_sure_none`). Risk builds up over a
conversation: it never resets on a calm sentence, the last few utterances are also read
together (a veiled statement is often spread over turns), and repeated hopelessness becomes a
reason to ask directly. `assess` only reads the session's state; `commit` applies an
assessment once the turn is certain.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path

from ..frames import Risk
from .exemplar_file import load_crisis_exemplars
from .levels import LEVELS, SEPARATE, rank
from .lexicon import neutralized, scan
from .linear_classifier import LinearCrisisModel
from .ngram_classifier import NgramNaiveBayes
from .risk_answers import answered_level
from .semantic import SemanticCrisisModel
from .tuned_model import SURE_NONE, TunedCrisisModel

SAFETY_DIR = Path(__file__).resolve().parent.parent.parent / "protocols" / "safety"
EXEMPLARS_FILE = SAFETY_DIR / "crisis_exemplars.yaml"  # written as exemplars
# The development sets' lines (other authors'), copied by scripts/exemplars_from_dev_sets.py.
DEV_SET_EXEMPLARS_FILE = SAFETY_DIR / "crisis_exemplars_dev_sets.yaml"
EXEMPLAR_FILES = (EXEMPLARS_FILE, DEV_SET_EXEMPLARS_FILE)
MODEL_THRESHOLD = 0.6  # the model's posterior for a risk level must reach this to count
CONTEXT_TURNS = 3  # the utterance and the two before it are also read as one
WATCHES_TO_ASK = 3  # hopelessness said this often is treated as a wish to be dead: ask directly
STRESS_TO_WATCH = 0.8  # a very tense voice alone raises none to watch, never higher
LINEAR_MIN_WORDS = 6  # shorter, it was sure of nearly anything: "Hi, it's me again." at imminent, 0.99
MODEL_MIN_WORDS = 4  # under this the model has too little evidence ("Hello." was flagged); the lexicon still reads it


@dataclass(frozen=True)
class Assessment:
    risk: Risk  # what this turn is reported as
    session_level: str  # the suicide-scale level of the session once this turn counts
    raised: bool  # this turn took the session to a higher level
    text: str = ""
    watch: bool = False
    score: float = 0.0  # strength of the evidence for the reported level: 1.0 a lexicon pattern,
                        # else the semantic similarity or the model's posterior; 0.0 for none


@dataclass(frozen=True)
class CrisisModels:
    """The trained parts, loaded once per process and shared by every session's detector."""

    ngram: NgramNaiveBayes | None = None
    semantic: SemanticCrisisModel | None = None
    linear: LinearCrisisModel | None = None
    tuned: TunedCrisisModel | None = None  # trained offline, so leave-one-out runs go without it


def exemplars(paths: tuple[Path, ...] = EXEMPLAR_FILES, ordinary_talk: list[str] = ()) -> dict[str, list[str]]:
    """The crisis exemplars of every file, with the project's ordinary therapy talk (routing
    examples, distortion thoughts) added to `none`: without it a third of everyday lines ("my
    wife and I keep fighting") were flagged. A line in two places counts once."""
    levels: dict[str, list[str]] = {}
    seen: set[str] = set()
    for source in [*(load_crisis_exemplars(path) for path in paths), {"none": list(ordinary_talk)}]:
        for level, texts in source.items():
            kept = levels.setdefault(level, [])
            for text in texts:
                if text.lower() not in seen:
                    seen.add(text.lower())
                    kept.append(text)
    return levels


def load_models(protocols, embedder=None, paths: tuple[Path, ...] = EXEMPLAR_FILES) -> CrisisModels:
    """All trained layers; without an embedder, the n-gram model only (fast, for tests)."""
    from ..nlp.distortions import KNOWLEDGE_FILE

    models = trained(exemplars(paths, ordinary_talk(protocols, KNOWLEDGE_FILE)), embedder)
    return models if embedder is None else replace(models, tuned=TunedCrisisModel())


def trained(written: dict[str, list[str]], embedder=None) -> CrisisModels:
    """Every layer trained on these exemplars, by level."""
    if embedder is None:
        return CrisisModels(NgramNaiveBayes(written))
    wide = embedder.embed_exemplars([text for texts in written.values() for text in texts], wide=True)
    semantic = SemanticCrisisModel(embedder, written, wide)
    return CrisisModels(NgramNaiveBayes(written), semantic, LinearCrisisModel(wide, semantic.labels.tolist()))


def ordinary_talk(protocols, distortions_file: Path) -> list[str]:
    from ..nlp.distortion_knowledge import load_knowledge

    thoughts = load_knowledge(distortions_file)
    return ([e for m in protocols.modalities.values() for e in m.routing.examples]
            + [e for v in thoughts.distortions.values() for e in v.exemplars] + thoughts.none.exemplars)


def _after_sure_none(found: list[str], layers: list[str]) -> tuple[list[str], list[str]]:
    """What the other layers heard, once the tuned layer is sure (SURE_NONE) a line is `none`.
    The topic-reading layers' suicide-scale levels go: they had "Tide's at six tomorrow, we'll
    be out early for the crab pots" at imminent. The lexicon's passive and active become a
    gentle question (watch): words like "kill myself" are always asked about, and a real risk
    the tuned layer misjudged still builds up. Plan and imminent from the lexicon, harm to
    others and abuse stand. On three pairs of read sets left out of all training: hard
    negatives on the crisis path 2.4 -> 2.0%, 4.4 -> 3.6%, 7.2 -> 5.6%; no risk line lost."""
    kept = [("watch" if level in ("passive", "active") else level, layer) for level, layer in zip(found, layers)
            if level in SEPARATE or layer == "lexicon"]
    return [level for level, _ in kept], [layer for _, layer in kept]


def _same_kind(heard: str, level: str) -> bool:
    """`heard` is risk of the same kind as `level`: both on the suicide scale, or both a separate path."""
    return heard != "none" and (heard in SEPARATE) == (level in SEPARATE)


class CrisisDetector:
    def __init__(self, models: CrisisModels = CrisisModels()):
        self.model = models.ngram
        self.semantic = models.semantic
        self.linear = models.linear
        self.tuned = models.tuned
        self.session_level = "none"
        self._recent: deque[str] = deque(maxlen=CONTEXT_TURNS - 1)
        self._watches = 0

    def _model_level(self, text: str) -> tuple[str, float, str]:
        """The n-gram model's level (none under MODEL_THRESHOLD), its posterior, and its
        likeliest label whatever the posterior."""
        if self.model is None or len(text.split()) < MODEL_MIN_WORDS:
            return "none", 0.0, "none"
        posteriors = self.model.posteriors(text)
        label = max(posteriors, key=posteriors.get)
        if label == "none" or posteriors[label] < MODEL_THRESHOLD:
            return "none", posteriors.get(label, 0.0), label
        return label, posteriors[label], label

    def assess(self, text: str, asked: str = "") -> Assessment:
        """`asked` is what the assistant said just before, as the person heard it: a short "yes"
        to a question about risk is a disclosure ("Sometimes." after "Have you had thoughts of
        killing yourself?")."""
        reasons: set[str] = set()
        found: list[str] = []
        layers: list[str] = []  # which layer heard each of `found`
        strength: dict[str, float] = {}

        def note(level: str, score: float, layer: str) -> None:
            found.append(level)
            layers.append(layer)
            strength[level] = max(strength.get(level, 0.0), score)

        said = [hit.level for hit in scan(text)]
        for lvl in said:
            note(lvl, 1.0, "lexicon")
            reasons.add(f"lexicon:{lvl}")
        level, p, leaning = self._model_level(text)
        harmless = neutralized(text)  # an idiom or suicide as a topic: read once, used by each model below
        vector = self.semantic.vector(text) if self.semantic is not None else None
        near = self.semantic.nearest(vector) if self.semantic is not None else None
        # Alone, the n-gram model flagged 2.4% of ordinary talk ("I just need to vent", "I'm out
        # of five"): it may prompt a gentle check-in (watch), and only when a risk exemplar is
        # near too, and nearer than any ordinary line; higher levels need the lexicon or the
        # semantic layer. An idiom or talk about suicide as a topic vetoes both models, never
        # the lexicon.
        risk_is_near = near is None or (near.level != "none" and near.nearer)
        if level != "none" and (found or not harmless) and (found or risk_is_near):
            reasons.add(f"model:{level}:{p:.2f}")
            note(level if found else "watch", p, "model")
        if near is not None:
            # Close to a risk exemplar but nearly as close to an ordinary line: the n-gram
            # model must agree before it counts. Nearer to an ordinary line, it never counts:
            # "I would wake up with some energy", answering the miracle question, had a
            # risk exemplar at 0.69 and the n-gram model's word for "wake up".
            agreed = near.clear or (near.nearer and level != "none" and level not in SEPARATE)
            if near.level != "none" and agreed and (found or not harmless):
                note(near.level, near.similarity, "semantic")
                reasons.add(f"semantic:{near.level}:{near.similarity:.2f}")
        if (vector is not None and self.linear is not None and (found or not harmless)
                and len(text.split()) >= LINEAR_MIN_WORDS):
            verdict = self.linear.verdict(vector)
            # It counts only when a second layer also hears risk: alone it flagged one in eight
            # hard negatives of a new author's set and caught no risk line the others missed.
            # The second layer must hear the same kind of risk: the n-gram model's "abuse" for
            # "Hi, it's me again" ("hit me again") once seconded the linear layer's "imminent". The
            # nearest exemplar seconds only when it is nearer than any ordinary line.
            seconded = found or _same_kind(level, verdict.level) or (
                near is not None and near.nearer and _same_kind(near.level, verdict.level))
            if verdict.level != "none" and seconded:
                note(verdict.level, verdict.probability, "linear")
                reasons.add(f"linear:{verdict.level}:{verdict.probability:.2f}")
        if self.tuned is not None and (found or not harmless) and len(text.split()) >= MODEL_MIN_WORDS:
            # It reads words in their place in the sentence, which the general-purpose vector
            # blurs, and catches risk every other layer missed. It counts when the nearest
            # exemplar is a risk line or the n-gram model leans to risk, however weakly: on
            # three pairs of read sets left out of all training, that kept most of what it
            # caught (recall +0.015 / +0.026 / +0.067 against +0.018 / +0.040 / +0.082 alone)
            # and none of the ordinary talk it flagged (one author's 400 lines on the crisis
            # path: 2.0%, as without the layer; 3.75% with it alone).
            tuned = self.tuned.verdict(text)
            leans_to_risk = (near is not None and near.level != "none") or leaning != "none"
            if tuned.level != "none" and leans_to_risk:
                note(tuned.level, tuned.probability, "tuned")
                reasons.add(f"tuned:{tuned.level}:{tuned.probability:.2f}")
            elif tuned.none >= SURE_NONE and tuned.whole:
                # Only what it read whole: cut at 64 tokens, a long post's risk may lie past the cut
                # (on Reddit's users, vetoing those lost 0.031 of recall).
                kept = _after_sure_none(found, layers)
                if kept != (found, layers):
                    found[:], layers[:] = kept
                    if "watch" in found:
                        strength["watch"] = 1.0  # a lexicon pattern's
                    reasons.add(f"tuned:none:{tuned.none:.2f}")
        answered = answered_level(asked, text)
        if answered is not None:
            note(answered, 1.0, "answer")
            reasons.add(f"answer:{answered}")
        own = set(found)  # what this utterance says by itself, before context is added
        if self._recent:
            joined = " ".join([*self._recent, text])
            context = [h.level for h in scan(joined)]
            # Not what this utterance's own words said: a veto above must not come back through the context.
            raised_by_context = [lvl for lvl in context if lvl != "none" and lvl not in found and lvl not in said]
            if raised_by_context:
                for lvl in raised_by_context:
                    note(lvl, 1.0, "context")
                reasons.add("context")
        separate = [lvl for lvl in found if lvl in SEPARATE]
        scale = max((lvl for lvl in found if lvl in LEVELS), key=rank, default="none")
        # Only a hopeless statement of its own counts towards asking directly: the context that
        # carries one over ("yes, that fits" after it) is the same statement, not another.
        watch = scale == "watch" and "watch" in own
        if watch and self._watches + 1 >= WATCHES_TO_ASK:
            scale = "passive"
            strength["passive"] = strength["watch"]
            reasons.add("build_up")
        raised = rank(scale) > rank(self.session_level)
        session_level = scale if raised else self.session_level
        # Harm to others and abuse have their own paths, but never hide a risk to the user's life.
        reported = separate[0] if separate and rank(session_level) < rank("passive") else session_level
        score = 0.0 if reported == "none" else strength.get(reported, max(strength.values(), default=0.0))
        return Assessment(Risk(level=reported, reasons=tuple(sorted(reasons))), session_level, raised, text, watch,
                          round(score, 3))

    def with_stress(self, assessment: Assessment, stress: float) -> Assessment:
        """A very tense voice with nothing found in the words asks gently (watch); it never lowers a level."""
        if assessment.risk.level == "none" and stress >= STRESS_TO_WATCH:
            return self.raised_to(assessment, "watch", "vocal_stress")
        return assessment

    def raised_to(self, assessment: Assessment, level: str, reason: str) -> Assessment:
        """The assessment with the level a screener answer gave ("yes, I've thought about how")."""
        if rank(level) <= rank(assessment.session_level):
            return assessment
        return replace(assessment, risk=Risk(level=level, reasons=tuple(sorted({*assessment.risk.reasons, reason}))),
                       session_level=level, raised=rank(level) > rank(self.session_level), score=1.0)

    def commit(self, assessment: Assessment) -> None:
        if rank(assessment.session_level) > rank(self.session_level):
            self.session_level = assessment.session_level
        self._watches += assessment.watch
        if assessment.text:
            self._recent.append(assessment.text)

    def snapshot(self) -> dict:
        """What a resumed session needs: the level reached never resets, and recent context carries on."""
        return {"session_level": self.session_level, "recent": list(self._recent), "watches": self._watches}

    def restore(self, snapshot: dict) -> None:
        self.session_level = snapshot.get("session_level", "none")
        self._recent.extend(snapshot.get("recent", []))
        self._watches = int(snapshot.get("watches", 0))
