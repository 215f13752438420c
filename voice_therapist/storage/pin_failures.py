"""Wrong PINs counted in the shared database: what PinThrottle does, for every worker at once.

With N `sip` workers an in-process count would give a stranger N times the tries, and a
restart would forget them. Rows hold a user id and a time, nothing else, and are deleted
once they age out of the window.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from ..telephony.pin_throttle import LIMIT, WINDOW_S
from .tables import pin_failures

log = logging.getLogger(__name__)


class StoredPinThrottle:
    def __init__(self, engine: Engine, limit: int = LIMIT, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.time):
        self._engine = engine
        self._limit = limit
        self._window_s = window_s
        self._clock = clock

    def locked(self, user: str) -> bool:
        """True past the limit, and while the count cannot be read (the memory it guards is there too)."""
        try:
            with self._engine.connect() as db:
                return self._recent(db, user) >= self._limit
        except SQLAlchemyError as exc:
            log.warning("wrong-PIN count unreadable (%s): no PIN opens memory for now", type(exc).__name__)
            return True

    def wrong(self, user: str) -> bool:
        """Counts a wrong PIN; True when this one locks the user's PIN."""
        now = self._clock()
        try:
            with self._engine.begin() as db:
                db.execute(delete(pin_failures).where(pin_failures.c.user_id == user,
                                                      pin_failures.c.at < now - self._window_s))
                db.execute(insert(pin_failures).values(user_id=user, at=now))
                return self._recent(db, user) == self._limit
        except SQLAlchemyError as exc:
            log.warning("wrong PIN not counted (%s)", type(exc).__name__)
            return False

    def _recent(self, db, user: str) -> int:
        cutoff = self._clock() - self._window_s
        return db.execute(select(func.count()).select_from(pin_failures)
                          .where(pin_failures.c.user_id == user, pin_failures.c.at >= cutoff)).scalar_one()
