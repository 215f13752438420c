"""A caller ID alone never opens a person's memory: PIN hashes, the config that holds them, the key
collector, who gets asked, and the gate that switches a call to the caller's memory.

The proof with real SIP peers against the real server is in test_sip_call.py (`-k pin`).
"""

from __future__ import annotations

import asyncio
import io
from types import SimpleNamespace

import numpy as np
import pytest

from voice_therapist.audio.pcm import FRAME_SAMPLES
from voice_therapist.cli import main
from voice_therapist.config import ConfigError, SipConfig, load_config
from voice_therapist.telephony.call import Caller
from voice_therapist.telephony.main import SessionMaker, check_sip_setup
from voice_therapist.telephony.caller_access import caller_access, callers_without_pin, from_trusted_trunk
from voice_therapist.telephony.pin import PinHashError, hash_pin, parse_pin_hash, pin_matches
from voice_therapist.telephony.pin_entry import PinEntry
from voice_therapist.telephony.pin_gate import LINE_ID, PinGate
from voice_therapist.telephony.pin_lines import PinLines, load_pin_lines
from voice_therapist.telephony.pin_throttle import PinThrottle

ALICE_PIN = "2468"
ALICE_HASH = hash_pin(ALICE_PIN)


# --- the hash -------------------------------------------------------------------------------------
def test_a_pin_is_kept_only_as_a_salted_hash_that_the_right_digits_match():
    again = hash_pin(ALICE_PIN)
    assert ALICE_PIN not in ALICE_HASH and again != ALICE_HASH  # a fresh salt each time
    assert pin_matches(ALICE_PIN, ALICE_HASH) and pin_matches(ALICE_PIN, again)
    assert not pin_matches("2469", ALICE_HASH) and not pin_matches("", ALICE_HASH)
    assert not pin_matches(ALICE_PIN, None)  # a caller without a PIN: no digits open anything


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "12 34", "١٢٣٤"])
def test_a_pin_that_no_keypad_could_type_is_refused(pin):
    with pytest.raises(ValueError, match="PIN"):
        hash_pin(pin)


@pytest.mark.parametrize("stored", ["2468", "sha256$abc", "scrypt$16384$8$1$zz$00",
                                    "scrypt$1000$8$1$" + "00" * 16 + "$" + "00" * 32,  # n not a power of two
                                    "scrypt$16384$8$1$" + "00" * 16 + "$" + "00" * 8])  # a short key
def test_an_unreadable_hash_is_refused_without_repeating_it(stored):
    with pytest.raises(PinHashError) as caught:
        parse_pin_hash(stored)
    assert stored not in str(caught.value)


def test_pin_hash_prints_a_hash_of_the_pin_read_from_stdin(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("97531\n"))
    assert main(["pin-hash"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("scrypt$") and "97531" not in printed and pin_matches("97531", printed)
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["pin-hash"]) == 2
    assert "4 to 12 digits" in capsys.readouterr().err


# --- the configuration ----------------------------------------------------------------------------
def config_with(tmp_path, text: str):
    path = tmp_path / "phone.yaml"
    path.write_text(text)
    return load_config(path, environ={})


def test_callers_with_and_without_a_pin_and_trusted_trunks_are_read(tmp_path):
    cfg = config_with(tmp_path, f"""
sip:
  callers:
    "+1 555-0100": {{user: alice, pin_hash: "{ALICE_HASH}"}}
    "+15550111": bob              # the old form: only a trusted trunk opens it
  trusted_trunks: ["127.0.0.2/32", "10.0.0.0/8", "2001:db8::/32"]
""")
    assert cfg.sip.callers["+1 555-0100"].user == "alice" and cfg.sip.callers["+1 555-0100"].pin_hash == ALICE_HASH
    assert cfg.sip.callers["+15550111"].user == "bob" and cfg.sip.callers["+15550111"].pin_hash == ""
    assert callers_without_pin(cfg.sip) == 1


@pytest.mark.parametrize("text, names", [
    ('sip: {callers: {"+15550100": {user: alice, pin_hash: "2468"}}}', "sip.callers.+15550100.pin_hash"),
    ('sip: {callers: {"+15550100": {user: alice, pin: "2468"}}}', "sip.callers.+15550100.pin"),
    ('sip: {callers: {"+15550100": {pin_hash: "x"}}}', "sip.callers.+15550100.user"),
    ('sip: {callers: {"+1 555 0100": alice, "+15550100": bob}}', "sip.callers"),
    ('sip: {trusted_trunks: ["10.0.0.1/8"]}', "sip.trusted_trunks"),
    ('sip: {trusted_trunks: ["pbx.example.org"]}', "sip.trusted_trunks"),
])
def test_a_bad_caller_entry_fails_at_start_up_naming_its_key(tmp_path, text, names):
    with pytest.raises(ConfigError, match=names.replace("+", r"\+")) as caught:
        config_with(tmp_path, text)
    assert "2468" not in str(caught.value) or "pin:" in text  # a mistyped PIN-in-clear key is named, not echoed


def test_the_pin_lines_are_read_and_a_missing_one_is_named(tmp_path):
    lines = load_pin_lines()
    assert "PIN" in lines.prompt and "hash" in lines.prompt
    broken = tmp_path / "pin.yaml"
    broken.write_text("prompt: Type your PIN.\naccepted: Thanks.\nwrong: No.\n")
    with pytest.raises(ValueError, match="no_more_tries"):
        load_pin_lines(broken)


# --- who is asked for a PIN -----------------------------------------------------------------------
@pytest.fixture
def phone_cfg(tmp_path):
    return config_with(tmp_path, f"""
sip:
  callers:
    "+1 555-0100": {{user: alice, pin_hash: "{ALICE_HASH}"}}
    "+15550111": bob
  trusted_trunks: ["127.0.0.2/32", "10.0.0.0/8"]
""").sip


def test_a_caller_id_alone_opens_nothing_and_a_trusted_trunk_vouches_for_it(phone_cfg):
    spoofed = caller_access(phone_cfg, "+15550100", "127.0.0.1")
    assert spoofed.user is None and spoofed.ask_pin and spoofed.pin_user == "alice"
    assert caller_access(phone_cfg, "+15550100", "10.1.2.3").user == "alice"  # from the trunk: memory at once
    assert caller_access(phone_cfg, "+15550111", "127.0.0.2").user == "bob"
    old_form = caller_access(phone_cfg, "+15550111", "192.0.2.7")
    assert old_form.user is None and old_form.pin_user is None  # asked like anyone, no PIN can open it
    stranger = caller_access(phone_cfg, "+15550199", "192.0.2.7")
    assert stranger == old_form  # a stranger is asked exactly as a known number is: the question tells nothing
    assert caller_access(phone_cfg, "+15550199", "10.0.0.9").user is None


def test_without_any_pin_configured_nobody_is_asked(phone_cfg):
    no_pins = phone_cfg.model_copy(update={"callers": {"+15550111": phone_cfg.callers["+15550111"]}})
    assert not caller_access(no_pins, "+15550111", "127.0.0.1").ask_pin
    assert not from_trusted_trunk("not an address", ["0.0.0.0/0"])


# --- the keys -------------------------------------------------------------------------------------
class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def press(entry: PinEntry, keys: str) -> list[str]:
    return [got for key in keys if (got := entry.press(key)) is not None]


def test_digits_up_to_hash_make_an_attempt_and_star_starts_over():
    entry = PinEntry(window_s=60, clock=Clock())
    assert press(entry, "12*2468#") == ["2468"] and entry.attempts_left == 2
    assert press(entry, "#") == [] and entry.attempts_left == 2  # a lone '#' costs no try


def test_three_attempts_then_no_key_counts_any_more():
    entry = PinEntry(window_s=60, clock=Clock())
    assert press(entry, "1111#2222#3333#2468#") == ["1111", "2222", "3333"]
    assert not entry.open


def test_a_long_pause_drops_the_half_typed_entry_and_the_window_closes():
    clock = Clock()
    entry = PinEntry(window_s=60, gap_s=10, clock=clock)
    press(entry, "24")
    clock.now += 11
    assert press(entry, "68#") == ["68"]
    clock.now += 60
    assert press(entry, "2468#") == [] and not entry.open


# --- the gate -------------------------------------------------------------------------------------
class StandIn:
    """What the gate uses of a VoiceSession: playback, the turn state, ticks, close."""

    def __init__(self, user, emit):
        self.user, self.emit = user, emit
        self.memory = "storage" if user else None
        self.safety = SimpleNamespace(resources={})
        queued: list[tuple[int, str]] = []
        self.playback = SimpleNamespace(queued=queued, enqueue=lambda rid, text, pcm: queued.append((rid, text)))
        self.turns = SimpleNamespace(in_turn=False)
        self.assistant_active = False
        self.times: list[float] = []
        self.closed = False

    def tick(self, pcm, t_ms):
        self.times.append(t_ms)
        return pcm

    async def aclose(self):
        self.closed = True


LINES = PinLines(prompt="prompt", accepted="accepted", wrong="wrong", no_more_tries="no more")


class Harness:
    def __init__(self, pin_user="alice", pin_hash=ALICE_HASH):
        self.opened: list[StandIn] = []
        self.events: list[dict] = []
        self.gate = PinGate(7, self._open, pin_user, PinEntry(window_s=60), LINES, self._render,
                            self._check(pin_hash), self.events.append)
        self.t_ms = 0.0

    def _open(self, user, emit):
        self.opened.append(StandIn(user, emit))
        return self.opened[-1]

    @staticmethod
    async def _render(text):
        return np.ones(160, np.int16)

    @staticmethod
    def _check(pin_hash):
        async def check(entered):
            return await asyncio.to_thread(pin_matches, entered, pin_hash)
        return check

    async def run(self, frames: int = 5):
        for _ in range(frames):
            self.gate.tick(np.zeros(FRAME_SAMPLES, np.int16), self.t_ms)
            self.t_ms += 20
            await asyncio.sleep(0.01)

    async def keys(self, keys: str):
        for key in keys:
            self.gate.on_digit(key)
        await self.run(30)  # the checks run off the loop: give them time

    def said(self, session: StandIn) -> list[str]:
        return [text for rid, text in session.playback.queued if rid == LINE_ID]


async def test_the_call_is_anonymous_until_the_right_pin_then_the_users_memory_takes_over_at_a_pause():
    h = Harness()
    await h.run()
    anonymous = h.opened[0]
    assert anonymous.user is None and len(h.opened) == 1 and h.said(anonymous) == ["prompt"]
    anonymous.turns.in_turn = True  # the caller is speaking: no switch under them
    await h.keys(ALICE_PIN + "#")
    assert len(h.opened) == 1 and h.gate.current is anonymous
    anonymous.turns.in_turn = False
    await h.run()
    with_memory = h.opened[1]
    assert with_memory.user == "alice" and h.gate.current is with_memory and anonymous.closed
    assert with_memory.times[0] == 0.0  # its own clock starts at its first frame
    assert h.said(with_memory) == ["accepted"]
    await h.keys(ALICE_PIN + "#")
    assert len(h.opened) == 2  # nothing more to open


async def test_three_wrong_pins_leave_the_call_anonymous_and_the_right_one_after_them_opens_nothing():
    h = Harness()
    await h.keys("1111#")
    await h.keys("2222#3333#")
    await h.keys(ALICE_PIN + "#")
    assert len(h.opened) == 1 and h.gate.current.user is None
    assert h.said(h.opened[0]) == ["prompt", "wrong", "wrong", "no more"]


async def test_a_pin_for_a_number_without_one_opens_nothing():
    h = Harness(pin_user=None, pin_hash=None)
    await h.keys(ALICE_PIN + "#")
    assert len(h.opened) == 1 and h.said(h.opened[0]) == ["prompt", "wrong"]


async def test_a_call_that_showed_risk_stays_anonymous_even_with_the_right_pin():
    h = Harness()
    await h.run()
    h.opened[0].emit({"type": "Risk", "level": "passive", "reasons": []})
    assert h.events[-1]["type"] == "Risk"  # the call still sees every event
    await h.keys(ALICE_PIN + "#")
    await h.run()
    assert len(h.opened) == 1 and h.gate.current.user is None


async def test_risk_between_the_pin_and_the_pause_keeps_the_call_anonymous():
    h = Harness()
    h.opened[0].assistant_active = True  # a reply is playing: the switch waits for its end
    await h.keys(ALICE_PIN + "#")
    h.opened[0].emit({"type": "Escalated", "level": "imminent", "delivered": True})
    h.opened[0].assistant_active = False
    await h.run()
    assert len(h.opened) == 1


async def test_memory_that_cannot_open_leaves_the_call_going_anonymously():
    h = Harness()

    def storage_down(user, emit):
        if user:
            raise OSError("database unreachable")
        return StandIn(user, emit)

    h.gate._open_session = storage_down
    await h.keys(ALICE_PIN + "#")
    assert h.gate.current.user is None and not h.gate.current.closed


# --- wrong PINs across calls ----------------------------------------------------------------------
def test_wrong_pins_across_calls_lock_that_users_pin_until_they_age_out():
    clock = Clock()
    throttle = PinThrottle(limit=3, window_s=100, clock=clock)
    assert [throttle.wrong("alice") for _ in range(3)] == [False, False, True]
    assert throttle.locked("alice") and not throttle.locked("bob")
    clock.now += 101
    assert not throttle.locked("alice")


async def test_after_ten_wrong_pins_over_four_calls_even_the_right_pin_opens_nothing(monkeypatch, cfg):
    import voice_therapist.pipeline.session as session_module

    monkeypatch.setattr(session_module, "VoiceSession",
                        lambda cfg, models, emit, escalations, user_id, memory: StandIn(user_id if memory else None,
                                                                                         emit))

    async def synthesize(text):
        return np.ones(160, np.int16)

    phone_cfg = cfg.model_copy(deep=True)
    phone_cfg.sip = SipConfig(callers={"+15550100": {"user": "alice", "pin_hash": ALICE_HASH}})
    maker = SessionMaker(phone_cfg, SimpleNamespace(synthesize=synthesize), lambda: "storage", load_pin_lines(),
                         escalations=None)

    async def call(keys: str) -> PinGate:
        gate = maker(Caller("+15550100", "192.0.2.7", 1), lambda event: None)
        for key in keys:
            gate.on_digit(key)
        for n in range(40):
            gate.tick(np.zeros(FRAME_SAMPLES, np.int16), n * 20.0)
            await asyncio.sleep(0.01)
        return gate

    assert (await call(ALICE_PIN + "#")).current.user == "alice"  # before the guessing: her PIN works
    for _ in range(3):
        await call("1111#2222#3333#")
    assert (await call("4444#")).current.user is None  # the tenth wrong PIN
    assert (await call(ALICE_PIN + "#")).current.user is None


def test_start_up_counts_the_callers_only_a_trunk_can_open_without_naming_them(phone_cfg, caplog):
    caplog.set_level("WARNING")
    check_sip_setup(SimpleNamespace(sip=phone_cfg))
    assert "1 entry of sip.callers has no pin_hash" in caplog.text and "5550111" not in caplog.text
    caplog.clear()
    check_sip_setup(SimpleNamespace(sip=phone_cfg.model_copy(update={"trusted_trunks": []})))
    assert "(none is set, so never)" in caplog.text
