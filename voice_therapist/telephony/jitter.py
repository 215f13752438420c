"""A jitter buffer for one incoming RTP stream, read on our own 20 ms playout clock.

Packets are put back in sequence order; late and duplicate ones are dropped. Reading starts
once `depth` packets are waiting, so network jitter up to that depth is absorbed. A packet
missing while later ones are waiting is lost: the reader conceals it with silence. An empty
buffer is an underrun (the peer paused or stalled): nothing is skipped, and reading waits to
refill to `depth` again. A buffer that grows past `max_depth` (a faster clock, a burst) drops
its oldest packets, so the delay it adds stays bounded.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

SEQ_MOD = 1 << 16
RESYNC_GAP = 3000  # a jump this far (1 min of 20 ms packets) is a restarted stream, not loss


class Gap(Enum):
    LOST = "lost"  # a packet is missing: conceal one packet's worth
    EMPTY = "empty"  # nothing to play yet: conceal the rest of the frame


@dataclass
class JitterStats:
    received: int = 0
    late: int = 0
    duplicate: int = 0
    lost: int = 0
    dropped: int = 0  # overflow
    resyncs: int = 0


class JitterBuffer:
    def __init__(self, depth: int, max_depth: int | None = None):
        if depth < 1:
            raise ValueError("depth must be at least one packet")
        self.depth = depth
        self.max_depth = max(max_depth or 4 * depth + 5, depth + 1)
        self.stats = JitterStats()
        self._packets: dict[int, bytes] = {}
        self._next: int | None = None  # extended sequence number to play next
        self._highest: int | None = None
        self._ssrc: int | None = None
        self._playing = False
        self._started = False  # once playing has begun, anything before `_next` is late

    def __len__(self) -> int:
        return len(self._packets)

    def push(self, sequence: int, payload: bytes, ssrc: int = 0) -> bool:
        """Add a packet; False when it was dropped as late or duplicate."""
        if ssrc != self._ssrc:
            self.reset()
            self._ssrc = ssrc
        extended = self._extend(sequence)
        if self._next is not None and abs(extended - self._highest) > RESYNC_GAP:
            self.reset()
            self._ssrc = ssrc
            self.stats.resyncs += 1
            extended = sequence
        if self._next is None:
            self._next = self._highest = extended
        if self._started and extended < self._next:
            self.stats.late += 1
            return False
        if extended in self._packets:
            self.stats.duplicate += 1
            return False
        self.stats.received += 1
        self._packets[extended] = payload
        self._highest = max(self._highest, extended)
        while len(self._packets) > self.max_depth:
            self._packets.pop(min(self._packets))
            self.stats.dropped += 1
            self._next = min(self._packets)
        return True

    def pop(self) -> bytes | Gap:
        """The next payload in order, or the kind of gap to conceal."""
        if not self._packets:
            self._playing = False
            return Gap.EMPTY
        if not self._playing:
            if len(self._packets) < self.depth:
                return Gap.EMPTY
            self._playing = True
            if not self._started:
                self._next, self._started = min(self._packets), True
        payload = self._packets.pop(self._next, None)
        self._next += 1
        if payload is None:
            self.stats.lost += 1
            return Gap.LOST
        return payload

    def reset(self) -> None:
        self._packets.clear()
        self._next = self._highest = None
        self._playing = self._started = False

    def _extend(self, sequence: int) -> int:
        """The 16-bit sequence number unwrapped next to the highest one seen (RFC 3550 appendix A.1)."""
        if self._highest is None:
            return sequence
        base = self._highest - self._highest % SEQ_MOD + sequence
        candidates = (base - SEQ_MOD, base, base + SEQ_MOD)
        return min(candidates, key=lambda c: abs(c - self._highest))
