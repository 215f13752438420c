"""Wrong PINs counted per user across calls, so a stranger cannot try every PIN three calls at a time.

Past `limit` wrong PINs within `window_s`, no PIN opens that user's memory until the oldest
of them ages out. The caller is still answered (anonymously) and asked alike: the lock shows
only in the operator's log. The count lives in the process: a restart forgets it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

LIMIT = 10  # a 4-digit PIN: 10 guesses a day give a stranger a 1 in 1000 chance
WINDOW_S = 24 * 3600


class PinThrottle:
    def __init__(self, limit: int = LIMIT, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic):
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._wrong: dict[str, deque[float]] = {}

    def locked(self, user: str) -> bool:
        return len(self._recent(user)) >= self._limit

    def wrong(self, user: str) -> bool:
        """Counts a wrong PIN; True when this one locks the user's PIN."""
        recent = self._recent(user)
        recent.append(self._clock())
        return len(recent) == self._limit

    def _recent(self, user: str) -> deque[float]:
        recent = self._wrong.setdefault(user, deque())
        while recent and self._clock() - recent[0] > self._window_s:
            recent.popleft()
        return recent
