"""Writes of a session's record, in order, off the event loop.

A committed turn is on its way to the database within milliseconds, but the reply's first
audio never waits on a disk sync. A crash loses at most the write in flight.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

log = logging.getLogger(__name__)


class OrderedWriter:
    def __init__(self) -> None:
        self._queue: asyncio.Queue[tuple[Callable[..., Any], tuple]] = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def submit(self, write: Callable[..., Any], *args: Any) -> None:
        self._queue.put_nowait((write, args))
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            write, args = await self._queue.get()
            try:
                await asyncio.to_thread(write, *args)
            except Exception as exc:  # one failed write must not stop the ones after it
                log.error("session record write %s failed: %s", getattr(write, "__name__", "?"), type(exc).__name__)
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Waits until everything submitted is written, then stops."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
