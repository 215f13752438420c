"""A spoken demo for machines without a microphone: espeak-ng plays the user."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .audio.pcm import SAMPLE_RATE
from .audio.wavfile import read_any, write_int16
from .event_log import EventLog

DEMO_LINES = [
    "Hi. I have had a really stressful week at work and I can't switch off at night.",
    "My manager keeps piling on more tasks and I feel like I am failing at everything.",
    "Mostly I feel tired, and a bit alone with it.",
]
GAP_SECONDS = 13.0  # room for the assistant's whole reply (at most ~12 s) between the user's lines


def speak_espeak(text: str, path: Path, voice: str = "en-us", speed: int = 160) -> None:
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), text], check=True)


def build_user_track(lines: list[str], workdir: Path, gap_seconds: float = GAP_SECONDS) -> np.ndarray:
    parts = [np.zeros(int(0.5 * SAMPLE_RATE), np.int16)]
    for i, line in enumerate(lines):
        wav = workdir / f"user_{i}.wav"
        speak_espeak(line, wav)
        parts += [read_any(wav), np.zeros(int(gap_seconds * SAMPLE_RATE), np.int16)]
    return np.concatenate(parts)


async def run_demo(cfg, models, out_dir: Path) -> int:
    from .pipeline.session import VoiceSession
    from .safety.escalation_service import escalation_service
    from .transports.wav_file import run_wav_session

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        user = build_user_track(DEMO_LINES, Path(tmp))
    write_int16(out_dir / "user.wav", user)
    with EventLog(out_dir / "events.jsonl") as events:
        async with escalation_service(cfg) as escalations:
            session = VoiceSession(cfg, models, events.write, escalations=escalations, user_id="demo")
            assistant = await run_wav_session(session, user, paced=True)
    write_int16(out_dir / "assistant.wav", assistant)
    n = min(user.size, assistant.size)
    mixed = np.clip(user[:n].astype(np.int32) + assistant[:n], -32768, 32767).astype(np.int16)
    write_int16(out_dir / "conversation.wav", mixed)
    print(f"Demo written to {out_dir}/: user.wav, assistant.wav, conversation.wav, events.jsonl", file=sys.stderr)
    return 0
