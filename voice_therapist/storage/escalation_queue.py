"""The durable escalation queue on the storage layer's database (the notifier's `queue`)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..safety.escalation import ERROR_MAX_CHARS, EscalationEvent, PendingEscalation
from .tables import escalations


class StoredEscalationQueue:
    def __init__(self, engine: Engine):
        self._engine = engine

    def put(self, event: EscalationEvent) -> None:
        """Stores the event; putting the same event twice keeps one row."""
        try:
            with self._engine.begin() as db:
                db.execute(insert(escalations).values(id=event.id, user_id=event.user_id, level=event.level,
                                                      payload=json.dumps(event.to_payload()),
                                                      created_at=event.created_at, attempts=0, last_error=""))
        except IntegrityError:
            pass

    def pending(self) -> list[PendingEscalation]:
        with self._engine.connect() as db:
            rows = db.execute(select(escalations).where(escalations.c.delivered_at.is_(None))
                              .order_by(escalations.c.created_at)).all()
        return [PendingEscalation(r.id, json.loads(r.payload), r.created_at, r.attempts, r.last_error) for r in rows]

    def mark_delivered(self, id: str) -> None:
        with self._engine.begin() as db:
            db.execute(update(escalations).where(escalations.c.id == id, escalations.c.delivered_at.is_(None))
                       .values(delivered_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds")))

    def mark_failed(self, id: str, error: str) -> None:
        with self._engine.begin() as db:
            db.execute(update(escalations).where(escalations.c.id == id)
                       .values(attempts=escalations.c.attempts + 1, last_error=error[:ERROR_MAX_CHARS]))
