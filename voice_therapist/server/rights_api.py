"""The user's rights and the professionals' views over HTTP, each answered for the token's role only.

- a user: export everything, forget everything, see who read their data, grant or revoke a
  clinician's access;
- a clinician: the clients who consented, and what each consented to (403 otherwise);
- the on-call role: escalation events (levels and reasons, never words).
Every handler is a plain function: FastAPI runs it on a worker thread, so the database never
stalls the event loop that carries live audio.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..storage import consent, rights
from ..storage.store import UnknownUser
from .admission import bearer_token
from .auth import MAX_TOKEN_CHARS

DOOR = "api"
router = APIRouter(prefix="/api")
FORGET_CONFIRMATION = "forget everything"


class ConsentRequest(BaseModel):
    clinician_id: str
    scopes: list[str] = list(consent.SCOPES)


class ForgetRequest(BaseModel):
    confirm: str  # the words FORGET_CONFIRMATION: a deletion is never one stray click


def _as(request: Request, role: str) -> str | JSONResponse:
    ctx = request.app.state.ctx
    token = bearer_token(request.headers, {})
    found = ctx.memory.identify(token) if token and len(token) <= MAX_TOKEN_CHARS else None
    if found is None:
        ctx.metrics.refuse(DOOR, "bad_token" if token else "no_token")
        return JSONResponse({"error": "a valid token is required"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    if found[1] != role:
        ctx.metrics.refuse(DOOR, "wrong_role")
        return JSONResponse({"error": f"this needs a {role} token"}, status_code=403)
    return found[0]


@router.get("/me/export")
def export_me(request: Request):
    user = _as(request, "user")
    if isinstance(user, JSONResponse):
        return user
    return JSONResponse(rights.export_user(request.app.state.ctx.memory, user),
                        headers={"Content-Disposition": 'attachment; filename="voice-therapist-export.json"'})


@router.post("/me/forget")
def forget_me(body: ForgetRequest, request: Request):
    user = _as(request, "user")
    if isinstance(user, JSONResponse):
        return user
    if body.confirm != FORGET_CONFIRMATION:
        return JSONResponse({"error": f'send {{"confirm": "{FORGET_CONFIRMATION}"}} to delete everything'},
                            status_code=400)
    rights.forget_user(request.app.state.ctx.memory, user)
    return {"forgotten": True}


@router.get("/me/access-log")
def my_access_log(request: Request):
    user = _as(request, "user")
    return user if isinstance(user, JSONResponse) else {"access_log": consent.access_log(request.app.state.ctx.memory, user)}


@router.post("/me/consents")
def grant_consent(body: ConsentRequest, request: Request):
    user = _as(request, "user")
    if isinstance(user, JSONResponse):
        return user
    try:
        consent.grant(request.app.state.ctx.memory, user, body.clinician_id, tuple(body.scopes))
    except (ValueError, UnknownUser) as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    return {"granted": body.scopes}


@router.delete("/me/consents/{clinician_id}")
def revoke_consent(clinician_id: str, request: Request):
    user = _as(request, "user")
    if isinstance(user, JSONResponse):
        return user
    return {"revoked": consent.revoke(request.app.state.ctx.memory, user, clinician_id)}


@router.get("/clinician/clients")
def my_clients(request: Request):
    clinician = _as(request, "clinician")
    if isinstance(clinician, JSONResponse):
        return clinician
    return {"clients": consent.clients_of(request.app.state.ctx.memory, clinician)}


@router.get("/clinician/clients/{user_id}")
def client_view(user_id: str, request: Request):
    clinician = _as(request, "clinician")
    if isinstance(clinician, JSONResponse):
        return clinician
    try:
        return consent.clinician_view(request.app.state.ctx.memory, clinician, user_id)
    except consent.AccessDenied as exc:
        return JSONResponse({"error": str(exc)}, status_code=403)


@router.get("/oncall/escalations")
def escalations(request: Request):
    oncall = _as(request, "oncall")
    if isinstance(oncall, JSONResponse):
        return oncall
    return {"escalations": consent.oncall_escalations(request.app.state.ctx.memory, oncall)}
