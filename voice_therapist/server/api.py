"""The user's own data for the page: coping cards, moods and questionnaire scores over sessions, by token only.

`/api/me/...` reads the token's user. `/api/users/{id}/...` exists for clients that name the
user; it answers only when the id is the token's own (403 otherwise), so one user's data is
never reachable with another's token.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..measures.trend import measure_trend
from .admission import Refusal, bearer_token, identify
from .context import ServerContext

DOOR = "api"
router = APIRouter(prefix="/api")


def _user(request: Request) -> str | JSONResponse:
    ctx: ServerContext = request.app.state.ctx
    user = identify(ctx, DOOR, bearer_token(request.headers, {}))
    if isinstance(user, Refusal):
        return JSONResponse({"error": user.message}, status_code=user.http_status,
                            headers={"WWW-Authenticate": "Bearer"})
    return user


def _same_user(request: Request, user_id: str) -> str | JSONResponse:
    user = _user(request)
    if isinstance(user, str) and user != user_id:
        request.app.state.ctx.metrics.refuse(DOOR, "other_user")
        return JSONResponse({"error": "a token reads only its own user's data"}, status_code=403)
    return user


def _cards(ctx: ServerContext, user: str) -> dict:
    return {"coping_cards": ctx.memory.artifacts(user, "coping_card"),
            "next_steps": ctx.memory.artifacts(user, "next_step")}


def _moods(ctx: ServerContext, user: str) -> dict:
    keep = ("started_at", "modality", "mood_start", "mood_end")
    return {"sessions": [{k: s[k] for k in keep} for s in ctx.memory.sessions(user)
                         if s["mood_start"] is not None or s["mood_end"] is not None]}


def _measures(ctx: ServerContext, user: str) -> dict:
    return {"measures": measure_trend(ctx.memory.artifacts(user, "measure"))}


@router.get("/resources")
def resources(request: Request) -> dict:
    """The crisis lines for this server's locale: public, so the page shows them before any login."""
    ctx: ServerContext = request.app.state.ctx
    return {"locale": ctx.safety.locale, "resources": ctx.safety.resources}


@router.get("/me")
def me(request: Request):
    user = _user(request)
    return user if isinstance(user, JSONResponse) else {"user": user}


@router.get("/me/cards")
def my_cards(request: Request):
    user = _user(request)
    return user if isinstance(user, JSONResponse) else _cards(request.app.state.ctx, user)


@router.get("/me/moods")
def my_moods(request: Request):
    user = _user(request)
    return user if isinstance(user, JSONResponse) else _moods(request.app.state.ctx, user)


@router.get("/me/measures")
def my_measures(request: Request):
    user = _user(request)
    return user if isinstance(user, JSONResponse) else _measures(request.app.state.ctx, user)


@router.get("/users/{user_id}/cards")
def user_cards(user_id: str, request: Request):
    user = _same_user(request, user_id)
    return user if isinstance(user, JSONResponse) else _cards(request.app.state.ctx, user)


@router.get("/users/{user_id}/moods")
def user_moods(user_id: str, request: Request):
    user = _same_user(request, user_id)
    return user if isinstance(user, JSONResponse) else _moods(request.app.state.ctx, user)
