from __future__ import annotations

from typing import Protocol

import numpy as np


class SpeechRecognizer(Protocol):
    """Blocking, thread-safe transcription of one utterance (16 kHz mono int16)."""

    def transcribe(self, pcm: np.ndarray, prompt: str = "") -> str: ...
