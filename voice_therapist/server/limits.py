"""The limits every door enforces: how many sessions at once, for how long, from which origins."""

from __future__ import annotations

from collections.abc import Iterable

START_TIMEOUT_S = 10.0  # a connection that has not started a session by then is closed
MEDIA_TIMEOUT_S = 20.0  # a WebRTC call with no audio for this long is over (peer gone)


class SessionSlot:
    """One held place among `max_sessions`; releasing twice is harmless."""

    def __init__(self, limiter: "SessionLimiter"):
        self._limiter = limiter
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limiter.returned()

    def __enter__(self) -> "SessionSlot":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


class SessionLimiter:
    """Counts sessions across all doors. Runs on the one event loop, so no lock is needed."""

    def __init__(self, max_sessions: int):
        self.max_sessions = max_sessions
        self._active = 0

    @property
    def active(self) -> int:
        return self._active

    def try_acquire(self) -> SessionSlot | None:
        if self._active >= self.max_sessions:
            return None
        self._active += 1
        return SessionSlot(self)

    def returned(self) -> None:
        """Called by a slot as it is released."""
        self._active -= 1


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    """A browser always sends Origin and must be on the list; gateways and scripts send none.

    Without an Origin there is no ambient browser credential to hijack, and the token is
    still required, so such clients are let through to the token check.
    """
    if origin is None:
        return True
    return origin.rstrip("/").lower() in {a.rstrip("/").lower() for a in allowed}


def session_seconds(max_session_minutes: float) -> float:
    return max_session_minutes * 60.0
