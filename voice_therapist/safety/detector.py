"""The crisis detector: a level for each final transcript, with memory across the session.

Three parts, each in its own module. The per-utterance classifier (classifier.py) asks five
inspectable layers what they hear: the lexicon's patterns (lexicon.py), the nearest written
exemplar over sentence embeddings (semantic.py), logistic regression over the same embedding
(linear_classifier.py), a small n-gram model (ngram_classifier.py), and MiniLM's first layers
fine-tuned as a level classifier (tuned_model.py), all trained on the same written exemplars;
each answers with typed `Evidence`, and one decision table (combine.py) turns it into a level.
The conversation (conversation.py) adds what one utterance cannot show: the session's level
never falls, the last turns are read together, repeated hopelessness is asked about. What is
said and who is paged is the policy's (escalation.py, pipeline/session.py). `assess` only reads
the session's state; `commit` applies an assessment once the turn is certain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..frames import Risk
from ..resources import data_path
from .classifier import Reading, UtteranceClassifier
from .combine import WORDS
from .conversation import ConversationState
from .evidence import Evidence
from .exemplar_file import load_crisis_exemplars
from .screener import denies_only_acting
from .levels import LEVELS, SEPARATE, at_least, rank
from .linear_classifier import LinearCrisisModel, training_digest
from .ngram_classifier import NgramNaiveBayes
from .semantic import SemanticCrisisModel
from .tuned_model import TunedCrisisModel

SAFETY_DIR = data_path("protocols", "safety")
EXEMPLARS_FILE = SAFETY_DIR / "crisis_exemplars.yaml"  # written as exemplars
# The development sets' lines (other authors'), copied by scripts/exemplars_from_dev_sets.py.
DEV_SET_EXEMPLARS_FILE = SAFETY_DIR / "crisis_exemplars_dev_sets.yaml"
EXEMPLAR_FILES = (EXEMPLARS_FILE, DEV_SET_EXEMPLARS_FILE)
STRESS_TO_WATCH = 0.8  # a very tense voice alone raises none to watch, never higher


@dataclass(frozen=True)
class Assessment:
    risk: Risk  # what this turn is reported as, with the evidence behind it
    session_level: str  # the suicide-scale level of the session once this turn counts
    raised: bool  # this turn took the session to a higher level
    text: str = ""
    watch: bool = False
    score: float = 0.0  # strength of the evidence for the reported level: 1.0 for words,
                        # else the similarity or the model's posterior; 0.0 for none
    reading: Reading | None = None  # everything every layer heard, for `classify crisis` and the golden file
    # The level explicit words support (the lexicon, a yes to a risk question, the screener): only
    # they start the crisis path or page. A level the learned layers alone raised is asked about first.
    said_level: str = "none"
    said_raised: bool = False
    heard: str = "none"  # this utterance's own level on the suicide scale (the session's may already be higher)


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
    texts, labels = exemplar_lines(written)
    wide = embedder.embed_exemplars(texts, wide=True)
    semantic = SemanticCrisisModel(embedder, written, wide)
    linear = LinearCrisisModel.shipped_or_trained(wide, labels, training_digest(texts, labels))
    return CrisisModels(NgramNaiveBayes(written), semantic, linear)


def exemplar_lines(written: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """The exemplars as the trained layers read them: every text and its level, in one order."""
    return ([text for texts in written.values() for text in texts],
            [level for level, texts in written.items() for _ in texts])


def ordinary_talk(protocols, distortions_file: Path) -> list[str]:
    from ..nlp.distortion_knowledge import load_knowledge

    thoughts = load_knowledge(distortions_file)
    return ([e for m in protocols.modalities.values() for e in m.routing.examples]
            + [e for v in thoughts.distortions.values() for e in v.exemplars] + thoughts.none.exemplars)


class CrisisDetector:
    def __init__(self, models: CrisisModels = CrisisModels()):
        self.classifier = UtteranceClassifier(models)
        self.state = ConversationState()

    @property
    def session_level(self) -> str:
        return self.state.session_level

    @session_level.setter
    def session_level(self, level: str) -> None:
        self.state.session_level = level

    def assess(self, text: str, asked: str = "") -> Assessment:
        """`asked` is what the assistant said just before, as the person heard it: a short "yes"
        to a question about risk is a disclosure ("Sometimes." after "Have you had thoughts of
        killing yourself?")."""
        reading = self.classifier.read(text, asked)
        decision = reading.decision
        already = {e.level for e in reading.evidence if e.layer in ("lexicon", "answer")}
        context = self.state.context_evidence(text, already | {c.level for c in decision.counted})
        scale = max([decision.level, *(e.level for e in context if e.level in LEVELS)], key=rank)
        separate = [*decision.separate, *(e.level for e in context if e.level in SEPARATE)]
        own_watch = scale == "watch" and decision.level == "watch"
        build_up = self.state.build_up(scale, own_watch)
        strengths = [(c.level, c.evidence.score) for c in decision.counted] + [(e.level, 1.0) for e in context]
        if build_up is not None:
            scale = build_up.level
            strengths.append((scale, max((s for lvl, s in strengths if lvl == "watch"), default=1.0)))
        # A plain yes to the urgent question confirms the plan or act the learned layers heard: "I've just
        # swallowed the lot", asked about and answered "yes", is imminent. Words of the answer's own say more.
        answered_yes = any(e.layer == "answer" and e.level != "none" for e in reading.evidence)
        own_words = any(e.layer == "lexicon" and e.level != "none" for e in reading.evidence)
        confirmed = ([Evidence("answer", self.state.checked, 1.0, "yes to the direct question about what was heard")]
                     if self.state.checked and at_least(self.state.checked, "plan") and answered_yes and not own_words
                     else [])
        if self.state.checked and not confirmed and denies_only_acting(text):
            # "No, goodness, I'd never do anything, I haven't got a plan": the thought is owned, acting is denied.
            confirmed = [Evidence("answer", "passive", 1.0, "acting denied, not the thought, to the direct question")]
        said = max([*(c.level for c in decision.counted if c.evidence.layer in WORDS and c.level in LEVELS),
                    *(e.level for e in context if e.level in LEVELS), *([build_up.level] if build_up else []),
                    *(e.level for e in confirmed)], key=rank, default="none")
        if confirmed and rank(said) > rank(scale):
            scale = said
            strengths.append((said, 1.0))
        said_raised = rank(said) > rank(self.state.said_level)
        raised = rank(scale) > rank(self.state.session_level)
        session_level = scale if raised else self.state.session_level
        # Harm to others and abuse have their own paths, but never hide a risk to the user's life.
        reported = separate[0] if separate and rank(session_level) < rank("passive") else session_level
        score = 0.0 if reported == "none" else max(
            (s for lvl, s in strengths if lvl == reported), default=max((s for _, s in strengths), default=0.0))
        because = [*decision.because, *decision.notes]
        for level in [lvl for lvl in dict.fromkeys([decision.level, *decision.separate]) if lvl != "none"]:
            # the table's row that decided this utterance's own level on each path
            rule = next(c.rule for c in decision.counted if c.level == level)
            because.append(Evidence("combine", level, 1.0, rule))
        because += [*context, *([build_up] if build_up else []), *confirmed]
        risk = Risk(level=reported, reasons=tuple(str(e) for e in because), evidence=tuple(because))
        return Assessment(risk, session_level, raised, text, own_watch, round(score, 3), reading,
                          said if said_raised else self.state.said_level, said_raised, scale)

    def with_stress(self, assessment: Assessment, stress: float) -> Assessment:
        """A very tense voice with nothing found in the words asks gently (watch); it never lowers a level."""
        if assessment.risk.level == "none" and stress >= STRESS_TO_WATCH:
            return self.raised_to(assessment, "watch", "vocal_stress", explicit=False)
        return assessment

    def raised_to(self, assessment: Assessment, level: str, reason: str, explicit: bool = True) -> Assessment:
        """The assessment with the level a screener answer gave ("yes, I've thought about how");
        `explicit`: the person's own answer, which the crisis path and paging act on."""
        said_raised = explicit and rank(level) > rank(assessment.said_level)
        if rank(level) <= rank(assessment.session_level) and not said_raised:
            return assessment
        layer, _, ref = reason.partition(":")
        evidence = Evidence(layer, level, 1.0, ref)
        risk = Risk(level=max(level, assessment.risk.level, key=rank), reasons=(*assessment.risk.reasons, str(evidence)),
                    evidence=(*assessment.risk.evidence, evidence))
        heard = max(level, assessment.session_level, key=rank)
        return replace(assessment, risk=risk, session_level=heard, raised=rank(heard) > rank(self.session_level),
                       score=1.0, said_level=level if said_raised else assessment.said_level,
                       said_raised=assessment.said_raised or said_raised)

    def asked_directly(self, heard: str) -> None:
        """The reply asked directly about a level only the learned layers heard; a yes next confirms it."""
        self.state.checked = heard

    def declined_check(self) -> None:
        """A clear no to the direct question: the crisis line was offered, and is not offered again."""
        self.state.checks_declined += 1

    def commit(self, assessment: Assessment) -> None:
        self.state.commit(assessment.session_level, assessment.watch, assessment.text, assessment.said_level)

    def snapshot(self) -> dict:
        """What a resumed session needs: the level reached never resets, and recent context carries on."""
        return self.state.snapshot()

    def restore(self, snapshot: dict) -> None:
        self.state.restore(snapshot)
