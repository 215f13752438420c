"""The vocal stress cue: tense speech scores above calm speech of the same words, against the
speaker's own baseline; no score before there is a baseline; bad audio fails clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.speech import espeak, silence
from voice_therapist.bench.prosody_sentences import NEUTRAL as ALL_NEUTRAL
from voice_therapist.bench.prosody_sentences import PAIRED as ALL_PAIRED
from voice_therapist.prosody.baseline import Baseline
from voice_therapist.prosody.features import FEATURES, NoSpeech, TooShort, extract
from voice_therapist.prosody.stress import ProsodyTracker, StressScorer

NEUTRAL = ALL_NEUTRAL[:3]
PAIRED = ALL_PAIRED[:6]
CALM = {"pitch": 40, "speed": 150, "amplitude": 100}
TENSE = {"pitch": 70, "speed": 200, "amplitude": 180}


@pytest.fixture(scope="module")
def neutral_audio() -> list[np.ndarray]:
    return [espeak(text) for text in NEUTRAL]


@pytest.fixture(scope="module")
def baseline(neutral_audio) -> Baseline:
    learned = Baseline()
    for pcm in neutral_audio:
        assert learned.add(extract(pcm))
    return learned


@pytest.mark.speech
def test_tense_variant_of_the_same_sentence_scores_higher(baseline):
    scorer = StressScorer()
    calm = [scorer.score(extract(espeak(text, **CALM)), baseline) for text in PAIRED]
    tense = [scorer.score(extract(espeak(text, **TENSE)), baseline) for text in PAIRED]
    higher = sum(t.score > c.score for c, t in zip(calm, tense))
    difference = np.mean([t.score for t in tense]) - np.mean([c.score for c in calm])
    assert higher >= 5, [(round(c.score, 2), round(t.score, 2)) for c, t in zip(calm, tense)]
    assert difference > 0.2
    assert all(t.baseline_ready for t in tense)
    # the tense voice is higher and louder: that is what the cue should name
    assert any({"f0_mean+", "energy+"} & set(t.drivers) for t in tense)


@pytest.mark.speech
def test_tracker_is_neutral_until_its_baseline_is_ready(neutral_audio):
    tracker = ProsodyTracker()
    first = [tracker.observe(pcm) for pcm in neutral_audio]
    assert [(s.score, s.drivers, s.baseline_ready) for s in first] == [(0.5, (), False)] * 3
    assert tracker.baseline.ready and tracker.baseline.n == 3
    tense = tracker.observe(espeak(PAIRED[0], **TENSE))
    assert tense.baseline_ready and tense.score > 0.6


def test_empty_baseline_gives_neutral():
    features = extract(_tone(1.0))
    result = StressScorer().score(features, Baseline())
    assert (result.score, result.drivers, result.baseline_ready) == (0.5, (), False)


def test_empty_and_too_short_audio_raise_clear_errors():
    with pytest.raises(ValueError, match="empty audio"):
        extract(np.zeros(0, np.int16))
    with pytest.raises(TooShort, match="too short"):
        extract(_tone(0.1))


def test_silence_raises_no_speech_and_the_tracker_stays_neutral():
    with pytest.raises(NoSpeech, match="no voiced speech"):
        extract(silence(2.0))
    noise = (np.random.default_rng(0).standard_normal(32000) * 2000).astype(np.int16)
    with pytest.raises(NoSpeech):
        extract(noise)
    tracker = ProsodyTracker()
    result = tracker.observe(silence(2.0))
    assert (result.score, result.baseline_ready) == (0.5, False)
    assert tracker.baseline.n == 0  # silence teaches the baseline nothing


def test_baseline_round_trip_keeps_the_z_scores(baseline, neutral_audio):
    stored = json.loads(json.dumps(baseline.to_dict()))
    restored = Baseline.from_dict(stored)
    probe = extract(espeak(PAIRED[1], **TENSE))
    assert restored.zscores(probe) == pytest.approx(baseline.zscores(probe))
    assert (restored.n, restored.ready) == (baseline.n, True)
    assert restored.learning  # a new session learns from its own first minute again
    with pytest.raises(ValueError, match="not a stored prosody baseline"):
        Baseline.from_dict({"features": {}})


def test_one_utterance_baseline_does_not_explode(neutral_audio):
    single = Baseline(min_utterances=1)
    single.add(extract(neutral_audio[0]))
    z = single.zscores(extract(neutral_audio[1]))
    assert set(z) == set(FEATURES)
    assert all(np.isfinite(v) and abs(v) < 5 for v in z.values()), z


def test_learning_stops_after_the_window():
    window = Baseline(window_s=1.5)
    features = extract(_tone(1.0))
    assert window.add(features) and window.add(features)
    assert not window.learning
    assert not window.add(features)
    assert window.n == 2


def test_rate_from_an_asr_word_count(neutral_audio):
    features = extract(neutral_audio[0], words=12)
    assert features.rate == pytest.approx(12 * 1.4 / features.speech_s)


def _tone(seconds: float) -> np.ndarray:
    """A steady voiced-like tone: enough for the extractor, with no speech in it."""
    t = np.arange(int(seconds * 16000)) / 16000
    return (8000 * np.sin(2 * np.pi * 140 * t)).astype(np.int16)
