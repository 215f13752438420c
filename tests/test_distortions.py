"""The distortion namer on clear, hand-written thoughts: the interface the CBT step uses,
deterministic answers, and a trap found inside a longer account."""

import pytest
import yaml

from voice_therapist.nlp.distortion_knowledge import load_knowledge
from voice_therapist.nlp.distortions import KNOWLEDGE_FILE, DistortionNamer, log_prior
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.nlp.sentence_exemplar_scorer import sentences

from .broken_files import assert_load_names_the_line


@pytest.fixture(scope="module")
def namer():
    return DistortionNamer(SentenceEmbedder())


@pytest.mark.parametrize("text, expected", [
    ("I should never need anyone's help with anything.", "should_statements"),
    ("I forgot to reply to her email. I'm such an idiot.", "labeling"),
    ("My interview is tomorrow and I just know I won't get the job.", "fortune_telling"),
    ("My brother is unhappy in his marriage and it's my fault for introducing them.", "personalization"),
    ("I had a nice chat with my neighbour this morning.", "none"),
])
def test_clear_thoughts_get_their_trap(namer, text, expected):
    label, confidence = namer.classify(text)
    assert label == expected and 0 <= confidence <= 1


def test_a_trap_inside_a_longer_account_is_found(namer):
    text = ("We moved to a new town in the spring and the kids started at a new school. "
            "The house needed a lot of work and my husband was away most weeks. "
            "My daughter cried at the school gate today, and it's all my fault for making us move.")
    assert len(sentences(text)) == 3
    assert namer.classify(text)[0] == "personalization"


@pytest.mark.parametrize("situation, thought", [
    ("My manager moved our one-to-one to Friday.", "She must be planning to let me go."),
    ("My daughter forgot to ring me on my birthday.", "It is all my fault for being such a distant mother."),
    ("I got a parking ticket outside the school.", "Nothing ever goes right for me, not ever."),
    ("My friend said my garden looks lovely.", "She only said it to be polite."),
    ("I left the report until the last minute again.", "I am such a lazy idiot."),
])
def test_what_happened_before_the_thought_does_not_change_its_trap(namer, situation, thought):
    assert namer.classify(situation + " " + thought)[0] == namer.classify(thought)[0] != "none"


@pytest.mark.parametrize("text", [
    "I had a nice chat with my neighbour this morning.",
    "I went to the shops and bought some bread.",
    "My sister is visiting next week.",
])
def test_a_plain_account_of_events_has_no_trap(namer, text):
    assert namer.classify(text)[0] == "none"


@pytest.mark.parametrize("text, expected", [
    ("He didn't call back, he must be angry with me.", "mind_reading"),
    ("I feel so anxious, it must mean something terrible is coming.", "emotional_reasoning"),
])
def test_must_as_a_guess_is_not_a_should_statement(namer, text, expected):
    assert namer.classify(text)[0] == expected


def test_answers_are_deterministic_and_described(namer):
    text = "Everyone at the party must have thought I was boring."
    assert namer.classify(text) == namer.classify(text)
    assert set(namer.labels) >= {"mind_reading", "none"} and len(namer.labels) == 12
    for label in namer.labels:
        described = namer.describe(label)
        assert described["title"] and described["explanation"] and described["question"]


def test_the_prior_is_mild_and_rules_no_label_out():
    prior = log_prior(["mental_filter", "personalization", "none", "unknown"])
    assert prior.max() - prior.min() < 1.0  # scores are z-scores: less than one standard deviation


def test_the_knowledge_file_keeps_the_shape_the_crisis_detector_reads():
    data = yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    assert all(entry["exemplars"] for entry in data["distortions"].values()) and data["none"]["exemplars"]


@pytest.mark.parametrize("breakage, line_of, reason", [
    (lambda src: src.replace("'\\b(always|never", "'\\b((always|never", 1), "((always|never", "not a valid regular expression"),
    (lambda src: src.replace("    title: Labeling\n", "    titel: Labeling\n", 1), "titel: Labeling", "labeling.title: Field required"),
    (lambda src: src.replace("situations:\n", "situations:\n  - {when: today}\n", 1), "{when: today}", "situations.0"),
])
def test_a_broken_knowledge_file_fails_at_load_with_the_line_and_reason(tmp_path, breakage, line_of, reason):
    assert_load_names_the_line(tmp_path, KNOWLEDGE_FILE, breakage, line_of, reason, load_knowledge)
