"""SIGKILL in the middle of a spoken session; the next session resumes where it stood, turn by turn."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from voice_therapist.audio.wavfile import write_int16
from voice_therapist.config import load_config
from voice_therapist.storage import open_storage

from .test_spoken_protocols import CBT, spoken

pytestmark = pytest.mark.speech

HOPELESS = "I feel hopeless, like nothing will ever get better."
BEFORE_CRASH = CBT[:4] + [HOPELESS] + CBT[4:]  # killed after the fifth turn, with more still to say
KILL_AFTER_TURNS = 5
# The hopeless line was answered with the watch question ("Has anything like that been on your
# mind?"); the person answers it, then goes on.
AFTER_RESTART = ["No, nothing like that.", CBT[4], CBT[5]]


def start_session(tmp_path, name, lines, log_level="INFO"):
    wav, events = tmp_path / f"{name}.wav", tmp_path / f"{name}.jsonl"
    write_int16(wav, spoken(lines))
    process = subprocess.Popen(
        [sys.executable, "-m", "voice_therapist", "session", "--input", str(wav), "--output", str(tmp_path / "o.wav"),
         "--events", str(events), "--fast", "--user", "alex", "--modality", "cbt"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "VOICE_THERAPIST__LOGGING__LEVEL": log_level})
    return process, events


def read_events(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")] if path.exists() else []


def test_a_killed_session_resumes_with_its_history_step_and_risk(tmp_path):
    process, events_path = start_session(tmp_path, "before", BEFORE_CRASH)
    deadline = time.monotonic() + 400
    while len([e for e in read_events(events_path) if e["type"] == "turn"]) < KILL_AFTER_TURNS:
        assert process.poll() is None, f"the session ended before the crash: {process.stderr.read()[-2000:]}"
        assert time.monotonic() < deadline, "no fifth turn in time"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    events = read_events(events_path)
    heard = [e for e in events if e["type"] == "turn"][:KILL_AFTER_TURNS]
    assert heard[-1]["risk"] == "watch", heard[-1]  # the hopeless line was taken seriously

    storage = open_storage(load_config())
    [cut_off] = storage.sessions("alex")
    assert cut_off["ended_at"] is None and cut_off["risk_level"] == "watch"
    kept = storage.turns(cut_off["id"])
    assert len(kept) >= KILL_AFTER_TURNS
    for event, row in zip(heard, kept):  # turn by turn: what was said, where we were, the risk
        assert (row["index"], row["user_text"], row["step"], row["risk_level"]) == \
            (event["index"], event["user_text"], event["step"], event["risk"])
    for event, row in zip(heard[:-1], kept):
        assert row["assistant_text"] == event["assistant_text"]
    last_move = [e for e in events if e["type"] == "Move"][-1]
    storage.close()

    process, events_path = start_session(tmp_path, "after", AFTER_RESTART, log_level="DEBUG")
    logs = process.communicate(timeout=400)[1]
    assert process.returncode == 0, logs[-2000:]
    events = read_events(events_path)
    [resumed] = [e for e in events if e["type"] == "Resumed"]
    assert (resumed["session_id"], resumed["turns"], resumed["step"]) == \
        (cut_off["id"], len(kept), last_move["step"])
    turns = [e for e in events if e["type"] == "turn"]
    assert turns[0]["index"] == len(kept) + 1
    # The answer lands on the step that was asked: it is taken, or asked again; nothing starts over.
    assert turns[0]["step"] in (last_move["step"], "test_thought"), turns[0]
    assert turns[0]["phase"] == "working" and turns[0]["modality"] == "cbt"

    storage = open_storage(load_config())
    [session] = storage.sessions("alex")  # the same session went on; no new one
    assert session["ended_at"] is not None
    assert session["risk_level"] == "watch"  # the level reached before the crash did not reset
    texts = [t["user_text"] for t in storage.turns(session["id"])]
    assert texts[:KILL_AFTER_TURNS] == [t["user_text"] for t in heard]
    assert len(texts) == len(kept) + len(turns)
    storage.close()
    said = [t["user_text"] for t in turns] + [t["assistant_text"] for t in turns] + [t["user_text"] for t in heard]
    assert "turn" in logs and not [s for s in said if s and s in logs]  # even at DEBUG, no words in the logs
