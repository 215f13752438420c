"""Tunes the distortion namer's few hyperparameters on a DEV set, never on the test sets.

Dev set: ../shared/datasets/thinking-traps/reframing_dataset.csv, one item per distinct
thought (labels pooled over its rows), minus every thought that also appears in the
thinking-traps or CBT-Bench test files. It is scored twice: the thought alone (short, like
the thinking-traps test) and "situation. thought" (longer, a stand-in for CBT-Bench's
narratives). CBT-Bench's seed file (20 long accounts, not in its test file) is another. A
fourth dev set is tests/data/distortions_dev_burns.jsonl: 360 textbook-style
"situation. thought" lines the project wrote. Prints hit rate / macro-F1 per setting and
the dev label counts the prior uses.

Usage: .venv/bin/python scripts/tune_distortions.py [--quick]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
from collections import Counter
from pathlib import Path

import numpy as np

from voice_therapist.bench.classifiers import DATASETS, hit_rate_and_macro_f1
from voice_therapist.bench.distortion_labels import CBT_BENCH, THINKING_TRAPS
from voice_therapist.nlp.distortions import CUE_WEIGHT, PRIOR_WEIGHT, TOP_K, WHOLE_WEIGHT, DistortionNamer
from voice_therapist.nlp.embedder import SentenceEmbedder

WRITTEN_DEV = Path(__file__).resolve().parent.parent / "tests" / "data" / "distortions_dev_burns.jsonl"


def test_texts() -> set[str]:
    traps = DATASETS / "thinking-traps" / "thinking_traps.jsonl"
    texts = {json.loads(line)["prompt"].removesuffix("->").strip() for line in traps.read_text(encoding="utf-8").splitlines()}
    cbt = json.loads((DATASETS / "cbt-bench" / "distortions_test.json").read_text(encoding="utf-8"))
    return texts | {row["thoughts"].strip() for row in cbt}


def dev_items(with_situation: bool) -> list[tuple[str, set[str]]]:
    held_out = test_texts()
    gold: dict[str, set[str]] = {}
    situation: dict[str, str] = {}
    with open(DATASETS / "thinking-traps" / "reframing_dataset.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            thought = row["thought"].strip()
            if thought in held_out:
                continue
            situation.setdefault(thought, row["situation"].strip())
            labels = {THINKING_TRAPS.get(t.strip().lower()) for t in row["thinking_traps_addressed"].split(",")}
            gold.setdefault(thought, set()).update(label for label in labels if label)
    return [((situation[t].rstrip(".") + ". " + t) if with_situation else t, g) for t, g in gold.items() if g]


def seed_items() -> list[tuple[str, set[str]]]:
    """CBT-Bench's 20 few-shot examples: long accounts of several thoughts, like its test set."""
    rows = json.loads((DATASETS / "cbt-bench" / "distortions_seed.json").read_text(encoding="utf-8"))
    items = [(row["thoughts"], {CBT_BENCH[d] for d in row["distortions"] if CBT_BENCH.get(d)}) for row in rows]
    return [(text, gold) for text, gold in items if gold]


def written_dev_items() -> list[tuple[str, set[str]]]:
    rows = [json.loads(line) for line in WRITTEN_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["text"], set(row["labels"])) for row in rows]


class MemoEmbedder:
    """Embeds each distinct text once, so a grid search re-embeds nothing."""

    def __init__(self, inner: SentenceEmbedder):
        self._inner, self._memo = inner, {}

    def embed(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if missing:
            self._memo.update(zip(missing, self._inner.embed(missing)))
        return np.stack([self._memo[t] for t in texts])

    def embed_exemplars(self, texts: list[str]) -> np.ndarray:
        return self._inner.embed_exemplars(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the chosen setting")
    args = parser.parse_args()
    embedder = MemoEmbedder(SentenceEmbedder())
    dev = {"thought": dev_items(False), "situation+thought": dev_items(True), "burns-style": written_dev_items(),
           "cbt-bench-seed": seed_items()}
    print("dev items:", len(dev["thought"]), "label counts:", dict(Counter(l for _, g in dev["thought"] for l in g)))
    grid = [(TOP_K, WHOLE_WEIGHT, CUE_WEIGHT, PRIOR_WEIGHT)] if args.quick else itertools.product(
        (20, 40), (0.25, 0.5, 0.75), (0.5, 1.0, 2.0), (0.0, 0.4, 0.8))
    for top_k, whole, cue, prior in grid:
        namer = DistortionNamer(embedder, top_k=top_k, whole_weight=whole, cue_weight=cue, prior_weight=prior)
        cells = []
        for items in dev.values():
            r = hit_rate_and_macro_f1(items, lambda text: namer.classify(text)[0])
            cells.append(f"{r['hit_rate']:.3f} / {r['macro_f1']:.3f}")
        print(f"k={top_k} whole={whole} cue={cue} prior={prior}: " + "  ".join(f"{name} {cell}" for name, cell in zip(dev, cells)))


if __name__ == "__main__":
    main()
