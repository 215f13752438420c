"""Would more lines of the honest sets' kind bring the crisis detector to its targets? A measurement, not a product.

The honest sets (tests/data/README.md) are new authors' lines that no layer was trained on. For
each in turn this trains every learned layer (n-gram, nearest exemplar, linear, and the tuned
layer, with torch) on the exemplars plus the other honest sets, about 2,000 lines of the same
kind, and scores the held set with the shipped rules, beside the shipped detector. If more data
of this kind were what the detector lacks, the held set's figures would reach the targets.
It prints counts only, never a line's text, and saves nothing in the project: the tuned layers
go to --work.

Usage: .venv/bin/python scripts/crisis_ceiling.py --torch-python ~/.cache/voice-therapist/venv-train-*/bin/python
       [--sets 19,18,17,16,15,13,10] [--work /tmp/crisis-ceiling]
About 9 minutes a set on 2 cores, most of it training.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from dataclasses import replace
from pathlib import Path

from voice_therapist.bench.crisis import ordinary_false_positives, spoken_set
from voice_therapist.blas_threads import limit_blas_threads
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import load_models, trained
from voice_therapist.safety.tuned_model import TunedCrisisModel, exemplars_digest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
HONEST = "19,18,17,16,15,13,10"


def rows(number: str) -> list[dict]:
    path = DATA / f"crisis_holdout{number}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def shipped_training_data() -> dict:
    """What scripts/train_crisis_encoder.py trains the shipped layer on: the exemplars, and its settings."""
    return json.loads(subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "train_crisis_encoder.py"), "--data-only"],
        check=True, capture_output=True, text=True).stdout)


def training_lines(data: dict, held: str, others: list[str]) -> list[tuple[str, str]]:
    """The exemplars less any line of the held set, plus the other sets."""
    held_texts = {row["text"].strip().lower() for row in rows(held)}
    seen = {text.strip().lower() for text, _ in data["lines"]} | held_texts
    lines = [(text, level) for text, level in data["lines"] if text.strip().lower() not in held_texts]
    for number in others:
        for row in rows(number):
            if row["text"].strip().lower() not in seen:
                seen.add(row["text"].strip().lower())
                lines.append((row["text"], row["level"]))
    return lines


def figures(result: dict, ordinary: dict) -> str:
    return (f"{result['recall_passive_and_up']} / {result['plan_imminent_flagged_active_or_above']} / "
            f"{result['hard_negative_false_positive_rate']} (crisis path {result['hard_negative_crisis_path_rate']}); "
            f"ordinary talk on the crisis path {ordinary['passive_or_above']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--torch-python", required=True, type=Path, help="the training environment's python")
    parser.add_argument("--sets", default=HONEST)
    parser.add_argument("--work", type=Path, default=Path("/tmp/crisis-ceiling"))
    args = parser.parse_args()
    limit_blas_threads()
    args.work.mkdir(parents=True, exist_ok=True)
    embedder = SentenceEmbedder()
    shipped = load_models(load_protocols(), embedder)
    ordinary_path = DATA / "routing_eval.jsonl"
    print("| held set | shipped: recall / plan-imminent at active+ / hard negatives flagged | "
          "trained with the other honest sets too |\n|---|---|---|", flush=True)
    honest = HONEST.split(",")
    template = shipped_training_data()
    for held in args.sets.split(","):
        lines = training_lines(template, held, [n for n in honest if n != held])
        data_file = args.work / f"without_{held}.json"
        data_file.write_text(json.dumps({**template, "lines": lines, "exemplars_sha256": exemplars_digest(lines)}))
        model_dir = args.work / f"tuned_without_{held}"
        training = subprocess.run([str(args.torch_python), str(ROOT / "scripts" / "train_crisis_encoder.py"),
                                   "--data", str(data_file), "--out", str(model_dir)], capture_output=True, text=True)
        if training.returncode:
            raise SystemExit(f"training without set {held} failed:\n{training.stderr[-3000:]}")
        written: dict[str, list[str]] = {}
        for text, level in lines:
            written.setdefault(level, []).append(text)
        ceiling = replace(trained(written, embedder), tuned=TunedCrisisModel(model_dir))
        held_path = DATA / f"crisis_holdout{held}.jsonl"
        print(f"| {held} | {figures(spoken_set(held_path, shipped), ordinary_false_positives(ordinary_path, shipped))} | "
              f"{figures(spoken_set(held_path, ceiling), ordinary_false_positives(ordinary_path, ceiling))} |",
              flush=True)


if __name__ == "__main__":
    main()
