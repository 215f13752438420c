"""The one internal audio format, and conversion into and out of it."""

from __future__ import annotations

import numpy as np
import soxr

SAMPLE_RATE = 16000
FRAME_MS = 20
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000


class AudioFormatError(ValueError):
    """Audio that cannot be turned into the internal format; the message says why."""


def to_float(pcm: np.ndarray) -> np.ndarray:
    """int16 -> float32 in [-1, 1]."""
    return pcm.astype(np.float32) / 32768.0


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float in [-1, 1] -> int16, clipping rather than wrapping around."""
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype(np.int16)


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(samples, channels) or (samples,) -> (samples,) by averaging channels."""
    if audio.ndim == 1:
        return audio
    if audio.ndim != 2 or audio.shape[1] == 0:
        raise AudioFormatError(f"unexpected audio shape {audio.shape}")
    return audio.mean(axis=1)


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample float32 mono audio; the identity when the rates match."""
    if from_rate <= 0:
        raise AudioFormatError(f"invalid sample rate {from_rate}")
    if from_rate == to_rate or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def to_internal(audio: np.ndarray, rate: int) -> np.ndarray:
    """Any float or int audio, any rate and channel count -> 16 kHz mono int16."""
    if audio.dtype == np.int16:
        audio = to_float(audio)
    elif np.issubdtype(audio.dtype, np.integer):
        audio = audio.astype(np.float32) / float(np.iinfo(audio.dtype).max)
    else:
        audio = audio.astype(np.float32, copy=False)
    if not np.all(np.isfinite(audio)):
        raise AudioFormatError("audio contains NaN or infinite samples")
    return to_int16(resample(to_mono(audio), rate, SAMPLE_RATE))


def frames(pcm: np.ndarray) -> list[np.ndarray]:
    """Split int16 audio into whole 20 ms frames, padding the last one with silence."""
    if pcm.size % FRAME_SAMPLES:
        pcm = np.concatenate([pcm, np.zeros(FRAME_SAMPLES - pcm.size % FRAME_SAMPLES, np.int16)])
    return [pcm[i:i + FRAME_SAMPLES] for i in range(0, pcm.size, FRAME_SAMPLES)]

