"""One answered call: its dialog, its media, the voice session between them, and how it ends.

Logs say which call (a number counted from 1 by this process), when replies start and end and
how the call ended; never the caller's number, a DTMF digit, or a word of the conversation.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .dialog import Dialog
from .media import MediaStream
from .sip_message import SipMessage
from .sip_uri import parse_name_addr
from .transfer import TransferError, TransferOffer, TransferOutcome, outcome_of, transfer_target

log = logging.getLogger(__name__)
MAX_DIGITS = 32


class CallSession(Protocol):
    """What a call needs of a VoiceSession (a test may hand in a stand-in)."""

    safety: Any
    assistant_active: bool

    def tick(self, pcm: np.ndarray, t_ms: float) -> np.ndarray: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class Caller:
    """Who is calling, as far as the network says."""

    caller_id: str  # From or P-Asserted-Identity: anyone can write any number there
    source_ip: str  # the INVITE's UDP source: what a trusted trunk is recognised by
    call_number: int  # this call in the logs


SessionFactory = Callable[[Caller, Callable[[dict], None]], CallSession]  # (caller, emit) -> session
Requester = Callable[[Dialog, SipMessage], Awaitable[SipMessage]]  # sends in-dialog, returns the final response


class ReplyWatch:
    """Notes when the assistant starts to be heard and when its reply is over: timings only."""

    def __init__(self, number: int):
        self.number = number
        self.replies = 0
        self._active = False
        self._audible = False

    def update(self, active: bool, frame: np.ndarray) -> None:
        if active and not self._active:
            self._audible = False
        if active and not self._audible and frame.any():
            self._audible = True
            log.info("call %d: reply audio started", self.number)
        if self._active and not active:
            self.replies += 1
            log.info("call %d: reply finished", self.number)
        self._active = active


class Call:
    def __init__(self, number: int, dialog: Dialog, jitter_packets: int, requester: Requester,
                 on_ended: Callable[[Call], None]):
        self.number = number
        self.dialog = dialog
        self.media = MediaStream(jitter_packets, self.on_digit)
        self.session: CallSession | None = None
        self.transfer: TransferOffer | None = None
        self.transfer_outcome: TransferOutcome | None = None
        self.digits: list[str] = []  # keys no session took; never logged
        self.sdp_session_id = secrets.randbelow(2**31)
        self.sdp_version = 1
        self.media_port = 0
        self.invite: SipMessage | None = None  # the INVITE being answered, until the 200 OK (for CANCEL)
        self.invite_from: tuple[str, int] | None = None
        self.answered_at: float | None = None
        self.end_reason = ""
        self.mid_reply = False  # the caller hung up (or we did) while the assistant was replying
        self.ended = asyncio.Event()
        self._request = requester
        self._on_ended = on_ended
        self._task: asyncio.Task | None = None
        self._side_tasks: set[asyncio.Task] = set()
        self._reply = ReplyWatch(number)
        self._bye_sent = False

    # --- life -------------------------------------------------------------------------------
    def start(self, session_factory: SessionFactory, caller_id: str, source_ip: str) -> None:
        """Create the session and start the media clock (at the 200 OK: the caller may talk before the ACK)."""
        self.session = session_factory(Caller(caller_id, source_ip, self.number), self._on_event)
        safety = getattr(self.session, "safety", None)
        number = safety.resources.get("transfer_number", "") if safety is not None else ""
        self.transfer = TransferOffer(number) if number else None  # the crisis line of the session's locale
        self.answered_at = time.monotonic()
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        from ..transports.live import drive_session  # the pipeline's imports are heavy: only when a call runs

        try:
            await drive_session(self.session, self.media.frames(), self._send)
        except Exception as exc:  # the session broke: the caller hears a hang-up, the server goes on
            log.error("call %d: session failed: %s", self.number, type(exc).__name__, exc_info=exc)
            self.end_reason = self.end_reason or "session error"
            await self._send_bye()
        finally:
            self.media.close()
            for task in list(self._side_tasks):
                task.cancel()
            self.ended.set()
            self._on_ended(self)

    def finish(self, reason: str) -> None:
        """End the call without signalling (the peer hung up, or we already sent BYE)."""
        if not self.end_reason:
            self.end_reason = reason
            self.mid_reply = bool(self.session is not None and self.session.assistant_active)
        self.media.close()
        if self._task is None and not self.ended.is_set():  # never started: nothing else reports the end
            self.ended.set()
            self._on_ended(self)

    async def hangup(self, reason: str) -> None:
        """We end the call: BYE to the caller, then the session closes."""
        if not self.end_reason:
            self.end_reason = reason
            self.mid_reply = bool(self.session is not None and self.session.assistant_active)
        await self._send_bye()
        self.finish(reason)

    async def _send_bye(self) -> None:
        if self._bye_sent:
            return
        self._bye_sent = True
        try:
            await self._request(self.dialog, self.dialog.request("BYE"))
        except (TimeoutError, OSError) as exc:
            log.info("call %d: BYE not answered (%s)", self.number, type(exc).__name__)

    @property
    def duration_s(self) -> float:
        return time.monotonic() - self.answered_at if self.answered_at else 0.0

    # --- per frame --------------------------------------------------------------------------
    async def _send(self, frame: np.ndarray) -> None:
        await self.media.send(frame)
        active = bool(self.session.assistant_active)
        self._reply.update(active, frame)
        if self.transfer is not None and self.transfer.due(active):
            self._spawn(self._offer_transfer())

    def _on_event(self, event: dict) -> None:
        if self.transfer is not None:
            self.transfer.on_event(event)
        if event.get("type") == "Escalated":
            log.warning("call %d: crisis escalation (level %s); the transfer is offered after this reply",
                        self.number, event.get("level"))

    def on_digit(self, digit: str) -> None:
        log.debug("call %d: DTMF key pressed", self.number)
        take_key = getattr(self.session, "on_digit", None)
        if take_key is not None:  # a session taking a PIN: the keys are its alone, not kept here
            take_key(digit)
        elif len(self.digits) < MAX_DIGITS:
            self.digits.append(digit)

    # --- transfer ---------------------------------------------------------------------------
    async def _offer_transfer(self) -> None:
        try:
            target = transfer_target(self.transfer.number, self.dialog.peer_host)
        except TransferError as exc:
            log.error("call %d: cannot transfer: %s", self.number, exc)
            return
        refer = self.dialog.request("REFER", [("Refer-To", f"<{target}>"),
                                              ("Referred-By", f"<{self._our_uri()}>")])
        self.transfer_outcome = TransferOutcome.PENDING
        try:
            response = await self._request(self.dialog, refer)
        except (TimeoutError, OSError):
            self.transfer_outcome = TransferOutcome.FAILED
            log.warning("call %d: transfer (REFER) not answered; the call goes on", self.number)
            return
        if response.status >= 300:
            self.transfer_outcome = TransferOutcome.FAILED
            log.warning("call %d: transfer refused (%d); the call goes on", self.number, response.status)
        else:  # its NOTIFYs may have overtaken this response: the outcome may be known already
            log.info("call %d: transfer accepted (%d)", self.number, response.status)

    def on_transfer_progress(self, status: int) -> None:
        """A NOTIFY of the REFER's progress (its sipfrag status line)."""
        outcome = outcome_of(status)
        if self.transfer_outcome is not TransferOutcome.PENDING or outcome is TransferOutcome.PENDING:
            return
        self.transfer_outcome = outcome
        if outcome is TransferOutcome.SUCCEEDED:
            log.info("call %d: transferred to the crisis line", self.number)
            self._spawn(self.hangup("transferred"))
        else:
            log.warning("call %d: transfer failed (%d); the call goes on", self.number, status)

    def _our_uri(self) -> str:
        return str(parse_name_addr(self.dialog.local_party).uri)

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)
