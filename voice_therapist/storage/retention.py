"""Retention: transcripts older than the configured period are purged; summaries and artifacts stay."""

from __future__ import annotations

import time

from sqlalchemy import update

from .store import Storage
from .tables import turns

DAY_S = 86400


def purge_transcripts(storage: Storage, retention_days: float, now: float | None = None) -> int:
    """Blanks the words of turns older than the period; returns how many. 0 days keeps everything."""
    if retention_days <= 0:
        return 0
    cutoff = (now or time.time()) - retention_days * DAY_S
    with storage.engine.begin() as db:
        return db.execute(update(turns).where(turns.c.created_at < cutoff, turns.c.text_enc.is_not(None))
                          .values(text_enc=None)).rowcount
