from __future__ import annotations

from typing import Protocol

import numpy as np


class SpeechSynthesizer(Protocol):
    """Blocking, thread-safe synthesis of one sentence into 16 kHz mono int16."""

    def synthesize(self, text: str) -> np.ndarray: ...
