"""Where the time goes in one session: the single-session benchmark under the stack sampler.

    .venv/bin/python -m voice_therapist.bench.profile_run [--turns-per-conversation N] [--json FILE]

Prints thread-busy seconds per stage (summed over threads, so it can exceed wall time on
2 cores), per turn, with the session's own latency figures from the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

from ..config import load_config
from ..dialogue.protocol import load_protocols
from ..pipeline.models import load_models
from .conversations import CONVERSATIONS, all_turns, shortened
from .latency import summarize
from .sampler import StackSampler
from .single import measure_single
from .voices import speak_all


async def profile(turns_per_conversation: int | None) -> dict:
    cfg = load_config()
    models = load_models(cfg, load_protocols())
    await models.warm_up()
    conversations = shortened(CONVERSATIONS, turns_per_conversation) if turns_per_conversation else CONVERSATIONS
    spoken = speak_all(all_turns(conversations))
    start = time.perf_counter()
    try:
        with StackSampler() as sampler:
            turns = await measure_single(cfg, models, conversations, spoken)
    finally:
        await models.aclose()
    wall = time.perf_counter() - start
    n = max(1, len(turns))
    busy = sampler.seconds(sampler.busy)
    return {
        "wall_s": round(wall, 1), "turns": len(turns), "interval_s": sampler.interval_s,
        "busy_s_by_stage": busy,
        "busy_ms_per_turn_by_stage": {k: round(v * 1000 / n) for k, v in busy.items()},
        "busy_s_by_thread": sampler.seconds(sampler.by_thread),
        "top_leaves_s": dict(list(sampler.seconds(sampler.leaves).items())[:15]),
        "latency_parts": summarize(turns),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m voice_therapist.bench.profile_run", description=__doc__)
    parser.add_argument("--turns-per-conversation", type=int)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = asyncio.run(profile(args.turns_per_conversation))
    print(f"{result['turns']} turns in {result['wall_s']} s of wall time (sampled every {result['interval_s']} s)\n")
    print("| stage | thread-busy s | ms per turn |\n|---|---|---|")
    for stage, seconds in result["busy_s_by_stage"].items():
        print(f"| {stage} | {seconds} | {result['busy_ms_per_turn_by_stage'][stage]} |")
    print("\n| thread | busy s |\n|---|---|")
    for thread, seconds in result["busy_s_by_thread"].items():
        print(f"| {thread} | {seconds} |")
    print("\n| innermost frame | busy s |\n|---|---|")
    for leaf, seconds in result["top_leaves_s"].items():
        print(f"| {leaf} | {seconds} |")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
