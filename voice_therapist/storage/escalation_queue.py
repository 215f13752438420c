"""The durable escalation queue on the storage layer's database (the notifier's `queue`).

Many workers share it. A worker pages only for events it holds a claim on: the events it
stored itself (claimed as they are written), and those it takes with `claim()` when their
holder's lease has run out (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, one atomic
UPDATE on SQLite, whose writers take turns). So N retry loops page once per event.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from datetime import datetime, timezone

from sqlalchemy import Engine, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..safety.escalation import ERROR_MAX_CHARS, EscalationEvent, PendingEscalation
from .tables import escalations

DEFAULT_LEASE_S = 30.0
CLAIM_BATCH = 50  # events taken per flush; the rest wait for the next one


def worker_name() -> str:
    """Host, process and a random part: a restarted process never mistakes the old one's claims for its own."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


class StoredEscalationQueue:
    def __init__(self, engine: Engine, worker: str | None = None, lease_s: float = DEFAULT_LEASE_S):
        self._engine = engine
        self.worker = worker or worker_name()
        self.lease_s = lease_s  # longer than one delivery round, so a live holder is never overtaken

    def put(self, event: EscalationEvent) -> None:
        """Stores the event, claimed by this worker (it delivers it now); putting it twice keeps one row."""
        try:
            with self._engine.begin() as db:
                db.execute(insert(escalations).values(id=event.id, user_id=event.user_id, level=event.level,
                                                      payload=json.dumps(event.to_payload()),
                                                      created_at=event.created_at, attempts=0, last_error="",
                                                      claimed_by=self.worker,
                                                      claimed_until=time.time() + self.lease_s))
        except IntegrityError:
            pass

    def pending(self) -> list[PendingEscalation]:
        """Every undelivered event, whoever holds it, oldest first."""
        with self._engine.connect() as db:
            rows = db.execute(select(escalations).where(escalations.c.delivered_at.is_(None))
                              .order_by(escalations.c.created_at)).all()
        return [_pending(r) for r in rows]

    def pending_count(self) -> int:
        with self._engine.connect() as db:
            return db.execute(select(func.count()).select_from(escalations)
                              .where(escalations.c.delivered_at.is_(None))).scalar_one()

    def claim(self, limit: int = CLAIM_BATCH) -> list[PendingEscalation]:
        """Undelivered events that nobody else holds, oldest first, now held by this worker for one lease."""
        now = time.time()
        chosen = select(escalations.c.id).where(_free(now, self.worker)).order_by(escalations.c.created_at).limit(limit)
        if self._engine.dialect.name == "postgresql":
            chosen = chosen.with_for_update(skip_locked=True)  # rows another worker is claiming are passed over
        with self._engine.begin() as db:
            rows = db.execute(update(escalations).where(escalations.c.id.in_(chosen.scalar_subquery()))
                              .values(claimed_by=self.worker, claimed_until=now + self.lease_s)
                              .returning(*escalations.c)).all()
        return [_pending(r) for r in sorted(rows, key=lambda r: r.created_at)]

    def claim_one(self, id: str) -> str:
        """Right before sending: "mine" once this worker holds the event for a new lease, else
        "delivered" (by anyone) or "held" (another worker is on it)."""
        now = time.time()
        with self._engine.begin() as db:
            if db.execute(update(escalations).where(escalations.c.id == id, _free(now, self.worker))
                          .values(claimed_by=self.worker, claimed_until=now + self.lease_s)).rowcount:
                return "mine"
            delivered = db.execute(select(escalations.c.delivered_at).where(escalations.c.id == id)).scalar()
        return "delivered" if delivered else "held"

    def release(self) -> None:
        """Gives up this worker's claims on undelivered events (a clean stop): others page them at once."""
        with self._engine.begin() as db:
            db.execute(update(escalations).where(escalations.c.claimed_by == self.worker,
                                                 escalations.c.delivered_at.is_(None))
                       .values(claimed_by=None, claimed_until=None))

    def mark_delivered(self, id: str) -> None:
        with self._engine.begin() as db:
            db.execute(update(escalations).where(escalations.c.id == id, escalations.c.delivered_at.is_(None))
                       .values(delivered_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                               claimed_until=None))

    def mark_failed(self, id: str, error: str) -> None:
        with self._engine.begin() as db:
            db.execute(update(escalations).where(escalations.c.id == id)
                       .values(attempts=escalations.c.attempts + 1, last_error=error[:ERROR_MAX_CHARS]))


def _free(now: float, worker: str):
    """Undelivered, and nobody else's: never claimed, its holder's lease over, or this worker's own."""
    return and_(escalations.c.delivered_at.is_(None),
                or_(escalations.c.claimed_until.is_(None), escalations.c.claimed_until < now,
                    escalations.c.claimed_by == worker))


def _pending(row) -> PendingEscalation:
    return PendingEscalation(row.id, json.loads(row.payload), row.created_at, row.attempts, row.last_error)
