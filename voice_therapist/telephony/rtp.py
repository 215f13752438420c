"""RTP packets (RFC 3550 section 5.1): read what a peer sends, number what we send."""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

HEADER = struct.Struct("!BBHII")
MAX_PACKET_BYTES = 1500


class RtpError(ValueError):
    """Not an RTP packet we can use; the message says why."""


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes
    marker: bool = False

    def to_bytes(self) -> bytes:
        return HEADER.pack(0x80, (0x80 if self.marker else 0) | self.payload_type, self.sequence & 0xFFFF,
                           self.timestamp & 0xFFFFFFFF, self.ssrc) + self.payload


def parse_rtp(data: bytes) -> RtpPacket:
    if len(data) < HEADER.size:
        raise RtpError(f"{len(data)} bytes is shorter than an RTP header")
    if len(data) > MAX_PACKET_BYTES:
        raise RtpError(f"{len(data)}-byte packet is larger than {MAX_PACKET_BYTES}")
    first, second, sequence, timestamp, ssrc = HEADER.unpack_from(data)
    if first >> 6 != 2:
        raise RtpError(f"RTP version {first >> 6}, expected 2")
    if 72 <= second & 0x7F <= 76:
        raise RtpError("an RTCP packet on the RTP port")
    offset = HEADER.size + 4 * (first & 0x0F)  # CSRC list
    if first & 0x10:  # header extension: 16-bit profile, 16-bit length in words
        if len(data) < offset + 4:
            raise RtpError("truncated header extension")
        offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
    end = len(data)
    if first & 0x20:  # padding: the last byte counts the padding bytes
        end -= data[-1]
    if offset > end:
        raise RtpError("header, extension and padding are longer than the packet")
    return RtpPacket(second & 0x7F, sequence, timestamp, ssrc, bytes(data[offset:end]), bool(second & 0x80))


class RtpSender:
    """Our outgoing stream: one SSRC, sequence and timestamp counted on from random starts (RFC 3550 5.1)."""

    def __init__(self, payload_type: int, rng: random.Random | None = None):
        rng = rng or random.SystemRandom()
        self.payload_type = payload_type
        self.ssrc = rng.getrandbits(32)
        self.sequence = rng.getrandbits(16)
        self.timestamp = rng.getrandbits(32)
        self._talkspurt = True

    def packet(self, payload: bytes, samples: int) -> bytes:
        """The next packet carrying `payload`, which holds `samples` samples at the codec's clock rate."""
        packet = RtpPacket(self.payload_type, self.sequence, self.timestamp, self.ssrc, payload, self._talkspurt)
        self._talkspurt = False
        self.sequence = (self.sequence + 1) & 0xFFFF
        self.timestamp = (self.timestamp + samples) & 0xFFFFFFFF
        return packet.to_bytes()

    def skip(self, samples: int) -> None:
        """Time passes without a packet (we are on hold): the next packet starts a new talkspurt."""
        self.timestamp = (self.timestamp + samples) & 0xFFFFFFFF
        self._talkspurt = True
