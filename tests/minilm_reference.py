"""MiniLM's arithmetic written out in numpy: the reference the ONNX encoder graph is checked against."""

import json

import numpy as np
from safetensors.numpy import load_file

from voice_therapist.nlp.embedder import default_model_dir


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    var = np.square(x - mean).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x):
    from scipy.special import erf
    return 0.5 * x * (1 + erf(x / np.sqrt(2)))


def reference_embedding(tokenizer, text: str, layers: int | None = None) -> np.ndarray:
    model_dir = default_model_dir()
    config = json.loads((model_dir / "config.json").read_text())
    w = load_file(str(model_dir / "model.safetensors"))
    eps, heads, dim = config["layer_norm_eps"], config["num_attention_heads"], config["hidden_size"]
    enc = tokenizer.encode(text)
    ids, types = np.array(enc.ids), np.array(enc.type_ids)
    h = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)] \
        + w["embeddings.token_type_embeddings.weight"][types]
    h = _layer_norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)

    def dense(x, name):
        return x @ w[name + ".weight"].T + w[name + ".bias"]

    head_dim = dim // heads
    for i in range(layers or config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (dense(h, p + f"attention.self.{n}").reshape(len(ids), heads, head_dim).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(head_dim)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(len(ids), dim)
        h = _layer_norm(dense(context, p + "attention.output.dense") + h,
                        w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        h = _layer_norm(dense(_gelu(dense(h, p + "intermediate.dense")), p + "output.dense") + h,
                        w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    mean = h.mean(0)
    return mean / np.linalg.norm(mean)
