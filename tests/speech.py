"""Real speech for tests: espeak-ng voices for the user, Whisper to hear the assistant."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voice_therapist.audio.pcm import SAMPLE_RATE
from voice_therapist.audio.wavfile import read_any
from voice_therapist.bench.latency import word_error_rate

USER_VOICE = "en-us+m3"  # a male espeak-ng voice: unlike the assistant's Piper voice


def espeak(text: str, voice: str = USER_VOICE, speed: int = 165, pitch: int = 50, amplitude: int = 100) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "u.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "-a", str(amplitude),
                        "-w", str(wav), text], check=True)
        return read_any(wav)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.int16)


def trim(pcm: np.ndarray, threshold: int = 300) -> np.ndarray:
    """Without espeak-ng's own leading and trailing silence."""
    loud = np.flatnonzero(np.abs(pcm) > threshold)
    return pcm[loud[0]:loud[-1] + 1] if loud.size else pcm[:0]


def track(*parts) -> np.ndarray:
    """Strings are spoken; numbers are seconds of silence, exactly, between them."""
    return np.concatenate([silence(p) if isinstance(p, (int, float)) else trim(espeak(p)) for p in parts])


def wer(reference: str, hypothesis: str) -> float:
    return word_error_rate([reference], [hypothesis])


def voiced_spans(pcm: np.ndarray, min_gap_s: float = 0.3, threshold: int = 300) -> list[tuple[float, float]]:
    """(start, end) seconds of non-silent stretches of a track."""
    frame = SAMPLE_RATE // 100
    loud = [np.abs(pcm[i:i + frame]).max() > threshold for i in range(0, pcm.size - frame + 1, frame)]
    spans, start, quiet = [], None, 0
    for i, is_loud in enumerate(loud + [False] * int(min_gap_s * 100 + 1)):
        if is_loud:
            start = i if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet > min_gap_s * 100:
                spans.append((start / 100, (i - quiet + 1) / 100))
                start = None
    return spans
