"""Reading and writing WAV files, with clear errors for files that are not usable audio."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import soundfile

from .pcm import SAMPLE_RATE, AudioFormatError, to_internal

MAX_INPUT_SECONDS = 3 * 60 * 60  # a session file longer than this is refused, not loaded


def read_any(path: str | Path) -> np.ndarray:
    """Read a sound file of any rate and channel count into 16 kHz mono int16."""
    path = Path(path)
    if not path.is_file():
        raise AudioFormatError(f"{path}: no such file")
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise AudioFormatError(f"{path}: not a readable audio file ({exc})") from exc
    if info.samplerate <= 0 or info.channels <= 0:
        raise AudioFormatError(f"{path}: invalid header (rate {info.samplerate}, channels {info.channels})")
    if info.frames > MAX_INPUT_SECONDS * info.samplerate:
        raise AudioFormatError(f"{path}: longer than {MAX_INPUT_SECONDS // 3600} hours, refused")
    try:
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError) as exc:
        raise AudioFormatError(f"{path}: audio data is corrupt ({exc})") from exc
    return to_internal(audio, rate)


def write_int16(path: str | Path, pcm: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.ascontiguousarray(pcm, dtype="<i2").tobytes())
