"""The telephone edge: 8 kHz G.711 payloads <-> the internal 16 kHz 20 ms frames.

One pair of streaming resamplers per call (audio/stream_resample.py, shared with the other
doors): exactly one frame out per frame in, as a 20 ms RTP clock needs.
"""

from __future__ import annotations

import numpy as np

from ..audio.g711 import TELEPHONE_RATE, alaw_decode, alaw_encode, ulaw_decode, ulaw_encode
from ..audio.stream_resample import from_internal_frames, to_internal_frames

NARROW_FRAME = 160  # 20 ms at 8 kHz
CODECS = {"PCMU": (ulaw_encode, ulaw_decode), "PCMA": (alaw_encode, alaw_decode)}


class TelephoneCodec:
    """One direction pair of one call: G.711 bytes in and out, 16 kHz frames inside."""

    def __init__(self, codec: str):
        if codec not in CODECS:
            raise ValueError(f"unsupported telephone codec {codec!r}")
        self.name = codec
        self._encode, self._decode = CODECS[codec]
        self._up, self._down = to_internal_frames(TELEPHONE_RATE), from_internal_frames(TELEPHONE_RATE)

    def decode(self, payload: bytes) -> np.ndarray:
        """G.711 bytes -> 8 kHz int16 samples (one byte each)."""
        return self._decode(payload)

    def upsample(self, narrow: np.ndarray) -> np.ndarray:
        return self._up.convert(narrow)

    def encode(self, wide_frame: np.ndarray) -> bytes:
        """A 16 kHz frame -> G.711 bytes of the same duration."""
        return self._encode(self._down.convert(wide_frame))


def narrowband_roundtrip(pcm16k: np.ndarray, codec: str = "PCMU") -> np.ndarray:
    """What a phone line does to 16 kHz speech: down to 8 kHz G.711 and back up, as a call's edge does it."""
    sender, receiver = TelephoneCodec(codec), TelephoneCodec(codec)
    even = pcm16k[:pcm16k.size - pcm16k.size % 2]
    frames = [even[i:i + 2 * NARROW_FRAME] for i in range(0, even.size, 2 * NARROW_FRAME)]
    out = [receiver.upsample(receiver.decode(sender.encode(frame))) for frame in frames]
    return np.concatenate(out) if out else np.zeros(0, np.int16)
