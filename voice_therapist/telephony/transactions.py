"""SIP transactions over UDP (RFC 3261 section 17): the retransmissions that make an unreliable transport work.

- Requests we send are retransmitted until a final response (or 64*T1 passes).
- A final response to an INVITE is retransmitted until its ACK arrives (or 64*T1 passes).
- A request the peer retransmits gets the response already sent, without being handled twice.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from .sip_message import SipMessage
from .sip_uri import parse_via

log = logging.getLogger(__name__)
Address = tuple[str, int]
Send = Callable[[bytes, Address], None]
MAX_CACHED = 2000  # remembered responses; bounded so that a flood of requests cannot grow it


@dataclass(frozen=True)
class Timers:
    t1: float = 0.5  # round-trip estimate
    t2: float = 4.0  # the longest interval between retransmissions

    @property
    def timeout(self) -> float:
        return 64 * self.t1


def new_branch() -> str:
    return "z9hG4bK" + secrets.token_hex(10)  # the RFC 3261 magic cookie marks a unique branch


def _intervals(timers: Timers):
    interval = timers.t1
    while True:
        yield interval
        interval = min(interval * 2, timers.t2)


class ClientTransactions:
    """Requests we send, matched to their responses by the branch of our Via."""

    def __init__(self, send: Send, timers: Timers):
        self._send = send
        self._timers = timers
        self._waiting: dict[tuple[str, str], asyncio.Future[SipMessage]] = {}

    async def request(self, message: SipMessage, address: Address,
                      on_provisional: Callable[[SipMessage], None] | None = None) -> SipMessage:
        """Send and retransmit `message` (whose top Via has a fresh branch); returns the final response.

        Raises TimeoutError when no final response comes within 64*T1.
        """
        key = (parse_via(message.get("Via") or "").branch, message.method)
        future: asyncio.Future[SipMessage] = asyncio.get_running_loop().create_future()
        self._waiting[key] = future
        data = message.to_bytes()
        deadline = time.monotonic() + self._timers.timeout
        try:
            for interval in _intervals(self._timers):
                self._send(data, address)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no final response to {message.method}")
                try:
                    return await asyncio.wait_for(asyncio.shield(future), min(interval, remaining))
                except TimeoutError:
                    continue
        finally:
            self._waiting.pop(key, None)
        raise AssertionError("unreachable")

    def response(self, message: SipMessage) -> bool:
        """Hand a response to the transaction waiting for it; False when none is."""
        try:
            key = (parse_via(message.get("Via") or "").branch, message.cseq[1])
        except ValueError:
            return False
        future = self._waiting.get(key)
        if future is None:
            return False
        if message.status >= 200 and not future.done():
            future.set_result(message)
        return True

    def cancel_all(self) -> None:
        for future in self._waiting.values():
            if not future.done():
                future.cancel()


class ResponseCache:
    """The last response to each request we answered, for the peer's retransmissions of that request."""

    def __init__(self, timers: Timers):
        self._lifetime = timers.timeout
        self._entries: dict[tuple[str, str, str], tuple[float, bytes]] = {}

    @staticmethod
    def _key(request: SipMessage) -> tuple[str, str, str]:
        via = request.get("Via") or ""
        return via, request.call_id, request.get("CSeq") or ""

    def remember(self, request: SipMessage, response: bytes) -> None:
        now = time.monotonic()
        if len(self._entries) >= MAX_CACHED:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            while len(self._entries) >= MAX_CACHED:  # a flood: the oldest answers go first
                del self._entries[next(iter(self._entries))]
        self._entries[self._key(request)] = (now + self._lifetime, response)

    def lookup(self, request: SipMessage) -> bytes | None:
        entry = self._entries.get(self._key(request))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def __len__(self) -> int:
        return len(self._entries)


class ReliableResponses:
    """Final responses to INVITEs, sent again and again until the ACK for them arrives."""

    def __init__(self, send: Send, timers: Timers):
        self._send = send
        self._timers = timers
        self._pending: dict[tuple[str, int], asyncio.Task] = {}

    def start(self, call_id: str, cseq: int, data: bytes, address: Address,
              on_timeout: Callable[[], None] | None = None) -> None:
        self.stop(call_id, cseq)
        key = (call_id, cseq)
        self._send(data, address)
        self._pending[key] = asyncio.ensure_future(self._repeat(key, data, address, on_timeout))

    async def _repeat(self, key, data: bytes, address: Address, on_timeout) -> None:
        waited = 0.0
        for interval in _intervals(self._timers):
            if waited + interval > self._timers.timeout:
                break
            await asyncio.sleep(interval)
            waited += interval
            self._send(data, address)
        self._pending.pop(key, None)
        log.info("no ACK for a final response to INVITE")
        if on_timeout is not None:
            on_timeout()

    def stop(self, call_id: str, cseq: int) -> bool:
        """The ACK arrived; False when nothing was waiting for it."""
        task = self._pending.pop((call_id, cseq), None)
        if task is not None:
            task.cancel()
        return task is not None

    def stop_all(self) -> None:
        for task in self._pending.values():
            task.cancel()
        self._pending.clear()

    def __len__(self) -> int:
        return len(self._pending)
