"""Reading WebSocket messages with limits, and refusing bad ones clearly without a traceback."""

from __future__ import annotations

import json
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

CLOSE_BAD_INPUT = 4400
CLOSE_TOO_LARGE = 1009  # the standard code for a message too big to process


class ProtocolViolation(Exception):
    """The client broke the protocol; the message is sent to it before the connection closes."""

    def __init__(self, message: str, reason: str = "bad_message", code: int = CLOSE_BAD_INPUT):
        super().__init__(message)
        self.reason = reason  # the metric label
        self.code = code


class Disconnected(Exception):
    """The client went away."""


async def receive(ws: WebSocket, max_bytes: int) -> bytes | str:
    """The next message, text or binary; raises Disconnected, or ProtocolViolation when too large."""
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise Disconnected()
    data = message.get("bytes")
    if data is None:
        data = message.get("text") or ""
        size = len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > max_bytes:
        raise ProtocolViolation(f"message of {size} bytes is over the limit of {max_bytes} bytes",
                                reason="too_large", code=CLOSE_TOO_LARGE)
    return data


def parse_object(text: str, type_key: str = "type") -> dict[str, Any]:
    """A JSON object with a string `type_key`, or a ProtocolViolation saying what is wrong."""
    try:
        value = json.loads(text)
    except ValueError:
        raise ProtocolViolation("text messages must be JSON objects; this one is not valid JSON",
                                reason="bad_json") from None
    if not isinstance(value, dict) or not isinstance(value.get(type_key), str):
        raise ProtocolViolation(f'text messages must be JSON objects with a string "{type_key}"', reason="bad_json")
    return value


async def send_quietly(ws: WebSocket, text: str) -> bool:
    """Send unless the client is gone; False when it is."""
    try:
        await ws.send_text(text)
        return True
    except (WebSocketDisconnect, WebSocketDisconnected):
        return False


async def close_with_error(ws: WebSocket, error: dict[str, Any], code: int) -> None:
    """Tell the client why, then close with a code that says the same; a vanished client is fine."""
    if await send_quietly(ws, json.dumps(error)):
        try:
            await ws.close(code=code, reason=str(error.get("message", ""))[:120])
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass
