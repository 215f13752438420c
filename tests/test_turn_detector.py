"""Endpointing on real speech: when a turn starts and ends, and what a pause does."""

import pytest

from voice_therapist.audio.pcm import FRAME_MS, frames
from voice_therapist.config import TurnConfig
from voice_therapist.turn.detector import TurnDetector, TurnEvent

from .speech import track, voiced_spans

pytestmark = pytest.mark.speech


def run(detector, pcm, assistant_speaking=False):
    out = []
    for i, frame in enumerate(frames(pcm)):
        for signal in detector.process(frame, i * FRAME_MS, assistant_speaking):
            out.append((signal.event, signal.t_ms, i * FRAME_MS + FRAME_MS))
    return out


def test_a_turn_starts_with_speech_and_ends_after_the_configured_silence():
    pcm = track(0.5, "I had a really long day at work today.", 1.5)
    (start, end), = voiced_spans(pcm)
    signals = run(TurnDetector(TurnConfig(endpoint_silence_ms=500)), pcm)
    events = [s[0] for s in signals]
    assert events == [TurnEvent.SPEECH_STARTED, TurnEvent.SPECULATE, TurnEvent.SPEECH_ENDED]
    assert abs(signals[0][1] / 1000 - start) < 0.15
    assert abs(signals[-1][1] / 1000 - end) < 0.15  # end of speech
    assert signals[-1][2] - signals[-1][1] == pytest.approx(500, abs=FRAME_MS)  # the endpoint wait


def test_a_pause_shorter_than_the_endpoint_does_not_end_the_turn():
    pcm = track(0.3, "I was thinking", 0.35, "about my sister.", 1.0)
    events = [s[0] for s in run(TurnDetector(TurnConfig(endpoint_silence_ms=500)), pcm)]
    assert events.count(TurnEvent.SPEECH_ENDED) == 1
    assert events.count(TurnEvent.SPEECH_STARTED) == 1


def test_a_longer_silence_threshold_waits_longer():
    pcm = track(0.3, "Hello there.", 2.0)
    short = run(TurnDetector(TurnConfig(endpoint_silence_ms=300, speculative_silence_ms=200)), pcm)[-1]
    long = run(TurnDetector(TurnConfig(endpoint_silence_ms=900)), pcm)[-1]
    assert long[2] - short[2] == pytest.approx(600, abs=FRAME_MS)


def test_silence_and_noise_start_no_turn():
    import numpy as np

    rng = np.random.default_rng(1)
    noise = rng.normal(0, 200, 16000 * 2).astype(np.int16)
    assert run(TurnDetector(TurnConfig()), noise) == []


def test_speech_over_the_assistant_needs_longer_to_count():
    pcm = track(0.3, "Wait.", 1.0)
    assert run(TurnDetector(TurnConfig(barge_in_min_speech_ms=600)), pcm, assistant_speaking=True) == []
    assert run(TurnDetector(TurnConfig(barge_in_min_speech_ms=600)), pcm)[0][0] is TurnEvent.SPEECH_STARTED
