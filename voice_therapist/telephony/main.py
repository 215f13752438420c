"""`voice-therapist sip`: answer phone calls on a UDP port until SIGINT or SIGTERM, then hang up cleanly."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import os
import signal
import sys
from collections.abc import Callable

from ..config import Config
from .call import Caller, CallSession
from .caller_access import caller_access, callers_without_pin
from .pin import pin_matches
from .pin_entry import PinEntry
from .pin_gate import PinGate
from .pin_lines import PinLines, load_pin_lines
from .pin_throttle import WINDOW_S, PinThrottle
from .registration import Registration
from .sip_message import SipMessageError
from .sip_uri import parse_uri
from .user_agent import UaSettings, UserAgent, local_ip_for

log = logging.getLogger(__name__)
ANONYMOUS = "anonymous"


class SessionMaker:
    """A VoiceSession per call. A caller ID alone never opens memory (anyone can write any From):
    a trusted trunk's caller gets theirs at once, a caller who may have a PIN starts anonymous
    behind a PinGate, and everyone else is anonymous, with nothing kept."""

    def __init__(self, cfg: Config, models, open_storage: Callable[[], object], lines: PinLines, escalations,
                 throttle=None):
        self._cfg = cfg
        self._models = models
        self._open_storage = open_storage
        self._lines = lines
        self._storage = None
        self._escalations = escalations  # the process's EscalationService: every call submits to it
        self._rendered: dict[str, object] = {}  # the PIN lines' audio, rendered once per process
        self._throttle = throttle or PinThrottle()  # the shared store's, when there is one: all workers count

    def __call__(self, caller: Caller, emit: Callable[[dict], None]) -> CallSession:
        access = caller_access(self._cfg.sip, caller.caller_id, caller.source_ip)
        if access.user is not None:
            try:
                session = self._with_memory(access.user, emit)
                log.info("call %d: memory open (trusted trunk)", caller.call_number)
                return session
            except Exception as exc:  # a caller who may need help is never turned away for want of their memory
                log.warning("call %d: the caller's memory is unavailable (%s); the call goes on without it",
                            caller.call_number, type(exc).__name__)
        if access.ask_pin:
            check = functools.partial(self._check, caller.call_number, access.pin_user, access.pin_hash)
            return PinGate(caller.call_number, self._open, access.pin_user, PinEntry(self._cfg.sip.pin_window_s),
                           self._lines, self._render, check, emit)
        return self._anonymous(emit)

    def _open(self, user: str | None, emit: Callable[[dict], None]) -> CallSession:
        return self._with_memory(user, emit) if user is not None else self._anonymous(emit)

    def _with_memory(self, user: str, emit: Callable[[dict], None]) -> CallSession:
        from ..pipeline.session import VoiceSession

        if self._storage is None:
            self._storage = self._open_storage()
        return VoiceSession(self._cfg, self._models, emit, escalations=self._escalations, user_id=user,
                            memory=self._storage)

    def _anonymous(self, emit: Callable[[dict], None]) -> CallSession:
        from ..pipeline.session import VoiceSession

        return VoiceSession(self._cfg, self._models, emit, escalations=self._escalations, user_id=ANONYMOUS,
                            memory=None)

    async def _render(self, text: str):
        if text not in self._rendered:
            self._rendered[text] = await self._models.synthesize(text)
        return self._rendered[text]

    async def _check(self, call_number: int, user: str | None, pin_hash: str | None, entered: str) -> bool:
        locked = user is not None and self._throttle.locked(user)
        right = await asyncio.to_thread(pin_matches, entered, pin_hash)  # scrypt: ~65 ms, off the media loop
        if not right and user is not None and self._throttle.wrong(user):
            log.warning("call %d: too many wrong PINs for this caller ID in %d h; no PIN opens its memory for now",
                        call_number, WINDOW_S // 3600)
        if right and locked:
            log.warning("call %d: the right PIN, but this caller ID is locked after wrong PINs; the call stays "
                        "anonymous", call_number)
        return right and not locked

    def close(self) -> None:
        if self._storage is not None and hasattr(self._storage, "close"):
            self._storage.close()


def check_sip_setup(cfg: Config) -> PinLines:
    """Before the models load: the PIN lines are readable, and callers only a trunk can open are pointed out."""
    lines = load_pin_lines()
    without_pin = callers_without_pin(cfg.sip)
    if without_pin:  # counted, never named: a number in a log says who uses this service
        log.warning("%d entr%s of sip.callers ha%s no pin_hash: memory opens for them only on calls from "
                    "sip.trusted_trunks%s; `voice-therapist pin-hash` makes a hash", without_pin,
                    "y" if without_pin == 1 else "ies", "s" if without_pin == 1 else "ve",
                    "" if cfg.sip.trusted_trunks else " (none is set, so never)")
    return lines


def settings_from(args, cfg: Config) -> UaSettings:
    sip = cfg.sip
    return UaSettings(host=args.host or sip.host, port=sip.port if args.port is None else args.port,
                      rtp_port_min=sip.rtp_port_min, rtp_port_max=sip.rtp_port_max,
                      jitter_packets=max(1, math.ceil(sip.jitter_ms / 20)), max_calls=sip.max_calls,
                      contact_user=sip.username or "voice-therapist")


async def run_sip(args, cfg: Config, models, lines: PinLines | None = None) -> int:
    from ..safety.escalation_service import escalation_service

    lines = lines or check_sip_setup(cfg)
    storage = _outbox_storage(cfg)
    try:
        async with escalation_service(cfg, storage) as escalations:
            return await _serve_calls(args, cfg, models, lines, escalations, storage)
    finally:
        if storage is not None:
            storage.close()


def _outbox_storage(cfg: Config):
    """The storage database holds the escalation outbox; if it cannot be opened, a local file does."""
    from ..storage import open_storage

    try:
        return open_storage(cfg)
    except Exception as exc:  # calls are answered all the same; pages queue in <data_dir>/escalations.sqlite
        log.warning("storage unavailable (%s); escalations queue in a local file", type(exc).__name__)
        return None


async def _serve_calls(args, cfg: Config, models, lines: PinLines, escalations, storage) -> int:
    from ..storage import open_storage

    settings = settings_from(args, cfg)
    from ..storage.pin_failures import StoredPinThrottle

    sessions = SessionMaker(cfg, models, (lambda: storage) if storage is not None else (lambda: open_storage(cfg)),
                            lines, escalations, StoredPinThrottle(storage.engine) if storage is not None else None)
    agent = UserAgent(settings, sessions)
    try:
        host, port = await agent.start()
    except OSError as exc:
        print(f"voice-therapist: cannot listen for SIP on udp:{settings.host}:{settings.port}: {exc.strerror}",
              file=sys.stderr)
        return 2
    try:
        registration = _registration(cfg, agent, host, port)
    except SipMessageError as exc:
        print(f"voice-therapist: sip.registrar: {exc}", file=sys.stderr)
        await agent.close()
        return 2
    print(f"listening for SIP on udp:{host}:{port}", flush=True)
    keeping = asyncio.ensure_future(registration.keep_registered()) if registration else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        log.info("stopping: %d active call(s)", len(agent.calls))
        if keeping is not None:
            keeping.cancel()
            await asyncio.gather(keeping, return_exceptions=True)
            await registration.unregister()
        await agent.close()
        sessions.close()
    return 0


def _registration(cfg: Config, agent: UserAgent, host: str, port: int) -> Registration | None:
    sip = cfg.sip
    if not sip.registrar:
        return None
    aor = parse_uri(sip.registrar)  # SipMessageError: reported as a configuration error
    username = sip.username or aor.user
    ip = local_ip_for(aor.host_ip, host)
    return Registration(sip.registrar, username, os.environ.get(sip.password_env, ""),
                        f"<sip:{username}@{ip}:{port}>", (ip, port), agent.request)
