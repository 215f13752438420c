"""Writes or checks the crisis detector's golden file (tests/data/crisis_golden.jsonl).

Usage: .venv/bin/python scripts/crisis_golden.py           # check: print the rows that changed
       .venv/bin/python scripts/crisis_golden.py --write   # regenerate it after a deliberate change
The rows are the project's own lines (voice_therapist/bench/crisis_golden.py says which); each
row's level and evidence (layer, level, ref) must match exactly, its scores within 0.05.
"""

from __future__ import annotations

import argparse
import sys

from voice_therapist.bench.crisis_golden import differences, inputs, judge, load, write
from voice_therapist.blas_threads import limit_blas_threads
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import load_models


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="regenerate the file from the current detector")
    args = parser.parse_args()
    limit_blas_threads()
    models = load_models(load_protocols(), SentenceEmbedder())
    if args.write:
        rows = judge(inputs(), models)
        write(rows)
        print(f"wrote {len(rows)} rows")
        return 0
    expected = load()
    changed = differences(expected, judge(expected, models))
    print("\n".join(changed) or f"all {len(expected)} rows as recorded")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
