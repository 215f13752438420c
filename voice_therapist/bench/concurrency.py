"""N simultaneous sessions through the server's talk WebSocket, with N rising.

The callers run in a child process (talk_client), so their real-time pacing is not delayed by
the server's event loop and their memory is not counted as the server's. Each level is
measured once; N stops rising when the time budget is spent, or when the p95 is clearly over
2 s and at least two levels are measured.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .memory import PeakRss, rss_mb
from .stats import spread
from .talk_client import save_turns

P95_LIMIT_MS = 2000.0
CLEARLY_OVER_MS = 1.25 * P95_LIMIT_MS  # past this, more sessions are not worth the minutes...
MIN_LEVELS = 2  # ...once two levels are measured: the second shows how latency and memory grow with N
EXPECTED_TURN_S = 10.0  # a caller's turn: speech, the reply's latency, the reply, a pause
WORST_TURN_S = 30.0  # a caller gives a turn up by then (talk_client's own limits); the level is cut after
IDLE_HOLD_S = 4.0  # how long the silent sessions stay open while RSS is sampled


def turns_per_caller(sessions: int, quick: bool) -> int:
    """Two turns per caller, more for a single caller so that every level has at least 4 (2 quick)."""
    return max(2, -(-(2 if quick else 4) // sessions))


async def _run_level(urls: list[str], turns_file: Path, sessions: int, turns_each: int, budget_s: float,
                     *extra: str) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callers.json"
        args = [sys.executable, "-m", "voice_therapist.bench.talk_client", "--turns", str(turns_file),
                "--callers", str(sessions), "--turns-each", str(turns_each), "--out", str(out), *extra]
        for url in urls:
            args += ["--url", url]
        child = await asyncio.create_subprocess_exec(*args, stderr=asyncio.subprocess.PIPE)
        try:
            _, stderr = await asyncio.wait_for(child.communicate(), budget_s)
        except asyncio.TimeoutError:
            child.kill()
            await child.wait()
            return [{"latencies_ms": [], "server_turns": [], "errors": [f"callers stopped after {budget_s:.0f} s"]}]
        if child.returncode != 0:
            tail = stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
            return [{"latencies_ms": [], "server_turns": [], "errors": [f"caller process failed: {tail[0]}"]}]
        return json.loads(out.read_text(encoding="utf-8"))


def _level_summary(sessions: int, callers: list[dict], peak_mb: float) -> dict:
    heard = [lat for c in callers for lat in c["latencies_ms"] if lat is not None]
    server_side = [t["latency_ms"]["first_audio_out"] for c in callers for t in c["server_turns"]
                   if "first_audio_out" in t.get("latency_ms", {})]
    return {"sessions": sessions, **spread(heard),
            "unanswered": sum(lat is None for c in callers for lat in c["latencies_ms"]),
            "errors": [e for c in callers for e in c["errors"]][:20],
            "server_first_audio_out": spread(server_side),
            "rss_peak_mb": peak_mb, "latencies_ms": heard}


def largest_under_limit(levels: list[dict]) -> int | None:
    """The largest N such that it and every smaller level measured kept p95 <= 2 s without errors."""
    best = 0
    for level in sorted(levels, key=lambda lv: lv["sessions"]):
        if level["p95_ms"] is None or level["p95_ms"] > P95_LIMIT_MS or level["errors"]:
            break
        best = level["sessions"]
    return best if levels else None


def per_session_mb(baseline_mb: float, levels: list[dict]) -> float | None:
    """Slope of peak RSS over N (least squares through the baseline at N=0 and each level)."""
    points = [(0, baseline_mb)] + [(lv["sessions"], lv["rss_peak_mb"]) for lv in levels if lv["n"]]
    if len(points) < 2:
        return None
    n, rss = np.array(points, float).T
    return round(float(np.polyfit(n, rss, 1)[0]), 1)


async def idle_session_mb(urls: list[str], server_pid: int | str, turns_file: Path, sessions: int) -> float | None:
    """RSS added per open session that only sends silence: the session's own state, without the
    working memory of inference running in several threads at once (which the slope includes)."""
    before = rss_mb(server_pid)
    async with PeakRss(server_pid) as peak:
        callers = await _run_level(urls, turns_file, sessions, 0, 60.0, "--hold-s", str(IDLE_HOLD_S),
                                   "--stagger-s", "0")
    if any(c["errors"] for c in callers):
        return None
    return round((peak.peak_mb - before) / sessions, 2)


async def measure_concurrency(urls: list[str], server_pid: int | str, conversations: list[list[np.ndarray]],
                              levels: list[int], quick: bool, deadline: float) -> dict:
    """`deadline`: time.monotonic() after which no new level starts."""
    measured: list[dict] = []
    stopped = "all levels measured"
    baseline = rss_mb(server_pid)
    with tempfile.TemporaryDirectory() as tmp:
        turns_file = Path(tmp) / "turns.npz"
        save_turns(turns_file, conversations)
        for sessions in levels:
            turns_each = turns_per_caller(sessions, quick)
            budget_s = turns_each * WORST_TURN_S + 30.0
            if time.monotonic() + turns_each * EXPECTED_TURN_S > deadline:
                stopped = f"stopped before {sessions} sessions: the run's time budget is spent"
                break
            async with PeakRss(server_pid) as peak:
                callers = await _run_level(urls, turns_file, sessions, turns_each, budget_s)
            measured.append(_level_summary(sessions, callers, peak.peak_mb))
            p95 = measured[-1]["p95_ms"]
            if p95 is None:
                stopped = f"stopped at {sessions} sessions: no turn was answered"
                break
            if p95 > CLEARLY_OVER_MS and len(measured) >= MIN_LEVELS:
                stopped = f"stopped after {sessions} sessions: p95 {p95:.0f} ms is clearly over 2 s"
                break
        idle = await idle_session_mb(urls, server_pid, turns_file, max(levels))
    return {"levels": measured, "max_sessions_p95_under_2s": largest_under_limit(measured), "stopped": stopped,
            "rss_before_mb": baseline, "per_session_mb": per_session_mb(baseline, measured), "idle_session_mb": idle}
