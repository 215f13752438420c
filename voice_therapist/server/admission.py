"""May this connection open a session? Origin, then token, then a free place; refusals are counted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .auth import user_for
from .context import ServerContext
from .limits import SessionSlot, origin_allowed


@dataclass(frozen=True)
class Refusal:
    reason: str  # the metric label
    ws_code: int  # WebSocket close code
    http_status: int
    message: str  # shown to the client: says what to do, never who else is there


NO_TOKEN = Refusal("no_token", 4401, 401, "a token is required: ?token=TOKEN or the header Authorization: Bearer TOKEN")
BAD_TOKEN = Refusal("bad_token", 4401, 401, "unknown token")
BAD_ORIGIN = Refusal("bad_origin", 4403, 403, "this page's origin is not allowed (server.allowed_origins)")
BUSY = Refusal("too_many_sessions", 4429, 503, "too many sessions at once; please try again in a few minutes")


@dataclass
class Admitted:
    user_id: str | None  # None: an anonymous caller, with no memory
    slot: SessionSlot


def bearer_token(headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    """The token from `Authorization: Bearer ...`, else from `?token=` (browsers' WebSockets cannot set headers)."""
    header = headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return query.get("token", "").strip()


def check_origin(ctx: ServerContext, door: str, origin: str | None) -> Refusal | None:
    if origin_allowed(origin, ctx.cfg.server.allowed_origins):
        return None
    ctx.metrics.refuse(door, BAD_ORIGIN.reason)
    return BAD_ORIGIN


def identify(ctx: ServerContext, door: str, token: str) -> str | Refusal:
    user = user_for(ctx.auth, token) if token else None
    if user is not None:
        return user
    refusal = BAD_TOKEN if token else NO_TOKEN
    ctx.metrics.refuse(door, refusal.reason)
    return refusal


def take_slot(ctx: ServerContext, door: str) -> SessionSlot | Refusal:
    slot = ctx.limiter.try_acquire()
    if slot is None:
        ctx.metrics.refuse(door, BUSY.reason)
        return BUSY
    return slot


def admit(ctx: ServerContext, door: str, origin: str | None, token: str) -> Admitted | Refusal:
    """Origin, token and capacity, in that order; the first failure is the answer."""
    refusal = check_origin(ctx, door, origin)
    if refusal is not None:
        return refusal
    user = identify(ctx, door, token)
    if isinstance(user, Refusal):
        return user
    slot = take_slot(ctx, door)
    if isinstance(slot, Refusal):
        return slot
    return Admitted(user, slot)
