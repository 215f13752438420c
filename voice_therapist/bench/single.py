"""Voice-to-voice latency of one session: spoken turns through VoiceSession, paced in real time.

Everything up to the reply's first sample runs in real time, as a caller is heard. Once the
reply is audible its latency is known, so the rest of it is played out as fast as the
session produces it (the stages still take their own time), then the user is quiet for
PAUSE_S of real time and says the next turn. Against a fixed gap long enough for any reply,
this makes 30+ turns fit in a few minutes without changing what is measured.
"""

from __future__ import annotations

import asyncio

import numpy as np

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES, frames
from ..pipeline.session import VoiceSession
from ..pipeline.turn_record import LATENCY_PARTS
from ..safety.escalation_service import escalation_service
from .conversations import all_turns
from .latency import summarize, word_error_rate
from .stats import spread

LEAD_IN_S = 0.5  # quiet before the first turn
PAUSE_S = 0.8  # quiet after a reply ends, before the next turn
NO_REPLY_MS = 3000  # this long after a turn with nothing prepared or playing: no reply is coming
MAX_WAIT_MS = 20000  # a reply that has not started after this is given up on
MAX_PLAYOUT_S = 90.0  # a reply that never finishes does not hang the benchmark


class PacedDriver:
    """Feeds a session one 20 ms frame per tick on the media clock; the clock can be fast-forwarded."""

    def __init__(self, session: VoiceSession):
        self.session = session
        self._loop = asyncio.get_running_loop()
        self._start = self._loop.time()
        self.t_ms = 0.0

    def _tick(self, frame: np.ndarray) -> np.ndarray:
        out = self.session.tick(frame, self.t_ms)
        self.t_ms += FRAME_MS
        return out

    async def _paced_tick(self, frame: np.ndarray) -> np.ndarray:
        await asyncio.sleep(max(0.0, self._start + self.t_ms / 1000 - self._loop.time()))
        return self._tick(frame)

    async def say(self, pcm: np.ndarray) -> None:
        for frame in frames(pcm):
            await self._paced_tick(frame)

    async def quiet(self, seconds: float) -> None:
        for _ in range(int(seconds * 1000 / FRAME_MS)):
            await self._paced_tick(np.zeros(FRAME_SAMPLES, np.int16))

    async def await_reply(self) -> bool:
        """Real-time silence until the reply is heard, then the rest of it fast. False: none came."""
        waited = 0
        while True:
            out = await self._paced_tick(np.zeros(FRAME_SAMPLES, np.int16))
            waited += FRAME_MS
            if self.session.playback.speaking or out.any():
                break
            idle = not (self.session.assistant_active or self.session.turns.in_turn)
            if (waited >= NO_REPLY_MS and idle) or waited >= MAX_WAIT_MS:
                return False
        deadline = self._loop.time() + MAX_PLAYOUT_S
        while self.session.assistant_active and self._loop.time() < deadline:
            # An empty queue means the next sentence is still being made: yield the CPU to it.
            await asyncio.sleep(0 if self.session.playback.speaking else 0.005)
            self._tick(np.zeros(FRAME_SAMPLES, np.int16))
        self._start = self._loop.time() - self.t_ms / 1000  # back to real time from here
        return True


async def converse(cfg, models, utterances: list[np.ndarray]) -> list[dict]:
    """One session over the given turns; returns its `turn` events."""
    events: list[dict] = []
    async with escalation_service(cfg) as escalations:
        session = VoiceSession(cfg, models, events.append, escalations=escalations)
        driver = PacedDriver(session)
        try:
            await driver.quiet(LEAD_IN_S)
            for pcm in utterances:
                await driver.say(pcm)
                await driver.await_reply()
                await driver.quiet(PAUSE_S)
        finally:
            await session.aclose()
    return [e for e in events if e["type"] == "turn"]


async def measure_single(cfg, models, conversations: tuple[list[str], ...],
                         spoken: dict[str, np.ndarray]) -> list[dict]:
    """Every conversation as its own session, one after another; the turns of all of them."""
    turns: list[dict] = []
    for number, texts in enumerate(conversations):
        for turn in await converse(cfg, models, [spoken[t] for t in texts]):
            turns.append({**turn, "conversation": number})
    return turns


def single_summary(turns: list[dict], conversations) -> dict:
    first_audio = [t["latency_ms"]["first_audio_out"] for t in turns if "first_audio_out" in t["latency_ms"]]
    wer = _wer(turns, conversations)
    return {
        **spread(first_audio),
        "sessions": len(conversations),
        "turns_spoken": len(all_turns(conversations)),
        "parts": summarize(turns),  # ms after the end of speech at which each milestone was reached
        "parts_order": list(LATENCY_PARTS),
        "word_error_rate": wer,
        "by_reply_source": by_reply_source(turns),
        "turns": [{"conversation": t["conversation"], "index": t["index"], "words": len(t["user_text"].split()),
                   "reply_source": t["reply_source"], "interrupted": t["interrupted"], "latency_ms": t["latency_ms"]}
                  for t in turns],
    }


def _wer(turns: list[dict], conversations) -> float | None:
    """Over the conversations whose every turn was answered (else turns cannot be paired with lines)."""
    refs, heard = [], []
    for number, texts in enumerate(conversations):
        got = [t["user_text"] for t in turns if t["conversation"] == number]
        if len(got) == len(texts):
            refs += texts
            heard += got
    return round(word_error_rate(refs, heard), 3) if refs else None


def by_reply_source(turns: list[dict]) -> dict:
    """Scripted replies start from cached audio; LLM-worded ones wait for tokens: each is reported apart."""
    groups: dict[str, list[float]] = {}
    for t in turns:
        if "first_audio_out" in t["latency_ms"]:
            groups.setdefault(t["reply_source"], []).append(t["latency_ms"]["first_audio_out"])
    n = sum(len(v) for v in groups.values())
    return {src: {"share": round(len(v) / n, 3), **spread(v)} for src, v in sorted(groups.items())}
