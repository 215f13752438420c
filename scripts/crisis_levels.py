"""The crisis detector's level for every line of the honest sets, for comparing two runs: two
CPUs (`qemu-x86_64 -cpu Haswell .venv/bin/python scripts/crisis_levels.py ...`) or two
versions of the code. Counts only: no line's text is printed or written.

Usage: .venv/bin/python scripts/crisis_levels.py levels.json [--sets 19,18] [--limit N]
       .venv/bin/python scripts/crisis_levels.py --compare a.json b.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from voice_therapist.bench.crisis import spoken_set
from voice_therapist.blas_threads import limit_blas_threads
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import CrisisDetector, load_models

ROOT = Path(__file__).resolve().parent.parent
HONEST = "19,18,17,16,15,13,10"  # tests/data/README.md: the sets whose errors were never read
FIGURES = ["recall_passive_and_up", "plan_imminent_flagged_active_or_above", "hard_negative_false_positive_rate",
           "hard_negative_crisis_path_rate"]


def measure(sets: list[str], limit: int | None) -> dict:
    limit_blas_threads()
    models = load_models(load_protocols(), SentenceEmbedder())
    result = {}
    for name in sets:
        path = ROOT / "tests" / "data" / f"crisis_holdout{name}.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:limit]
        levels = [CrisisDetector(models).assess(row["text"]).risk.level for row in rows]
        figures = {} if limit else {k: v for k, v in spoken_set(path, models).items() if k in FIGURES}
        result[name] = {"levels": levels, **figures}
        print(name, len(levels), *(f"{figures[k]:.3f}" for k in figures), flush=True)
    return result


def compare(a: dict, b: dict) -> None:
    for name in a.keys() & b.keys():
        pairs = list(zip(a[name]["levels"], b[name]["levels"]))
        changed = [(x, y) for x, y in pairs if x != y]
        print(f"set {name}: {len(pairs)} lines, {len(changed)} levels differ", sorted(set(changed)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?")
    parser.add_argument("--sets", default=HONEST)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--compare", nargs=2)
    args = parser.parse_args()
    if args.compare:
        compare(*(json.loads(Path(p).read_text()) for p in args.compare))
        return
    Path(args.out).write_text(json.dumps(measure(args.sets.split(","), args.limit)))


if __name__ == "__main__":
    main()
