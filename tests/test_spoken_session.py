"""A whole spoken session through the real CLI: espeak-ng speaks, Whisper checks the answer."""

import json
import subprocess
import sys

import numpy as np
import pytest

from voice_therapist.audio.wavfile import read_any, write_int16

from .speech import track, voiced_spans, wer

pytestmark = pytest.mark.speech

LINES = [
    "I have had a really stressful week at work and I cannot sleep.",
    "My manager keeps giving me more tasks every single day.",
]
# Whisper tiny.en on espeak-ng speech: 0.0-0.31 per sentence, see the README's measurements.
MAX_USER_WER = 0.35


def run_cli(*args, env=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "voice_therapist", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def read_events(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def spoken_session(tmp_path_factory, artifacts):
    tmp = tmp_path_factory.mktemp("session")
    user = track(0.5, LINES[0], 14.0, LINES[1], 14.0)
    # The user's side at 44.1 kHz stereo: the CLI must convert it.
    import soundfile
    from voice_therapist.audio.pcm import resample, to_float
    stereo = np.stack([resample(to_float(user), 16000, 44100)] * 2, axis=1)
    soundfile.write(tmp / "user.wav", stereo, 44100)
    result = run_cli("session", "--input", str(tmp / "user.wav"), "--output", str(tmp / "assistant.wav"),
                     "--events", str(tmp / "events.jsonl"), "--fast")
    assert result.returncode == 0, result.stderr
    (artifacts / "spoken_session_events.jsonl").write_text((tmp / "events.jsonl").read_text())
    return tmp, user


def test_the_user_words_reach_the_event_log(spoken_session):
    tmp, _ = spoken_session
    turns = [e for e in read_events(tmp / "events.jsonl") if e["type"] == "turn"]
    assert len(turns) == 2
    for turn, line in zip(turns, LINES):
        assert wer(line, turn["user_text"]) <= MAX_USER_WER, turn["user_text"]
        for key in ("assistant_text", "modality", "step", "risk", "latency_ms"):
            assert key in turn
        assert set(turn["latency_ms"]) >= {"endpoint", "asr_final", "llm_first_token", "tts_first_audio", "first_audio_out"}


def test_the_assistant_audio_is_a_spoken_reply(spoken_session, models):
    tmp, user = spoken_session
    assistant = read_any(tmp / "assistant.wav")
    turns = [e for e in read_events(tmp / "events.jsonl") if e["type"] == "turn"]
    assert assistant.size >= user.size  # the same timeline, plus the last reply
    ends = [t["speech_start_ms"] / 1000 for t in turns[1:]] + [assistant.size / 16000]
    for turn, window_end in zip(turns, ends):
        start = turn["speech_end_ms"] / 1000
        reply = [s for s in voiced_spans(assistant) if start <= s[0] < window_end]
        assert reply and reply[0][0] - start < 3.0  # it answered soon after the user stopped
        heard = models.asr.transcribe(assistant[int(start * 16000):int(window_end * 16000)])
        assert turn["assistant_text"]
        assert wer(turn["assistant_text"], heard) <= 0.3, (turn["assistant_text"], heard)


def test_a_broken_input_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    result = run_cli("session", "--input", str(bad), "--output", str(tmp_path / "o.wav"),
                     "--events", str(tmp_path / "e.jsonl"), "--fast")
    assert result.returncode == 2
    assert "bad.wav" in result.stderr and "Traceback" not in result.stderr


def test_a_silent_input_gives_no_turns(tmp_path):
    write_int16(tmp_path / "quiet.wav", np.zeros(16000 * 2, np.int16))
    result = run_cli("session", "--input", str(tmp_path / "quiet.wav"), "--output", str(tmp_path / "o.wav"),
                     "--events", str(tmp_path / "e.jsonl"), "--fast")
    assert result.returncode == 0, result.stderr
    assert not [e for e in read_events(tmp_path / "e.jsonl") if e["type"] == "turn"]
