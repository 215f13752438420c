"""Pipecat's Smart Turn v3.2: from the sound of a turn, how likely it is to be finished.

An 8 MB int8 ONNX audio classifier (BSD-2-Clause) shipped inside the `pipecat-ai` wheel and
loaded by path from there (models/registry.yaml, entry smart-turn-v3); never from a hub.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..audio.pcm import to_float
from .log_mel import last_window, log_mel

REGISTRY_NAME = "smart-turn-v3"


class SmartTurn:
    def __init__(self, path: Path, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads  # one thread: ~0.1 s per call, and the ASR keeps its cores
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self._session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])

    @classmethod
    def default(cls) -> "SmartTurn":
        from ..model_registry import load_registry

        return cls(load_registry()[REGISTRY_NAME].location())

    def complete_probability(self, pcm: np.ndarray) -> float:
        """Probability that the turn in `pcm` (16 kHz int16, ending now) is finished."""
        features = log_mel(last_window(to_float(pcm)))[None]
        (out,) = self._session.run(None, {"input_features": features})[:1]
        return float(np.asarray(out).reshape(-1)[0])
