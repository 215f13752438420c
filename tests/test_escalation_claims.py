"""Many workers share one escalation outbox: each page reaches the on-call webhook once."""

import asyncio
import itertools
import time

import pytest

from voice_therapist.safety.escalation import EscalationEvent, EscalationNotifier
from voice_therapist.safety.escalation_service import EscalationService
from voice_therapist.storage.database import migrate, open_engine, sqlite_url
from voice_therapist.storage.escalation_queue import StoredEscalationQueue

from .webhook import free_port

WORKERS = 4
EVENTS = 12
FAST = {"timeout_s": 1.0, "backoff_s": 0.01}
_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox_url(request, tmp_path):
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "data.sqlite3")
    return request.getfixturevalue("postgres").create_database(f"vt_claims_{next(_names)}")


@pytest.fixture
def engines(outbox_url):
    """engine() -> a new connection pool on the shared outbox, as each worker process has its own."""
    opened = []

    def engine():
        opened.append(open_engine(outbox_url))
        migrate(opened[-1], "data")
        return opened[-1]

    yield engine
    for e in opened:
        e.dispose()


def event(level: str = "imminent") -> EscalationEvent:
    return EscalationEvent(level=level, reasons=("lexicon:imminent",), session_id="s-1", user_id="u-1",
                           locale="en-US", transfer_number="+1988")


async def until(condition, timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return condition()


async def test_pages_a_dead_worker_left_go_out_once_though_every_workers_loop_retries(engines, webhook):
    dead = StoredEscalationQueue(engines(), worker="dead", lease_s=0.0)  # its lease has run out
    events = [event() for _ in range(EVENTS)]
    for e in events:
        dead.put(e)
    hook = webhook()
    services = [EscalationService(EscalationNotifier(hook.url, StoredEscalationQueue(engines()), **FAST),
                                  first_retry_s=0.05, max_retry_s=0.2) for _ in range(WORKERS)]
    await asyncio.gather(*(s.start() for s in services))  # every loop flushes at once, then keeps on
    try:
        assert await until(lambda: not dead.pending()), "the outbox was never emptied"
        await asyncio.sleep(1.0)  # several more rounds of every worker's heartbeat
    finally:
        await asyncio.gather(*(s.aclose() for s in services))
    paged = sorted(body["id"] for body, _ in hook.received)
    assert paged == sorted(e.id for e in events)  # all of them, and none twice


async def test_an_event_a_worker_holds_is_left_to_it_until_its_lease_runs_out(engines):
    holder = StoredEscalationQueue(engines(), worker="holder", lease_s=1.0)
    other = StoredEscalationQueue(engines(), worker="other")
    held = event()
    holder.put(held)  # stored by the worker delivering it now
    assert other.claim() == []
    assert [p.id for p in holder.claim()] == [held.id]  # its own claim it may renew
    await asyncio.sleep(1.1)  # the holder died: nobody renewed the claim
    assert [p.id for p in other.claim()] == [held.id]
    assert holder.claim() == []  # now the other worker holds it


async def test_a_worker_that_stops_cleanly_leaves_its_undelivered_pages_to_the_others_at_once(engines, webhook):
    down = f"http://127.0.0.1:{free_port()}/escalate"
    stopping = EscalationService(EscalationNotifier(down, StoredEscalationQueue(engines()), retries=1, **FAST),
                                 first_retry_s=30, max_retry_s=30)
    async with stopping:
        assert await (await stopping.submit(event("plan"))) is False
    hook = webhook()
    started = time.monotonic()
    async with EscalationService(EscalationNotifier(hook.url, StoredEscalationQueue(engines()), **FAST),
                                 first_retry_s=30, max_retry_s=30):
        assert await until(lambda: hook.received, timeout_s=10)
    assert time.monotonic() - started < 5  # long before the stopped worker's lease (30 s) would have run out
    assert [body["level"] for body, _ in hook.received] == ["plan"]


async def test_a_page_delivered_since_a_worker_claimed_its_list_is_not_sent_again(engines, webhook):
    hook = webhook()
    slow = StoredEscalationQueue(engines(), worker="slow", lease_s=0.2)
    page = event()
    slow.put(page)
    stale = slow.claim()  # the slow worker's round: by the time it reaches this page...
    await asyncio.sleep(0.3)
    other = StoredEscalationQueue(engines(), worker="other")
    assert [p.id for p in other.claim()] == [page.id]
    other.mark_delivered(page.id)  # ...its lease ran out and another worker paged it
    service = EscalationService(EscalationNotifier(hook.url, slow, **FAST), first_retry_s=30, max_retry_s=30)
    assert await service._attempt(stale[0].id, stale[0].payload) is True  # delivered, by someone
    assert hook.received == []
