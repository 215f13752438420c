"""The user's side of the benchmark: espeak-ng speech, one trimmed int16 array per turn."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from ..audio.wavfile import read_any
from ..demo import speak_espeak

QUIET = 300  # int16 amplitude below which espeak-ng's own lead-in and tail count as silence


def trim(pcm: np.ndarray, threshold: int = QUIET) -> np.ndarray:
    """Without the leading and trailing silence, so the last sample is the end of speech."""
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > threshold)
    return pcm[loud[0]:loud[-1] + 1] if loud.size else pcm[:0]


def speak_all(texts: list[str]) -> dict[str, np.ndarray]:
    """Each distinct text spoken once; the same audio is reused by every part of the run."""
    spoken: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(dict.fromkeys(texts)):
            wav = Path(tmp) / f"turn_{i}.wav"
            speak_espeak(text, wav)
            spoken[text] = trim(read_any(wav))
    return spoken
