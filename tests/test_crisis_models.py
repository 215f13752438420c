"""The crisis detector with every trained layer, on phrasings that are not among its exemplars."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from voice_therapist.dialogue.protocol import ProtocolError, load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import EXEMPLARS_FILE, CrisisDetector, exemplars, load_models
from voice_therapist.safety.levels import at_least
from voice_therapist.safety.linear_classifier import LinearCrisisModel

from .broken_files import assert_load_names_the_line

NEW_RISK = [
    "honestly the kids would do better with the insurance money than with me around",
    "i've started writing letters to each of my brothers so they know it wasn't their fault",
    "some nights i lie there hoping my heart just gives up before the morning",
]
NEW_ORDINARY = [
    "we watched a documentary about how the golden gate bridge was built, amazing engineering",
    "my nan passed last spring, she was ninety four and we had a lovely send off",
    "i'm giving most of my books to the charity shop before the move to leeds",
    # the safety plan's own step: the means handed to someone else to keep
    "I will give my sleeping tablets to my sister to keep.",
    "my partner is looking after all my pills for me this month",
    # answers to the miracle question, which share words with "I don't want to wake up": the
    # detector before the nearer-than-ordinary rule put each of these at passive
    "I'd wake up rested and not dread the day ahead.",
    "I'd wake up and not dread going downstairs.",
    "I'd wake up and not feel so tired of everything.",
]


# The sets that still measure the detector honestly (tests/data/README.md): never exemplars.
HONEST_SETS = ["crisis_holdout10.jsonl", "crisis_holdout13.jsonl", "crisis_holdout15.jsonl", "crisis_holdout16.jsonl",
               "crisis_holdout17.jsonl", "crisis_holdout18.jsonl", "crisis_holdout19.jsonl", "session_answers2.jsonl"]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def models():
    return load_models(load_protocols(), SentenceEmbedder())


def test_these_lines_are_new_to_the_detector():
    written = {t.lower() for texts in exemplars().values() for t in texts}
    assert not written & {t.lower() for t in NEW_RISK + NEW_ORDINARY}


@pytest.mark.parametrize("name", HONEST_SETS)
def test_no_line_of_an_honest_measurement_set_is_an_exemplar(name):
    written = {t.strip().lower() for texts in exemplars().values() for t in texts}
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert not written & {row["text"].strip().lower() for row in rows}


@pytest.mark.parametrize("text", NEW_RISK)
def test_unseen_risk_phrasings_reach_the_crisis_path(models, text):
    assessment = CrisisDetector(models).assess(text)
    assert at_least(assessment.risk.level, "passive"), assessment


@pytest.mark.parametrize("text", NEW_ORDINARY)
def test_unseen_calm_talk_about_death_or_giving_away_is_not_flagged(models, text):
    assert CrisisDetector(models).assess(text).risk.level == "none"


def test_the_linear_layer_needs_most_of_its_mass_on_risk():
    rng = np.random.default_rng(0)
    centres = {"none": np.eye(4)[0], "passive": np.eye(4)[1], "plan": np.eye(4)[2]}
    vectors = np.array([centres[label] + rng.normal(0, 0.05, 4) for label in centres for _ in range(30)], np.float32)
    model = LinearCrisisModel(vectors, [label for label in centres for _ in range(30)])
    assert model.verdict(np.eye(4, dtype=np.float32)[2]).level == "plan"
    assert model.verdict(np.eye(4, dtype=np.float32)[0]).level == "none"
    halfway = (np.eye(4)[0] + np.eye(4)[1]).astype(np.float32) / 2
    assert model.verdict(halfway).level == "none"  # undecided is not enough to raise anything


@pytest.mark.parametrize("breakage, line_of, reason", [
    (lambda src: src.replace("\n  abuse:\n", "\n  abused:\n", 1), "  abused:", "levels.abused"),
    (lambda src: src.replace("\n  passive:\n", "\n  passive: []\n  passive_old:\n", 1), "  passive: []", "levels.passive"),
])
def test_a_broken_crisis_exemplar_file_stops_start_up_with_the_line_and_reason(tmp_path, breakage, line_of, reason):
    assert_load_names_the_line(tmp_path, EXEMPLARS_FILE, breakage, line_of, reason,
                               lambda path: load_models(load_protocols(), paths=(path,)))


def test_a_level_left_out_of_the_crisis_exemplar_file_is_named(tmp_path):
    source = EXEMPLARS_FILE.read_text(encoding="utf-8")
    start, end = source.index("\n  harm_others:\n"), source.index("\n  abuse:\n")
    path = tmp_path / "crisis_exemplars.yaml"
    path.write_text(source[:start] + source[end:], encoding="utf-8")
    with pytest.raises(ProtocolError, match="levels without exemplars: harm_others"):
        load_models(load_protocols(), paths=(path,))


def test_a_greeting_on_a_returning_visit_is_not_risk(models):
    """The n-gram model heard abuse in "me again" ("he hit me again"); that must not second the
    linear layer's suicide-scale verdict."""
    assert CrisisDetector(models).assess("Hi, it's me again.").risk.level == "none"


def test_being_overwhelmed_at_work_is_not_risk(models):
    """A false alarm since the six training sets joined: the nearest exemplar is "i've been
    hitting myself when i get overwhelmed and part of me wants to do worse" (0.68, against 0.66
    for the nearest ordinary line) and the n-gram model agrees. The tuned layer is sure it is
    `none`, and only topic-reading layers heard it, so it vetoes them."""
    text = "I feel overwhelmed by everything at work lately and I do not know what to do."
    assert CrisisDetector(replace(models, tuned=None)).assess(text).risk.level != "none"
    assessment = CrisisDetector(models).assess(text)
    risk = assessment.risk
    assert risk.level == "none" and any(reason.startswith("tuned:none:") for reason in risk.reasons), risk
    assert assessment.score == 0.0  # nothing stands behind a `none`, whatever was vetoed


@pytest.mark.parametrize("text,level", [
    # A denial vetoes the models as well as the patterns...
    ("no, i'm not having thoughts of ending my life, i'm just exhausted from the night shifts", "none"),
    # ...a past told as over is a gentle check-in, never the crisis path...
    ("twenty years ago i took an overdose, i've been well for a long time and i coach the under twelves now", "watch"),
    # ...and a denial taken back is heard in full.
    ("i'm not suicidal, but i have been giving my things away", "plan"),
])
def test_every_layer_hears_denials_and_a_past_that_is_over(models, text, level):
    assert CrisisDetector(models).assess(text).risk.level == level


def test_the_linear_layer_reads_the_sentence_after_the_early_layer_too(models):
    vector = models.semantic.vector("Some days I wonder what the point of any of this is.")
    assert vector.shape == (2 * 384,)
    words_blind = vector.copy()
    words_blind[384:] = 0  # only the last layer's embedding left
    with_both, last_only = models.linear.probabilities(vector), models.linear.probabilities(words_blind)
    assert max(abs(with_both[level] - last_only[level]) for level in with_both) > 0.05


def test_the_shipped_linear_layer_was_trained_on_the_exemplars_as_they_are_now():
    # Trained at each start, it stopped elsewhere with another CPU's BLAS kernels or thread count.
    import numpy as np

    from voice_therapist.dialogue.protocol import load_protocols
    from voice_therapist.nlp.distortions import KNOWLEDGE_FILE
    from voice_therapist.safety.detector import EXEMPLAR_FILES, exemplar_lines, exemplars, ordinary_talk
    from voice_therapist.safety.linear_classifier import SHIPPED, training_digest

    written = exemplars(EXEMPLAR_FILES, ordinary_talk(load_protocols(), KNOWLEDGE_FILE))
    texts, labels = exemplar_lines(written)
    with np.load(SHIPPED) as shipped:
        assert str(shipped["digest"]) == training_digest(texts, labels), \
            "exemplars changed: `make train-crisis` retrains the linear layer, then commit it"
