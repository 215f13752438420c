"""Whisper-style log-mel features, as Smart Turn v3 was trained on (8 s, 80 mels, 10 ms hop).

The same arithmetic as `transformers.WhisperFeatureExtractor(chunk_length=8)` and Pipecat's
numpy copy of it, with librosa's Slaney mel filters; no transformers or torch needed.
"""

from __future__ import annotations

import librosa
import numpy as np

SAMPLE_RATE = 16000
WINDOW_SECONDS = 8
N_FFT = 400
HOP = 160
N_MELS = 80
_MEL = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, htk=False, norm="slaney").astype(np.float64)
_HANN = np.hanning(N_FFT + 1)[:-1]  # periodic, as torch.hann_window


def last_window(audio: np.ndarray) -> np.ndarray:
    """The last 8 s of float audio; shorter audio is zero-padded at the front, as the model saw."""
    n = WINDOW_SECONDS * SAMPLE_RATE
    audio = np.asarray(audio, np.float32)
    return audio[-n:] if audio.size >= n else np.pad(audio, (n - audio.size, 0))


def log_mel(audio: np.ndarray) -> np.ndarray:
    """(80, 800) float32 features of exactly 8 s of float audio at 16 kHz."""
    x = np.asarray(audio, np.float32)
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)  # waveform normalised before the spectrogram
    padded = np.pad(x.astype(np.float64), N_FFT // 2, mode="reflect")
    windows = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]
    power = np.abs(np.fft.rfft(windows * _HANN, axis=-1)) ** 2
    spec = np.log10(np.maximum(_MEL @ power.T, 1e-10))[:, :-1]
    spec = np.maximum(spec, spec.max() - 8.0)
    return ((spec + 4.0) / 4.0).astype(np.float32)
