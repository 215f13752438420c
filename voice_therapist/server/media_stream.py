"""`/media-stream`: phone audio in the Twilio Media Streams message format.

A gateway (Twilio's <Connect><Stream>; Telnyx's bidirectional stream, whose snake_case
field names are read too) sends `connected`, `start`, 20 ms `media` of base64 μ-law at
8 kHz, `mark` and `stop`. We answer
with `media` while the assistant speaks, `clear` when the caller barges in (the gateway drops
what it has buffered), and a `mark` after each reply. A `token` custom parameter on the
stream names a known user; without one the caller is anonymous and nothing is remembered.
See docs/telephony.md.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from ..audio.g711 import TELEPHONE_RATE, ulaw_decode, ulaw_encode
from .admission import Refusal, check_origin, identify, take_slot
from .context import ServerContext
from ..audio.stream_resample import from_internal_frames, to_internal_frames
from .limits import START_TIMEOUT_S
from .sessions import new_session, run_session
from .socket_io import Disconnected, ProtocolViolation, close_with_error, parse_object, receive

DOOR = "media_stream"
ULAW_FRAME_BYTES = TELEPHONE_RATE // 50  # 20 ms of μ-law
MAX_FRAMES_PER_MESSAGE = 5  # gateways send 20 ms; up to 100 ms is accepted and split
MULAW = ("audio/x-mulaw", "PCMU")


async def media_stream(ws: WebSocket) -> None:
    ctx: ServerContext = ws.app.state.ctx
    await ws.accept()
    refusal = check_origin(ctx, DOOR, ws.headers.get("origin"))
    if refusal is not None:
        await _refuse(ws, refusal.message, refusal.ws_code)
        return
    try:
        start = await _read_start(ws, ctx.cfg.server.max_message_bytes)
        user_id = None
        if start.token is not None:
            user_id = identify(ctx, DOOR, start.token)
            if isinstance(user_id, Refusal):
                await _refuse(ws, user_id.message, user_id.ws_code)
                return
        slot = take_slot(ctx, DOOR)
        if isinstance(slot, Refusal):
            await _refuse(ws, slot.message, slot.ws_code)
            return
        with slot:
            await _call(ctx, ws, start, user_id)
    except ProtocolViolation as exc:
        ctx.metrics.refuse(DOOR, exc.reason)
        await _refuse(ws, str(exc), exc.code)
    except Disconnected:
        pass


async def _refuse(ws: WebSocket, message: str, code: int) -> None:
    await close_with_error(ws, {"event": "error", "message": message}, code)


class _Start:
    """The `start` event. Twilio's camelCase names, and Telnyx's snake_case ones, are both read."""

    def __init__(self, message: dict[str, Any]):
        start = message.get("start")
        if not isinstance(start, dict):
            raise ProtocolViolation('"start" must carry a "start" object', reason="bad_start")
        self.sid_key = "stream_id" if "stream_id" in message else "streamSid"  # echoed back as the gateway named it
        self.stream_sid = message.get(self.sid_key) or start.get("streamSid")
        if not isinstance(self.stream_sid, str) or not self.stream_sid:
            raise ProtocolViolation('"start" must name the stream: "streamSid"', reason="bad_start")
        fmt = start.get("mediaFormat", start.get("media_format")) or {"encoding": "audio/x-mulaw"}
        rate = fmt.get("sampleRate", fmt.get("sample_rate", TELEPHONE_RATE)) if isinstance(fmt, dict) else None
        if not isinstance(fmt, dict) or fmt.get("encoding") not in MULAW or rate != TELEPHONE_RATE \
                or fmt.get("channels", 1) != 1:
            raise ProtocolViolation("only audio/x-mulaw (PCMU), 8000 Hz, mono is supported", reason="bad_codec")
        params = start.get("customParameters", start.get("custom_parameters")) or {}
        token = params.get("token") if isinstance(params, dict) else None
        if token is not None and not isinstance(token, str):
            raise ProtocolViolation('the "token" custom parameter must be a string', reason="bad_start")
        self.token = token


async def _read_start(ws: WebSocket, limit: int) -> _Start:
    """Skip `connected`; the first other message must be `start`."""
    try:
        async with asyncio.timeout(START_TIMEOUT_S):
            while True:
                message = _event(await receive(ws, limit))
                if message["event"] != "connected":
                    break
    except TimeoutError:
        raise ProtocolViolation(f"no start event within {START_TIMEOUT_S:.0f} s", reason="no_start") from None
    if message["event"] != "start":
        raise ProtocolViolation(f'expected "connected" then "start", got {message["event"]!r}', reason="no_start")
    return _Start(message)


def _event(message: bytes | str) -> dict[str, Any]:
    if isinstance(message, bytes):
        raise ProtocolViolation("binary messages are not part of the media stream protocol; send JSON text")
    return parse_object(message, type_key="event")


async def _call(ctx: ServerContext, ws: WebSocket, start: _Start, user_id: str | None) -> None:
    sid = {start.sid_key: start.stream_sid}
    before: list[str] = []  # sent ahead of the next frame: clear
    after: list[str] = []  # sent behind it: the mark that ends a reply

    def on_event(event: dict[str, Any]) -> None:
        if event["type"] == "Interrupt":
            before.append(json.dumps({"event": "clear", **sid}))
        elif event["type"] == "turn" and not event["interrupted"]:
            after.append(json.dumps({"event": "mark", **sid, "mark": {"name": f"reply-{event['index']}"}}))

    session = new_session(ctx, DOOR, user_id, on_event)
    outbound = from_internal_frames(TELEPHONE_RATE)

    async def send(frame: np.ndarray) -> None:
        if before:
            outbound.reset()
        while before:
            await ws.send_text(before.pop(0))
        narrow = outbound.convert(frame)
        if narrow.any():  # silence is not sent: the gateway plays nothing when it has nothing
            payload = base64.b64encode(ulaw_encode(narrow)).decode("ascii")
            await ws.send_text(json.dumps({"event": "media", **sid, "media": {"payload": payload}}))
        while after:
            await ws.send_text(after.pop(0))

    try:
        await run_session(ctx, DOOR, session, _frames(ws, ctx.cfg.server.max_message_bytes), send)
    except (WebSocketDisconnect, WebSocketDisconnected):
        raise Disconnected() from None
    try:
        await ws.close(code=1000)
    except (WebSocketDisconnect, WebSocketDisconnected):
        pass


async def _frames(ws: WebSocket, limit: int) -> AsyncIterator[np.ndarray]:
    inbound = to_internal_frames(TELEPHONE_RATE)
    while True:
        try:
            message = _event(await receive(ws, limit))
        except Disconnected:
            return
        kind = message["event"]
        if kind == "stop":
            return
        if kind == "media" and _inbound(message):
            for chunk in _media_chunks(message):
                yield inbound.convert(ulaw_decode(chunk))
        elif kind == "start":
            raise ProtocolViolation("the stream has already started", reason="bad_start")
        # mark (our reply was played), dtmf and events added later need no answer


def _inbound(message: dict[str, Any]) -> bool:
    """The caller's side; a gateway streaming both tracks also sends our own voice back as "outbound"."""
    media = message.get("media")
    return not isinstance(media, dict) or media.get("track", "inbound") in ("inbound", "inbound_track")


def _media_chunks(message: dict[str, Any]) -> list[bytes]:
    media = message.get("media")
    payload = media.get("payload") if isinstance(media, dict) else None
    if not isinstance(payload, str):
        raise ProtocolViolation('"media" must carry "media": {"payload": BASE64}', reason="bad_media")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolViolation("media.payload is not valid base64", reason="bad_media") from None
    if not raw or len(raw) % ULAW_FRAME_BYTES or len(raw) > MAX_FRAMES_PER_MESSAGE * ULAW_FRAME_BYTES:
        raise ProtocolViolation(f"media.payload must be whole 20 ms frames of 8 kHz mu-law ({ULAW_FRAME_BYTES} bytes "
                                f"each, at most {MAX_FRAMES_PER_MESSAGE}); got {len(raw)} bytes", reason="bad_frame")
    return [raw[i:i + ULAW_FRAME_BYTES] for i in range(0, len(raw), ULAW_FRAME_BYTES)]
