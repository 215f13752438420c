"""The command line as a user meets it: clear errors, nothing half-done."""

import json
import subprocess
import sys


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "voice_therapist", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_talk_without_an_audio_device_says_so_clearly():
    result = run("talk")
    assert result.returncode == 2
    assert "microphone" in result.stderr or "PortAudio" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_config_value_stops_start_up_with_its_name(tmp_path):
    import os

    env = {**os.environ, "VOICE_THERAPIST__TURN__ENDPOINT_SILENCE_MS": "-5"}
    result = run("check", env=env)
    assert result.returncode == 2 and "turn.endpoint_silence_ms" in result.stderr


def test_an_unknown_modality_is_refused():
    result = run("session", "--input", "x.wav", "--output", "y.wav", "--events", "e.jsonl", "--modality", "nope")
    assert result.returncode == 2 and "no protocol named 'nope'" in result.stderr


def test_classify_reads_lines_and_writes_json_lines():
    for what, line, expected in [("modality", "My partner and I keep having the same fight.", "efit"),
                                 ("distortion", "I should always be perfect at my job.", None)]:
        result = subprocess.run([sys.executable, "-m", "voice_therapist", "classify", what], input=line + "\n\n",
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        rows = [json.loads(r) for r in result.stdout.splitlines()]
        assert len(rows) == 1 and rows[0]["text"] == line and 0 <= rows[0]["confidence"] <= 1
        assert rows[0]["label"] == expected if expected else rows[0]["label"] in {"should_statements", "all_or_nothing"}
