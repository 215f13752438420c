"""The SIP endpoint on one UDP port: answers calls, keeps their dialogs, and never lets bad input stop it.

Each datagram is handled on its own; whatever goes wrong with one is answered (400, 481, 488,
...) or dropped, and logged without the peer's identity at INFO.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass

from .call import Call, SessionFactory
from .dialog import Dialog, new_tag
from .media import NoRtpPort, bind_rtp_socket
from .sdp import SdpError, build_answer, build_offer, negotiate, parse_sdp
from .sip_message import MessageTooLarge, SipMessage, SipMessageError, parse_message, response_to
from .sip_uri import parse_name_addr, parse_via
from .transactions import Address, ClientTransactions, ReliableResponses, ResponseCache, Timers
from .transfer import TransferError, sipfrag_status

log = logging.getLogger(__name__)
PRODUCT = "voice-therapist"
ALLOWED = ("INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "NOTIFY", "INFO")
KNOWN_NOT_ALLOWED = ("REGISTER", "SUBSCRIBE", "REFER", "MESSAGE", "UPDATE", "PRACK", "PUBLISH")
ALLOW_HEADER = ("Allow", ", ".join(ALLOWED))


@dataclass(frozen=True)
class UaSettings:
    host: str = "127.0.0.1"
    port: int = 5060
    rtp_port_min: int = 20000
    rtp_port_max: int = 20100
    jitter_packets: int = 3
    max_calls: int = 4
    ring_s: float = 0.0  # how long to ring before answering (a CANCEL can still stop the call then)
    contact_user: str = "voice-therapist"


def local_ip_for(peer_ip: str, bound_host: str) -> str:
    """The address a peer reaches us on: the bound one, or when bound to any, the route's source address."""
    if bound_host not in ("0.0.0.0", "::", ""):
        return bound_host
    family = socket.AF_INET6 if ":" in peer_ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((peer_ip, 9))  # no packet is sent: this only asks the routing table
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def caller_id(request: SipMessage) -> str:
    """The caller's number or user name: P-Asserted-Identity, else From (both only as good as their source)."""
    for header in ("P-Asserted-Identity", "From"):
        value = request.get(header)
        if value:
            try:
                return parse_name_addr(value.split(",")[0]).uri.user
            except SipMessageError:
                continue
    return ""


def _warning(text: str) -> tuple[str, str]:
    return "Warning", f'399 {PRODUCT} "{text[:120]}"'


class UserAgent(asyncio.DatagramProtocol):
    def __init__(self, settings: UaSettings, session_factory: SessionFactory, timers: Timers | None = None):
        self.settings = settings
        self.timers = timers or Timers()
        self._session_factory = session_factory
        self._transport: asyncio.DatagramTransport | None = None
        self.address: Address = (settings.host, settings.port)
        self.calls: dict[str, Call] = {}
        self._numbers = itertools.count(1)
        self._clients = ClientTransactions(self._send, self.timers)
        self._cache = ResponseCache(self.timers)
        self._reliable = ReliableResponses(self._send, self.timers)
        self._tasks: set[asyncio.Task] = set()
        self._rtp_cursor = 0
        self.refused = 0  # malformed datagrams answered with an error or dropped
        self.on_call_ended: Callable[[Call], None] | None = None

    # --- transport --------------------------------------------------------------------------
    async def start(self) -> Address:
        family = socket.AF_INET6 if ":" in self.settings.host else socket.AF_INET
        loop = asyncio.get_running_loop()
        self._transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=(self.settings.host, self.settings.port), family=family)
        self.address = self._transport.get_extra_info("sockname")[:2]
        return self.address

    def _send(self, data: bytes, address: Address) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.sendto(data, address)

    def error_received(self, exc: Exception) -> None:
        log.debug("SIP socket error: %s", exc)

    async def request(self, message: SipMessage, address: Address) -> SipMessage:
        """Send a request of ours and wait for its final response (retransmitting over UDP)."""
        return await self._clients.request(message, address)

    async def request_in_dialog(self, dialog: Dialog, message: SipMessage) -> SipMessage:
        return await self._clients.request(message, dialog.peer)

    # --- incoming datagrams -----------------------------------------------------------------
    def datagram_received(self, data: bytes, addr) -> None:
        address = (addr[0], addr[1])
        try:
            message = parse_message(data)
        except SipMessageError as exc:
            self._refuse(exc, address)
            return
        try:
            if message.is_request:
                self._on_request(message, address)
            else:
                self._clients.response(message)
        except (SipMessageError, SdpError, TransferError) as exc:  # the peer's fault: answered 400
            self._refuse(SipMessageError(str(exc), message), address)
        except Exception:  # a bug must cost one message, never the server
            log.exception("SIP %s could not be handled", message.method or "response")
            if message.is_request and message.method != "ACK":
                self._respond(message, address, 500, "Server Internal Error")

    def _refuse(self, exc: SipMessageError, address: Address) -> None:
        self.refused += 1
        partial = exc.partial
        if self.refused == 1 or self.refused % 100 == 0:  # the reason may quote the datagram: DEBUG only
            log.info("malformed SIP datagram refused (%d so far)", self.refused)
        log.debug("malformed SIP datagram from %s: %s", address[0], exc)
        if partial is None or not partial.is_request or partial.method == "ACK" or not partial.get("Via"):
            return  # nothing to answer, or nowhere the answer could be routed back
        status, reason = (513, "Message Too Large") if isinstance(exc, MessageTooLarge) else (400, "Bad Request")
        self._respond(partial, address, status, reason, headers=[_warning(str(exc))])

    def _respond(self, request: SipMessage, address: Address, status: int, reason: str, to_tag: str = "",
                 headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> bytes:
        extra = [("Server", PRODUCT)] + list(headers or [])
        to_tag = to_tag or (new_tag() if status >= 200 else "")  # RFC 3261 8.2.6.2; kept when the To has one
        data = response_to(request, status, reason, to_tag=to_tag, headers=extra, body=body).to_bytes()
        self._send(data, address)
        if request.method != "INVITE" or status < 200:
            self._cache.remember(request, data)
        return data

    def _respond_reliably(self, call_id: str, cseq: int, request: SipMessage, address: Address, status: int,
                          reason: str, to_tag: str, headers=None, body: bytes = b"", on_timeout=None) -> None:
        """A final response to an INVITE: sent until the ACK comes (RFC 3261 13.3.1.4 and 17.2.1)."""
        extra = [("Server", PRODUCT)] + list(headers or [])
        data = response_to(request, status, reason, to_tag=to_tag, headers=extra, body=body).to_bytes()
        self._cache.remember(request, data)
        self._reliable.start(call_id, cseq, data, address, on_timeout)

    def _on_request(self, request: SipMessage, address: Address) -> None:
        parse_via(request.get("Via") or "")  # a request whose Via cannot be read gets 400
        if request.method == "ACK":
            self._on_ack(request)
            return
        cached = self._cache.lookup(request)
        if cached is not None:  # a retransmission: the same answer again, nothing handled twice
            self._send(cached, address)
            return
        handler = {"INVITE": self._on_invite, "BYE": self._on_bye, "CANCEL": self._on_cancel,
                   "OPTIONS": self._on_options, "NOTIFY": self._on_notify, "INFO": self._on_info}.get(request.method)
        if handler is not None:
            handler(request, address)
        elif request.method in KNOWN_NOT_ALLOWED:
            self._respond(request, address, 405, "Method Not Allowed", headers=[ALLOW_HEADER])
        else:
            self._respond(request, address, 501, "Not Implemented", headers=[ALLOW_HEADER])

    def _dialog_call(self, request: SipMessage) -> Call | None:
        call = self.calls.get(request.call_id)
        return call if call is not None and call.dialog.matches(request) else None

    # --- INVITE -----------------------------------------------------------------------------
    def _on_invite(self, request: SipMessage, address: Address) -> None:
        if parse_name_addr(request.get("To") or "").tag:
            self._on_reinvite(request, address)
            return
        if request.call_id in self.calls:
            return  # a retransmission that crossed our first response: the cache answers the next one
        cseq = request.cseq[0]
        unsupported = [ext for ext in ",".join(request.get_all("Require")).split(",") if ext.strip()]
        if unsupported:
            self._respond_reliably(request.call_id, cseq, request, address, 420, "Bad Extension", new_tag(),
                                   headers=[("Unsupported", ", ".join(e.strip() for e in unsupported))])
            return
        if len(self.calls) >= self.settings.max_calls:
            self._respond_reliably(request.call_id, cseq, request, address, 486, "Busy Here", new_tag(),
                                   headers=[("Retry-After", "60")])
            return
        content_type = (request.get("Content-Type") or "application/sdp").split(";")[0].strip().lower()
        if request.body and content_type != "application/sdp":
            self._respond_reliably(request.call_id, cseq, request, address, 415, "Unsupported Media Type", new_tag(),
                                   headers=[("Accept", "application/sdp")])
            return
        offer = parse_sdp(request.body) if request.body else None  # unreadable SDP: 400 with the reason
        try:
            chosen = negotiate(offer) if offer is not None else None
        except SdpError as exc:
            self._respond_reliably(request.call_id, cseq, request, address, 488, "Not Acceptable Here", new_tag(),
                                   headers=[_warning(str(exc)), ("Accept", "application/sdp")])
            return
        local_ip = local_ip_for(address[0], self.settings.host)
        contact = f"<sip:{self.settings.contact_user}@{_host(local_ip)}:{self.address[1]}>"
        dialog = Dialog.from_invite(request, address, contact, _host(local_ip), self.address[1])
        call = Call(next(self._numbers), dialog, self.settings.jitter_packets, self.request_in_dialog, self._ended)
        call.invite, call.invite_from = request, address
        self.calls[request.call_id] = call
        self._respond(request, address, 100, "Trying")
        self._spawn(self._answer(call, request, address, offer, chosen, local_ip))

    async def _answer(self, call: Call, request: SipMessage, address: Address, offer, chosen, local_ip: str) -> None:
        cseq = request.cseq[0]
        tag = call.dialog.local_tag
        try:
            sock = bind_rtp_socket(local_ip, self.settings.rtp_port_min, self.settings.rtp_port_max, self._rtp_cursor)
        except NoRtpPort as exc:
            log.warning("call %d refused: %s", call.number, exc)
            self._respond_reliably(request.call_id, cseq, request, address, 503, "Service Unavailable", tag,
                                   headers=[("Retry-After", "30")])
            call.finish("no RTP port")
            return
        self._rtp_cursor += 1
        port = call.media_port = await call.media.open(sock)
        if self.settings.ring_s > 0:
            self._respond(request, address, 180, "Ringing", to_tag=tag)
            await asyncio.sleep(self.settings.ring_s)
        if call.end_reason:  # cancelled while ringing
            return
        if chosen is not None:
            call.media.configure(chosen)
            body = build_answer(offer, chosen, local_ip, port, call.sdp_session_id, call.sdp_version)
        else:  # no offer in the INVITE: ours goes in the 200 OK, the answer comes in the ACK
            body = build_offer(local_ip, port, call.sdp_session_id, call.sdp_version)
        try:
            call.start(self._session_factory, caller_id(request), address[0])
        except Exception as exc:
            log.error("call %d: the session could not start: %s", call.number, type(exc).__name__, exc_info=exc)
            self._respond_reliably(request.call_id, cseq, request, address, 500, "Server Internal Error", tag)
            call.finish("session could not start")
            return
        call.invite = None
        headers = [("Contact", call.dialog.local_contact), ALLOW_HEADER, ("Supported", "replaces"),
                   ("Content-Type", "application/sdp")]
        self._respond_reliably(request.call_id, cseq, request, address, 200, "OK", tag, headers=headers, body=body,
                               on_timeout=lambda: self._spawn(call.hangup("no ACK")))
        log.info("call %d answered (%s); %d active", call.number,
                 chosen.codec if chosen else "offer sent", len(self.calls))

    def _on_reinvite(self, request: SipMessage, address: Address) -> None:
        call = self._dialog_call(request)
        if call is None:
            self._respond(request, address, 481, "Call/Transaction Does Not Exist")
            return
        cseq = request.cseq[0]
        if not call.dialog.accept_cseq(cseq):
            self._respond(request, address, 500, "Server Internal Error", headers=[_warning("CSeq out of order")])
            return
        tag = call.dialog.local_tag
        local_ip = local_ip_for(address[0], self.settings.host)
        if not request.body:  # a refresh without an offer: ours again, unchanged
            call.sdp_version += 1
            body = build_offer(local_ip, call.media_port, call.sdp_session_id, call.sdp_version)
        else:
            offer = parse_sdp(request.body)
            try:
                chosen = negotiate(offer)
            except SdpError as exc:
                self._respond_reliably(request.call_id, cseq, request, address, 488, "Not Acceptable Here", tag,
                                       headers=[_warning(str(exc))])
                return
            call.media.configure(chosen)
            call.sdp_version += 1
            body = build_answer(offer, chosen, local_ip, call.media_port, call.sdp_session_id, call.sdp_version)
            log.info("call %d: re-INVITE applied (%s, %s)", call.number, chosen.codec, chosen.direction)
        headers = [("Contact", call.dialog.local_contact), ALLOW_HEADER, ("Content-Type", "application/sdp")]
        self._respond_reliably(request.call_id, cseq, request, address, 200, "OK", tag, headers=headers, body=body)

    def _on_ack(self, request: SipMessage) -> None:
        number = request.cseq[0]
        if not self._reliable.stop(request.call_id, number):
            return  # a retransmitted ACK, or one for a call already gone
        call = self._dialog_call(request)
        if call is not None and request.body:  # the answer to the offer we put in the 200 OK
            try:
                call.media.configure(negotiate(parse_sdp(request.body)))
            except SdpError as exc:
                log.info("call %d: unusable SDP answer in the ACK; hanging up", call.number)
                log.debug("call %d: %s", call.number, exc)
                self._spawn(call.hangup("bad SDP answer"))

    # --- ending -----------------------------------------------------------------------------
    def _on_bye(self, request: SipMessage, address: Address) -> None:
        call = self._dialog_call(request)
        if call is None:
            self._respond(request, address, 481, "Call/Transaction Does Not Exist")
            return
        self._respond(request, address, 200, "OK")
        self._reliable.stop(call.dialog.call_id, call.dialog.remote_cseq)
        call.finish("remote hang-up")

    def _on_cancel(self, request: SipMessage, address: Address) -> None:
        call = self.calls.get(request.call_id)
        invite = call.invite if call is not None else None
        same = invite is not None and parse_via(invite.get("Via") or "").branch == parse_via(
            request.get("Via") or "").branch and invite.cseq[0] == request.cseq[0]
        if call is None or (invite is not None and not same):
            self._respond(request, address, 481, "Call/Transaction Does Not Exist")
            return
        self._respond(request, address, 200, "OK")
        if invite is None:
            return  # already answered: a CANCEL has no effect (RFC 3261 9.2)
        self._respond_reliably(invite.call_id, invite.cseq[0], invite, call.invite_from, 487, "Request Terminated",
                               call.dialog.local_tag)
        call.finish("cancelled")

    def _ended(self, call: Call) -> None:
        if self.calls.get(call.dialog.call_id) is call:
            del self.calls[call.dialog.call_id]
        during = " during a reply" if call.mid_reply else ""
        log.info("call %d ended (%s)%s after %.1f s; %d active", call.number, call.end_reason or "ended", during,
                 call.duration_s, len(self.calls))
        if self.on_call_ended is not None:
            self.on_call_ended(call)

    # --- other requests -----------------------------------------------------------------------
    def _on_options(self, request: SipMessage, address: Address) -> None:
        self._respond(request, address, 200, "OK",
                      headers=[ALLOW_HEADER, ("Accept", "application/sdp"), ("Supported", "replaces")])

    def _on_notify(self, request: SipMessage, address: Address) -> None:
        call = self._dialog_call(request)
        if call is None:
            self._respond(request, address, 481, "Call/Transaction Does Not Exist")
            return
        if (request.get("Event") or "").split(";")[0].strip().lower() != "refer":
            self._respond(request, address, 489, "Bad Event")
            return
        status = sipfrag_status(request.body)  # TransferError is answered with 400
        self._respond(request, address, 200, "OK")
        call.on_transfer_progress(status)

    def _on_info(self, request: SipMessage, address: Address) -> None:
        call = self._dialog_call(request)
        if call is None:
            self._respond(request, address, 481, "Call/Transaction Does Not Exist")
            return
        if (request.get("Content-Type") or "").lower().startswith("application/dtmf-relay"):
            for line in request.body.decode("utf-8", "replace").splitlines():
                name, _, value = line.partition("=")
                if name.strip().lower() == "signal" and value.strip()[:1] in "0123456789*#ABCD" and value.strip():
                    call.on_digit(value.strip()[0])
        self._respond(request, address, 200, "OK")

    # --- shutting down ----------------------------------------------------------------------
    async def close(self, timeout_s: float = 5.0) -> None:
        """Hang up every call (BYE, then the session closes), then stop listening."""
        calls = list(self.calls.values())
        if calls:
            log.info("hanging up %d call(s)", len(calls))
            hangups = [asyncio.ensure_future(call.hangup("server stopping")) for call in calls]
            await asyncio.wait(hangups, timeout=timeout_s)
            for call in calls:
                call.finish("server stopping")  # a BYE nobody answered ends the call all the same
            try:
                await asyncio.wait_for(asyncio.gather(*(call.ended.wait() for call in calls)), timeout_s)
            except TimeoutError:
                log.warning("%d call(s) did not close in time", len(self.calls))
            for task in hangups:
                task.cancel()
            await asyncio.gather(*hangups, return_exceptions=True)
        self._reliable.stop_all()
        self._clients.cancel_all()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._transport is not None:
            self._transport.close()

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("SIP task failed: %s", type(task.exception()).__name__, exc_info=task.exception())


def _host(ip: str) -> str:
    return f"[{ip}]" if ":" in ip else ip

