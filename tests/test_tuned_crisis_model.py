"""The crisis detector's tuned layer: the shipped ONNX graph computes the classifier torch trained,
and in the detector it adds risk it hears without firing on idioms or tiny answers."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
import yaml

from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.distortions import KNOWLEDGE_FILE
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety import tuned_model
from voice_therapist.safety.detector import EXEMPLAR_FILES, CrisisDetector, exemplars, load_models, ordinary_talk
from voice_therapist.safety.levels import at_least
from voice_therapist.safety.tuned_model import MODEL_DIR, TunedCrisisModel, TunedModelMissing, exemplars_digest


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    return TunedCrisisModel(cache_dir=tmp_path_factory.mktemp("cache"))


def test_the_graph_computes_what_torch_trained(tuned):
    reference = json.loads((MODEL_DIR / "model.json").read_text())["reference"]
    for text, expected in zip(reference["texts"], reference["probabilities"], strict=True):
        got = tuned.probabilities(text)
        probs = np.array([got[level] for level in tuned_model.LEVELS])
        assert np.argmax(probs) == np.argmax(expected), text
        # int8 weights against torch's float32: within a few hundredths
        assert np.abs(probs - np.array(expected)).max() < 0.05, text


def test_the_shipped_model_was_trained_on_these_levels_and_base_weights():
    meta = json.loads((MODEL_DIR / "model.json").read_text())
    assert meta["levels"] == tuned_model.LEVELS
    assert meta["left_out"] == ""  # the shipped one saw every exemplar; left-out runs are for measuring
    assert meta["reference"]["texts"] == tuned_model.REFERENCE_TEXTS
    registry = yaml.safe_load((MODEL_DIR.parent / "registry.yaml").read_text())
    assert meta["base_weights_sha256"] == registry["models"]["minilm-l6-v2"]["sha256"]  # the MiniLM setup installs


def test_the_shipped_model_was_trained_on_the_exemplars_as_they_are_now():
    # An exemplar edited without retraining would leave the layer reading yesterday's lines.
    written = exemplars(EXEMPLAR_FILES, ordinary_talk(load_protocols(), KNOWLEDGE_FILE))
    lines = [(text, level) for level, texts in written.items() for text in texts]
    meta = json.loads((MODEL_DIR / "model.json").read_text())
    assert meta["exemplars_sha256"] == exemplars_digest(lines), "exemplars changed: `make train-crisis` retrains the layer, then commit it"
    assert meta["exemplar_lines"] == len(lines)


@pytest.mark.parametrize("text, floor", [
    ("Some nights I wish I just wouldn't wake up in the morning.", "passive"),
    ("I've got the pills counted out on the table in front of me right now.", "plan"),
])
def test_it_names_risk(tuned, text, floor):
    verdict = tuned.verdict(text)
    assert at_least(verdict.level, floor), verdict
    assert verdict.probability >= tuned_model.MIN_RISK_MASS


@pytest.mark.parametrize("text", [
    "I had a good day at work and I'm looking forward to the weekend.",
    "This commute is killing me, honestly, every single day.",
])
def test_it_leaves_ordinary_talk_alone(tuned, text):
    assert tuned.verdict(text).level == "none"


def test_a_missing_or_broken_model_stops_the_start_with_its_file_named(tmp_path):
    with pytest.raises(TunedModelMissing, match="train-crisis"):
        TunedCrisisModel(model_dir=tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(MODEL_DIR, copy)
    weights = copy / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(TunedModelMissing, match="weights.safetensors cannot be read"):
        TunedCrisisModel(model_dir=copy)
    shutil.copy(MODEL_DIR / "weights.safetensors", weights)
    meta = json.loads((copy / "model.json").read_text())
    meta["levels"] = meta["levels"][::-1]
    (copy / "model.json").write_text(json.dumps(meta))
    with pytest.raises(TunedModelMissing, match="levels"):
        TunedCrisisModel(model_dir=copy)


@pytest.fixture(scope="module")
def models():
    return load_models(load_protocols(), SentenceEmbedder())


def test_the_detector_loads_the_tuned_layer(models):
    assert models.tuned is not None


# Written for this test, new to the exemplars: every other layer hears nothing in them.
ONLY_THE_TUNED_LAYER_HEARS = [
    "i keep asking myself what the point of tomorrow even is if i'm not in it",
    "i keep thinking the trains are so fast nobody would feel a thing",
]


@pytest.mark.parametrize("text", ONLY_THE_TUNED_LAYER_HEARS)
def test_it_catches_risk_the_other_layers_miss(models, text):
    assert text.lower() not in {t.lower() for texts in exemplars().values() for t in texts}
    assert CrisisDetector(replace(models, tuned=None)).assess(text).risk.level == "none"
    risk = CrisisDetector(models).assess(text).risk
    assert at_least(risk.level, "passive"), risk
    assert any(reason.startswith("tuned:") for reason in risk.reasons)


def test_it_does_not_read_a_short_answer_or_an_idiom(models):
    # Under four words the models have too little to go on; an idiom vetoes every model layer.
    for text in ("Pills. Tonight.", "I'm dying to see that film, it's killing me waiting."):
        reasons = CrisisDetector(models).assess(text).risk.reasons
        assert not any(r.startswith("tuned:") for r in reasons), (text, reasons)


def test_a_sure_none_turns_the_lexicons_wish_into_a_gentle_question(models):
    # Written for this test: a death in the family, told calmly, with the wish words in it.
    text = "My grandfather wanted to die before he lost his memory, he said so often, and he passed last spring, calmly."
    assert text.lower() not in {t.lower() for texts in exemplars().values() for t in texts}
    assert CrisisDetector(replace(models, tuned=None)).assess(text).risk.level == "passive"
    risk = CrisisDetector(models).assess(text).risk
    assert risk.level == "watch", risk  # asked about, not the crisis path
    assert any(reason.startswith("tuned:none:") for reason in risk.reasons)


class AlwaysSureOfNone:
    """A tuned layer that is wrong in the worst way: sure every line is harmless."""

    def verdict(self, text):
        return tuned_model.TunedVerdict("none", 0.0, 1.0)


@pytest.mark.parametrize("text, floor", [
    ("I've got the pills counted out on the table in front of me right now.", "plan"),
    ("I'm on the bridge now and I'm going to jump.", "imminent"),
    ("I want to kill myself.", "watch"),  # never silenced: asked about gently
    ("I'm going to kill my brother when he gets home, I mean it.", "harm_others"),
])
def test_a_sure_none_never_silences_what_the_words_say(models, text, floor):
    risk = CrisisDetector(replace(models, tuned=AlwaysSureOfNone())).assess(text).risk
    assert risk.level == floor if floor in ("watch", "harm_others") else at_least(risk.level, floor), risk


def test_a_vetoed_line_does_not_come_back_through_the_context(models):
    detector = CrisisDetector(replace(models, tuned=AlwaysSureOfNone()))
    for calm in ("Work was long today.", "I had soup for dinner."):
        detector.commit(detector.assess(calm))
    risk = detector.assess("I keep thinking about killing myself these days.").risk
    assert risk.level == "watch" and not any(e.layer == "context" for e in risk.evidence), risk


def test_a_long_monologue_cut_before_its_risk_is_not_vetoed(models):
    text = ("So this morning I got up early, made coffee, walked the dog round the park, did the school run, "
            "answered a pile of emails, sat through two meetings about the budget, had a sandwich at my desk, "
            "picked the kids up, cooked pasta, and the whole time I kept thinking I want to kill myself.")
    verdict = models.tuned.verdict(text)
    assert not verdict.whole and verdict.none >= tuned_model.SURE_NONE  # it never read the last words
    assert CrisisDetector(models).assess(text).risk.level == "active"
