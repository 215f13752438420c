"""A live caller's audio driving a session: one reply frame goes back for every frame that comes in.

The network doors (WebSocket, media stream, SIP) share this. The caller's own clock paces the
session, so no timer runs on the server and a silent or stalled peer costs nothing. Input is
the internal format (16 kHz mono int16, 20 ms frames); each door converts at its edge.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import numpy as np

from ..audio.pcm import FRAME_MS, FRAME_SAMPLES
from ..pipeline.session import VoiceSession


class FrameSizeError(ValueError):
    """A frame that is not 20 ms of 16 kHz audio."""


async def drive_session(session: VoiceSession, frames_in: AsyncIterator[np.ndarray],
                        send: Callable[[np.ndarray], Awaitable[None]]) -> int:
    """Feed every incoming frame to the session and send back the frame it plays; returns the frame count.

    The session is closed when the input ends, however it ends (hang-up, error, cancel).
    """
    count = 0
    try:
        async for frame in frames_in:
            if frame.shape != (FRAME_SAMPLES,):
                raise FrameSizeError(f"expected {FRAME_SAMPLES} samples per frame, got {frame.shape}")
            await send(session.tick(frame.astype(np.int16, copy=False), count * FRAME_MS))
            count += 1
    finally:
        await session.aclose()
    return count
