"""Fuzzing the parsers that take outside input: protocol YAML, audio files, telephone audio.

Hypothesis, bounded so CI stays quick. Each parser must either succeed or raise its own
clear error type; anything else (a crash, a hang, a wrong-length result) fails. The counts of
inputs tried are written to test-artifacts/fuzz.json.
"""

import json
import struct
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_therapist.audio import g711
from voice_therapist.audio.pcm import AudioFormatError
from voice_therapist.audio.wavfile import read_any
from voice_therapist.dialogue.protocol import PROTOCOL_DIR, ProtocolError, load_protocol

TRIED: Counter = Counter()
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PROTOCOL_TEXTS = [p.read_text() for p in sorted(PROTOCOL_DIR.glob("*.yaml"))] + \
    [(PROTOCOL_DIR / "safety" / "safety_plan.yaml").read_text()]


@pytest.fixture(scope="module", autouse=True)
def report(artifacts):
    yield
    (artifacts / "fuzz.json").write_text(json.dumps(dict(TRIED), indent=2))
    print("\nfuzz inputs tried:", dict(TRIED))


def mutated(text: str, data) -> str:
    """A real protocol with a few edits a careless hand (or an attacker) might make."""
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        edit = data.draw(st.sampled_from(["drop", "dup", "indent", "dedent", "garble", "truncate", "swap"]))
        if edit == "drop":
            del lines[i]
        elif edit == "dup":
            lines.insert(i, lines[i])
        elif edit == "indent":
            lines[i] = "  " + lines[i]
        elif edit == "dedent":
            lines[i] = lines[i].lstrip()
        elif edit == "garble":
            lines[i] = data.draw(st.text(max_size=40))
        elif edit == "truncate":
            lines = lines[:i + 1]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "\n".join(lines)


def _load(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_protocol(path)
        except ProtocolError as exc:
            assert "fuzzed.yaml" in str(exc) and "line" in str(exc)  # the file and the line, always


@FUZZ
@given(st.data())
def test_mutated_protocol_files_load_or_fail_with_file_and_line(data):
    TRIED["protocol_yaml_mutated"] += 1
    _load(mutated(data.draw(st.sampled_from(PROTOCOL_TEXTS)), data))


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text_as_a_protocol_fails_clearly(text):
    TRIED["protocol_yaml_text"] += 1
    _load(text)


def test_a_deeply_nested_protocol_fails_clearly(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("name: " + "[" * 5000 + "]" * 5000)
    with pytest.raises(ProtocolError, match="deep.yaml"):
        load_protocol(path)


def wav_bytes(rate: int, channels: int, bits: int, frames: bytes) -> bytes:
    byte_rate = (rate * channels * bits // 8) & 0xFFFFFFFF  # a lying header may overflow; keep it packable
    fmt = struct.pack("<HHIIHH", 1, channels, rate, byte_rate, channels * bits // 8, bits)
    return (b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(frames)) + frames)


def _read(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.wav"
        path.write_bytes(blob)
        try:
            pcm = read_any(path)
        except AudioFormatError as exc:
            assert "in.wav" in str(exc)
            return
        assert pcm.dtype == np.int16 and pcm.ndim == 1


@FUZZ
@given(st.sampled_from([8000, 16000, 22050, 44100, 48000, 0, 1, 2**31 - 1]), st.integers(0, 9),
       st.sampled_from([8, 16, 24, 32, 0, 7]), st.binary(max_size=3000), st.data())
def test_wav_files_with_odd_headers_read_or_fail_clearly(rate, channels, bits, frames, data):
    TRIED["wav_header"] += 1
    blob = bytearray(wav_bytes(rate, channels, bits, frames))
    for _ in range(data.draw(st.integers(0, 3))):  # and a few flipped bytes anywhere
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    _read(bytes(blob))


@FUZZ
@given(st.binary(max_size=5000))
def test_arbitrary_bytes_as_audio_fail_clearly(blob):
    TRIED["audio_bytes"] += 1
    _read(blob)


@FUZZ
@given(st.binary(max_size=2000))
def test_telephone_audio_decodes_any_bytes_one_sample_each(payload):
    TRIED["g711_payload"] += 1
    for decode, encode in ((g711.ulaw_decode, g711.ulaw_encode), (g711.alaw_decode, g711.alaw_encode)):
        pcm = decode(payload)
        assert pcm.dtype == np.int16 and pcm.size == len(payload)
        assert np.array_equal(decode(encode(pcm)), pcm)  # a decoded sample is exactly representable


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                    max_leaves=20)
MEDIA_KEYS = st.sampled_from(["event", "start", "media", "streamSid", "stream_id", "mediaFormat", "media_format",
                              "encoding", "sampleRate", "sample_rate", "channels", "customParameters", "token",
                              "payload", "track"])


def media_stream_shaped():
    """JSON objects built from the media-stream protocol's own keys and values, nested at random."""
    value = st.recursive(JSON | st.sampled_from(["start", "media", "stop", "mark", "connected", "audio/x-mulaw",
                                                 "inbound", "outbound", 8000, "AAAA", "/w==" * 40]),
                         lambda inner: st.dictionaries(MEDIA_KEYS, inner, max_size=5), max_leaves=25)
    return st.dictionaries(MEDIA_KEYS, value, max_size=6)


@FUZZ
@given(st.one_of(media_stream_shaped().map(json.dumps), st.text(max_size=200), JSON.map(json.dumps)))
def test_media_stream_messages_parse_or_are_refused_clearly(text):
    from voice_therapist.server.media_stream import _event, _inbound, _media_chunks, _Start
    from voice_therapist.server.socket_io import ProtocolViolation

    TRIED["media_stream_message"] += 1
    try:
        message = _event(text)
        if message["event"] == "start":
            start = _Start(message)
            assert isinstance(start.stream_sid, str) and start.token is None or isinstance(start.token, str)
        elif message["event"] == "media" and _inbound(message):
            chunks = _media_chunks(message)
            assert chunks and all(len(c) == 160 for c in chunks)
    except ProtocolViolation as exc:
        assert str(exc) and exc.reason
