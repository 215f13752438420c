"""The key presses of one call turned into PIN attempts.

Digits gather until `#` ends an attempt; `*` starts the entry over; a pause longer than
`gap_s` between keys drops what was typed. Each `#` counts as one attempt, right or wrong,
and once the attempts are used up (or the window has passed) no key opens anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_ATTEMPTS = 3
MAX_ENTRY = 16  # longer entries are kept to this length: they can only be wrong


class PinEntry:
    def __init__(self, window_s: float, max_attempts: int = MAX_ATTEMPTS, gap_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._deadline = clock() + window_s
        self._gap_s = gap_s
        self._digits: list[str] = []
        self._last_key = 0.0
        self.attempts_left = max_attempts
        self._closed = False

    @property
    def open(self) -> bool:
        """Whether a PIN may still be entered on this call."""
        return not self._closed and self.attempts_left > 0 and self._clock() < self._deadline

    def close(self) -> None:
        """No more attempts on this call (the PIN was right, or the call went on without it)."""
        self._closed = True
        self._digits.clear()

    def press(self, key: str) -> str | None:
        """The digits of an attempt when `key` is the `#` that ends it; None otherwise."""
        if not self.open:
            self._digits.clear()
            return None
        now = self._clock()
        if self._digits and now - self._last_key > self._gap_s:
            self._digits.clear()
        self._last_key = now
        if key == "#":
            entered, self._digits = "".join(self._digits), []
            if not entered:
                return None  # a lone '#' is no attempt
            self.attempts_left -= 1
            return entered
        if key == "*":
            self._digits.clear()
        elif key.isdigit() and len(self._digits) < MAX_ENTRY:
            self._digits.append(key)
        return None
