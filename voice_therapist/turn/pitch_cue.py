"""How the voice ended: pitch falling, level or rising over the last syllable, and how long
that syllable was drawn out. A statement falls at its end; a held thought stays level or rises."""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from ..audio.pcm import SAMPLE_RATE, to_float

HOP = SAMPLE_RATE // 100  # 10 ms
LOOK_BACK_S = 1.5  # the contour is read over the last stretch of speech
FINAL_MS = 150  # the last syllable's pitch, against the stretch before it
QUIET_DB = 30.0  # frames this far under the loudest are not speech


@dataclass(frozen=True)
class Ending:
    movement_st: float  # semitones from the stretch's median to its last 150 ms: < 0 falling
    last_run_ms: float  # length of the final voiced run: a drawn-out syllable is long
    voiced: bool  # False: too little voicing to say (then the other two are 0)


NEUTRAL = Ending(0.0, 0.0, False)


def ending(pcm: np.ndarray) -> Ending:
    """The ending of the speech in `pcm` (16 kHz int16); trailing silence is skipped."""
    y = to_float(pcm)
    if y.size < SAMPLE_RATE // 5:
        return NEUTRAL
    rms = librosa.feature.rms(y=y, frame_length=400, hop_length=HOP)[0]
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    loud = np.flatnonzero(db > db.max() - QUIET_DB)
    if loud.size == 0:
        return NEUTRAL
    end = (loud[-1] + 1) * HOP
    start = max(0, end - int(LOOK_BACK_S * SAMPLE_RATE))
    seg = y[start:end]
    if seg.size < 2048:
        return NEUTRAL
    f0, voiced, _ = _track(seg)
    if voiced.sum() < 10:
        return NEUTRAL
    st = 12 * np.log2(f0[voiced] / np.median(f0[voiced]))
    idx = np.flatnonzero(voiced)
    final = st[idx >= idx[-1] - FINAL_MS // 10]
    run = 1
    while run < idx.size and idx[-run] - idx[-run - 1] <= 2:  # a one-frame gap does not break a vowel
        run += 1
    return Ending(float(np.median(final) - np.median(st)), float(idx[-1] - idx[-run] + 1) * 10, True)


def _track(seg: np.ndarray):
    f0 = librosa.yin(seg, fmin=60, fmax=400, sr=SAMPLE_RATE, frame_length=1024, hop_length=HOP)
    rms = librosa.feature.rms(y=seg, frame_length=1024, hop_length=HOP)[0][: f0.size]
    f0 = f0[: rms.size]
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    # YIN gives a pitch for every frame: voiced frames are loud and agree with their neighbours.
    steady = np.abs(np.diff(np.log2(f0), prepend=np.log2(f0[0]))) < 0.1
    voiced = (db > db.max() - 20) & steady
    if voiced.any():
        voiced &= np.abs(12 * np.log2(f0 / np.median(f0[voiced]))) < 9  # octave errors
    return f0, voiced, db
