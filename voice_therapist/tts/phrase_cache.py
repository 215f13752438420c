"""The audio of the protocols' fixed opening pieces, rendered once and kept on disk.

Most replies start with a piece no user changes ("Thank you.", the safety reply's first
sentence with the locale's crisis line). Synthesising it costs 150-600 ms on this CPU, on
the path to the first sound; from this cache it costs nothing. Only the given phrases are
kept, so nothing a user said is held beyond their session, in memory or on disk.
A damaged or missing file is rendered again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..atomic_file import save_array_atomically
from .base import SpeechSynthesizer

log = logging.getLogger(__name__)


class PhraseCache:
    def __init__(self, synthesizer: SpeechSynthesizer, phrases: Iterable[str], fingerprint: str, directory: Path):
        self._synth = synthesizer
        self._phrases = sorted(set(phrases))
        self._fingerprint = fingerprint
        self._directory = directory
        self._audio: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._audio)

    def get(self, text: str) -> np.ndarray | None:
        return self._audio.get(text)

    def prepare(self) -> int:
        """Load every phrase from disk, rendering the missing ones; returns how many were rendered."""
        rendered = 0
        for text in self._phrases:
            path = self._path(text)
            audio = _load(path)
            if audio is None:
                audio = self._synth.synthesize(text)
                self._store(path, audio)
                rendered += 1
            audio.flags.writeable = False  # shared by every session
            self._audio[text] = audio
        return rendered

    def _path(self, text: str) -> Path:
        digest = hashlib.sha256(f"{self._fingerprint}\0{text}".encode("utf-8")).hexdigest()[:32]
        return self._directory / f"{digest}.npy"

    def _store(self, path: Path, audio: np.ndarray) -> None:
        try:
            save_array_atomically(path, audio)
        except OSError as exc:  # a read-only cache only costs start-up time
            log.warning("phrase cache not writable (%s): phrases are rendered each start", type(exc).__name__)


def _load(path: Path) -> np.ndarray | None:
    try:
        audio = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return audio if audio.dtype == np.int16 and audio.ndim == 1 and audio.size else None
