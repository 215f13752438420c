"""A call that starts anonymous and opens its caller's memory only once their PIN has been typed.

The anonymous session runs from the first frame, so whatever the caller says while typing
(a crisis included) takes the session's usual path. The caller's memory is not touched
before the PIN is right: only then is a second session made, with the memory, and it takes
over at the next quiet moment (no reply playing, the caller not mid-sentence). A call whose
anonymous part has shown any risk stays anonymous: the safety path it is on is not cut off.
The PIN lines go through the current session's own playback, so they count as the
assistant's voice (echo, barge-in) and stop when the caller talks over them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import numpy as np

from .pin_entry import PinEntry
from .pin_lines import PinLines

log = logging.getLogger(__name__)
LINE_ID = 0  # the playback id of the PIN lines: replies of a session are numbered from 1


class PinGate:
    def __init__(self, call_number: int, open_session: Callable[[str | None, Callable[[dict], None]], object],
                 pin_user: str | None, entry: PinEntry, lines: PinLines,
                 render: Callable[[str], Awaitable[np.ndarray]], check: Callable[[str], Awaitable[bool]],
                 emit: Callable[[dict], None]):
        """`open_session(user, emit)`: a session with that user's memory, or an anonymous one for None."""
        self._call = call_number
        self._open_session = open_session
        self._pin_user = pin_user
        self._entry = entry
        self._lines = lines
        self._render = render
        self._check = check
        self._emit = emit
        self._to_say: list[tuple[str, np.ndarray]] = []  # the latest line only: an older one is out of date
        self._lines_asked = 0
        self._checking = asyncio.Lock()  # attempts are checked in the order they were typed
        self._decided = False  # the right PIN came, or the tries are used up: no later key changes anything
        self._verified = False
        self._at_risk = False
        self._offset_ms = 0.0
        self._tasks: set[asyncio.Task] = set()
        self._closing: list[asyncio.Task] = []
        self.current = open_session(None, self._watch)
        self._say(lines.prompt)

    # --- what a call needs of a session ---------------------------------------------------
    @property
    def safety(self):
        return self.current.safety

    @property
    def assistant_active(self) -> bool:
        return self.current.assistant_active

    def tick(self, pcm: np.ndarray, t_ms: float) -> np.ndarray:
        if self._idle():
            if self._verified:
                self._switch(t_ms)
            if self._to_say:
                self._speak_now()
        return self.current.tick(pcm, t_ms - self._offset_ms)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*self._closing, return_exceptions=True)
        await self.current.aclose()

    # --- the PIN --------------------------------------------------------------------------
    def on_digit(self, key: str) -> None:
        entered = self._entry.press(key)
        if entered is not None:
            self._spawn(self._try(entered, last=self._entry.attempts_left == 0))

    def _watch(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "Escalated" or (kind == "Risk" and event.get("level", "none") != "none"):
            self._at_risk = True
        self._emit(event)

    async def _try(self, entered: str, last: bool) -> None:
        async with self._checking:
            right = await self._check(entered)
        if self._decided:
            return
        if right and self._pin_user is not None:
            self._decided = True
            self._entry.close()
            if self._at_risk:
                log.warning("call %d: PIN right while the call is on the safety path; it stays anonymous", self._call)
                return
            self._verified = True
            log.info("call %d: PIN right; the switch to the caller's memory waits for a pause", self._call)
        elif last:
            self._decided = True
            self._entry.close()
            log.info("call %d: PIN wrong, no tries left; the call goes on anonymously", self._call)
            self._say(self._lines.no_more_tries)
        else:
            log.info("call %d: PIN wrong (tries left: %d)", self._call, self._entry.attempts_left)
            self._say(self._lines.wrong)

    def _switch(self, t_ms: float) -> None:
        self._verified = False
        if self._at_risk:  # the risk came after the PIN, before the pause: safety first
            log.warning("call %d: risk during PIN entry; the call stays anonymous", self._call)
            return
        try:
            with_memory = self._open_session(self._pin_user, self._watch)
        except Exception as exc:  # a caller who may need help is never turned away for want of their memory
            log.warning("call %d: the caller's memory is unavailable (%s); the call goes on without it",
                        self._call, type(exc).__name__)
            return
        anonymous, self.current = self.current, with_memory
        self._offset_ms = t_ms  # the new session's clock starts at its first frame, as every session's does
        self._to_say = []
        self._closing.append(asyncio.ensure_future(anonymous.aclose()))
        log.info("call %d: memory open", self._call)
        self._say(self._lines.accepted)

    # --- speaking -------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self._lines_asked += 1
        self._spawn(self._prepare(text, self.current, self._lines_asked))

    async def _prepare(self, text: str, session, asked: int) -> None:
        audio = await self._render(text)
        # A line for the anonymous part is not said by the new session, nor one a newer line overtook.
        if session is self.current and asked == self._lines_asked:
            self._to_say = [(text, audio)]

    def _speak_now(self) -> None:
        for text, audio in self._to_say:
            self.current.playback.enqueue(LINE_ID, text, audio)
        self._to_say = []

    def _idle(self) -> bool:
        return not self.current.assistant_active and not self.current.turns.in_turn

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("call %d: PIN step failed: %s", self._call, type(task.exception()).__name__,
                      exc_info=task.exception())
