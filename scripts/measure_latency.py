"""Prints end-of-speech -> first-audio-out latency over spoken turns (paced, real time).

Usage: .venv/bin/python scripts/measure_latency.py [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import os

from voice_therapist.bench.latency import measure_session_latency, word_error_rate
from voice_therapist.bench.turns import UTTERANCES
from voice_therapist.config import load_config
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.pipeline.models import load_models
from voice_therapist.pipeline.turn_record import LATENCY_PARTS


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    args = parser.parse_args()
    cfg = load_config()
    models = load_models(cfg, load_protocols())
    await models.warm_up()
    turns, summary, seconds = await measure_session_latency(cfg, models)
    await models.aclose()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"{len(turns)} turns over {seconds:.0f} s of paced audio; llm={cfg.llm.backend}")
    print("| turn | words | source | " + " | ".join(LATENCY_PARTS) + " |")
    print("|---" * (3 + len(LATENCY_PARTS)) + "|")
    for t in turns:
        parts = " | ".join(f"{t['latency_ms'].get(p, float('nan')):.0f}" for p in LATENCY_PARTS)
        print(f"| {t['index']} | {len(t['user_text'].split())} | {t['reply_source']} | {parts} |")
    print("\n| part | median ms | p95 ms | max ms |\n|---|---|---|---|")
    for part, s in summary.items():
        print(f"| {part} | {s['median']:.0f} | {s['p95']:.0f} | {s['max']:.0f} |")
    if len(turns) == len(UTTERANCES):
        wer = word_error_rate(UTTERANCES, [t["user_text"] for t in turns])
        print(f"\nuser words in the event log: word error rate {wer:.3f} over {len(turns)} turns")
    else:
        wer = None
        print(f"\n{len(turns)} turns for {len(UTTERANCES)} utterances: word error rate not computed")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"turns": turns, "summary": summary, "wer": wer}, fh, indent=1)


if __name__ == "__main__":
    asyncio.run(main())
