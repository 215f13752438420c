"""Prosodic features of one user utterance: pitch, loudness, speaking rate, pauses, jitter.

Silence policy: audio with no voiced speech raises `NoSpeech` (a ValueError) rather than
returning NaN-filled features, so nothing downstream (a baseline, a score) can be poisoned by
NaNs. `ProsodyTracker` catches it and answers neutral.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np
from scipy.signal import find_peaks

from ..audio.pcm import SAMPLE_RATE, to_internal

HOP = SAMPLE_RATE // 100  # 10 ms frames throughout
RMS_FRAME = 400  # 25 ms: about two pitch periods of a low voice
YIN_FRAME = 1024  # 64 ms: room for periods down to FMIN
FMIN, FMAX = 50.0, 500.0  # adult speaking range: creaky low endings to tense high voices
CORR_WINDOW = 400  # samples compared one period apart to decide voicing
VOICED_CORR = 0.5  # normalised autocorrelation at the YIN period; below it a frame is unvoiced
SILENCE_DBFS = -50.0  # frames quieter than this are silence whatever the utterance's level
ACTIVE_RANGE_DB = 30.0  # ... and so are frames this far below the utterance's loud frames
MIN_PAUSE_S = 0.15  # shorter silences are stop closures and word joins, not pauses
MIN_SECONDS = 0.3  # shorter audio cannot carry a pitch track or a rate
MIN_VOICED_FRAMES = 5  # 50 ms of voicing; less is a click or a cough
OCTAVE_GUARD_ST = 9.0  # voiced frames this far from the median pitch are tracking errors
SYLLABLES_PER_WORD = 1.4  # English conversational average, for rates from an ASR word count
NUCLEUS_BAND_HZ = (300.0, 2500.0)  # first and second formants: vowels stand out, fricatives do not
NUCLEUS_PROMINENCE_DB = 2.0  # a band-energy peak must stand this far above its dips to be a syllable
NUCLEUS_CORR = 0.3  # a nucleus needs only weak periodicity: fast speech blurs vowels


class ProsodyError(ValueError):
    """Audio that cannot be measured; the message says why."""


class TooShort(ProsodyError):
    """Empty audio, or shorter than MIN_SECONDS."""


class NoSpeech(ProsodyError):
    """Audio with no voiced speech in it (silence, noise, a click)."""


@dataclass(frozen=True)
class ProsodyFeatures:
    f0_mean: float  # Hz, over voiced frames
    f0_var: float  # standard deviation of pitch, semitones
    energy_db: float  # RMS level of voiced frames, dB re full scale
    rate: float  # syllables per second of speaking time
    pause_ratio: float  # share of the speaking span spent in pauses (leading/trailing silence excluded)
    jitter: float  # mean |period change| between consecutive voiced frames / mean period
    speech_s: float  # speaking time: the speaking span less its pauses

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in FEATURES}


FEATURES = ("f0_mean", "f0_var", "energy_db", "rate", "pause_ratio", "jitter")


def extract(pcm: np.ndarray, sample_rate: int = SAMPLE_RATE, words: int | None = None) -> ProsodyFeatures:
    """Features of one utterance (16 kHz mono int16; other rates and dtypes are converted).

    `words`, an ASR word count, gives the rate as words x 1.4 syllables per speaking second in
    place of the syllable-nucleus estimate. Raises TooShort for empty audio or audio under
    MIN_SECONDS, NoSpeech for audio with no voiced speech (both ValueErrors)."""
    pcm = np.asarray(pcm)
    if pcm.ndim != 1:
        raise ProsodyError(f"expected mono audio (one dimension), got shape {pcm.shape}")
    if pcm.size == 0:
        raise TooShort("empty audio: no samples to measure")
    if pcm.dtype != np.int16 or sample_rate != SAMPLE_RATE:
        pcm = to_internal(pcm, sample_rate)
    if pcm.size < MIN_SECONDS * SAMPLE_RATE:
        raise TooShort(f"audio of {pcm.size / SAMPLE_RATE:.2f} s is too short to measure (need {MIN_SECONDS} s)")
    y = pcm.astype(np.float32) / 32768.0

    rms = librosa.feature.rms(y=y, frame_length=RMS_FRAME, hop_length=HOP)[0]
    f0 = librosa.yin(y, fmin=FMIN, fmax=FMAX, sr=SAMPLE_RATE, frame_length=YIN_FRAME, hop_length=HOP)
    n = min(rms.size, f0.size)
    rms, f0 = rms[:n], f0[:n]
    db = 20.0 * np.log10(np.maximum(rms, 1e-6))

    loud = np.percentile(db, 95)
    active = db > max(SILENCE_DBFS, loud - ACTIVE_RANGE_DB)
    periodicity = _periodicity(y, f0)
    voiced = active & (periodicity >= VOICED_CORR)
    if voiced.any():
        # octave jumps are YIN errors, not intonation: drop them from every pitch measure
        semitones = 12.0 * np.log2(f0 / np.median(f0[voiced]))
        voiced &= np.abs(semitones) < OCTAVE_GUARD_ST
    if voiced.sum() < MIN_VOICED_FRAMES:
        raise NoSpeech("no voiced speech in the audio (silence or noise only)")

    # the speaking span runs from the first to the last sound, so leading/trailing silence is
    # not a pause; inside it, a pause is silence long enough not to be a consonant closure
    first, last = np.flatnonzero(active)[[0, -1]]
    pause = _long_runs(~active[first:last + 1], round(MIN_PAUSE_S * SAMPLE_RATE / HOP))
    speech_s = max(float((~pause).sum()) * HOP / SAMPLE_RATE, 0.05)
    if words is not None and words > 0:
        rate = words * SYLLABLES_PER_WORD / speech_s
    else:
        rate = _nuclei(y, active & (periodicity >= NUCLEUS_CORR)) / speech_s

    f0v = f0[voiced]
    st = 12.0 * np.log2(f0v / np.median(f0v))
    return ProsodyFeatures(
        f0_mean=float(f0v.mean()),
        f0_var=float(st.std()),
        energy_db=float(10.0 * np.log10(np.mean(rms[voiced] ** 2))),
        rate=float(rate),
        pause_ratio=float(pause.mean()),
        jitter=_jitter(f0, voiced),
        speech_s=speech_s,
    )


def _periodicity(y: np.ndarray, f0: np.ndarray) -> np.ndarray:
    """Normalised autocorrelation of each frame one YIN period apart: near 1 for voiced speech.

    librosa.yin gives a pitch for every frame, voiced or not; this is the voicing decision."""
    half = YIN_FRAME // 2
    framed = librosa.util.frame(np.pad(y, half), frame_length=YIN_FRAME, hop_length=HOP).T[: f0.size]
    period = np.clip(np.rint(SAMPLE_RATE / f0), 1, YIN_FRAME - CORR_WINDOW).astype(int)
    start = np.maximum(half - (CORR_WINDOW + period) // 2, 0)
    rows = np.arange(framed.shape[0])[:, None]
    a = framed[rows, start[:, None] + np.arange(CORR_WINDOW)]
    b = framed[rows, (start + period)[:, None] + np.arange(CORR_WINDOW)]
    energy = np.sqrt((a * a).sum(1) * (b * b).sum(1)) + 1e-12
    return (a * b).sum(1) / energy


def _long_runs(mask: np.ndarray, min_len: int) -> np.ndarray:
    """The True runs of a mask that last at least min_len frames."""
    out = np.zeros_like(mask)
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    for start, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        if stop - start >= min_len:
            out[start:stop] = True
    return out


def _nuclei(y: np.ndarray, candidate: np.ndarray) -> int:
    """Syllable nuclei: peaks of the smoothed vowel-band energy in (weakly) voiced frames.

    After de Jong & Wempe (2009), with the 300-2500 Hz band in place of full-band intensity so
    that bursts and fricatives between vowels do not count as syllables."""
    power = np.abs(librosa.stft(y, n_fft=512, hop_length=HOP)) ** 2
    freqs = librosa.fft_frequencies(sr=SAMPLE_RATE, n_fft=512)
    band = (freqs >= NUCLEUS_BAND_HZ[0]) & (freqs <= NUCLEUS_BAND_HZ[1])
    envelope = 10.0 * np.log10(power[band].sum(axis=0)[: candidate.size] + 1e-10)
    envelope = np.convolve(envelope, np.ones(3) / 3, mode="same")  # 30 ms: one peak per vowel, not per period
    peaks, _ = find_peaks(envelope, prominence=NUCLEUS_PROMINENCE_DB, distance=5)  # at most 20 per second
    return max(int(candidate[peaks].sum()), 1)


def _jitter(f0: np.ndarray, voiced: np.ndarray) -> float:
    """Frame-to-frame period perturbation over consecutive voiced frames.

    At a 10 ms hop this is not cycle-to-cycle jitter in the clinical sense: it also follows fast
    intonation movement. It is comparable between utterances of one person, which is all we need."""
    period = 1.0 / f0
    pair = voiced[:-1] & voiced[1:]
    if not pair.any():
        return 0.0
    return float(np.abs(np.diff(period))[pair].mean() / period[voiced].mean())


def warm_up() -> None:
    """Load librosa's numba kernels now (seconds on first use) instead of on the first utterance."""
    tone = 8000 * np.sin(2 * np.pi * 150 * np.arange(SAMPLE_RATE // 2) / SAMPLE_RATE)
    extract(tone.astype(np.int16))
