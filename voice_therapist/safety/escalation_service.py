"""One escalation service per process: one outbox, one retry loop; sessions only submit.

Every door (`serve`, `sip`, `talk`, `session`) starts one. A session hands it an event and
the event is on disk before `submit` returns; delivery and its retries belong to the
service, so a page queued while the webhook was down goes out without waiting for another
caller, and one left undelivered by a crash or restart goes out when the next process starts.
Many workers may share one outbox (the storage database): each retries only the events it
has claimed there, so every worker's loop runs and each page still goes out once.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from .escalation import EscalationEvent, EscalationNotifier, EscalationQueue

log = logging.getLogger(__name__)
CLAIM_MARGIN_S = 10.0


class EscalationService:
    def __init__(self, notifier: EscalationNotifier, first_retry_s: float, max_retry_s: float,
                 legacy_queue: Path | None = None):
        self.notifier = notifier
        self.first_retry_s = min(first_retry_s, max_retry_s)
        self.max_retry_s = max_retry_s
        self._legacy_queue = legacy_queue  # an older version's per-session file: its pending events move here
        self._deliveries: set[asyncio.Task] = set()
        self._sending: dict[str, asyncio.Future] = {}  # event id -> its round in flight: live and retry never both
        self._loop_task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    async def __aenter__(self) -> EscalationService:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        if self._loop_task is None:
            await self._adopt_legacy_queue()
            self._loop_task = asyncio.ensure_future(self._retry_loop())

    async def submit(self, event: EscalationEvent) -> asyncio.Task:
        """Stores the event (awaited: durable once this returns), then delivers it in the
        service's own task, which a session's close or cancel never touches. The task's
        result is True once the webhook acknowledged the event."""
        await self.notifier.store(event)
        task = asyncio.ensure_future(self._deliver(event))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)
        return task

    async def _deliver(self, event: EscalationEvent) -> bool:
        delivered = await self._attempt(event.id, event.to_payload()) is True
        if not delivered:
            self._wake.set()  # the retry loop starts its backoff from the first step
        return delivered

    async def _attempt(self, id: str, payload: dict) -> bool | None:
        """One round for one event, shared by whoever asks for it meanwhile in this process."""
        if id not in self._sending:
            self._sending[id] = asyncio.ensure_future(self._claimed_round(id, payload))
            self._sending[id].add_done_callback(lambda _: self._sending.pop(id, None))
        return await asyncio.shield(self._sending[id])

    async def _claimed_round(self, id: str, payload: dict) -> bool | None:
        """On a shared outbox, the claim is taken again right before sending: a list claimed a
        while ago may hold an event delivered since, or one whose lease ran out meanwhile."""
        claim_one = getattr(self.notifier.queue, "claim_one", None)
        if claim_one is not None and self.notifier.url:
            try:
                state = await asyncio.to_thread(claim_one, id)
            except Exception as exc:  # the database is down: send anyway, at-least-once beats never
                log.error("escalation claim failed: %s", type(exc).__name__)
                state = "mine"
            if state != "mine":
                return True if state == "delivered" else False
        return await self.notifier.attempt(id, payload)

    async def _retry_loop(self) -> None:
        """Flushes the outbox now, then again after each wait: the wait doubles while events
        stay undelivered (the channel is down) and starts over once the outbox is empty."""
        wait = self.first_retry_s
        while True:
            left = await self._flush()
            if not left:
                wait = self.first_retry_s
            self._wake.clear()
            try:  # idle, a slow heartbeat still flushes what another process may have stored
                async with asyncio.timeout(wait if left else self.max_retry_s):  # wait_for can swallow a cancel
                    await self._wake.wait()
            except TimeoutError:
                wait = min(wait * 2, self.max_retry_s) if left else self.first_retry_s
            else:
                await asyncio.sleep(self.first_retry_s)  # a live delivery just failed: its first retry
                wait = self.first_retry_s

    async def _flush(self) -> int:
        """Delivers what it can; returns how many events are still undelivered."""
        if not self.notifier.url:  # nowhere to deliver: events wait on disk, and the notifier said so once
            return 0
        queue = self.notifier.queue
        try:
            # A shared outbox: only the events this worker holds now. Oldest first; a channel
            # that is down ends the round, a refusal (4xx) does not.
            items = await asyncio.to_thread(queue.claim if hasattr(queue, "claim") else queue.pending)
            for item in items:
                if await self._attempt(item.id, item.payload) is None:
                    break
            left = await self.notifier.pending_count()
        except Exception as exc:  # the loop must outlive a bad flush: the next one may work
            log.error("escalation retry failed: %s", type(exc).__name__)
            return 1
        if left:
            log.warning("%d escalation(s) undelivered; retrying with backoff", left)
        return left

    async def _adopt_legacy_queue(self) -> None:
        path = self._legacy_queue
        if path is None or not path.is_file():
            return
        try:
            old = EscalationQueue(path)
            pending = await asyncio.to_thread(old.pending)
            for item in pending:
                await asyncio.to_thread(self.notifier.queue.put, EscalationEvent.from_payload(item.payload))
                await asyncio.to_thread(old.mark_delivered, item.id)  # moved; the outbox delivers it now
        except Exception as exc:  # the outbox still works; the old file keeps its events for the next start
            log.error("escalations of %s could not be moved to the outbox: %s", path.name, type(exc).__name__)
            return
        if pending:
            log.warning("%d undelivered escalation(s) moved from %s to the outbox", len(pending), path.name)

    async def aclose(self) -> None:
        """Lets the deliveries in flight finish (each is on disk already), then stops the loop."""
        if self._deliveries:
            await asyncio.wait(set(self._deliveries), timeout=self.notifier.round_limit_s)
        if self._loop_task is not None:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
            self._loop_task = None
        await self._release_claims()

    async def _release_claims(self) -> None:
        release = getattr(self.notifier.queue, "release", None)
        if release is None or self._deliveries or self._sending:  # one in flight keeps its claim until its lease ends
            return
        try:
            await asyncio.to_thread(release)
        except Exception as exc:  # the claims run out on their own
            log.error("escalation claims could not be released: %s", type(exc).__name__)


def escalation_service(cfg, storage=None) -> EscalationService:
    """The process's service: its outbox is the storage layer's table, or a local SQLite file
    when the process has no storage (the demo, the bench, or a database that is down)."""
    import os

    from ..storage.escalation_queue import StoredEscalationQueue

    safety = cfg.safety
    legacy = cfg.data_dir() / "escalations.sqlite"
    queue = StoredEscalationQueue(storage.engine) if storage is not None else EscalationQueue(legacy)
    notifier = EscalationNotifier(safety.escalation_url, queue, token=os.environ.get(safety.escalation_token_env, ""),
                                  timeout_s=safety.escalation_timeout_s, retries=safety.escalation_attempts)
    if storage is not None:  # a claim outlasts the holder's longest delivery round, then another worker may page
        queue.lease_s = notifier.round_limit_s + CLAIM_MARGIN_S
    return EscalationService(notifier, safety.escalation_first_retry_s, safety.escalation_retry_s,
                             legacy_queue=legacy if storage is not None else None)
