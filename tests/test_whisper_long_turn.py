"""A long spoken turn is recognised whole, not only its first sentence."""

import pytest

from voice_therapist.asr.whisper import WhisperRecognizer

from .speech import espeak, trim

pytestmark = pytest.mark.speech

# tiny.en's plain decode ended after "Dead tired, to be honest." on this voice, and the
# session heard "I've been up till", which two crisis layers read as a plan.
LONG_TURN = ("Dead tired, to be honest. I've been up till two every night watching videos instead of working, "
             "which, yeah, I know.")


def test_the_words_after_the_first_sentence_are_heard(cfg):
    text = WhisperRecognizer(cfg.asr).transcribe(trim(espeak(LONG_TURN, voice="en-gb+f3", speed=160)))
    assert "videos" in text and "working" in text, text

