"""The n-gram layer's word cache may only make it faster: same buckets, bounded memory."""

import numpy as np

from voice_therapist.safety import ngram_classifier
from voice_therapist.safety.ngram_classifier import NgramNaiveBayes, features


def test_remembered_words_give_the_same_buckets_as_hashing_afresh():
    known: dict = {}
    text = "I've been saving my pills, kill my self, suicide all"
    first = features(text, known)
    assert np.array_equal(first, features(text))
    assert np.array_equal(features(text, known), first)  # now read from the cache
    assert "pills" in known


def test_the_word_cache_stops_growing_at_its_limit(monkeypatch):
    monkeypatch.setattr(ngram_classifier, "WORDS_REMEMBERED", 3)
    known: dict = {}
    features("one two three four five six", known)
    assert len(known) == 3
    assert features("six", known).size == features("six").size


def test_a_speech_recognition_split_still_reads_as_risk():
    model = NgramNaiveBayes({"none": ["I went to the shops", "the weather is nice today"],
                             "active": ["I want to kill myself", "thinking about suicide"]})
    posteriors = model.posteriors("i want to kill my self")
    assert max(posteriors, key=posteriors.get) == "active"
    assert model.posteriors("")["none"] == 0.5
