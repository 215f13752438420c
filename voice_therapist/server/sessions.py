"""A session behind any door: built for the user, counted, and held to the length limit."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import numpy as np

from ..pipeline.session import VoiceSession
from ..transports.live import drive_session
from .context import ServerContext
from .limits import session_seconds

log = logging.getLogger(__name__)
ANONYMOUS = "anonymous"


def new_session(ctx: ServerContext, door: str, user_id: str | None,
                on_event: Callable[[dict[str, Any]], None]) -> VoiceSession:
    """A known user's session remembers; an anonymous caller's keeps nothing."""

    def emit(event: dict[str, Any]) -> None:
        ctx.metrics.observe(door, event)
        on_event(event)

    return VoiceSession(ctx.cfg, ctx.models, emit, escalations=ctx.escalations, user_id=user_id or ANONYMOUS,
                        memory=ctx.memory if user_id else None, safety=ctx.safety)


async def run_session(ctx: ServerContext, door: str, session: VoiceSession, frames_in: AsyncIterator[np.ndarray],
                      send: Callable[[np.ndarray], Awaitable[None]]) -> str:
    """Drive the session until its input ends; returns why it ended: "stop" or "time_limit".

    Errors from the input (protocol violations) propagate; the session is closed either way.
    """
    ctx.metrics.session_started(door)
    started = time.monotonic()
    limit = asyncio.timeout(session_seconds(ctx.cfg.server.max_session_minutes))
    try:
        async with limit:
            await drive_session(session, frames_in, send)
        return "stop"
    except TimeoutError:
        if limit.expired():
            return "time_limit"
        raise
    finally:
        ctx.metrics.session_ended(door)
        # Timings and counts only: what was said never reaches the log.
        log.info("%s session ended after %.0f s", door, time.monotonic() - started)
