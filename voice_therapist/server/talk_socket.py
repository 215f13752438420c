"""`/ws/talk`: PCM frames over a WebSocket, events as JSON (docs/websocket-talk-protocol.md).

One connection is one session. The client's frames pace everything: each frame in is
answered by exactly one frame out, preceded by any events that happened since the last one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from .admission import Refusal, admit, bearer_token
from .context import ServerContext
from ..audio.stream_resample import from_internal_frames, to_internal_frames
from .limits import START_TIMEOUT_S
from .sessions import new_session, run_session
from .socket_io import Disconnected, ProtocolViolation, close_with_error, parse_object, receive, send_quietly

DOOR = "talk"
RATES = (16000, 48000)


async def talk_socket(ws: WebSocket) -> None:
    ctx: ServerContext = ws.app.state.ctx
    await ws.accept()  # accepted first, so a refusal can say why in a message and a close code
    admitted = admit(ctx, DOOR, ws.headers.get("origin"), bearer_token(ws.headers, ws.query_params))
    if isinstance(admitted, Refusal):
        await close_with_error(ws, {"type": "error", "message": admitted.message}, admitted.ws_code)
        return
    with admitted.slot:
        try:
            await _converse(ctx, ws, admitted.user_id)
        except ProtocolViolation as exc:
            ctx.metrics.refuse(DOOR, exc.reason)
            await close_with_error(ws, {"type": "error", "message": str(exc)}, exc.code)
        except Disconnected:
            pass


async def _converse(ctx: ServerContext, ws: WebSocket, user_id: str) -> None:
    limit = ctx.cfg.server.max_message_bytes
    rate = await _read_start(ws, limit)
    outbox: list[str] = []
    outbound = from_internal_frames(rate)

    def on_event(event: dict[str, Any]) -> None:
        outbox.append(json.dumps(event))
        if event["type"] == "Interrupt":
            outbox.append(json.dumps({"type": "clear"}))
            outbound.reset()

    session = new_session(ctx, DOOR, user_id, on_event)
    try:
        await ws.send_text(json.dumps({"type": "ready", "session_id": session.session_id, "sample_rate": rate,
                                       "modality": ctx.cfg.session.modality}))
        await ws.send_text(json.dumps({"type": "resources", "locale": ctx.safety.locale,
                                       "resources": ctx.safety.resources}))
    except (WebSocketDisconnect, WebSocketDisconnected):
        await session.aclose()
        raise Disconnected() from None

    async def send(frame: np.ndarray) -> None:
        while outbox:
            await ws.send_text(outbox.pop(0))
        await ws.send_bytes(outbound.convert(frame).astype("<i2").tobytes())

    try:
        reason = await run_session(ctx, DOOR, session, _frames(ws, rate, limit), send)
    except (WebSocketDisconnect, WebSocketDisconnected):  # the client vanished while we were sending
        raise Disconnected() from None
    for text in outbox:  # events from the session's close (an escalation's outcome)
        await send_quietly(ws, text)
    if await send_quietly(ws, json.dumps({"type": "ended", "reason": reason})):
        await ws.close(code=1000)


async def _read_start(ws: WebSocket, limit: int) -> int:
    try:
        async with asyncio.timeout(START_TIMEOUT_S):
            message = await receive(ws, limit)
    except TimeoutError:
        raise ProtocolViolation(f'no {{"type": "start"}} message within {START_TIMEOUT_S:.0f} s',
                                reason="no_start") from None
    if isinstance(message, bytes):
        raise ProtocolViolation('send {"type": "start", "sample_rate": 16000} before any audio', reason="no_start")
    start = parse_object(message)
    if start["type"] != "start":
        raise ProtocolViolation(f'the first message must be {{"type": "start"}}, not {start["type"]!r}',
                                reason="no_start")
    rate = start.get("sample_rate", 16000)
    if rate not in RATES or isinstance(rate, bool):
        raise ProtocolViolation(f"sample_rate must be one of {', '.join(map(str, RATES))}", reason="bad_rate")
    return int(rate)


async def _frames(ws: WebSocket, rate: int, limit: int) -> AsyncIterator[np.ndarray]:
    """The client's frames in the internal format, until `stop` or the socket closes."""
    inbound = to_internal_frames(rate)
    frame_bytes = rate // 50 * 2
    while True:
        try:
            message = await receive(ws, limit)
        except Disconnected:
            return
        if isinstance(message, bytes):
            if len(message) != frame_bytes:
                raise ProtocolViolation(f"a frame must be exactly {frame_bytes} bytes (20 ms of int16 mono at "
                                        f"{rate} Hz); got {len(message)}", reason="bad_frame")
            yield inbound.convert(np.frombuffer(message, "<i2"))
            continue
        kind = parse_object(message)["type"]
        if kind == "stop":
            return
        raise ProtocolViolation(f"unexpected message type {kind!r} during a session (expected audio or stop)")
