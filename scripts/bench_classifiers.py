"""Prints how well the distortion namer, the modality router and the questionnaire answer mapping do on held-out data.

Usage: .venv/bin/python scripts/bench_classifiers.py [--json FILE] [--measures-only]
Targets (issue 3): distortion hit rate >= 0.55 on CBT-Bench and >= 0.65 on thinking traps;
routing accuracy >= 0.85 on tests/data/routing_eval.jsonl.
Target (issue 27): spoken answers to PHQ-9/GAD-7 items (tests/data/measure_answers_holdout.jsonl,
never tuned on) read exactly >= 0.95, and none more than one step away on the 0-3 scale.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from voice_therapist.bench.classifiers import cbt_bench_items, hit_rate_and_macro_f1, routing_items, thinking_trap_items
from voice_therapist.bench.measure_answers import answer_rows, mapping_report
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.distortions import DistortionNamer
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.nlp.router import ModalityRouter

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--measures-only", action="store_true",
                        help="only the questionnaire answer mapping (no models)")
    args = parser.parse_args()
    data = ROOT / "tests" / "data"
    results = {f"measure_answers_{name}": mapping_report(answer_rows(data / f"measure_answers_{name}.jsonl"))
               for name in ("holdout", "dev")}
    print("| answers | n | exact | > 1 step away | 0-3 asked again | target |\n|---|---|---|---|---|---|")
    for name in ("holdout", "dev"):
        r = results["measure_answers_" + name]
        target = ">= 0.95, 0" if name == "holdout" else "(the mapping's own examples)"
        print(f"| {name} | {r['n']} | {r['exact']:.3f} | {r['more_than_one_step']} | {r['numeric_as_unclear']} "
              f"| {target} |")
    print(f"held-out misreadings: {results['measure_answers_holdout']['confusion']}\n")
    if args.measures_only:
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1))
        return
    embedder = SentenceEmbedder()
    namer = DistortionNamer(embedder)
    router = ModalityRouter(embedder, load_protocols())
    cbt, cbt_skipped = cbt_bench_items()
    traps, traps_skipped = thinking_trap_items()
    timings = []

    def name(text):
        start = time.perf_counter()
        label = namer.classify(text)[0]
        timings.append((time.perf_counter() - start) * 1000)
        return label

    results["distortion_cbt_bench"] = {**hit_rate_and_macro_f1(cbt, name), "skipped": cbt_skipped}
    results["distortion_thinking_traps"] = {**hit_rate_and_macro_f1(traps, name), "skipped": traps_skipped}
    results["routing"] = hit_rate_and_macro_f1(routing_items(ROOT / "tests" / "data" / "routing_eval.jsonl"),
                                               lambda text: router.route(text)[0])
    results["ms_per_text_median"] = round(statistics.median(timings), 2)
    print("| measure | n | hit rate / accuracy | macro-F1 | target |\n|---|---|---|---|---|")
    for key, target in [("distortion_cbt_bench", 0.55), ("distortion_thinking_traps", 0.65), ("routing", 0.85)]:
        r = results[key]
        print(f"| {key} | {r['n']} | {r['hit_rate']:.3f} | {r['macro_f1']:.3f} | >= {target} |")
    print(f"\nmedian classification time: {results['ms_per_text_median']} ms per text")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
