"""Callers on the talk WebSocket (docs/websocket-talk-protocol.md), each speaking turns in real time.

Each caller sends 20 ms frames on its own real-time clock and gets one reply frame back per
frame. Per turn it measures the end of its speech (when the last frame of the utterance was
sent) to the first non-silent reply sample received; after the reply's `turn` event it is
quiet for a moment and says the next turn. Run as a module, so the callers live in a process
of their own and their pacing neither shares the server's event loop nor is counted in its
memory:

    python -m voice_therapist.bench.talk_client --url URL [--url URL ...] --turns F.npz --callers N --out F.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import numpy as np
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, frames

HEARD = 64  # int16 amplitude above which a reply sample counts as sound
PAUSE_S = 0.8  # quiet after a reply ends, before the next turn
REPLY_DONE_SILENCE_S = 10.0  # without its `turn` event, this much silence after the reply ends the turn
MAX_WAIT_S = 20.0  # a turn whose reply has not started after this is counted as unanswered
READY_TIMEOUT_S = 15.0


class Caller:
    def __init__(self, url: str, utterances: list[np.ndarray], name: str, hold_s: float = 0.0):
        self.url, self.utterances, self.name = url, utterances, name
        self.hold_s = hold_s  # quiet this long after the last turn before hanging up
        self.latencies_ms: list[float | None] = []  # None: no reply heard for that turn
        self.server_turns: list[dict] = []  # the server's own `turn` events (latency parts)
        self.errors: list[str] = []
        self._speech_end: float | None = None  # while waiting for a reply
        self._reply_at: float | None = None
        self._last_sound = 0.0
        self._next_send = 0.0  # the caller's real-time clock: when the next 20 ms frame is due
        self._ready = asyncio.Event()

    # --- receiving ----------------------------------------------------------------------
    def _heard(self, message: bytes) -> None:
        now = time.perf_counter()
        if np.abs(np.frombuffer(message, "<i2").astype(np.int32)).max(initial=0) > HEARD:
            self._last_sound = now
            if self._speech_end is not None and self._reply_at is None:
                self._reply_at = now

    def _event(self, message: str) -> None:
        event = json.loads(message)
        kind = event.get("type")
        if kind == "ready":
            self._ready.set()
        elif kind == "turn":
            self.server_turns.append({"latency_ms": event.get("latency_ms", {})})
        elif kind == "error":
            self.errors.append(str(event.get("message", "")))

    async def _receive(self, ws) -> None:
        try:
            async for message in ws:
                if isinstance(message, bytes):
                    self._heard(message)
                else:
                    self._event(message)
        except ConnectionClosed as exc:
            if exc.rcvd is not None and exc.rcvd.code != 1000:
                self.errors.append(f"closed {exc.rcvd.code} {exc.rcvd.reason}")

    # --- sending on the caller's clock ----------------------------------------------------
    async def _send_frames(self, ws, pcm_frames) -> None:
        for frame in pcm_frames:
            await asyncio.sleep(max(0.0, self._next_send - time.perf_counter()))
            await ws.send(frame.astype("<i2").tobytes())
            self._next_send += FRAME_MS / 1000

    async def _quiet(self, ws, seconds: float) -> None:
        silence = np.zeros(FRAME_SAMPLES, np.int16)
        await self._send_frames(ws, [silence] * int(seconds * 1000 / FRAME_MS))

    async def _await_reply(self, ws, events_before: int) -> None:
        """Quiet until this turn's `turn` event: the first the server sends after the speech ended.

        An event that came while the user was still speaking belongs to an earlier reply.
        """
        silence = [np.zeros(FRAME_SAMPLES, np.int16)]
        start = time.perf_counter()
        while len(self.server_turns) <= events_before:
            await self._send_frames(ws, silence)
            now = time.perf_counter()
            if self._reply_at is None and now - start > MAX_WAIT_S:
                break
            if self._reply_at is not None and now - self._last_sound > REPLY_DONE_SILENCE_S:
                break

    async def _wait_ready(self, receiver: asyncio.Future) -> None:
        """The server's `ready`; a refusal (the socket closes first) or silence raises."""
        ready = asyncio.ensure_future(self._ready.wait())
        await asyncio.wait({ready, receiver}, timeout=READY_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            raise ConnectionError("no `ready` from the server: " + ("; ".join(self.errors) or "timed out"))

    async def talk(self, start_delay_s: float) -> None:
        await asyncio.sleep(start_delay_s)
        try:
            async with connect(self.url, max_size=1 << 20, open_timeout=READY_TIMEOUT_S) as ws:
                receiver = asyncio.ensure_future(self._receive(ws))
                await ws.send(json.dumps({"type": "start", "sample_rate": SAMPLE_RATE}))
                await self._wait_ready(receiver)
                self._next_send = time.perf_counter()
                await self._quiet(ws, 0.5)
                for pcm in self.utterances:
                    self._reply_at = None
                    await self._send_frames(ws, frames(pcm))
                    self._speech_end = time.perf_counter()
                    await self._await_reply(ws, len(self.server_turns))
                    self.latencies_ms.append(
                        round((self._reply_at - self._speech_end) * 1000, 1) if self._reply_at else None)
                    self._speech_end = None
                    await self._quiet(ws, PAUSE_S)
                await self._quiet(ws, self.hold_s)
                await ws.send(json.dumps({"type": "stop"}))
                await asyncio.wait_for(receiver, 5.0)
        except (OSError, asyncio.TimeoutError, ConnectionClosed) as exc:
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def result(self) -> dict:
        return {"caller": self.name, "latencies_ms": self.latencies_ms, "server_turns": self.server_turns,
                "errors": self.errors}


async def run_callers(urls: list[str], conversations: list[list[np.ndarray]], callers: int, turns_each: int,
                      stagger_s: float = 2.0, seed: int = 7, hold_s: float = 0.0) -> list[dict]:
    """`callers` at once. Caller i uses URL i mod len (each its own user's token) and speaks the first
    turns of conversation i mod len, starting at a random offset so that callers do not speak in lockstep."""
    rng = random.Random(seed)
    people = [Caller(urls[i % len(urls)], conversations[i % len(conversations)][:turns_each], f"caller-{i}", hold_s)
              for i in range(callers)]
    await asyncio.gather(*(p.talk(rng.uniform(0, stagger_s)) for p in people))
    return [p.result() for p in people]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voice_therapist.bench.talk_client", description=__doc__)
    parser.add_argument("--url", required=True, action="append", help="ws://HOST:PORT/ws/talk?token=TOKEN; repeat it "
                        "for one user per caller")
    parser.add_argument("--turns", required=True, help=".npz: conv{c}_{t} -> int16 utterance")
    parser.add_argument("--callers", type=int, required=True)
    parser.add_argument("--turns-each", type=int, default=3)
    parser.add_argument("--hold-s", type=float, default=0.0, help="quiet after the last turn, before hanging up")
    parser.add_argument("--stagger-s", type=float, default=2.0, help="callers start at random offsets up to this")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    conversations = load_turns(args.turns)
    results = asyncio.run(run_callers(args.url, conversations, args.callers, args.turns_each, args.stagger_s,
                                      hold_s=args.hold_s))
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(results, fh)
    return 0


def save_turns(path, conversations: list[list[np.ndarray]]) -> None:
    np.savez(path, **{f"conv{c}_{t}": pcm for c, conv in enumerate(conversations) for t, pcm in enumerate(conv)})


def load_turns(path) -> list[list[np.ndarray]]:
    data = np.load(path)
    keys = sorted(data.files, key=lambda k: tuple(int(x) for x in k[4:].split("_")))
    conversations: dict[int, list[np.ndarray]] = {}
    for key in keys:
        conversations.setdefault(int(key[4:].split("_")[0]), []).append(data[key])
    return [conversations[c] for c in sorted(conversations)]


if __name__ == "__main__":
    raise SystemExit(main())
