"""The crisis detector's tuned layer: MiniLM's first three layers fine-tuned to name the level.

The other trained layers read MiniLM's general-purpose sentence vector, which places a line
by its topic as much as by its risk. This one was fine-tuned offline on the same written
exemplars (scripts/train_crisis_encoder.py, torch, run by `make train-crisis`; the result is committed), so its layers
learned which words carry risk. It shares MiniLM's frozen word tables, read from the installed
weights; only its three layers and the head are saved, as float16 in models/crisis_tuned/. Here onnxruntime runs them,
int8 like the embedder: half the embedder's cost, about 0.5-1 ms a sentence.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..nlp import bert_graph
from ..nlp.embedder import cached_graph, default_model_dir, encoder_session, quantized
from ..nlp.embedding_cache import default_cache_dir
from ..resources import data_path
from .levels import AT_RISK

MODEL_DIR = data_path("models", "crisis_tuned")
# The classifier's classes, in the order of its outputs.
LEVELS = ["none", "watch", "passive", "active", "plan", "imminent", "harm_others", "abuse"]
SCALE = [level for level in LEVELS if level in AT_RISK]  # the suicide-scale levels it may name
# Chosen on pairs of read sets, each pair left out of all training in turn (docs/safety-record.md):
# 0.7 flagged more hard negatives for no more recall, 0.9 caught less.
MIN_RISK_MASS = 0.8  # passive, active, plan and imminent together
from .combine import SURE_NONE  # noqa: E402,F401  the veto's threshold lives with the combiner's table
# Lines whose probabilities scripts/train_crisis_encoder.py records from torch, so a test can
# check the ONNX graph computes the same classifier.
REFERENCE_TEXTS = [
    "I had a good day at work and I'm looking forward to the weekend.",
    "Some nights I wish I just wouldn't wake up in the morning.",
    "I've been thinking about killing myself a lot lately.",
    "I've got the pills counted out on the table in front of me right now.",
    "This commute is killing me, honestly, every single day.",
    "My partner hits me when he drinks and I'm scared to go home.",
]


class TunedModelMissing(RuntimeError):
    """models/crisis_tuned/ is missing, unreadable, or does not fit this code. The detector
    does not start without it: a layer silently gone would lower recall unnoticed."""


def exemplars_digest(lines: list[tuple[str, str]]) -> str:
    """What model.json records of the (text, level) lines the layer was trained on, in order."""
    return hashlib.sha256("\n".join(f"{level}\t{text}" for text, level in lines).encode()).hexdigest()


@dataclass(frozen=True)
class TunedVerdict:
    level: str  # the likeliest suicide-scale level, or "none" when their mass is under MIN_RISK_MASS
    probability: float  # the at-risk mass
    none: float = 0.0  # the probability of `none`: SURE_NONE and above, the detector's veto
    whole: bool = True  # it read every word: a long monologue is cut at max_tokens


class TunedCrisisModel:
    def __init__(self, model_dir: Path = MODEL_DIR, base_dir: Path | None = None, cache_dir: Path | None = None):
        from safetensors import safe_open
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        meta_path, weights_path = model_dir / "model.json", model_dir / "weights.safetensors"
        if not meta_path.is_file() or not weights_path.is_file():
            raise TunedModelMissing(f"no model.json and weights.safetensors in {model_dir}: "
                                    "it ships with the project; `make train-crisis` retrains it")
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
            levels, layers, max_tokens = self.meta["levels"], int(self.meta["layers"]), int(self.meta["max_tokens"])
        except (ValueError, KeyError, TypeError) as exc:
            raise TunedModelMissing(f"{meta_path} is not a model description ({exc!r})") from exc
        if levels != LEVELS:
            raise TunedModelMissing(f"{meta_path} names levels {levels}, this code {LEVELS}")
        base_dir = Path(base_dir) if base_dir is not None else default_model_dir()
        config = json.loads((base_dir / "config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.no_padding()
        base_weights = base_dir / "model.safetensors"
        with open(weights_path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256")
        digest.update(meta_path.read_bytes() + f"{base_weights.resolve()}:{base_weights.stat().st_size}".encode())
        fingerprint = digest.hexdigest()[:24]
        try:
            with safe_open(str(weights_path), "np") as f:
                names = set(f.keys())
        except Exception as exc:  # safetensors raises its own error types for a damaged file
            raise TunedModelMissing(f"{weights_path} cannot be read ({exc}): "
                                    "check it out again from git, or `make train-crisis` retrains it") from exc
        missing = {"head.weight", "head.bias"} - names
        if missing:
            raise TunedModelMissing(f"{weights_path} has no {', '.join(sorted(missing))}")

        def build() -> bytes:
            # Read only when the graph is not on disk yet: the float weights are ~70 MB.
            try:
                tuned = {k: v.astype(np.float32) for k, v in load_file(str(weights_path)).items()}
            except Exception as exc:
                raise TunedModelMissing(f"{weights_path} cannot be read ({exc})") from exc
            weights = {k: v for k, v in load_file(str(base_weights)).items() if k.startswith("embeddings.")}
            weights.update({k: v for k, v in tuned.items() if k.startswith("encoder.")})
            return quantized(bert_graph.build(weights, layers, int(config["num_attention_heads"]),
                                              float(config["layer_norm_eps"]),
                                              head=(tuned["head.weight"], tuned["head.bias"])))

        graph_path = (cache_dir or default_cache_dir()) / "models" / f"crisis-tuned-{fingerprint}.onnx"
        self._session = encoder_session(cached_graph(graph_path, build))

    def probabilities(self, text: str) -> dict[str, float]:
        return self._read(text)[0]

    def _read(self, text: str) -> tuple[dict[str, float], bool]:
        """The probabilities, and whether every word fitted in."""
        enc = self.tokenizer.encode(text.strip())
        feed = {"ids": np.array([enc.ids], dtype=np.int64), "types": np.array([enc.type_ids], dtype=np.int64),
                "mask": np.array([enc.attention_mask], dtype=np.float32)}
        (probs,) = self._session.run(["probabilities"], feed)
        return dict(zip(LEVELS, probs[0].tolist())), not enc.overflowing

    def verdict(self, text: str) -> TunedVerdict:
        probs, whole = self._read(text)
        mass = sum(probs[level] for level in SCALE)
        level = "none" if mass < MIN_RISK_MASS else max(SCALE, key=probs.get)
        return TunedVerdict(level, mass, probs["none"], whole)
