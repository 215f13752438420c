"""`make sessions`: every suite session spoken by espeak-ng through `voice-therapist session --fast`.

Each session gets its own data folder (a new user, nothing remembered) and a track with
REPLY_GAP_S of silence after each client turn for the assistant's reply, as a person waits.
Two sessions run at once on two cores. The report (report.py) goes beside the events.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...audio.pcm import SAMPLE_RATE
from ...audio.wavfile import read_any, write_int16
from ...resources import source_tree
from ..voices import trim
from .cases import Case, load_suite
from .checks import Check, SessionRun, check_session
from .report import write_report

SUITE_DIR = source_tree() / "tests" / "sessions"  # a developer's tool: the sessions live beside the tests
LEAD_S = 0.5
REPLY_GAP_S = 20.0  # the issue's own runs gave each reply 20 s; the longest crisis replies take ~15 s
SESSION_TIMEOUT_S = 600


@dataclass(frozen=True)
class Result:
    case: Case
    checks: list[Check]
    run: SessionRun | None
    seconds: float
    error: str = ""


def speak(text: str, voice: str, folder: Path, name: str) -> np.ndarray:
    wav = folder / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
    return trim(read_any(wav))


def client_track(case: Case, folder: Path) -> tuple[np.ndarray, list[float]]:
    """The client's side: each turn spoken, then the reply's gap; and where each turn starts (ms)."""
    parts, starts, at = [np.zeros(int(LEAD_S * SAMPLE_RATE), np.int16)], [], LEAD_S
    for i, text in enumerate(case.turns):
        speech = speak(text, case.voice, folder, f"turn_{i}")
        starts.append(at * 1000)
        parts += [speech, np.zeros(int(REPLY_GAP_S * SAMPLE_RATE), np.int16)]
        at += speech.size / SAMPLE_RATE + REPLY_GAP_S
    return np.concatenate(parts), starts


def run_case(case: Case, out: Path, config: str | None) -> Result:
    began = time.monotonic()
    folder = out / case.id
    folder.mkdir(parents=True, exist_ok=True)
    events = folder / "events.jsonl"
    events.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as data:
        track, starts = client_track(case, Path(data))
        write_int16(folder / "client.wav", track)
        # the sessions were written without the scheduled PHQ-9/GAD-7 offer (issue 27)
        env = {**os.environ, "VOICE_THERAPIST_DATA_DIR": data, "OMP_NUM_THREADS": "1",
               "VOICE_THERAPIST__MEASURES__OFFER": "false"}
        cmd = [sys.executable, "-m", "voice_therapist", *(["--config", config] if config else []), "session",
               "--input", str(folder / "client.wav"), "--output", str(folder / "assistant.wav"),
               "--events", str(events), "--fast", "--user", f"suite-{case.id}"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=SESSION_TIMEOUT_S, env=env)
        except subprocess.TimeoutExpired:
            return Result(case, [], None, time.monotonic() - began, f"no end within {SESSION_TIMEOUT_S} s")
    if done.returncode != 0:
        return Result(case, [], None, time.monotonic() - began, done.stderr.strip().splitlines()[-1:][0]
                      if done.stderr.strip() else f"exit {done.returncode}")
    run = SessionRun([json.loads(line) for line in events.read_text().splitlines()], starts)
    return Result(case, check_session(case, run), run, time.monotonic() - began)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suite", type=Path, default=SUITE_DIR)
    parser.add_argument("--out", type=Path, default=Path("sessions-output"))
    parser.add_argument("--only", nargs="*", help="session ids to run (default: all)")
    parser.add_argument("--part", choices=("all", "tuned", "held-out"), default="all")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--config", help="a YAML file merged over config/default.yaml (e.g. llm.backend: openai)")
    args = parser.parse_args(argv)
    cases = load_suite(args.suite, {"all": None, "tuned": False, "held-out": True}[args.part])
    if args.only:
        missing = set(args.only) - {c.id for c in cases}
        if missing:
            parser.error(f"no such session: {', '.join(sorted(missing))}")
        cases = [c for c in cases if c.id in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: run_case(c, args.out, args.config), cases))
    summary = write_report(results, args.out, time.monotonic() - began)
    print(json.dumps(summary, indent=1))
    return 0 if not any(r.error for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
