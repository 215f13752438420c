"""`voice-therapist sip`: answer phone calls on a UDP port until SIGINT or SIGTERM, then hang up cleanly."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import signal
import sys
from collections.abc import Callable

from ..config import Config
from .call import CallSession
from .registration import Registration
from .sip_message import SipMessageError
from .sip_uri import parse_uri
from .user_agent import UaSettings, UserAgent, local_ip_for

log = logging.getLogger(__name__)
ANONYMOUS = "anonymous"


def caller_user(callers: dict[str, str], caller: str) -> str | None:
    """The user a configured caller ID belongs to; punctuation in either is ignored (+1 555-0100 == +15550100)."""
    def plain(number: str) -> str:
        return "".join(ch for ch in number if ch.isalnum() or ch == "+")

    wanted = plain(caller)
    return next((user for number, user in callers.items() if wanted and plain(number) == wanted), None)


class SessionMaker:
    """A VoiceSession per call: a configured caller ID gets its user's memory, anyone else none at all."""

    def __init__(self, cfg: Config, models, open_storage: Callable[[], object], escalations):
        self._cfg = cfg
        self._models = models
        self._open_storage = open_storage
        self._storage = None
        self._escalations = escalations  # the process's EscalationService: every call submits to it

    def __call__(self, caller: str, emit: Callable[[dict], None]) -> CallSession:
        from ..pipeline.session import VoiceSession

        user = caller_user(self._cfg.sip.callers, caller)
        if user is not None:
            try:
                if self._storage is None:
                    self._storage = self._open_storage()
                return VoiceSession(self._cfg, self._models, emit, escalations=self._escalations, user_id=user,
                                    memory=self._storage)
            except Exception as exc:  # a caller who may need help is never turned away for want of their memory
                log.warning("a known caller's memory is unavailable (%s); the call goes on without it",
                            type(exc).__name__)
        return VoiceSession(self._cfg, self._models, emit, escalations=self._escalations, user_id=ANONYMOUS,
                            memory=None)

    def close(self) -> None:
        if self._storage is not None and hasattr(self._storage, "close"):
            self._storage.close()


def settings_from(args, cfg: Config) -> UaSettings:
    sip = cfg.sip
    return UaSettings(host=args.host or sip.host, port=sip.port if args.port is None else args.port,
                      rtp_port_min=sip.rtp_port_min, rtp_port_max=sip.rtp_port_max,
                      jitter_packets=max(1, math.ceil(sip.jitter_ms / 20)), max_calls=sip.max_calls,
                      contact_user=sip.username or "voice-therapist")


async def run_sip(args, cfg: Config, models) -> int:
    from ..safety.escalation_service import escalation_service

    storage = _outbox_storage(cfg)
    try:
        async with escalation_service(cfg, storage) as escalations:
            return await _serve_calls(args, cfg, models, escalations, storage)
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


async def _serve_calls(args, cfg: Config, models, escalations, storage) -> int:
    from ..storage import open_storage

    settings = settings_from(args, cfg)
    sessions = SessionMaker(cfg, models, (lambda: storage) if storage is not None else (lambda: open_storage(cfg)),
                            escalations)
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
