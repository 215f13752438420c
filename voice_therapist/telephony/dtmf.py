"""DTMF digits carried as RFC 4733 telephone-events in the RTP stream.

One key press is many packets with the same RTP timestamp (updates, then the end packet sent
three times); a receiver reports it once, when the first packet of that event arrives.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

EVENTS = "0123456789*#ABCD"
_PAYLOAD = struct.Struct("!BBH")


class DtmfError(ValueError):
    """A telephone-event payload that cannot be read."""


@dataclass(frozen=True)
class DtmfEvent:
    digit: str
    end: bool
    volume: int  # -dBm0, 0..63
    duration: int  # in timestamp units (8 kHz)

    def to_bytes(self) -> bytes:
        return _PAYLOAD.pack(EVENTS.index(self.digit), (0x80 if self.end else 0) | (self.volume & 0x3F),
                             self.duration & 0xFFFF)


def parse_event(payload: bytes) -> DtmfEvent:
    if len(payload) < _PAYLOAD.size:
        raise DtmfError(f"telephone-event payload of {len(payload)} bytes, expected 4")
    event, flags, duration = _PAYLOAD.unpack_from(payload)
    if event >= len(EVENTS):
        raise DtmfError(f"telephone-event {event} is not a DTMF digit")
    return DtmfEvent(EVENTS[event], bool(flags & 0x80), flags & 0x3F, duration)


class DtmfReceiver:
    """Turns the packets of one stream into key presses, each reported once."""

    def __init__(self, remembered: int = 16):
        self._seen: list[tuple[int, str]] = []  # (RTP timestamp, digit) of recent events
        self._remembered = remembered

    def feed(self, timestamp: int, payload: bytes) -> str | None:
        """The digit when this packet starts a new key press; None for its updates and repeats."""
        event = parse_event(payload)
        key = (timestamp, event.digit)
        if key in self._seen:
            return None
        self._seen = (self._seen + [key])[-self._remembered:]
        return event.digit
