"""A WebSocket talk client (docs/websocket-talk-protocol.md) that speaks at the pace of a person."""

from __future__ import annotations

import asyncio
import collections
import json
import ssl
import time

import numpy as np
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FRAME = 320  # 20 ms at 16 kHz
SILENT = np.zeros(FRAME, np.int16)


class TalkClient:
    """One session: a pump sends a 20 ms frame every 20 ms (speech when queued, else silence) and reads
    back what the server sends; `dropped_at` is set when the connection is lost."""

    def __init__(self, url: str, token: str, tls: ssl.SSLContext, origin: str):
        self.url, self.token, self.tls, self.origin = url, token, tls, origin
        self.events: list[tuple[float, dict]] = []
        self.session_id = ""
        self.dropped_at: float | None = None
        self.connected_at = 0.0
        self._queue: collections.deque[np.ndarray] = collections.deque()
        self._speech_ended = 0.0
        self.heard_after_speech: list[float] = []  # client-side: end of our speech to the first loud frame back
        self._pump: asyncio.Task | None = None
        self._ws = None

    async def open(self, timeout_s: float = 30) -> None:
        self.dropped_at = None
        self._ws = await connect(f"{self.url}?token={self.token}", ssl=self.tls, origin=self.origin,
                                 open_timeout=timeout_s, max_size=2**20)
        await self._ws.send(json.dumps({"type": "start", "sample_rate": 16000}))
        async with asyncio.timeout(timeout_s):
            while True:
                event = json.loads(await self._ws.recv())
                if event["type"] == "ready":
                    self.session_id = event["session_id"]
                    break
        self.connected_at = time.monotonic()
        self._pump = asyncio.ensure_future(self._run())

    def say(self, pcm16k: np.ndarray) -> None:
        pcm = np.concatenate([pcm16k, np.zeros(-pcm16k.size % FRAME, np.int16)])
        self._queue.extend(pcm.reshape(-1, FRAME))

    def turns(self) -> list[dict]:
        return [e for _, e in self.events if e["type"] == "turn"]

    async def wait_turn(self, count: int, timeout_s: float) -> dict:
        """Until `count` turns have been answered on this connection; raises if it drops first."""
        deadline = time.monotonic() + timeout_s
        while len(self.turns()) < count:
            if self.dropped_at is not None:
                raise ConnectionError("the connection dropped")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no turn {count} within {timeout_s:.0f} s")
            await asyncio.sleep(0.05)
        return self.turns()[count - 1]

    async def wait_dropped(self, timeout_s: float) -> float:
        deadline = time.monotonic() + timeout_s
        while self.dropped_at is None:
            if time.monotonic() > deadline:
                raise TimeoutError("the connection never dropped")
            await asyncio.sleep(0.02)
        return self.dropped_at

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        waiting_for_reply = False
        try:
            while True:
                if self._queue:
                    frame = self._queue.popleft()
                    if not self._queue:
                        self._speech_ended, waiting_for_reply = time.monotonic(), True
                else:
                    frame = SILENT
                await self._ws.send(frame.astype("<i2").tobytes())
                while True:  # each frame in is answered by one frame out, after the events
                    message = await self._ws.recv()
                    if isinstance(message, bytes):
                        break
                    self.events.append((time.monotonic(), json.loads(message)))
                if waiting_for_reply and np.abs(np.frombuffer(message, "<i2")).max(initial=0) > 500:
                    self.heard_after_speech.append(time.monotonic() - self._speech_ended)
                    waiting_for_reply = False
                next_at += 0.02
                await asyncio.sleep(max(0.0, next_at - loop.time()))
        except (ConnectionClosed, OSError):
            self.dropped_at = time.monotonic()

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            await asyncio.gather(self._pump, return_exceptions=True)
        if self._ws is not None and self.dropped_at is None:
            try:
                await self._ws.send(json.dumps({"type": "stop"}))
                async with asyncio.timeout(10):
                    async for message in self._ws:
                        if isinstance(message, str) and json.loads(message)["type"] == "ended":
                            break
            except (ConnectionClosed, TimeoutError, OSError):
                pass
            await self._ws.close()
