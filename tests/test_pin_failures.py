"""Wrong PINs counted in the shared store: two SIP workers give a stranger no more tries than one."""

import itertools

import pytest

from voice_therapist.storage.database import migrate, open_engine, sqlite_url
from voice_therapist.storage.pin_failures import StoredPinThrottle

_names = itertools.count()


class Clock:
    now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["sqlite", "postgresql"])
def engines(request, tmp_path):
    url = sqlite_url(tmp_path / "data.sqlite3") if request.param == "sqlite" else \
        request.getfixturevalue("postgres").create_database(f"vt_pins_{next(_names)}")
    opened = []

    def engine():
        opened.append(open_engine(url))
        migrate(opened[-1], "data")
        return opened[-1]

    yield engine
    for e in opened:
        e.dispose()


def test_wrong_pins_on_two_workers_add_up_and_lock_the_pin_until_they_age_out(engines):
    clock = Clock()
    first, second = (StoredPinThrottle(engines(), limit=3, window_s=100, clock=clock) for _ in range(2))
    assert [first.wrong("alice"), second.wrong("alice"), first.wrong("alice")] == [False, False, True]
    assert second.locked("alice") and first.locked("alice") and not second.locked("bob")
    clock.now += 101
    assert not first.locked("alice") and not second.locked("alice")
    assert second.wrong("alice") is False  # the old ones were dropped: counting starts again


def test_a_restarted_worker_still_knows_the_wrong_pins(engines):
    clock = Clock()
    before = StoredPinThrottle(engines(), limit=2, window_s=100, clock=clock)
    before.wrong("alice")
    before.wrong("alice")
    assert StoredPinThrottle(engines(), limit=2, window_s=100, clock=clock).locked("alice")


def test_while_the_count_cannot_be_read_no_pin_opens_memory(tmp_path):
    engine = open_engine(sqlite_url(tmp_path / "never-migrated.sqlite3"))  # no pin_failures table: reads fail
    throttle = StoredPinThrottle(engine)
    assert throttle.locked("alice") is True and throttle.wrong("alice") is False
    engine.dispose()
