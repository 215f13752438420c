"""A WAV file as the user's side of a session; the assistant's speech on the same timeline.

Paced: frames are fed at real time, so latencies are what a caller would hear.
Fast: frames are fed as fast as the pipeline takes them, and while a reply is being prepared
the input waits, as if the machine were infinitely fast; the timeline stays coherent.
"""

from __future__ import annotations

import asyncio

import numpy as np

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES, frames
from ..pipeline.session import VoiceSession

MAX_TAIL_SECONDS = 60  # after the input ends, wait at most this long for the last reply


async def run_wav_session(session: VoiceSession, user_pcm: np.ndarray, paced: bool = True,
                          hang_up: bool = False) -> np.ndarray:
    """`hang_up`: the call ends with the file, as a caller who hangs up; else the last reply is heard out."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    silence = np.zeros(FRAME_SAMPLES, np.int16)
    user_frames = frames(user_pcm)
    tail_frames = 0 if hang_up else MAX_TAIL_SECONDS * 1000 // FRAME_MS
    out: list[np.ndarray] = []
    for i in range(len(user_frames) + tail_frames):
        if i >= len(user_frames) and not (session.assistant_active or session.turns.in_turn):
            break
        t_ms = i * FRAME_MS
        if paced:
            await asyncio.sleep(max(0.0, start + t_ms / 1000 - loop.time()))
        else:
            await asyncio.sleep(0)
            while session.awaiting_reply:
                await asyncio.sleep(0.002)
        frame = user_frames[i] if i < len(user_frames) else silence
        out.append(session.tick(frame, t_ms))
    await session.aclose()
    return np.concatenate(out) if out else np.zeros(0, np.int16)
