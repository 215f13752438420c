"""`voice-therapist bench`: one session's voice-to-voice latency, a naive pipeline on the same turns,
the speed of each model, concurrent sessions through the talk WebSocket, and memory.

Writes the JSON (`--json`), a Markdown table and a PNG of the latency distributions beside it.
Targets are reported with a met flag, never asserted. Logs carry timings, never what was said.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .concurrency import measure_concurrency
from .conversations import CONVERSATIONS, all_turns, shortened
from .crisis_timing import time_crisis_check
from .door import ServerUnavailable, talk_server
from .llm_speed import measure_llm_speed
from .memory import rss_mb
from .naive import measure_naive, speeds
from .plot import latency_plot
from .report import markdown
from .single import measure_single, single_summary
from .stats import spread
from .targets import judge
from .turn_report import turns_markdown
from .turn_taking import run_turns
from .voices import speak_all

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BenchPlan:
    """How much to measure. The full plan fits in 10 minutes on the 2-core machine, quick in ~2."""

    quick: bool = False
    turns_per_conversation: int | None = None  # None: every turn (32 in all)
    crisis_rounds: int = 10
    levels: tuple[int, ...] = (1, 2, 4, 6, 8)
    budget_s: float = 540.0  # no concurrency level starts after this, counted from the start
    conversations: tuple[list[str], ...] = field(default=CONVERSATIONS)

    def chosen(self) -> tuple[list[str], ...]:
        if self.turns_per_conversation is None:
            return self.conversations
        return shortened(self.conversations, self.turns_per_conversation)


FULL = BenchPlan()
# Quick: three turns of two conversations, so the LLM speaks at least once (the first two are scripted).
QUICK = BenchPlan(quick=True, conversations=CONVERSATIONS[:2], turns_per_conversation=3, crisis_rounds=3,
                  levels=(1, 2), budget_s=130.0)


async def run_bench(args, cfg, models) -> int:
    json_path = Path(args.json)
    if not getattr(args, "turns", False):
        results = await run_plan(cfg, models, QUICK if args.quick else FULL, json_path)
        print(markdown(results))
    turns = await run_turns(cfg, models, args.quick)
    turns_path = json_path.with_name("turns.json")
    turns_path.parent.mkdir(parents=True, exist_ok=True)
    turns_path.write_text(json.dumps(turns, indent=1), encoding="utf-8")
    turns_path.with_suffix(".md").write_text(turns_markdown(turns), encoding="utf-8")
    print(turns_markdown(turns))
    return 0


async def run_plan(cfg, models, plan: BenchPlan, json_path: Path) -> dict:
    started = time.monotonic()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rss_loaded = rss_mb()  # models loaded and warmed up, nothing else yet: the server's floor
    load_at_start = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews every timing
    conversations = plan.chosen()
    spoken = speak_all(all_turns(conversations))
    log.info("bench: %d turns in %d conversations", len(all_turns(conversations)), len(conversations))

    single_turns = await measure_single(cfg, models, conversations, spoken)
    log.info("bench: single session done (%d turns, %.0f s)", len(single_turns), time.monotonic() - started)
    naive = await measure_naive(cfg, models, conversations, spoken)
    log.info("bench: naive pipeline done (%.0f s)", time.monotonic() - started)
    llm_speed = await measure_llm_speed(models.llm)
    crisis = time_crisis_check(models.crisis, all_turns(conversations), plan.crisis_rounds)
    concurrency = await _concurrency(cfg, models, plan, [[spoken[t] for t in c] for c in conversations],
                                     started + plan.budget_s)
    log.info("bench: concurrency done (%.0f s)", time.monotonic() - started)

    memory = _memory(rss_loaded, concurrency)
    results = {
        "machine": {**_machine(cfg), "load_average_at_start": load_at_start,
                    "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "quick": plan.quick,
        "started": when,
        "single": single_summary(single_turns, conversations),
        "naive": _naive(naive, single_turns),
        "speed": {**speeds(naive), **llm_speed},
        "crisis_check": {**crisis, "in_session": spread(_in_session_crisis(single_turns))},
        "concurrency": concurrency,
        "memory": memory,
    }
    results["targets"] = judge(results)
    results["duration_s"] = round(time.monotonic() - started, 1)
    _write(results, json_path)
    return results


async def _concurrency(cfg, models, plan: BenchPlan, conversations, deadline: float) -> dict:
    door = "the talk WebSocket /ws/talk (docs/websocket-talk-protocol.md)"
    try:
        async with talk_server(cfg, models, max(plan.levels)) as urls:
            measured = await measure_concurrency(urls, os.getpid(), conversations, list(plan.levels),
                                                 plan.quick, deadline)
    except ServerUnavailable as exc:
        log.warning("bench: concurrency not measured: %s", exc)
        return {"door": door, "levels": [], "max_sessions_p95_under_2s": None, "rss_before_mb": rss_mb(),
                "per_session_mb": None, "status": f"Not measured: {exc}. The callers (bench/talk_client.py) "
                                                  "follow the documented protocol and run once the server exists."}
    stopped = measured.pop("stopped")
    return {"door": door, **measured,
            "status": f"Callers in a separate process, real-time 20 ms frames; {stopped}."}


def _memory(rss_loaded: float, concurrency: dict) -> dict:
    """The memory figures, taken out of the concurrency results where they were measured."""
    before_sessions = concurrency.pop("rss_before_mb")
    return {"rss_mb": rss_loaded, "rss_after_single_and_naive_mb": before_sessions,
            "rss_peak_mb": max([before_sessions] + [lv["rss_peak_mb"] for lv in concurrency["levels"]]),
            "per_session_mb": concurrency.pop("per_session_mb"),
            "idle_session_mb": concurrency.pop("idle_session_mb", None),
            "method": "VmRSS of the server process: with models loaded and warmed up; per session: slope of the "
                      "peak RSS over the number of talking WebSocket sessions; idle: per session open and sending "
                      "silence"}


def _machine(cfg) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "platform": sys.platform,
            "llm_backend": cfg.llm.backend, "asr_model": cfg.asr.model, "tts_voice": cfg.tts.voice,
            "llm_model": cfg.llm.model, "endpoint_silence_ms": cfg.turn.endpoint_silence_ms,
            "speculative_silence_ms": cfg.turn.speculative_silence_ms}


def _naive(naive: dict, single_turns: list[dict]) -> dict:
    totals = [t["total_ms"] for t in naive["turns"]]
    summary = spread(totals)
    streaming = spread([t["latency_ms"]["first_audio_out"] for t in single_turns
                        if "first_audio_out" in t["latency_ms"]])["median_ms"]
    ratio = round(summary["median_ms"] / streaming, 2) if summary["median_ms"] and streaming else None
    stages = {name: spread([t[name] for t in naive["turns"]])
              for name in ("endpoint_ms", "asr_ms", "crisis_ms", "routing_ms", "llm_ms", "tts_ms")}
    return {**summary, "ratio": ratio, "stages": stages, "turns": naive["turns"]}


def _in_session_crisis(turns: list[dict]) -> list[float]:
    """The crisis check's own share inside the session: from the final transcript to its verdict."""
    return [t["latency_ms"]["crisis_check"] - t["latency_ms"]["asr_final"] for t in turns
            if "crisis_check" in t["latency_ms"] and "asr_final" in t["latency_ms"]]


def _write(results: dict, json_path: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1), encoding="utf-8")
    json_path.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    groups = [("single", [t["latency_ms"]["first_audio_out"] for t in results["single"]["turns"]
                          if "first_audio_out" in t["latency_ms"]]),
              ("naive", [t["total_ms"] for t in results["naive"]["turns"]])]
    groups += [(f"N={lv['sessions']}", lv["latencies_ms"]) for lv in results["concurrency"]["levels"]]
    latency_plot(groups, json_path.with_suffix(".png"),
                 "Voice-to-voice latency (ms): end of speech to first reply sample")
