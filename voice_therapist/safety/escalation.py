"""Escalation of a crisis (level `plan` or `imminent`) to a human on-call channel.

An event is written to a local SQLite queue before anything goes over the network, then
POSTed to a webhook with retries. Whatever is not acknowledged with a 2xx stays pending and
is sent again by `flush()` (the process's EscalationService retries with backoff, and at start), also after a crash
or restart: a crisis escalation must never be lost. Delivery is at-least-once; every request
carries `Idempotency-Key: <event id>` so the receiver can drop the duplicates that a crash
between "sent" and "marked delivered", or two processes flushing at once, can produce.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import httpx

from .levels import at_least

log = logging.getLogger(__name__)

ESCALATE_AT = "plan"  # plan and imminent reach a human; lower levels stay in the conversation
RETRYABLE_4XX = frozenset({408, 429})  # timeout / rate limit: the receiver may accept it later
DB_TIMEOUT_S = 2.0  # wait this long for another process's write lock, then fail (never hang a session)
ERROR_MAX_CHARS = 200


def needs_escalation(level: str) -> bool:
    """True for the levels that go to the on-call channel."""
    return at_least(level, ESCALATE_AT)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class EscalationEvent:
    level: str
    # The detector's evidence as "layer:level:score:ref" ("lexicon:plan:1.00:plan-1a2b3c4d", a nearest
    # exemplar's text, a frame's name): the project's own lines and ids, never the user's words.
    reasons: tuple[str, ...]
    session_id: str
    user_id: str  # pseudonymous id, never a name, phone number or e-mail
    locale: str
    transfer_number: str = ""  # the crisis line the user can be transferred to, "" if none
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: str = field(default_factory=_utc_now)  # ISO 8601, UTC

    def __post_init__(self) -> None:
        object.__setattr__(self, "reasons", tuple(str(r) for r in self.reasons))

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> EscalationEvent:
        fields = ("level", "reasons", "session_id", "user_id", "locale", "transfer_number", "id", "created_at")
        return cls(**{name: payload[name] for name in fields if name in payload})

    def to_payload(self) -> dict[str, Any]:
        # Privacy by default: the payload leaves the device for a third-party channel, so it
        # carries only what the on-call human needs to act (how severe, why, which session
        # and pseudonymous user, where to transfer) and no transcript or personal data. The
        # responder looks up the session through the operator's own access-controlled tools.
        return {
            "type": "crisis_escalation",
            "id": self.id,
            "level": self.level,
            "reasons": list(self.reasons),
            "session_id": self.session_id,
            "user_id": self.user_id,
            "locale": self.locale,
            "created_at": self.created_at,
            "transfer_number": self.transfer_number,
        }


@dataclass(frozen=True)
class PendingEscalation:
    id: str
    payload: dict[str, Any]
    created_at: str
    attempts: int  # failed delivery attempts so far
    last_error: str


class EscalationQueue:
    """A durable queue in one SQLite file, safe to share between processes.

    Each operation opens its own short-lived connection (nothing held across awaits or
    threads) and writes in a `BEGIN IMMEDIATE` transaction with a short busy timeout."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; persists in the file
            db.execute(
                "CREATE TABLE IF NOT EXISTS escalations ("
                " id TEXT PRIMARY KEY,"
                " payload TEXT NOT NULL,"
                " created_at TEXT NOT NULL,"
                " attempts INTEGER NOT NULL DEFAULT 0,"
                " last_error TEXT NOT NULL DEFAULT '',"
                " delivered_at TEXT)")
            db.execute("CREATE INDEX IF NOT EXISTS escalations_pending"
                       " ON escalations (created_at) WHERE delivered_at IS NULL")

    def _connect(self) -> _Connection:
        return _Connection(self.path)

    def put(self, event: EscalationEvent) -> None:
        """Stores the event; putting the same event twice keeps one row."""
        with self._connect() as db:
            db.write("INSERT OR IGNORE INTO escalations (id, payload, created_at) VALUES (?, ?, ?)",
                     (event.id, json.dumps(event.to_payload()), event.created_at))

    def pending(self) -> list[PendingEscalation]:
        """Undelivered events, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT id, payload, created_at, attempts, last_error FROM escalations"
                              " WHERE delivered_at IS NULL ORDER BY created_at, rowid").fetchall()
        return [PendingEscalation(r[0], json.loads(r[1]), r[2], r[3], r[4]) for r in rows]

    def mark_delivered(self, id: str) -> None:
        with self._connect() as db:
            db.write("UPDATE escalations SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
                     (_utc_now(), id))

    def mark_failed(self, id: str, error: str) -> None:
        with self._connect() as db:
            db.write("UPDATE escalations SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                     (error[:ERROR_MAX_CHARS], id))


class _Connection:
    """One sqlite3 connection for one operation: autocommit, explicit write transactions, closed on exit."""

    def __init__(self, path: Path):
        # synchronous=FULL: an escalation is rare and must survive a power cut, not only a crash.
        self._db = sqlite3.connect(path, timeout=DB_TIMEOUT_S, isolation_level=None)
        self._db.execute("PRAGMA synchronous=FULL")

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()

    def execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        return self._db.execute(sql, params)

    def write(self, sql: str, params: tuple) -> None:
        self._db.execute("BEGIN IMMEDIATE")  # take the write lock up front: no deadlock on upgrade
        try:
            self._db.execute(sql, params)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


class EscalationNotifier:
    """Sends escalation events to the on-call webhook; the queue keeps what did not get through.

    Non-retryable 4xx answers (a bad token, a rejected payload) end the current attempt at once,
    since repeating the same request cannot help, but the event stays pending: dropping a crisis
    escalation because of a configuration error is worse than re-sending it at each flush until
    the configuration is fixed. Each such failure is logged at WARNING with the status code."""

    def __init__(self, url: str, queue: EscalationQueue, *, token: str = "", timeout_s: float = 3.0,
                 retries: int = 3, backoff_s: float = 0.5):
        self.url = url
        self.queue = queue
        self.token = token
        self.timeout_s = timeout_s
        self.retries = max(1, retries)  # total attempts per delivery round
        self.backoff_s = backoff_s
        self._warned_no_url = False
        self._in_flight: set[str] = set()  # ids being sent now, so flush() never races escalate()

    @property
    def round_limit_s(self) -> float:
        """The longest one delivery round can take: every attempt timing out, plus the waits."""
        return self.retries * self.timeout_s + sum(self.backoff_s * 2 ** i for i in range(self.retries - 1))

    async def escalate(self, event: EscalationEvent) -> bool:
        """Queues the event, then tries to deliver it; True once the webhook acknowledged it."""
        await self.store(event)
        return await self.deliver(event)

    async def store(self, event: EscalationEvent) -> None:
        """Puts the event in the durable queue; a broken queue is logged, never raised."""
        try:
            await asyncio.to_thread(self.queue.put, event)
        except Exception as exc:  # a broken queue must not stop the live escalation
            log.error("escalation %s (level %s) could not be queued: %s", event.id, event.level,
                      type(exc).__name__)

    async def deliver(self, event: EscalationEvent) -> bool:
        """One delivery round for a stored event; True once the webhook acknowledged it."""
        if not self._has_url():
            return False
        return await self._deliver(event.id, event.to_payload()) is True

    async def attempt(self, id: str, payload: dict[str, Any]) -> bool | None:
        """One delivery round for a stored event: True delivered, False refused (4xx), None unreachable."""
        if not self._has_url():
            return None
        return await self._deliver(id, payload)

    async def pending_count(self) -> int:
        return len(await asyncio.to_thread(self.queue.pending))

    async def flush(self) -> int:
        """Tries every pending event, oldest first; returns how many were delivered."""
        if not self._has_url():
            return 0
        try:
            pending = await asyncio.to_thread(self.queue.pending)
        except Exception as exc:
            log.error("escalation queue could not be read: %s", type(exc).__name__)
            return 0
        delivered = 0
        for item in pending:
            if item.id in self._in_flight:
                continue
            outcome = await self._deliver(item.id, item.payload)
            delivered += outcome is True
            if outcome is None:  # the channel is down: the rest waits for the next flush
                break
        return delivered

    def _has_url(self) -> bool:
        if not self.url and not self._warned_no_url:
            log.warning("no on-call escalation channel configured; escalations are only queued")
            self._warned_no_url = True
        return bool(self.url)

    async def _deliver(self, id: str, payload: dict[str, Any]) -> bool | None:
        """True: delivered. False: refused by the receiver (4xx). None: unreachable or failing."""
        self._in_flight.add(id)
        try:
            outcome = await self._post(id, payload)
        finally:
            self._in_flight.discard(id)
        if outcome is True:
            await self._record(self.queue.mark_delivered, id)
        return outcome

    async def _post(self, id: str, payload: dict[str, Any]) -> bool | None:
        headers = {"Idempotency-Key": id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(self.retries):
                if attempt:
                    await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
                try:
                    response = await client.post(self.url, json=payload, headers=headers)
                except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a bad URL must not raise either
                    # The type only: messages can carry the URL, and with it a secret.
                    error = type(exc).__name__
                else:
                    if response.is_success:
                        return True
                    error = f"HTTP {response.status_code}"
                    if 400 <= response.status_code < 500 and response.status_code not in RETRYABLE_4XX:
                        log.warning("escalation %s refused by the on-call channel (%s); kept pending", id, error)
                        await self._record(self.queue.mark_failed, id, error)
                        return False
                log.warning("escalation %s attempt %d/%d failed: %s", id, attempt + 1, self.retries, error)
                await self._record(self.queue.mark_failed, id, error)
        return None

    async def _record(self, write: Callable[..., None], *args: str) -> None:
        try:
            await asyncio.to_thread(write, *args)
        except Exception as exc:  # bookkeeping only: the event's delivery already happened or failed
            log.error("escalation queue could not be updated: %s", type(exc).__name__)
