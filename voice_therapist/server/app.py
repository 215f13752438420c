"""The FastAPI app: the page, the three doors, the user's data, health and metrics."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ..config import Config
from ..pipeline.models import Models
from ..safety.escalation_service import escalation_service
from ..safety.responses import SafetyScripts
from .api import router as api_router
from .rights_api import router as rights_router
from .auth import Authenticator
from .context import ServerContext
from .limits import SessionLimiter
from .media_stream import media_stream
from .metrics import ServerMetrics
from .talk_socket import talk_socket
from .webrtc import webrtc_offer

STATIC = Path(__file__).resolve().parent / "static"
# The page loads nothing from elsewhere; the token sits in its URL at first, so no referrer.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def create_app(cfg: Config, models: Models, auth: Authenticator, memory) -> FastAPI:
    """One app per process; it runs the process's escalation service for as long as it serves."""
    ctx = ServerContext(cfg=cfg, models=models, auth=auth, memory=memory,
                        limiter=SessionLimiter(cfg.server.max_sessions), metrics=ServerMetrics(),
                        safety=SafetyScripts(cfg.safety.locale), escalations=escalation_service(cfg, memory))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with ctx.escalations:
            yield
            await asyncio.gather(*(call.close() for call in list(ctx.closing)), return_exceptions=True)

    app = FastAPI(title="voice-therapist", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx

    @app.middleware("http")
    async def page_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in PAGE_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/clinician", include_in_schema=False)
    async def clinician_page() -> FileResponse:
        return FileResponse(STATIC / "clinician.html")

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "models_loaded": ctx.models is not None,
                             "active_sessions": ctx.limiter.active, "max_sessions": ctx.limiter.max_sessions})

    @app.get("/metrics")
    async def metrics() -> Response:
        body, content_type = ctx.metrics.exposition()
        return Response(body, media_type=content_type)

    app.include_router(api_router)
    app.include_router(rights_router)
    app.add_api_route("/webrtc/offer", webrtc_offer, methods=["POST"])
    app.add_api_websocket_route("/ws/talk", talk_socket)
    app.add_api_websocket_route("/media-stream", media_stream)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
