"""The short Markdown table written beside the JSON."""

from __future__ import annotations

PART_NAMES = {
    "endpoint": "endpoint (silence that confirms the turn)",
    "asr_final": "ASR final",
    "crisis_check": "crisis check (with prosody beside it)",
    "routing": "routing",
    "llm_first_token": "LLM first token (or the scripted line chosen)",
    "tts_first_audio": "TTS first audio",
    "first_audio_out": "**first audio out**",
}


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "n/a"
    text = f"{value:.0f}" if isinstance(value, float) and abs(value) >= 10 else f"{value:g}"
    return f"{text} {unit}".strip()


def _met(flag) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[flag]


def markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        "# voice-therapist bench",
        "",
        f"{machine['cpu']}, {machine['cores']} cores, Python {machine['python']}; LLM backend "
        f"{machine['llm_backend']}; {'quick' if results['quick'] else 'full'} run of "
        f"{results['duration_s']:.0f} s on {results['started']}; load average (1, 5, 15 min) "
        f"{machine['load_average_at_start']} at the start, {machine['load_average_at_end']} at the end: "
        "other work on the machine makes every timing noisy.",
        "",
        "| target | measured | target | met |",
        "|---|---|---|---|",
    ]
    for target in results["targets"].values():
        lines.append(f"| {target['what']} | {_fmt(target['measured'], target['unit'])} | "
                     f"{target['target']} {target['unit']} | {_met(target['met'])} |")
    single = results["single"]
    lines += ["", f"## One session: ms after the end of the user's speech ({single['n']} turns, "
                  f"{single['sessions']} sessions)", "",
              "Each part is the time after the end of speech at which that milestone was reached; the reply "
              f"is prepared from {machine['speculative_silence_ms']} ms of silence on, so the ASR final can come "
              "before the endpoint.", "",
              "| part | median | p95 | max |", "|---|---|---|---|"]
    for part, s in single["parts"].items():
        lines.append(f"| {PART_NAMES.get(part, part)} | {s['median_ms']:.0f} | {s['p95_ms']:.0f} | {s['max_ms']:.0f} |")
    sources = single.get("by_reply_source") or {}
    if sources:
        lines += ["", "First audio by who worded the reply: " + "; ".join(
            f"{src} {100 * v['share']:.0f}% of turns, median {_fmt(v['median_ms'], 'ms')}, p95 {_fmt(v['p95_ms'], 'ms')}"
            for src, v in sources.items())]
    naive = results["naive"]
    if "routing" not in single["parts"]:
        routing = naive["stages"]["routing_ms"]
        lines += ["", "Routing is not marked inside the session (it falls between the crisis check and the LLM's "
                      f"first token); on its own, in the naive run, it takes {_fmt(routing['median_ms'])} ms at the "
                      f"median and {_fmt(routing['p95_ms'])} ms at p95."]
    lines += ["", f"## Naive sequential pipeline, same turns ({naive['n']} turns): median "
                  f"{_fmt(naive['median_ms'], 'ms')}, {_fmt(naive['ratio'])}x the streaming median", "",
              "| stage | median ms | p95 ms | max ms |", "|---|---|---|---|"]
    for stage, s in naive["stages"].items():
        lines.append(f"| {stage.removesuffix('_ms')} | {_fmt(s['median_ms'])} | {_fmt(s['p95_ms'])} | "
                     f"{_fmt(s['max_ms'])} |")
    speed = results["speed"]
    crisis = results["crisis_check"]
    lines += ["", f"Speed: ASR real-time factor {_fmt(speed['asr_rtf'])}, TTS real-time factor "
                  f"{_fmt(speed['tts_rtf'])}, LLM {_fmt(speed['llm_tokens_per_s'])} tokens/s (first token "
                  f"{_fmt(speed['llm_first_token']['median_ms'], 'ms')} without prefill). Crisis check alone: "
                  f"median {crisis['median_ms']} ms, p95 {crisis['p95_ms']} ms over {crisis['n']} checks."]
    concurrency = results["concurrency"]
    lines += ["", f"## Concurrent sessions through {concurrency['door']}", ""]
    if concurrency["levels"]:
        lines += ["| sessions | turns | median ms | p95 ms | max ms | unanswered | errors | RSS peak MB |",
                  "|---|---|---|---|---|---|---|---|"]
        for level in concurrency["levels"]:
            lines.append(f"| {level['sessions']} | {level['n']} | {_fmt(level['median_ms'])} | "
                         f"{_fmt(level['p95_ms'])} | {_fmt(level['max_ms'])} | {level['unanswered']} | "
                         f"{len(level['errors'])} | {_fmt(level['rss_peak_mb'])} |")
    lines.append(f"\n{concurrency['status']}")
    memory = results["memory"]
    lines += ["", f"Memory: {_fmt(memory['rss_mb'], 'MB')} resident with all models loaded, "
                  f"{_fmt(memory['rss_after_single_and_naive_mb'], 'MB')} after the single-session and naive runs, "
                  f"{_fmt(memory['rss_peak_mb'], 'MB')} at the peak; {_fmt(memory['per_session_mb'], 'MB')} per "
                  f"extra talking session, {_fmt(memory['idle_session_mb'], 'MB')} per idle one ({memory['method']})."]
    return "\n".join(lines) + "\n"
