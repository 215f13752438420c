"""The most similar exemplar of each group to one sentence vector: quick, and exact where it decides.

Every utterance is compared with every crisis exemplar (~10,000 x 384 float32, 16 MB read from
memory each time). numpy took 1-2 ms for that product on one BLAS thread, and more with a second
thread when the cores were busy. An int8 copy of the matrix (one scale per exemplar, 4 MB) scores
them all in onnxruntime in under 1 ms, within a few thousandths of the float products; the
exemplars that come within `margin` of a group's best are then scored again in float, so the
answer is the float search's answer.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

from ..atomic_file import write_atomically
from .embedder import quantized
from .exact_int8 import exact_graph

log = logging.getLogger(__name__)

MIN_MARGIN = 0.02  # at least ~7x the worst int8 error seen on the crisis exemplars (0.0027)
CHECK_ROWS = 64  # exemplars scored against the whole matrix at start-up to measure that error


class ExemplarIndex:
    def __init__(self, matrix: np.ndarray, groups: dict[str, np.ndarray], cache_dir: Path | None = None):
        """`matrix` holds unit-length rows; `groups` names the row numbers of each group."""
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.groups = {name: np.asarray(rows, dtype=np.int64) for name, rows in groups.items()}
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # as the sentence encoder: the cores belong to ASR, LLM and TTS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(exact_graph(_int8_graph(self.matrix, cache_dir)), options,
                                                     providers=["CPUExecutionProvider"])
        self.margin = max(MIN_MARGIN, 4 * self._worst_error())

    def approximate(self, vector: np.ndarray) -> np.ndarray:
        """The int8 similarities of `vector` to every row."""
        return self._session.run(None, {"v": vector.astype(np.float32, copy=False)[None]})[0][0]

    def nearest(self, vector: np.ndarray) -> dict[str, tuple[int, float]]:
        """For each non-empty group: its row most similar to `vector`, and the float similarity."""
        approx = self.approximate(vector)
        found = {}
        for name, rows in self.groups.items():
            if rows.size == 0:
                continue
            scores = approx[rows]
            candidates = rows[scores >= scores.max() - self.margin]
            exact = self.matrix[candidates] @ vector
            best = int(np.argmax(exact))
            found[name] = (int(candidates[best]), float(exact[best]))
        return found

    def _worst_error(self) -> float:
        rows = np.linspace(0, len(self.matrix) - 1, num=min(CHECK_ROWS, len(self.matrix)), dtype=np.int64)
        return max(float(np.abs(self.approximate(self.matrix[row]) - self.matrix @ self.matrix[row]).max())
                   for row in rows) if len(rows) else 0.0


def _int8_graph(matrix: np.ndarray, cache_dir: Path | None) -> bytes:
    """One MatMul against the matrix, weights in int8; kept on disk by the matrix's contents."""
    path = None
    if cache_dir is not None:
        path = cache_dir / f"exemplars-{hashlib.sha256(matrix.tobytes()).hexdigest()[:24]}.onnx"
        try:
            return path.read_bytes()
        except OSError:
            pass
    rows, dim = matrix.shape
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["v", "exemplars"], ["similarity"])], "exemplar_similarity",
        [helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, dim])],
        [helper.make_tensor_value_info("similarity", TensorProto.FLOAT, [1, rows])],
        [numpy_helper.from_array(np.ascontiguousarray(matrix.T), "exemplars")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8  # what this onnxruntime reads
    built = quantized(model.SerializeToString())
    if path is not None:
        try:
            write_atomically(path, built)
        except OSError as exc:  # a read-only cache only costs start-up time
            log.warning("exemplar index cache not writable (%s): it is rebuilt each start", type(exc).__name__)
    return built
