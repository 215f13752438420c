"""Prints end-of-speech -> first-audio-out latency of one session, per turn and in summary.

A thin wrapper over the single-session part of `voice-therapist bench`
(voice_therapist/bench/single.py): the same spoken turns, paced in real time up to the
first reply sample. The bench measures much more (a naive pipeline, concurrency, memory).

Usage: .venv/bin/python scripts/measure_latency.py [--json FILE] [--turns-per-conversation N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform

from voice_therapist.bench.conversations import CONVERSATIONS, all_turns, shortened
from voice_therapist.bench.latency import summarize
from voice_therapist.bench.single import measure_single, single_summary
from voice_therapist.bench.voices import speak_all
from voice_therapist.config import load_config
from voice_therapist.dialogue.protocol import load_protocols
from voice_therapist.pipeline.models import load_models
from voice_therapist.pipeline.turn_record import LATENCY_PARTS


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    parser.add_argument("--turns-per-conversation", type=int)
    args = parser.parse_args()
    cfg = load_config()
    models = load_models(cfg, load_protocols())
    await models.warm_up()
    conversations = shortened(CONVERSATIONS, args.turns_per_conversation) if args.turns_per_conversation \
        else CONVERSATIONS
    try:
        turns = await measure_single(cfg, models, conversations, speak_all(all_turns(conversations)))
    finally:
        await models.aclose()
    single = single_summary(turns, conversations)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; {len(turns)} turns "
          f"in {len(conversations)} sessions; llm={cfg.llm.backend}")
    print("| turn | words | source | " + " | ".join(LATENCY_PARTS) + " |")
    print("|---" * (3 + len(LATENCY_PARTS)) + "|")
    for t in single["turns"]:
        parts = " | ".join(f"{t['latency_ms'].get(p, float('nan')):.0f}" for p in LATENCY_PARTS)
        print(f"| {t['conversation']}.{t['index']} | {t['words']} | {t['reply_source']} | {parts} |")
    print("\n| part | median ms | p95 ms | max ms |\n|---|---|---|---|")
    for part, s in summarize(turns).items():
        print(f"| {part} | {s['median_ms']:.0f} | {s['p95_ms']:.0f} | {s['max_ms']:.0f} |")
    wer = single["word_error_rate"]
    print(f"\nuser words heard: word error rate {wer}" if wer is not None else "\nword error rate not computed")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(single, fh, indent=1)


if __name__ == "__main__":
    asyncio.run(main())
