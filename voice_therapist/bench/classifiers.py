"""Accuracy and macro-F1 of the distortion namer and the modality router on held-out data.

Multi-label gold (a thought can show several traps): a prediction is a hit when it is among
the gold labels. For per-class F1 the item's effective gold label is the prediction when it
is a hit, else the first gold label, so a single-label prediction is not punished for the
labels it could not also give.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..resources import source_tree
from .distortion_labels import CBT_BENCH, THINKING_TRAPS

DATASETS = source_tree().parent / "shared" / "datasets"


def hit_rate_and_macro_f1(items: list[tuple[str, set[str]]], predict) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    hits = 0
    for text, gold in items:
        predicted = predict(text)
        effective = predicted if predicted in gold else sorted(gold)[0]
        hits += predicted in gold
        if predicted == effective:
            tp[predicted] += 1
        else:
            fp[predicted] += 1
            fn[effective] += 1
    labels = sorted(set(tp) | set(fp) | set(fn))
    f1s = {}
    for label in labels:
        precision = tp[label] / max(1, tp[label] + fp[label])
        recall = tp[label] / max(1, tp[label] + fn[label])
        f1s[label] = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"n": len(items), "hit_rate": round(hits / max(1, len(items)), 3),
            "macro_f1": round(sum(f1s.values()) / max(1, len(f1s)), 3),
            "per_label_f1": {k: round(v, 3) for k, v in f1s.items()}}


def cbt_bench_items(root: Path = DATASETS) -> tuple[list[tuple[str, set[str]]], int]:
    data = json.loads((root / "cbt-bench" / "distortions_test.json").read_text(encoding="utf-8"))
    items, skipped = [], 0
    for row in data:
        gold = {CBT_BENCH[d] for d in row["distortions"] if CBT_BENCH.get(d)}
        if gold:
            items.append((row["thoughts"], gold))
        else:
            skipped += 1
    return items, skipped


def thinking_trap_items(root: Path = DATASETS) -> tuple[list[tuple[str, set[str]]], int]:
    gold: dict[str, set[str]] = {}
    for line in (root / "thinking-traps" / "thinking_traps.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = row["prompt"].removesuffix("->").strip()
        label = THINKING_TRAPS.get(row["completion"].strip().lower())
        gold.setdefault(text, set())
        if label:
            gold[text].add(label)
    items = [(text, labels) for text, labels in gold.items() if labels]
    return items, len(gold) - len(items)


def routing_items(path: Path) -> list[tuple[str, set[str]]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(row["text"], {row["label"]}) for row in rows]

