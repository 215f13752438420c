"""One call's audio: an RTP socket, the jitter buffer, and the 20 ms clock that paces the session.

RTP is symmetric (RFC 4961): the first packet's source is latched as the peer, for receiving and
sending, because a phone behind NAT or with several interfaces often sends from an address other
than the one in its SDP. Once latched, packets from anywhere else are dropped, until a re-INVITE.

Our own clock reads the jitter buffer every 20 ms and hands the session one 16 kHz frame, so
a peer that pauses (silence suppression, a lost burst) still hears the assistant on time. On
hold (we may not send) the session is not fed: what the assistant was saying waits for the
caller to come back instead of being spoken into the void.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable

import numpy as np

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES
from .dtmf import DtmfError, DtmfReceiver
from .jitter import Gap, JitterBuffer
from .narrowband import NARROW_FRAME, TelephoneCodec
from .rtp import RtpError, RtpSender, parse_rtp
from .sdp import NegotiatedAudio

log = logging.getLogger(__name__)
FRAME_S = FRAME_MS / 1000
MAX_LAG_S = 0.2  # the clock fell this far behind (a stalled loop): start again from now, no burst


class NoRtpPort(RuntimeError):
    """Every port in the configured RTP range is taken."""


def bind_rtp_socket(host: str, port_min: int, port_max: int, start: int = 0) -> socket.socket:
    """A UDP socket on the first free even port of the range (the odd one above is RTCP's, by convention)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    first = port_min + port_min % 2
    ports = list(range(first, port_max + 1, 2))
    if not ports:
        raise NoRtpPort(f"no even port in {port_min}-{port_max}")
    offset = start % len(ports)
    for port in ports[offset:] + ports[:offset]:
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            continue
        sock.setblocking(False)
        return sock
    raise NoRtpPort(f"every RTP port in {port_min}-{port_max} is in use")


class MediaStream(asyncio.DatagramProtocol):
    def __init__(self, jitter_packets: int, on_digit: Callable[[str], None]):
        self._jitter = JitterBuffer(jitter_packets)
        self._on_digit = on_digit
        self._dtmf = DtmfReceiver()
        self._transport: asyncio.DatagramTransport | None = None
        self._audio: NegotiatedAudio | None = None
        self._codec: TelephoneCodec | None = None
        self._sender: RtpSender | None = None
        self._latched: tuple[str, int] | None = None
        self._narrow = np.zeros(0, np.int16)  # decoded 8 kHz samples waiting for the next frame
        self._last_packet_samples = NARROW_FRAME
        self._resumed = asyncio.Event()
        self._closed = False
        self.bad_packets = 0
        self.frames_sent = 0

    async def open(self, sock: socket.socket) -> int:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, sock=sock)
        return sock.getsockname()[1]

    # --- what was negotiated ----------------------------------------------------------------
    def configure(self, audio: NegotiatedAudio) -> None:
        """Apply an offer/answer: a first one, or a re-INVITE's (new address, codec or hold)."""
        previous, self._audio = self._audio, audio
        if previous is None or previous.codec != audio.codec:
            self._codec = TelephoneCodec(audio.codec)
            self._sender = RtpSender(audio.payload_type)
        if previous is not None and (previous.remote_ip, previous.remote_port) != (audio.remote_ip, audio.remote_port):
            self._jitter.reset()  # packets from the old address are another stream
            self._latched = None
        if audio.we_send:
            self._resumed.set()
        else:
            self._resumed.clear()
            self._jitter.reset()

    @property
    def on_hold(self) -> bool:
        return self._audio is not None and not self._audio.we_send

    @property
    def peer(self) -> tuple[str, int] | None:
        """Where our RTP goes: the latched source, else the address in the peer's SDP."""
        if self._latched is not None:
            return self._latched
        return (self._audio.remote_ip, self._audio.remote_port) if self._audio is not None else None

    @property
    def jitter_stats(self):
        return self._jitter.stats

    # --- incoming ---------------------------------------------------------------------------
    def datagram_received(self, data: bytes, addr) -> None:
        audio = self._audio
        if audio is None or self._closed or not audio.we_receive or self.on_hold:
            return  # on hold the caller's side may play music: not words for the session
        source = (addr[0], addr[1])
        if self._latched is not None and source != self._latched:
            self.bad_packets += 1  # only the latched peer may speak on this port
            return
        try:
            packet = parse_rtp(data)
            if self._latched is None and packet.payload_type in (audio.payload_type, audio.dtmf_payload_type):
                self._latched = source
            if packet.payload_type == audio.dtmf_payload_type:
                digit = self._dtmf.feed(packet.timestamp, packet.payload)
                if digit is not None:
                    self._on_digit(digit)
            elif packet.payload_type == audio.payload_type:
                self._jitter.push(packet.sequence, packet.payload, packet.ssrc)
            # anything else (comfort noise, a codec we did not agree on) is not speech: ignored
        except (RtpError, DtmfError):
            self.bad_packets += 1

    def error_received(self, exc: Exception) -> None:
        log.debug("RTP socket error: %s", exc)  # e.g. ICMP port unreachable while the peer sets up

    # --- the clock ----------------------------------------------------------------------------
    async def frames(self) -> AsyncIterator[np.ndarray]:
        """One 16 kHz frame every 20 ms until closed; nothing while we are on hold."""
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        while not self._closed:
            if self.on_hold:
                await self._resumed.wait()
                deadline = loop.time()
                continue
            deadline += FRAME_S
            delay = deadline - loop.time()
            if delay < -MAX_LAG_S:
                deadline = loop.time()
            elif delay > 0:
                await asyncio.sleep(delay)
            if self._closed:
                break
            yield self._next_frame()

    def _next_frame(self) -> np.ndarray:
        codec = self._codec
        if codec is None:
            return np.zeros(FRAME_SAMPLES, np.int16)
        parts = [self._narrow]
        have = self._narrow.size
        while have < NARROW_FRAME:
            item = self._jitter.pop()
            if item is Gap.EMPTY:
                parts.append(np.zeros(NARROW_FRAME - have, np.int16))
                break
            if item is Gap.LOST:
                piece = np.zeros(self._last_packet_samples, np.int16)
            else:
                piece = codec.decode(item)
                if piece.size:
                    self._last_packet_samples = min(piece.size, 4 * NARROW_FRAME)
            parts.append(piece)
            have += piece.size
        joined = np.concatenate(parts)
        self._narrow = joined[NARROW_FRAME:]
        return codec.upsample(joined[:NARROW_FRAME])

    # --- outgoing -----------------------------------------------------------------------------
    async def send(self, frame: np.ndarray) -> None:
        audio, codec, sender, transport = self._audio, self._codec, self._sender, self._transport
        if audio is None or codec is None or sender is None or transport is None or self._closed:
            return
        payload = codec.encode(frame)
        if not audio.we_send or audio.remote_port == 0 or audio.remote_ip in ("0.0.0.0", "::"):
            sender.skip(len(payload))
            return
        transport.sendto(sender.packet(payload, len(payload)), self.peer)
        self.frames_sent += 1

    def close(self) -> None:
        self._closed = True
        self._resumed.set()  # a held call's clock wakes up to see that it is over
        if self._transport is not None:
            self._transport.close()

    def connection_made(self, transport) -> None:
        self._transport = transport
