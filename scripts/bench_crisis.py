"""Prints how the crisis detector does on held-out data, with its per-utterance latency.

Usage: .venv/bin/python scripts/bench_crisis.py [--json FILE]
Targets (issue 4): recall >= 0.97 for passive and up; every plan/imminent line at active or
above; <= 5% false positives on hard negatives; <= 5 ms per utterance.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from voice_therapist.bench.crisis import ordinary_false_positives, reddit_users, spoken_set
from voice_therapist.blas_threads import limit_blas_threads
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.nlp.embedder import SentenceEmbedder
from voice_therapist.safety.detector import load_models

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--no-reddit", action="store_true", help="skip the Reddit users (minutes: long posts)")
    parser.add_argument("--set", default="crisis_holdout19.jsonl",
                        help="crisis_holdout19.jsonl (the newest author, never read), crisis_holdout18.jsonl, "
                             "crisis_holdout17.jsonl, crisis_holdout16.jsonl, crisis_holdout15.jsonl, "
                             "crisis_holdout13.jsonl or crisis_holdout10.jsonl (never read), or one of the development sets; "
                             "tests/data/README.md says what each can still tell")
    args = parser.parse_args()
    limit_blas_threads()  # as the voice processes run it
    models = load_models(load_protocols(), SentenceEmbedder())
    spoken = spoken_set(ROOT / "tests" / "data" / args.set, models)
    ordinary = ordinary_false_positives(ROOT / "tests" / "data" / "routing_eval.jsonl", models)
    answers = ordinary_false_positives(ROOT / "tests" / "data" / "session_answers2.jsonl", models)
    reddit = None if args.no_reddit else reddit_users(models)
    print(f"| spoken-style set (tests/data/{args.set}) | value | target |\n|---|---|---|")
    print(f"| lines | {spoken['n']} | >= 300 |")
    print(f"| recall, passive and up | {spoken['recall_passive_and_up']} | >= 0.97 |")
    print(f"| plan/imminent flagged at active or above | {spoken['plan_imminent_flagged_active_or_above']} | 1.0 |")
    print(f"| false positives on hard negatives | {spoken['hard_negative_false_positive_rate']} | <= 0.05 |")
    print(f"| of which put on a crisis path (passive or above, harm to others, abuse) | "
          f"{spoken['hard_negative_crisis_path_rate']} | |")
    print(f"| of the risk lines, put straight on the path by explicit words (the rest are asked first) | "
          f"{spoken['straight_to_path_passive_and_up']} | |")
    print(f"| plan/imminent lines that page on their own words | {spoken['severe_paging_on_their_own']} | |")
    print(f"| lines written as none that would page (explicit plan/imminent) | {spoken['none_paged_rate']} | 0 |")
    print(f"| lines written as none heard at plan/imminent (asked directly, no page) | "
          f"{spoken['none_heard_at_plan_rate']} | |")
    print(f"| harm to others / abuse on their own paths | {spoken['separate_paths_recall']} | |")
    print(f"| exact level | {spoken['exact_level_accuracy']} | |")
    print(f"| ms per utterance, median / max | {spoken['ms_median']} / {spoken['ms_max']} | <= 5 |")
    print(f"| ordinary talk flagged passive or above (routing_eval, {ordinary['n']} lines) | {ordinary['passive_or_above']} | |")
    print(f"| ordinary talk put on the crisis path (explicit words) | {ordinary['crisis_path']} | |")
    print(f"| ordinary talk flagged watch | {ordinary['watch']} | |")
    print(f"| ordinary talk that would page (plan/imminent), lines | {ordinary['paged']} | 0 |")
    print(f"| ordinary talk heard at plan/imminent (asked directly), lines | {ordinary['heard_at_plan']} | |")
    print(f"| answers to the protocols' questions flagged passive or above (session_answers2, {answers['n']} lines) | "
          f"{answers['passive_or_above']} | |")
    if reddit:
        print("\n| Reddit C-SSRS, per user | value |\n|---|---|")
        print(f"| recall, Ideation + Behavior + Attempt users | {reddit['recall_ideation_behavior_attempt']} |")
        print(f"| flag rate, Supportive users | {reddit['flag_rate_supportive']} |")
        print(f"| flag rate, Indicator users | {reddit['flag_rate_indicator']} |")
    if args.show_errors:
        print("\nmissed:", *spoken["misses"], sep="\n  ")
        print("\nfalse positives:", *spoken["false_positives"], sep="\n  ")
    if args.json:
        results = {"spoken": spoken, "ordinary": ordinary, "session_answers": answers, "reddit": reddit}
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
