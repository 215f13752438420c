"""The same integers on every x86-64 CPU for the int8 graphs (issue 24 part 6).

onnxruntime multiplies u8 activations by s8 weights with an exact int32 sum where the CPU has
VNNI, but with `vpmaddubsw` on AVX2 alone, which saturates each pair of products at 16 bits
(255 x 127 x 2 > 32,767): the same graph gave other vectors, and other crisis levels, on an
AVX2-only EPYC. The u8 x u8 kernels widen to 16 bits first and are exact everywhere, and s8
weights stored as u8 (w + 128, zero point 128) are the same integers, so they give this CPU's
exact vectors bit for bit. `exact_graph` keeps the faster s8 graph where a probe shows the
kernel is exact, and hands the u8 form to a CPU where it is not. What is left between CPUs is
float rounding order (docs/cpu-independence.md has the measurements).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
# Where each quantized op takes its int8 weights and their zero points.
WEIGHT_INPUTS = {"MatMulInteger": (1, 3), "QAttention": (1, 7), "DynamicQuantizeMatMul": (1, 3)}


@functools.cache
def s8_weights_are_exact() -> bool:
    """True when this CPU's u8 x s8 int8 kernel sums exactly: a product that saturates 16-bit
    pair sums (255 x 127 + 255 x 127) must come out as numpy computes it."""
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    depth = 64
    a = np.full((1, depth), 255, np.uint8)
    b = np.full((depth, 8), 127, np.int8)
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b"], ["y"])], "saturation_probe",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, depth])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [1, 8])], [numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    exact = bool((session.run(None, {"a": a})[0] == a.astype(np.int32) @ b.astype(np.int32)).all())
    if not exact:
        log.info("this CPU's u8 x s8 kernel saturates: the int8 graphs run with u8 weights (same integers)")
    return exact


def exact_graph(graph: str | Path | bytes) -> str | Path | bytes:
    """The graph as given where its s8 weights are summed exactly, else its u8 form (bytes)."""
    if s8_weights_are_exact():
        return graph
    data = Path(graph).read_bytes() if isinstance(graph, (str, Path)) else graph
    return as_u8_weights(data)


def as_u8_weights(model: bytes) -> bytes:
    """Every s8 weight initializer of a quantized op (and its zero point) shifted by 128 into u8."""
    import onnx
    from onnx import numpy_helper

    parsed = onnx.load_from_string(model)
    initializers = {i.name: i for i in parsed.graph.initializer}
    shifted: set[str] = set()

    def shift(name: str) -> None:
        if name not in shifted:
            tensor = initializers[name]
            values = numpy_helper.to_array(tensor).astype(np.int16) + 128
            tensor.CopyFrom(numpy_helper.from_array(values.astype(np.uint8), name))
            shifted.add(name)

    for node in parsed.graph.node:
        if node.op_type not in WEIGHT_INPUTS:
            continue
        w_index, z_index = WEIGHT_INPUTS[node.op_type]
        weight = initializers.get(node.input[w_index])
        if weight is None or (weight.name not in shifted and weight.data_type != onnx.TensorProto.INT8):
            continue
        while len(node.input) <= z_index:
            node.input.append("")
        if not node.input[z_index]:  # no zero point means 0: it becomes 128 with the weights
            zero = f"{weight.name}_u8_zero_point"
            if zero not in initializers:
                parsed.graph.initializer.append(numpy_helper.from_array(np.array(0, np.int8), zero))
                initializers[zero] = parsed.graph.initializer[-1]
            node.input[z_index] = zero
        shift(weight.name)
        shift(node.input[z_index])
    return parsed.SerializeToString()
