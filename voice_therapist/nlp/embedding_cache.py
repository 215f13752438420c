"""Exemplar embeddings kept on disk, so start-up does not re-embed unchanged files.

The key is the model's weights file (size and name) plus the exact texts, so an edited
exemplar or another model gives a new entry. A damaged entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from ..atomic_file import save_array_atomically

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    configured = os.environ.get("VOICE_THERAPIST_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "voice-therapist"


class EmbeddingCache:
    def __init__(self, model_fingerprint: str, directory: Path | None = None):
        self.fingerprint = model_fingerprint
        self.directory = directory if directory is not None else default_cache_dir()

    def _path(self, texts: list[str]) -> Path:
        digest = hashlib.sha256(self.fingerprint.encode())
        for text in texts:
            digest.update(b"\0" + text.encode("utf-8"))
        return self.directory / "embeddings" / f"{digest.hexdigest()[:32]}.npy"

    def get(self, texts: list[str], dim: int) -> np.ndarray | None:
        path = self._path(texts)
        try:
            matrix = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        if matrix.shape != (len(texts), dim) or matrix.dtype != np.float32:
            return None
        return matrix

    def put(self, texts: list[str], matrix: np.ndarray) -> None:
        try:
            save_array_atomically(self._path(texts), matrix)
        except OSError as exc:  # a read-only home only costs start-up time
            log.warning("embedding cache not writable (%s): exemplars are embedded each start", type(exc).__name__)
